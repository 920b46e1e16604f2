#include "server/services/user_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/core/password.h"
#include "server/core/policy.h"
#include "server/db/audit_repository.h"
#include "server/db/session_repository.h"
#include "server/db/transaction.h"

#include <regex>

namespace registry::services {
namespace {

void checkUsername(const std::string& username, std::vector<FieldError>& errors) {
    static const std::regex pattern("^[a-z0-9][a-z0-9._-]{2,63}$");
    if (!std::regex_match(username, pattern)) {
        errors.push_back({"username", "type", "username must be 3-64 characters: lower-case letters, digits, '.', '_' or '-'"});
    }
}

void checkDisplayName(const std::string& name, std::vector<FieldError>& errors) {
    if (name.empty() || name.size() > 200) errors.push_back({"display_name", "length", "display_name must be 1-200 characters"});
}

void checkRole(const std::string& role, std::vector<FieldError>& errors) {
    if (!core::knownRoles().count(role)) {
        errors.push_back({"role", "code_list",
                          "role must be one of forensic_doctor, police, prosecutor, loef, researcher, pilot_lead, admin"});
    }
}

void checkPassword(const std::string& password, std::vector<FieldError>& errors) {
    if (password.size() < core::PasswordHasher::kMinLength) {
        errors.push_back({"password", "length", "password must be at least 12 characters"});
    } else if (password.size() > 1024) {
        errors.push_back({"password", "length", "password must be at most 1024 characters"});
    }
}

void checkReferences(pqxx::transaction_base& tx, const std::string& region, const std::string& organisation,
                     std::vector<FieldError>& errors) {
    if (!region.empty() && !db::UserRepository::regionExists(tx, region)) {
        errors.push_back({"region", "code_list", "region must be midden_nederland, oost_nederland, oost_brabant or empty"});
    }
    if (!organisation.empty() && !db::UserRepository::organisationExists(tx, organisation)) {
        errors.push_back({"organisation", "code_list", "organisation is not a known organisation code"});
    }
}

void failIfAny(const std::vector<FieldError>& errors) {
    if (!errors.empty()) throw validationFailed(errors);
}

}  // namespace

std::vector<FieldError> UserService::check(const NewUser& input) {
    std::vector<FieldError> errors;
    checkUsername(input.username, errors);
    checkDisplayName(input.displayName, errors);
    checkRole(input.role, errors);
    checkPassword(input.password, errors);
    return errors;
}

std::vector<FieldError> UserService::check(const UserUpdate& u) {
    std::vector<FieldError> errors;
    if (u.displayName) checkDisplayName(*u.displayName, errors);
    if (u.role) checkRole(*u.role, errors);
    if (u.password) checkPassword(*u.password, errors);
    return errors;
}

UserService::UserService(db::ConnectionPool& pool, unsigned pbkdf2Iterations) : pool_(pool), iterations_(pbkdf2Iterations) {}

db::UserRecord UserService::create(const NewUser& input, const core::Caller& caller) {
    std::vector<FieldError> errors = check(input);
    const std::string hash = errors.empty() ? core::PasswordHasher(iterations_).hash(input.password) : "";
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        checkReferences(tx, input.region, input.organisation, errors);
        failIfAny(errors);
        if (db::UserRepository::findByUsername(tx, input.username)) {
            throw Error(ErrorKind::Conflict, "A user named " + input.username + " already exists.");
        }
        db::UserRecord record;
        record.username = input.username;
        record.displayName = input.displayName;
        record.role = input.role;
        record.region = input.region;
        record.organisation = input.organisation;
        record.passwordHash = hash;
        const std::string id = db::UserRepository::insert(tx, record);
        auto event = core::newAuditEvent(caller, "user.create", "success", "user", id);
        event.detail = "role=" + input.role + " region=" + input.region;
        db::AuditRepository::append(tx, event);
        return *db::UserRepository::findById(tx, id);
    });
}

db::UserRecord UserService::update(const std::string& idOrUsername, const UserUpdate& u, const core::Caller& caller) {
    std::vector<FieldError> errors = check(u);
    db::UserChanges changes;
    changes.displayName = u.displayName;
    changes.role = u.role;
    changes.region = u.region;
    changes.organisation = u.organisation;
    changes.disabled = u.disabled;
    if (u.password && errors.empty()) changes.passwordHash = core::PasswordHasher(iterations_).hash(*u.password);
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        checkReferences(tx, u.region.value_or(""), u.organisation.value_or(""), errors);
        failIfAny(errors);
        auto existing = core::isUuid(idOrUsername) ? db::UserRepository::findById(tx, idOrUsername)
                                                    : db::UserRepository::findByUsername(tx, idOrUsername);
        if (!existing) throw Error(ErrorKind::NotFound, "No such user.");
        db::UserRepository::update(tx, existing->id, changes);
        std::string detail;
        if (u.displayName) detail += " display_name";
        if (u.role) detail += " role=" + *u.role;
        if (u.region) detail += " region=" + *u.region;
        if (u.organisation) detail += " organisation=" + *u.organisation;
        if (u.password) detail += " password_reset";
        if (u.disabled) detail += *u.disabled ? " disabled" : " enabled";
        // A new password or a disabled account must not leave old sessions open; nor may a
        // changed role or region keep the rights of the old one.
        if (u.password || (u.disabled && *u.disabled) || u.role || u.region) {
            db::SessionRepository::revokeAllOf(tx, existing->id);
        }
        auto event = core::newAuditEvent(caller, u.password && !u.role && !u.region && !u.disabled ? "user.password" : "user.update",
                                         "success", "user", existing->id);
        event.detail = detail.empty() ? "" : detail.substr(1);
        db::AuditRepository::append(tx, event);
        return *db::UserRepository::findById(tx, existing->id);
    });
}

db::UserRecord UserService::get(const std::string& id, const core::Caller& caller) {
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        auto user = core::isUuid(id) ? db::UserRepository::findById(tx, id) : std::nullopt;
        if (!user) throw Error(ErrorKind::NotFound, "No such user.");
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "user.read", "success", "user", user->id));
        return *user;
    });
}

std::vector<db::UserRecord> UserService::list(const std::string& after, int limit, const core::Caller& caller) {
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        auto users = db::UserRepository::list(tx, after, limit);
        auto event = core::newAuditEvent(caller, "user.list", "success", "user");
        event.detail = "count=" + std::to_string(users.size());
        db::AuditRepository::append(tx, event);
        return users;
    });
}

}  // namespace registry::services
