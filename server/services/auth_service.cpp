#include "server/services/auth_service.h"

#include "server/core/audit_event.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/core/password.h"
#include "server/db/audit_repository.h"
#include "server/db/session_repository.h"
#include "server/db/transaction.h"
#include "server/db/user_repository.h"

#include <Poco/String.h>

namespace registry::services {
namespace {

const char* const kLoginFailed = "The username or password is incorrect.";

}  // namespace

AuthService::AuthService(db::ConnectionPool& pool, AuthSettings settings) : pool_(pool), settings_(settings) {}

LoginResult AuthService::login(const std::string& typedName, const std::string& password, const core::Caller& caller) {
    // Usernames are lower case; "Demo.Admin" typed at night on a hospital laptop means demo.admin.
    const std::string username = Poco::toLower(Poco::trim(typedName));
    // Outcomes are decided inside the transaction, but an error is thrown only after commit so
    // that the failure record and its audit event are kept.
    enum class Outcome { Success, Failed, Locked } outcome = Outcome::Failed;
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
        const std::string token = crypto::base64UrlEncode(crypto::randomBytes(32));
        auto session = db::SessionRepository::create(tx, user->id, crypto::sha256Hex(token),
                                                     settings_.sessionAbsoluteHours, caller.clientAddress);
        db::SessionRepository::clearFailures(tx, username);
        result.token = token;
        result.expiresAt = session.expiresAt;
        result.user = Principal{user->id, user->username, user->displayName, user->role, user->region,
                                user->organisation, session.id};
        actor.user = result.user;
        db::AuditRepository::append(tx, core::newAuditEvent(actor, "login", "success", "session", session.id));
        outcome = Outcome::Success;
    });
    if (outcome == Outcome::Locked) {
        throw Error(ErrorKind::TooManyRequests, "Too many failed logins; try again later.")
            .withHeader("Retry-After", std::to_string(retryAfter));
    }
    if (outcome == Outcome::Failed) throw Error(ErrorKind::Unauthorized, kLoginFailed);
    return result;
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
