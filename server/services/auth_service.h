#pragma once

#include "server/core/caller.h"
#include "server/core/secret_box.h"
#include "server/db/pool.h"
#include "server/db/session_repository.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace registry::services {

struct AuthSettings {
    unsigned pbkdf2Iterations = 600000;
    int sessionIdleMinutes = 30;
    int sessionAbsoluteHours = 12;
    int lockoutThreshold = 5;
    int lockoutWindowMinutes = 15;
    // Roles that must sign in with a second factor; until enrolled, their session may only enrol.
    std::set<std::string> require2faRoles = {"admin", "loef", "researcher"};
    // Minutes the token of the password step stays valid for the code step.
    int challengeMinutes = 5;
    std::string totpIssuer = "Strangulation registry";
};

// The answer to either sign-in step. With a confirmed second factor the password step gives
// only `challengeToken` (no session); the code step then gives the session.
struct LoginResult {
    std::string token;  // shown once; only its SHA-256 is stored
    std::string expiresAt;
    Principal user;
    std::string challengeToken;  // set instead of token when a code is still needed
    bool enrolmentRequired = false;  // the session may only enrol a second factor
};

struct SessionInfo {
    db::SessionRepository::ActiveSession session;
    bool current = false;  // the session making the request
};

// Logins, sessions and logout. Every outcome of a login is audited; failures answer one uniform
// 401 whatever went wrong, and repeated failures lock the name for a while (429).
class AuthService {
public:
    // `totpSecrets` opens the sealed TOTP secrets for the code step (auth.totp_key_file).
    AuthService(db::ConnectionPool& pool, AuthSettings settings, std::shared_ptr<const core::SecretBox> totpSecrets);

    LoginResult login(const std::string& username, const std::string& password, const core::Caller& caller);
    // The second step: the challenge token of the password step and a TOTP code or an unused
    // recovery code. Every failure is the same 401 and counts towards the lockout (429).
    LoginResult completeSecondFactor(const std::string& challengeToken, const std::string& code,
                                     const core::Caller& caller);
    // Throws registry::Error(Unauthorized) for a missing, unknown, expired or revoked token.
    Principal authenticate(const std::string& token, std::string* expiresAt = nullptr);
    void logout(const core::Caller& caller);
    // The caller's own live sessions; ending one that is not theirs (or not live) is a 404.
    std::vector<SessionInfo> listSessions(const core::Caller& caller);
    void endSession(const std::string& sessionId, const core::Caller& caller);
    // Admin: ends every live session of a user (404 for an unknown user); returns how many.
    int endAllSessions(const std::string& userId, const core::Caller& caller);
    // Records a refused access (403, or 404 outside scope) in a transaction of its own.
    void recordDenied(const core::Caller& caller, const std::string& action, const std::string& objectType,
                      const std::string& objectId, const std::string& reason);

    const AuthSettings& settings() const { return settings_; }

private:
    db::ConnectionPool& pool_;
    AuthSettings settings_;
    std::shared_ptr<const core::SecretBox> totpSecrets_;
};

}  // namespace registry::services
