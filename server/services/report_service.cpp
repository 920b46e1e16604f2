#include "server/services/report_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/policy.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include "server/core/timestamp.h"

namespace registry::services {
namespace {

// The dashboard is a report of its own figures (kind "dashboard", not listed among the kinds),
// run and audited under its own action.
std::string actionOf(const std::string& kind) { return kind == "dashboard" ? "dashboard.read" : "report." + kind; }

}  // namespace

ReportService::ReportService(db::ConnectionPool& primary, db::ConnectionPool& reportPool, int minCell,
                             std::string softwareVersion, int maxConcurrent, int waitSeconds)
    : primary_(primary),
      engine_(reportPool, minCell, std::move(softwareVersion), reports::ChunkStore::readWrite(primary)),
      maxConcurrent_(maxConcurrent),
      waitSeconds_(waitSeconds) {}

std::vector<std::string> ReportService::kinds(const core::Caller& caller) const {
    core::Policy::require(caller.user, "reports.list");
    std::vector<std::string> out;
    for (const auto& kind : reports::ReportEngine::kinds()) {
        if (core::Policy::allows(caller.user.role, "report." + kind)) out.push_back(kind);
    }
    return out;
}

reports::Report ReportService::run(const core::Caller& caller, reports::ReportParams params, const std::string& format) {
    const std::string action = actionOf(params.kind);
    core::Policy::require(caller.user, action);
    if (const auto scope = core::Policy::regionScope(caller.user)) {
        if (params.region.empty()) params.region = *scope;
        if (params.region != *scope) {
            throw Error(ErrorKind::Forbidden, "Your reports cover region " + *scope + " only.");
        }
    }
    if (!params.suppress && caller.user.role != "loef") {
        throw Error(ErrorKind::Forbidden, "Only LOEF may ask for a report without disclosure control (suppress=false).");
    }
    return runAndAudit(caller, params, format);
}

reports::Report ReportService::runScheduled(const core::Caller& caller, const reports::ReportParams& params,
                                            const std::string& format) {
    auto p = params;
    p.suppress = true;
    return runAndAudit(caller, p, format);
}

ReportService::Turn::Turn(ReportService& service, std::chrono::seconds wait) : service_(service) {
    std::unique_lock<std::mutex> lock(service_.turnMutex_);
    taken = service_.turnFreed_.wait_for(lock, wait, [&] { return service_.running_ < service_.maxConcurrent_; });
    if (taken) ++service_.running_;
}

ReportService::Turn::~Turn() {
    if (!taken) return;
    std::lock_guard<std::mutex> lock(service_.turnMutex_);
    --service_.running_;
    service_.turnFreed_.notify_one();
}

std::optional<int> ReportService::warm(const std::function<bool()>& stopping) {
    int computed = 0;
    std::vector<std::string> kinds = reports::ReportEngine::kinds();
    kinds.push_back("dashboard");
    const std::string to = core::formatTimestampUtc(std::chrono::system_clock::now()).substr(0, 10);
    const std::string from = std::to_string(std::stoi(to.substr(0, 4)) - 10) + "-01-01";
    for (const auto& kind : kinds) {
        if (stopping()) break;
        // A free turn or none: a user's report never waits for the warmer.
        const Turn turn(*this, std::chrono::seconds(0));
        if (!turn.taken) return std::nullopt;
        auto params = reports::ReportEngine::parseParams(kind == "dashboard" ? "evaluation" : kind, "", from, to, "month");
        params.kind = kind;
        computed += engine_.warm(params).chunksComputed;
    }
    return computed;
}

reports::Report ReportService::runAndAudit(const core::Caller& caller, const reports::ReportParams& params,
                                           const std::string& format) {
    const std::string action = actionOf(params.kind);
    reports::Report report = [&] {
        const Turn turn(*this, std::chrono::seconds(waitSeconds_));
        if (!turn.taken) {
            throw Error(ErrorKind::ServiceUnavailable, "Reports are busy; try again in a moment.").withHeader("Retry-After", "5");
        }
        return engine_.run(params);
    }();
    const auto& p = report.provenance;
    db::inTransaction(primary_, [&](pqxx::work& tx) {
        auto event = core::newAuditEvent(caller, action, "success", "report", p.kind);
        event.purpose = "evaluation";
        event.detail = "region=" + (params.region.empty() ? std::string("all") : params.region) + " from=" + p.parameters.at("from") +
                       " to=" + p.parameters.at("to") + " granularity=" + p.parameters.at("granularity") +
                       " format=" + format + " suppress=" + (params.suppress ? "true" : "false") +
                       " records=" + std::to_string(p.recordCount) + " digest=" + p.dataDigest;
        db::AuditRepository::append(tx, event);
    });
    return report;
}

}  // namespace registry::services
