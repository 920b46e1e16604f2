#include "server/services/auth_service.h"

#include "server/core/audit_event.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/core/password.h"
#include "server/db/audit_repository.h"
#include "server/db/session_repository.h"
#include "server/core/ids.h"
#include "server/core/totp.h"
#include "server/db/transaction.h"
#include "server/db/two_factor_repository.h"
#include "server/db/user_repository.h"

#include <ctime>
#include <stdexcept>
#include <utility>

#include <Poco/String.h>

namespace registry::services {
namespace {

const char* const kLoginFailed = "The username or password is incorrect.";
const char* const kCodeFailed =
    "The sign-in code is incorrect, expired or already used, or the sign-in step has expired.";

enum class Outcome { Success, Failed, Locked };

// Errors are thrown only after the transaction committed, so failure records and their audit
// events are kept.
LoginResult settle(Outcome outcome, int retryAfter, const char* failedText, LoginResult result) {
    if (outcome == Outcome::Locked) {
        throw Error(ErrorKind::TooManyRequests, "Too many failed sign-in attempts; try again later.")
            .withHeader("Retry-After", std::to_string(retryAfter));
    }
    if (outcome == Outcome::Failed) throw Error(ErrorKind::Unauthorized, failedText);
    return result;
}

Principal principalOf(const db::UserRecord& user, const std::string& sessionId, bool enrolmentOnly) {
    Principal p{user.id, user.username, user.displayName, user.role, user.region, user.organisation, sessionId, false};
    p.enrolmentOnly = enrolmentOnly;
    return p;
}

}  // namespace

// A new session for a user whose sign-in is complete (or who still has to enrol); the caller
// audits it.
static LoginResult openSession(pqxx::work& tx, const db::UserRecord& user, bool enrolmentOnly,
                               const AuthSettings& settings, const core::Caller& caller) {
    LoginResult result;
    result.token = crypto::base64UrlEncode(crypto::randomBytes(32));
    auto session = db::SessionRepository::create(tx, user.id, crypto::sha256Hex(result.token),
                                                 settings.sessionAbsoluteHours, caller.clientAddress, enrolmentOnly);
    db::SessionRepository::clearFailures(tx, user.username);
    result.expiresAt = session.expiresAt;
    result.user = principalOf(user, session.id, enrolmentOnly);
    result.enrolmentRequired = enrolmentOnly;
    return result;
}

AuthService::AuthService(db::ConnectionPool& pool, AuthSettings settings,
                         std::shared_ptr<const core::SecretBox> totpSecrets)
    : pool_(pool), settings_(std::move(settings)), totpSecrets_(std::move(totpSecrets)) {
    if (!totpSecrets_) throw std::invalid_argument("AuthService: a key for TOTP secrets is required");
}

LoginResult AuthService::login(const std::string& typedName, const std::string& password, const core::Caller& caller) {
    // Usernames are lower case; "Demo.Admin" typed at night on a hospital laptop means demo.admin.
    const std::string username = Poco::toLower(Poco::trim(typedName));
    // Outcomes are decided inside the transaction, but an error is thrown only after commit so
    // that the failure record and its audit event are kept.
    Outcome outcome = Outcome::Failed;
    int retryAfter = 0;
    LoginResult result;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        core::Caller actor = caller;
        actor.user.username = username.substr(0, 64);
        if (db::SessionRepository::recentFailures(tx, username, settings_.lockoutWindowMinutes, retryAfter) >=
            settings_.lockoutThreshold) {
            outcome = Outcome::Locked;
            auto event = core::newAuditEvent(actor, "login", "denied", "session");
            event.detail = "locked after repeated failures";
            db::AuditRepository::append(tx, event);
            return;
        }
        auto user = db::UserRepository::findByUsername(tx, username);
        bool ok;
        if (user) {
            ok = core::PasswordHasher::verify(password, user->passwordHash) && !user->disabled;
        } else {
            // Spend the same time as a real check, so timing does not reveal which names exist.
            core::PasswordHasher::burnVerifyTime(settings_.pbkdf2Iterations);
            ok = false;
        }
        if (!ok) {
            db::SessionRepository::recordFailure(tx, username, settings_.lockoutWindowMinutes);
            if (user) {
                actor.user.userId = user->id;
                actor.user.role = user->role;
                actor.user.region = user->region;
            }
            auto event = core::newAuditEvent(actor, "login", "denied", "session");
            event.detail = user ? (user->disabled ? "account disabled" : "wrong password") : "unknown username";
            db::AuditRepository::append(tx, event);
            return;
        }
        actor.user = principalOf(*user, "", false);
        const auto enrolment = db::TwoFactorRepository::find(tx, user->id);
        if (enrolment && enrolment->confirmed) {
            // The password is right, but that alone opens nothing: the failures are kept (so
            // that a stolen password does not buy unlimited code guesses) and the answer is a
            // token good for the code step only.
            result.challengeToken = crypto::base64UrlEncode(crypto::randomBytes(32));
            result.expiresAt = db::TwoFactorRepository::createChallenge(
                tx, user->id, crypto::sha256Hex(result.challengeToken), settings_.challengeMinutes,
                caller.clientAddress);
            result.user = actor.user;
            auto event = core::newAuditEvent(actor, "login.password", "success", "user", user->id);
            event.detail = "second factor required";
            db::AuditRepository::append(tx, event);
            outcome = Outcome::Success;
            return;
        }
        const bool enrolmentOnly = settings_.require2faRoles.count(user->role) > 0;
        result = openSession(tx, *user, enrolmentOnly, settings_, caller);
        actor.user = result.user;
        auto event = core::newAuditEvent(actor, "login", "success", "session", result.user.sessionId);
        if (enrolmentOnly) event.detail = "second-factor enrolment required";
        db::AuditRepository::append(tx, event);
        outcome = Outcome::Success;
    });
    return settle(outcome, retryAfter, kLoginFailed, std::move(result));
}

LoginResult AuthService::completeSecondFactor(const std::string& challengeToken, const std::string& code,
                                              const core::Caller& caller) {
    Outcome outcome = Outcome::Failed;
    int retryAfter = 0;
    LoginResult result;
    if (challengeToken.empty() || challengeToken.size() > 128 || code.size() > 64) {
        throw Error(ErrorKind::Unauthorized, kCodeFailed);
    }
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        core::Caller actor = caller;
        const auto challenge = db::TwoFactorRepository::findChallenge(tx, crypto::sha256Hex(challengeToken));
        if (!challenge) {
            auto event = core::newAuditEvent(actor, "login.second_factor", "denied", "session");
            event.detail = "unknown, expired or used sign-in step";
            db::AuditRepository::append(tx, event);
            return;
        }
        auto user = db::UserRepository::findById(tx, challenge->userId);
        if (!user) return;
        actor.user = principalOf(*user, "", false);
        if (db::SessionRepository::recentFailures(tx, user->username, settings_.lockoutWindowMinutes, retryAfter) >=
            settings_.lockoutThreshold) {
            outcome = Outcome::Locked;
            auto event = core::newAuditEvent(actor, "login.second_factor", "denied", "session");
            event.detail = "locked after repeated failures";
            db::AuditRepository::append(tx, event);
            return;
        }
        auto enrolment = db::TwoFactorRepository::find(tx, user->id);
        std::string method, failure = "wrong code";
        if (user->disabled) {
            failure = "account disabled";
        } else if (enrolment && enrolment->confirmed) {
            const std::string trimmed = Poco::trim(code);
            const std::string secret =
                totpSecrets_->open(enrolment->sealedSecret, db::TwoFactorRepository::secretContext(user->id));
            const auto nowStep = core::totp::stepAt(static_cast<std::int64_t>(std::time(nullptr)));
            if (auto step = core::totp::verify(secret, trimmed, nowStep, enrolment->lastUsedStep)) {
                db::TwoFactorRepository::markUsed(tx, user->id, *step);
                method = "totp";
            } else if (core::totp::verify(secret, trimmed, nowStep, INT64_MIN)) {
                failure = "code already used";
            } else if (trimmed.size() != static_cast<std::size_t>(core::totp::kDigits) &&
                       db::TwoFactorRepository::useRecoveryCode(
                           tx, user->id, crypto::sha256Hex(core::totp::normaliseRecoveryCode(trimmed)))) {
                method = "recovery code";
            } else if (trimmed.size() != static_cast<std::size_t>(core::totp::kDigits)) {
                failure = "wrong or used recovery code";
            }
        } else {
            failure = "no second factor enrolled";  // reset by an admin after the password step
        }
        if (method.empty()) {
            db::SessionRepository::recordFailure(tx, user->username, settings_.lockoutWindowMinutes);
            auto event = core::newAuditEvent(actor, "login.second_factor", "denied", "session");
            event.detail = failure;
            db::AuditRepository::append(tx, event);
            return;
        }
        db::TwoFactorRepository::consumeChallenge(tx, challenge->id);
        result = openSession(tx, *user, false, settings_, caller);
        actor.user = result.user;
        auto event = core::newAuditEvent(actor, "login", "success", "session", result.user.sessionId);
        event.detail = "second factor: " + method;
        if (method == "recovery code") {
            event.detail += " (" + std::to_string(db::TwoFactorRepository::unusedRecoveryCodes(tx, user->id)) + " left)";
        }
        db::AuditRepository::append(tx, event);
        outcome = Outcome::Success;
    });
    return settle(outcome, retryAfter, kCodeFailed, std::move(result));
}

std::vector<SessionInfo> AuthService::listSessions(const core::Caller& caller) {
    std::vector<SessionInfo> out;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        for (auto& s : db::SessionRepository::listActive(tx, caller.user.userId, settings_.sessionIdleMinutes)) {
            const bool current = s.id == caller.user.sessionId;
            out.push_back({std::move(s), current});
        }
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "session.list", "success", "user", caller.user.userId));
    });
    return out;
}

void AuthService::endSession(const std::string& sessionId, const core::Caller& caller) {
    // Someone else's session answers exactly like one that does not exist.
    const char* const notFound = "No such active session of yours.";
    if (!core::isUuid(sessionId)) throw Error(ErrorKind::NotFound, notFound);
    bool ended = false;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        ended = db::SessionRepository::revokeOwn(tx, sessionId, caller.user.userId);
        auto event = core::newAuditEvent(caller, "session.end", ended ? "success" : "denied", "session", sessionId);
        if (!ended) event.detail = "not an active session of the caller";
        db::AuditRepository::append(tx, event);
    });
    if (!ended) throw Error(ErrorKind::NotFound, notFound);
}

int AuthService::endAllSessions(const std::string& userId, const core::Caller& caller) {
    if (!core::isUuid(userId)) throw Error(ErrorKind::NotFound, "No such user.");
    int ended = 0;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        if (!db::UserRepository::findById(tx, userId)) throw Error(ErrorKind::NotFound, "No such user.");
        ended = db::SessionRepository::revokeAllOf(tx, userId);
        auto event = core::newAuditEvent(caller, "user.sessions_end", "success", "user", userId);
        event.detail = std::to_string(ended) + " session(s) ended";
        db::AuditRepository::append(tx, event);
    });
    return ended;
}

Principal AuthService::authenticate(const std::string& token, std::string* expiresAt) {
    if (token.empty() || token.size() > 128) throw Error(ErrorKind::Unauthorized, "A valid bearer token is required.");
    std::string expiry;
    auto principal = db::inTransaction(pool_, [&](pqxx::work& tx) {
        return db::SessionRepository::resolve(tx, crypto::sha256Hex(token), settings_.sessionIdleMinutes, expiry);
    });
    if (!principal) throw Error(ErrorKind::Unauthorized, "The session is missing, expired or revoked; log in again.");
    if (expiresAt) *expiresAt = expiry;
    return *principal;
}

void AuthService::logout(const core::Caller& caller) {
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        db::SessionRepository::revoke(tx, caller.user.sessionId);
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "logout", "success", "session", caller.user.sessionId));
    });
}

void AuthService::recordDenied(const core::Caller& caller, const std::string& action, const std::string& objectType,
                               const std::string& objectId, const std::string& reason) {
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        auto event = core::newAuditEvent(caller, action, "denied", objectType, objectId);
        event.detail = reason;
        db::AuditRepository::append(tx, event);
    });
}

}  // namespace registry::services
