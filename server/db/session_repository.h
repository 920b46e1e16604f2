#pragma once

#include "server/core/principal.h"

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace registry::db {

struct NewSession {
    std::string id;
    std::string expiresAt;  // ISO 8601 UTC
};

class SessionRepository {
public:
    static NewSession create(pqxx::transaction_base& tx, const std::string& userId, const std::string& tokenHash,
                             int absoluteHours, const std::string& clientAddress, bool enrolmentOnly = false);
    // The principal of a live session (not revoked, not expired, idle within limit, user enabled);
    // marks it as seen. `expiresAt` receives the absolute expiry.
    static std::optional<Principal> resolve(pqxx::transaction_base& tx, const std::string& tokenHash, int idleMinutes,
                                            std::string& expiresAt);
    static void revoke(pqxx::transaction_base& tx, const std::string& sessionId);
    // Returns how many live sessions were ended.
    static int revokeAllOf(pqxx::transaction_base& tx, const std::string& userId);
    // Ends a live session only if it belongs to `userId`; false otherwise (unknown, someone
    // else's, already ended).
    static bool revokeOwn(pqxx::transaction_base& tx, const std::string& sessionId, const std::string& userId);
    // The session's user has confirmed a second factor: the enrolment-only restriction ends.
    static void liftEnrolmentRestriction(pqxx::transaction_base& tx, const std::string& sessionId);

    struct ActiveSession {
        std::string id;
        std::string createdAt;
        std::string lastSeenAt;
        std::string expiresAt;
        std::string clientAddress;
        bool enrolmentOnly = false;
    };
    // A user's live sessions (not revoked, not past absolute or idle expiry), newest first.
    static std::vector<ActiveSession> listActive(pqxx::transaction_base& tx, const std::string& userId, int idleMinutes);

    static int recentFailures(pqxx::transaction_base& tx, const std::string& username, int windowMinutes,
                              int& retryAfterSeconds);
    static void recordFailure(pqxx::transaction_base& tx, const std::string& username, int windowMinutes);
    static void clearFailures(pqxx::transaction_base& tx, const std::string& username);
};

}  // namespace registry::db
