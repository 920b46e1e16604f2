#include "server/db/user_repository.h"

#include "server/db/query.h"

namespace registry::db {
namespace {

#define USER_COLUMNS                                                                                   \
    "u.id::text, u.username, u.display_name, u.role, coalesce(u.region, ''), coalesce(o.code, ''), " \
    "u.password_hash, u.disabled, "                                                                    \
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                    \
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "                     \
    "FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id "

UserRecord read(const pqxx::row& row) {
    UserRecord u;
    u.id = row[0].as<std::string>();
    u.username = row[1].as<std::string>();
    u.displayName = row[2].as<std::string>();
    u.role = row[3].as<std::string>();
    u.region = row[4].as<std::string>();
    u.organisation = row[5].as<std::string>();
    u.passwordHash = row[6].as<std::string>();
    u.disabled = row[7].as<bool>();
    u.createdAt = row[8].as<std::string>();
    u.updatedAt = row[9].as<std::string>();
    return u;
}

std::optional<UserRecord> first(const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    return read(rows[0]);
}

}  // namespace

static const Query kByUsername{"user_by_username", "SELECT " USER_COLUMNS "WHERE u.username = $1"};
std::optional<UserRecord> UserRepository::findByUsername(pqxx::transaction_base& tx, const std::string& username) {
    return first(exec(tx, kByUsername, username));
}

static const Query kById{"user_by_id", "SELECT " USER_COLUMNS "WHERE u.id = $1::uuid"};
std::optional<UserRecord> UserRepository::findById(pqxx::transaction_base& tx, const std::string& id) {
    return first(exec(tx, kById, id));
}

static const Query kList{"user_list", "SELECT " USER_COLUMNS "WHERE u.username > $1 ORDER BY u.username LIMIT $2"};
std::vector<UserRecord> UserRepository::list(pqxx::transaction_base& tx, const std::string& after, int limit) {
    std::vector<UserRecord> users;
    for (const auto& row : exec(tx, kList, after, limit)) users.push_back(read(row));
    return users;
}

static const Query kInsert{"user_insert", R"SQL(
INSERT INTO users (username, display_name, role, region, organisation_id, password_hash, disabled)
VALUES ($1, $2, $3, NULLIF($4, ''), (SELECT id FROM organisations WHERE code = NULLIF($5, '')), $6, $7)
RETURNING id::text)SQL"};
std::string UserRepository::insert(pqxx::transaction_base& tx, const UserRecord& u) {
    return exec(tx, kInsert, u.username, u.displayName, u.role, u.region, u.organisation, u.passwordHash, u.disabled)[0][0]
        .as<std::string>();
}

// NULL parameters leave a column as it is.
static const Query kUpdate{"user_update", R"SQL(
UPDATE users SET
    display_name = coalesce($2, display_name),
    role = coalesce($3, role),
    region = CASE WHEN $4::text IS NULL THEN region ELSE NULLIF($4, '') END,
    organisation_id = CASE WHEN $5::text IS NULL THEN organisation_id
                           ELSE (SELECT id FROM organisations WHERE code = NULLIF($5, '')) END,
    password_hash = coalesce($6, password_hash),
    disabled = coalesce($7, disabled),
    updated_at = now()
WHERE id = $1::uuid)SQL"};
void UserRepository::update(pqxx::transaction_base& tx, const std::string& id, const UserChanges& c) {
    exec(tx, kUpdate, id, c.displayName, c.role, c.region, c.organisation, c.passwordHash, c.disabled);
}

static const Query kRegionExists{"region_exists", "SELECT 1 FROM regions WHERE code = $1"};
bool UserRepository::regionExists(pqxx::transaction_base& tx, const std::string& code) {
    return !exec(tx, kRegionExists, code).empty();
}

static const Query kOrganisationExists{"organisation_exists", "SELECT 1 FROM organisations WHERE code = $1"};
bool UserRepository::organisationExists(pqxx::transaction_base& tx, const std::string& code) {
    return !exec(tx, kOrganisationExists, code).empty();
}

}  // namespace registry::db
