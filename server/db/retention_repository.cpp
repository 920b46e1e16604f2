#include "server/db/retention_repository.h"

#include "server/db/query.h"

namespace registry::db {

#define STALE_DRAFT "status = 'draft' AND updated_at < now() - make_interval(days => $1)"

static const Query kCountDrafts{"retention_count_drafts", "SELECT count(*) FROM exams WHERE " STALE_DRAFT};
long long RetentionRepository::countStaleDrafts(pqxx::transaction_base& tx, int days) {
    return exec(tx, kCountDrafts, days)[0][0].as<long long>();
}

static const Query kDeleteDrafts{"retention_delete_drafts",
                                 "DELETE FROM exams WHERE " STALE_DRAFT " RETURNING id::text, coalesce(victim_pseudonym, '')"};
std::vector<StaleDraft> RetentionRepository::deleteStaleDrafts(pqxx::transaction_base& tx, int days) {
    std::vector<StaleDraft> out;
    for (const auto& r : exec(tx, kDeleteDrafts, days)) out.push_back({r[0].as<std::string>(), r[1].as<std::string>()});
    return out;
}

#define OLD_FAILURE "failed_at < now() - make_interval(mins => $1)"
// A session has ended at the earliest of its revocation, absolute expiry and idle expiry.
#define ENDED_SESSION                                                                                  \
    "least(revoked_at, expires_at, last_seen_at + make_interval(mins => $3)) < now() - make_interval(days => $2)"
#define OLD_CHALLENGE "expires_at < now()"

static const Query kCountCleanup{"retention_count_cleanup",
                                 "SELECT (SELECT count(*) FROM login_failures WHERE " OLD_FAILURE "), "
                                 "(SELECT count(*) FROM sessions WHERE " ENDED_SESSION "), "
                                 "(SELECT count(*) FROM login_challenges WHERE " OLD_CHALLENGE ")"};
CleanupCounts RetentionRepository::countCleanup(pqxx::transaction_base& tx, int lockoutWindowMinutes, int sessionDays,
                                                int idleMinutes) {
    auto r = exec(tx, kCountCleanup, lockoutWindowMinutes, sessionDays, idleMinutes)[0];
    return {r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>()};
}

static const Query kDeleteFailures{"retention_delete_failures", "DELETE FROM login_failures WHERE " OLD_FAILURE};
// $2 and $3 are the session parameters; $1 is unused here but keeps one macro for both queries.
static const Query kDeleteSessions{"retention_delete_sessions",
                                   "DELETE FROM sessions WHERE $1::int IS NOT NULL AND " ENDED_SESSION};
static const Query kDeleteChallenges{"retention_delete_challenges", "DELETE FROM login_challenges WHERE " OLD_CHALLENGE};
CleanupCounts RetentionRepository::deleteCleanup(pqxx::transaction_base& tx, int lockoutWindowMinutes, int sessionDays,
                                                 int idleMinutes) {
    CleanupCounts c;
    c.loginFailures = exec(tx, kDeleteFailures, lockoutWindowMinutes).affected_rows();
    c.sessions = exec(tx, kDeleteSessions, lockoutWindowMinutes, sessionDays, idleMinutes).affected_rows();
    c.challenges = exec(tx, kDeleteChallenges).affected_rows();
    return c;
}

}  // namespace registry::db
