#pragma once

#include "server/core/caller.h"
#include "server/core/errors.h"
#include "server/db/pool.h"
#include "server/db/user_repository.h"

#include <optional>
#include <string>
#include <vector>

namespace registry::services {

struct NewUser {
    std::string username;
    std::string displayName;
    std::string role;
    std::string region;
    std::string organisation;
    std::string password;
};

struct UserUpdate {
    std::optional<std::string> displayName;
    std::optional<std::string> role;
    std::optional<std::string> region;
    std::optional<std::string> organisation;
    std::optional<std::string> password;
    std::optional<bool> disabled;
};

// Managing accounts (admin API and the `registry user` CLI). Every change is audited in its own
// transaction; disabling a user or changing their password ends their sessions at once.
class UserService {
public:
    UserService(db::ConnectionPool& pool, unsigned pbkdf2Iterations);

    // Checks that need no database, so that callers can report them with their own.
    static std::vector<FieldError> check(const NewUser& user);
    static std::vector<FieldError> check(const UserUpdate& update);

    db::UserRecord create(const NewUser& user, const core::Caller& caller);
    db::UserRecord update(const std::string& idOrUsername, const UserUpdate& update, const core::Caller& caller);
    db::UserRecord get(const std::string& id, const core::Caller& caller);
    std::vector<db::UserRecord> list(const std::string& after, int limit, const core::Caller& caller);

private:
    db::ConnectionPool& pool_;
    unsigned iterations_;
};

}  // namespace registry::services
