#include "server/services/export_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/core/policy.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include <Poco/UUIDGenerator.h>

#include <regex>

namespace registry::services {
namespace {

void audit(db::ConnectionPool& pool, const core::Caller& caller, const std::string& action, const std::string& id,
           const std::string& detail) {
    db::inTransaction(pool, [&](pqxx::work& tx) {
        auto event = core::newAuditEvent(caller, action, "success", "research_export", id);
        event.purpose = "research";
        event.detail = detail;
        db::AuditRepository::append(tx, event);
    });
}

}  // namespace

db::ExportRow ExportService::create(const core::Caller& caller, const reports::ExportFilter& filter) {
    core::Policy::require(caller.user, "export.research");
    // The same validation as a report's parameters; the export has no kind or granularity.
    std::vector<FieldError> errors;
    try {
        if (!filter.from.empty() || !filter.to.empty() || !filter.region.empty()) {
            reports::ReportEngine::parseParams("evaluation", filter.region, filter.from.empty() ? "2000-01-01" : filter.from,
                                               filter.to.empty() ? "2999-12-31" : filter.to, "month");
        }
    } catch (const Error& e) {
        for (const auto& f : e.errors()) {
            if (f.code != "range") errors.push_back(f);
        }
    }
    const auto cat = engine_.catalogue();
    if (!filter.region.empty()) {
        bool known = false;
        for (const auto& r : cat->regions) known = known || r.first == filter.region;
        if (!known) errors.push_back({"region", "code_list", "unknown region '" + filter.region + "'"});
    }
    if (!errors.empty()) throw validationFailed(errors);
    db::ExportRow row;
    row.id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    row.requestedBy = caller.user.userId;
    row.region = filter.region;
    row.from = filter.from;
    row.to = filter.to;
    row.status = "ready";
    for (int v : cat->versions) row.formVersions += (row.formVersions.empty() ? "" : ",") + std::to_string(v);
    {
        auto lease = reportPool_.acquire();
        pqxx::read_transaction tx(*lease);
        row.recordCount = reports::countExport(tx, *cat, filter);
    }
    db::inTransaction(primary_, [&](pqxx::work& tx) {
        db::ExportRepository::insert(tx, row);
        auto event = core::newAuditEvent(caller, "export.research", "success", "research_export", row.id);
        event.purpose = "research";
        event.detail = "researcher=" + caller.user.username + " region=" + (filter.region.empty() ? "all" : filter.region) +
                       " from=" + filter.from + " to=" + filter.to + " records=" + std::to_string(row.recordCount);
        db::AuditRepository::append(tx, event);
    });
    auto stored = status(caller, row.id);
    return stored;
}

db::ExportRow ExportService::status(const core::Caller& caller, const std::string& id) {
    core::Policy::require(caller.user, "export.research");
    if (!core::isUuid(id)) throw Error(ErrorKind::NotFound, "No such export.");
    auto lease = primary_.acquire();
    pqxx::read_transaction tx(*lease);
    auto row = db::ExportRepository::find(tx, id, caller.user.userId);
    if (!row) throw Error(ErrorKind::NotFound, "No such export.");
    return *row;
}

std::function<void(std::ostream&)> ExportService::data(const core::Caller& caller, const std::string& id,
                                                       const std::string& format) {
    const auto row = status(caller, id);
    if (format != "csv" && format != "odm" && format != "codebook" && format != "r" && format != "spss") {
        throw validationFailed({{"format", "code_list", "format must be csv, odm, codebook, r or spss"}});
    }
    const auto cat = engine_.catalogue();
    auto variables = reports::exportVariables(*cat);
    audit(primary_, caller, "export.download", id, "format=" + format + " records=" + std::to_string(row.recordCount));
    const std::string csvName = "research-export-" + id + ".csv";
    if (format == "codebook") {
        auto text = reports::redcapDictionary(variables);
        return [text](std::ostream& out) { out << text; };
    }
    if (format == "r") {
        auto text = reports::rScript(variables, csvName);
        return [text](std::ostream& out) { out << text; };
    }
    if (format == "spss") {
        auto text = reports::spssSyntax(variables, csvName);
        return [text](std::ostream& out) { out << text; };
    }
    // The per-export key is derived from the registry's secret and the export id: never stored,
    // the same for every download of this export, different for every other export.
    const std::string key = pseudonymiser_.pseudonymise("research export " + id);
    reports::ExportFilter filter{row.region, row.from, row.to};
    auto* pool = &reportPool_;
    const auto fmt = format == "csv" ? reports::ExportFormat::Csv : reports::ExportFormat::Odm;
    return [pool, variables, filter, key, fmt, id](std::ostream& out) {
        auto lease = pool->acquire();
        reports::writeExport(*lease, variables, filter, key, fmt, id, out);
    };
}

std::string ExportService::codebook(const core::Caller& caller, const std::string& format) {
    core::Policy::require(caller.user, "codebook.read");
    if (format != "redcap" && format != "json") {
        throw validationFailed({{"format", "code_list", "format must be redcap or json"}});
    }
    const auto cat = engine_.catalogue();
    const auto variables = reports::exportVariables(*cat);
    return format == "redcap" ? reports::redcapDictionary(variables) : reports::codebookJson(variables, cat->versions);
}

}  // namespace registry::services
