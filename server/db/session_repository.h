#pragma once

#include "server/core/principal.h"

#include <pqxx/pqxx>

#include <optional>
#include <string>

namespace registry::db {

struct NewSession {
    std::string id;
    std::string expiresAt;  // ISO 8601 UTC
};

class SessionRepository {
public:
    static NewSession create(pqxx::transaction_base& tx, const std::string& userId, const std::string& tokenHash,
                             int absoluteHours, const std::string& clientAddress);
    // The principal of a live session (not revoked, not expired, idle within limit, user enabled);
    // marks it as seen. `expiresAt` receives the absolute expiry.
    static std::optional<Principal> resolve(pqxx::transaction_base& tx, const std::string& tokenHash, int idleMinutes,
                                            std::string& expiresAt);
    static void revoke(pqxx::transaction_base& tx, const std::string& sessionId);
    static void revokeAllOf(pqxx::transaction_base& tx, const std::string& userId);

    static int recentFailures(pqxx::transaction_base& tx, const std::string& username, int windowMinutes,
                              int& retryAfterSeconds);
    static void recordFailure(pqxx::transaction_base& tx, const std::string& username, int windowMinutes);
    static void clearFailures(pqxx::transaction_base& tx, const std::string& username);
};

}  // namespace registry::db
