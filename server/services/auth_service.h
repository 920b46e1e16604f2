#pragma once

#include "server/core/caller.h"
#include "server/db/pool.h"

#include <string>

namespace registry::services {

struct AuthSettings {
    unsigned pbkdf2Iterations = 600000;
    int sessionIdleMinutes = 30;
    int sessionAbsoluteHours = 12;
    int lockoutThreshold = 5;
    int lockoutWindowMinutes = 15;
};

struct LoginResult {
    std::string token;  // shown once; only its SHA-256 is stored
    std::string expiresAt;
    Principal user;
};

// Logins, sessions and logout. Every outcome of a login is audited; failures answer one uniform
// 401 whatever went wrong, and repeated failures lock the name for a while (429).
class AuthService {
public:
    AuthService(db::ConnectionPool& pool, AuthSettings settings);

    LoginResult login(const std::string& username, const std::string& password, const core::Caller& caller);
    // Throws registry::Error(Unauthorized) for a missing, unknown, expired or revoked token.
    Principal authenticate(const std::string& token, std::string* expiresAt = nullptr);
    void logout(const core::Caller& caller);
    // Records a refused access (403, or 404 outside scope) in a transaction of its own.
    void recordDenied(const core::Caller& caller, const std::string& action, const std::string& objectType,
                      const std::string& objectId, const std::string& reason);

    const AuthSettings& settings() const { return settings_; }

private:
    db::ConnectionPool& pool_;
    AuthSettings settings_;
};

}  // namespace registry::services
