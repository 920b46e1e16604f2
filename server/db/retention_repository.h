#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace registry::db {

struct StaleDraft {
    std::string id;
    std::string victimPseudonym;
};

struct CleanupCounts {
    long long loginFailures = 0;
    long long sessions = 0;
    long long challenges = 0;
};

// The SQL of the retention procedures for drafts, failed logins, sessions and sign-in
// challenges (the audit log's own purge lives in AuditRepository).
class RetentionRepository {
public:
    // Drafts not changed for `days` days, oldest first.
    static long long countStaleDrafts(pqxx::transaction_base& tx, int days);
    // Removes them (versions go with them by ON DELETE CASCADE), returning what was removed.
    static std::vector<StaleDraft> deleteStaleDrafts(pqxx::transaction_base& tx, int days);

    // Failed logins outside the lockout window; sessions that ended (revoked, expired or idle)
    // more than `sessionDays` ago; challenges past their expiry.
    static CleanupCounts countCleanup(pqxx::transaction_base& tx, int lockoutWindowMinutes, int sessionDays,
                                      int idleMinutes);
    static CleanupCounts deleteCleanup(pqxx::transaction_base& tx, int lockoutWindowMinutes, int sessionDays,
                                       int idleMinutes);
};

}  // namespace registry::db
