#include "server/services/key_rotation_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/db/audit_repository.h"
#include "server/db/key_rotation_repository.h"
#include "server/db/transaction.h"

#include <thread>

namespace registry::services {
namespace {

void bringForward(std::vector<db::PseudonymRow>& rows, const core::Pseudonymiser& chain) {
    for (auto& row : rows) {
        if (row.victim) row.victim = chain.forward(*row.victim, row.keyVersion);
        if (row.police) row.police = chain.forward(*row.police, row.keyVersion);
    }
}

core::AuditEvent rotationEvent(const core::Caller& caller, int target, const std::string& detail) {
    auto event = core::newAuditEvent(caller, "keys.rotate", "success", "pseudonym_key", std::to_string(target));
    event.purpose = "administration";
    event.detail = detail;
    return event;
}

}  // namespace

RotationSummary KeyRotationService::rotate(const core::Caller& caller, int batchSize, std::chrono::milliseconds pause,
                                           const Progress& progress) {
    RotationSummary summary;
    const int target = chain_.keyVersion();
    summary.targetVersion = target;
    std::string cursor;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        const int oldest = db::KeyRotationRepository::oldestKeyVersion(tx);
        if (oldest != 0 && oldest < chain_.baseVersion()) {
            throw Error(ErrorKind::Conflict, "records made with key version " + std::to_string(oldest) +
                                                 " exist, but the key chain starts at version " +
                                                 std::to_string(chain_.baseVersion()) +
                                                 ": add that key file to pseudonym.previous_key_files");
        }
        auto state = db::KeyRotationRepository::startOrResume(tx, target);
        const long long stale = db::KeyRotationRepository::countStale(tx, target);
        if (state.finished && stale == 0) {
            summary.alreadyComplete = true;
            db::AuditRepository::append(tx, rotationEvent(caller, target, "already complete; nothing to re-key"));
            return;
        }
        if (state.finished) db::KeyRotationRepository::restart(tx, target);
        summary.resumed = !state.finished && !state.lastExamId.empty();
        cursor = state.finished ? "" : state.lastExamId;
        db::AuditRepository::append(
            tx, rotationEvent(caller, target,
                              std::string(summary.resumed ? "resumed after exam " + cursor : "started") + "; " +
                                  std::to_string(stale) + " row(s) under older key versions"));
    });
    if (summary.alreadyComplete) return summary;

    // Rows written with an older key during the walk (a server still on the old configuration)
    // are caught by another pass; two passes normally suffice.
    for (int pass = 0; pass < 3; ++pass) {
        while (true) {
            bool done = false;
            db::inTransaction(pool_, [&](pqxx::work& tx) {
                const auto ids = db::KeyRotationRepository::nextExamIds(tx, cursor, batchSize);
                if (ids.empty()) {
                    done = true;
                    return;
                }
                auto exams = db::KeyRotationRepository::staleExams(tx, ids, target);
                auto versions = db::KeyRotationRepository::staleVersions(tx, ids, target);
                bringForward(exams, chain_);
                bringForward(versions, chain_);
                db::KeyRotationRepository::updateExams(tx, exams, target);
                db::KeyRotationRepository::updateVersions(tx, versions, target);
                db::KeyRotationRepository::saveProgress(tx, target, ids.back(), static_cast<long long>(exams.size()),
                                                        static_cast<long long>(versions.size()));
                db::AuditRepository::append(
                    tx, rotationEvent(caller, target,
                                      "batch: " + std::to_string(exams.size()) + " exam(s), " +
                                          std::to_string(versions.size()) + " version(s) re-keyed through exam " +
                                          ids.back()));
                cursor = ids.back();
                summary.examsRekeyed += static_cast<long long>(exams.size());
                summary.versionsRekeyed += static_cast<long long>(versions.size());
                ++summary.batches;
            });
            if (done) break;
            if (progress) progress(summary);
            if (pause.count() > 0) std::this_thread::sleep_for(pause);
        }
        const bool finished = db::inTransaction(pool_, [&](pqxx::work& tx) {
            if (db::KeyRotationRepository::countStale(tx, target) > 0) return false;
            db::KeyRotationRepository::finish(tx, target);
            db::AuditRepository::append(
                tx, rotationEvent(caller, target,
                                  "finished: every record is under key version " + std::to_string(target) + "; " +
                                      std::to_string(summary.examsRekeyed) + " exam(s) and " +
                                      std::to_string(summary.versionsRekeyed) + " version(s) re-keyed by this run"));
            return true;
        });
        if (finished) return summary;
        cursor.clear();
    }
    throw Error(ErrorKind::Conflict,
                "records under older key versions keep appearing: restart every server with the new key chain first");
}

}  // namespace registry::services
