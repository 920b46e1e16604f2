#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace registry::db {

struct UserRecord {
    std::string id;
    std::string username;
    std::string displayName;
    std::string role;
    std::string region;        // empty: national
    std::string organisation;  // organisation code, empty if none
    std::string passwordHash;
    bool disabled = false;
    std::string createdAt;
    std::string updatedAt;
};

struct UserChanges {
    std::optional<std::string> displayName;
    std::optional<std::string> role;
    std::optional<std::string> region;        // "" clears (national)
    std::optional<std::string> organisation;  // "" clears
    std::optional<std::string> passwordHash;
    std::optional<bool> disabled;
};

class UserRepository {
public:
    static std::optional<UserRecord> findByUsername(pqxx::transaction_base& tx, const std::string& username);
    static std::optional<UserRecord> findById(pqxx::transaction_base& tx, const std::string& id);
    // Username order; `after` is the last username of the previous page.
    static std::vector<UserRecord> list(pqxx::transaction_base& tx, const std::string& after, int limit);
    static std::string insert(pqxx::transaction_base& tx, const UserRecord& user);
    static void update(pqxx::transaction_base& tx, const std::string& id, const UserChanges& changes);
    static bool regionExists(pqxx::transaction_base& tx, const std::string& code);
    static bool organisationExists(pqxx::transaction_base& tx, const std::string& code);
};

}  // namespace registry::db
