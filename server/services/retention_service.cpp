#include "server/services/retention_service.h"

#include "server/core/audit_event.h"
#include "server/db/transaction.h"

#include <Poco/Logger.h>

namespace registry::services {
namespace {

core::AuditEvent procedureEvent(const core::Caller& caller, const std::string& action, bool dryRun,
                                const std::string& what) {
    auto event = core::newAuditEvent(caller, action, "success", "retention");
    event.purpose = "administration";
    event.detail = (dryRun ? "dry run: would remove " : "removed ") + what;
    return event;
}

}  // namespace

long long RetentionService::purgeDrafts(const core::Caller& caller, int days, bool dryRun) {
    const std::string rule = " draft(s) unchanged for more than " + std::to_string(days) + " days";
    return db::inTransaction(pool_, [&](pqxx::work& tx) -> long long {
        if (dryRun) {
            const long long count = db::RetentionRepository::countStaleDrafts(tx, days);
            db::AuditRepository::append(tx, procedureEvent(caller, "retention.purge_drafts", true,
                                                           std::to_string(count) + rule));
            return count;
        }
        const auto removed = db::RetentionRepository::deleteStaleDrafts(tx, days);
        for (const auto& draft : removed) {
            auto event = core::newAuditEvent(caller, "exam.purge", "success", "exam", draft.id);
            event.subjectPseudonym = draft.victimPseudonym;
            event.purpose = "administration";
            event.detail = "draft removed by the retention rule (" + std::to_string(days) + " days)";
            db::AuditRepository::append(tx, event);
        }
        const auto count = static_cast<long long>(removed.size());
        db::AuditRepository::append(tx, procedureEvent(caller, "retention.purge_drafts", false,
                                                       std::to_string(count) + rule));
        return count;
    });
}

db::CleanupCounts RetentionService::cleanup(const core::Caller& caller, int lockoutWindowMinutes, int sessionDays,
                                            int idleMinutes, bool dryRun) {
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        const auto counts =
            dryRun ? db::RetentionRepository::countCleanup(tx, lockoutWindowMinutes, sessionDays, idleMinutes)
                   : db::RetentionRepository::deleteCleanup(tx, lockoutWindowMinutes, sessionDays, idleMinutes);
        db::AuditRepository::append(
            tx, procedureEvent(caller, "retention.cleanup", dryRun,
                               std::to_string(counts.loginFailures) + " failed-login record(s), " +
                                   std::to_string(counts.sessions) + " ended session(s), " +
                                   std::to_string(counts.challenges) + " expired sign-in challenge(s)"));
        return counts;
    });
}

db::AuditPurgePlan RetentionService::purgeAudit(const core::Caller& caller, int years, bool dryRun) {
    const std::string rule = " older than " + std::to_string(years) + " years";
    db::AuditPurgePlan plan;
    std::int64_t checkpoint = 0;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        // Held to the end of the transaction: nothing is appended between plan, purge and the
        // event that vouches for the checkpoint.
        db::AuditRepository::lockChain(tx);
        plan = db::AuditRepository::planPurge(tx, years);
        if (dryRun || plan.count == 0) {
            auto event = procedureEvent(caller, "audit.purge", dryRun,
                                        std::to_string(plan.count) + " audit event(s)" + rule +
                                            (plan.count ? " through seq " + std::to_string(plan.throughSeq) : ""));
            db::AuditRepository::append(tx, event);
            return;
        }
        checkpoint = db::AuditRepository::purgeThrough(tx, plan);
        auto event = core::newAuditEvent(caller, "audit.purge", "success", "audit_checkpoint", std::to_string(checkpoint));
        event.purpose = "administration";
        event.detail = db::AuditRepository::checkpointDetail(checkpoint, plan);
        db::AuditRepository::append(tx, event);
    });
    if (checkpoint) {
        // A second, independent record of the checkpoint, next to the periodic chain anchors.
        Poco::Logger::get("registry.audit")
            .notice("audit checkpoint id=" + std::to_string(checkpoint) + " through_seq=" +
                    std::to_string(plan.throughSeq) + " hash=" + plan.throughHash);
    }
    return plan;
}

}  // namespace registry::services
