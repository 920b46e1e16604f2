#include "server/services/report_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/policy.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

namespace registry::services {
namespace {

// The dashboard is a report of its own figures (kind "dashboard", not listed among the kinds),
// run and audited under its own action.
std::string actionOf(const std::string& kind) { return kind == "dashboard" ? "dashboard.read" : "report." + kind; }

}  // namespace

ReportService::ReportService(db::ConnectionPool& primary, db::ConnectionPool& reportPool, int minCell,
                             std::string softwareVersion, int maxConcurrent, int waitSeconds)
    : primary_(primary),
      engine_(reportPool, minCell, std::move(softwareVersion)),
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

reports::Report ReportService::runAndAudit(const core::Caller& caller, const reports::ReportParams& params,
                                           const std::string& format) {
    const std::string action = actionOf(params.kind);
    reports::Report report = [&] {
        {
            std::unique_lock<std::mutex> lock(turnMutex_);
            if (!turnFreed_.wait_for(lock, std::chrono::seconds(waitSeconds_), [&] { return running_ < maxConcurrent_; })) {
                throw Error(ErrorKind::ServiceUnavailable, "Reports are busy; try again in a moment.")
                    .withHeader("Retry-After", "5");
            }
            ++running_;
        }
        struct Turn {
            ReportService& service;
            ~Turn() {
                std::lock_guard<std::mutex> lock(service.turnMutex_);
                --service.running_;
                service.turnFreed_.notify_one();
            }
        } turn{*this};
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
