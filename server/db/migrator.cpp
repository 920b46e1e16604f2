#include "server/db/migrator.h"

#include "server/core/crypto.h"

#include <pqxx/pqxx>

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace registry::db {
namespace {

// Arbitrary but fixed: every registry instance contends for the same lock.
constexpr long long kMigrationLockKey = 7513001;

const char* const kCreateTable = R"SQL(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
))SQL";

std::map<int, std::pair<std::string, std::string>> appliedMigrations(pqxx::transaction_base& tx) {
    std::map<int, std::pair<std::string, std::string>> applied;
    for (const auto& row : tx.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version")) {
        applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
    }
    return applied;
}

void checkApplied(const std::vector<Migration>& files, const std::map<int, std::pair<std::string, std::string>>& applied) {
    std::map<int, const Migration*> byNumber;
    for (const auto& m : files) byNumber[m.number] = &m;
    for (const auto& [version, entry] : applied) {
        auto it = byNumber.find(version);
        if (it == byNumber.end()) {
            throw MigrationError("migration " + entry.first + " is recorded as applied but its file is missing from the schema directory");
        }
        if (it->second->checksum != entry.second) {
            throw MigrationError("migration " + it->second->name +
                                 " was edited after it was applied (checksum differs); add a new numbered migration instead");
        }
    }
}

}  // namespace

Migrator::Migrator(std::string ownerUrl, std::string schemaDir)
    : ownerUrl_(std::move(ownerUrl)), schemaDir_(std::move(schemaDir)) {}

std::vector<Migration> Migrator::available() const {
    Poco::File dir(schemaDir_);
    if (!dir.exists() || !dir.isDirectory()) {
        throw MigrationError("schema directory '" + schemaDir_ + "' does not exist");
    }
    static const std::regex pattern(R"((\d{3,})_[a-z0-9_]+\.sql)");
    std::vector<Migration> migrations;
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
        const std::string name = it.name();
        if (!it->isFile() || Poco::Path(name).getExtension() != "sql") continue;
        std::smatch match;
        if (!std::regex_match(name, match, pattern)) {
            throw MigrationError("schema file '" + name + "' is not named NNN_description.sql");
        }
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        Migration m;
        m.number = std::stoi(match[1].str());
        m.name = name;
        m.sql = buffer.str();
        m.checksum = crypto::sha256Hex(m.sql);
        migrations.push_back(std::move(m));
    }
    std::sort(migrations.begin(), migrations.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    for (std::size_t i = 1; i < migrations.size(); ++i) {
        if (migrations[i].number == migrations[i - 1].number) {
            throw MigrationError("two schema files share number " + std::to_string(migrations[i].number) + ": " +
                                 migrations[i - 1].name + " and " + migrations[i].name);
        }
    }
    return migrations;
}

namespace {
// Holds the migration lock for its lifetime, on a connection of its own session.
class MigrationLock {
public:
    explicit MigrationLock(pqxx::connection& connection) : connection_(connection) {
        pqxx::nontransaction tx(connection_);
        tx.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    }
    ~MigrationLock() {
        try {
            pqxx::nontransaction tx(connection_);
            tx.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
        } catch (const std::exception&) {
            // The session ends with the connection, and the lock with it.
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    pqxx::connection& connection_;
};
}  // namespace

std::vector<std::string> Migrator::migrate(const UnderLock& underLock) const {
    const auto files = available();
    pqxx::connection connection(ownerUrl_);
    MigrationLock lock(connection);
    std::vector<std::string> done;
    {
        pqxx::work tx(connection);
        tx.exec(kCreateTable);
        tx.commit();
    }
    std::map<int, std::pair<std::string, std::string>> applied;
    {
        pqxx::read_transaction tx(connection);
        applied = appliedMigrations(tx);
    }
    checkApplied(files, applied);
    for (const auto& m : files) {
        if (applied.count(m.number)) continue;
        pqxx::work tx(connection);
        try {
            tx.exec(m.sql);
        } catch (const pqxx::sql_error& e) {
            throw MigrationError("migration " + m.name + " failed: " + e.what());
        }
        tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", m.number, m.name,
                       m.checksum);
        tx.commit();
        done.push_back(m.name);
    }
    if (underLock) {
        for (auto& change : underLock(connection)) done.push_back(std::move(change));
    }
    return done;
}

std::vector<std::string> Migrator::pending() const {
    const auto files = available();
    pqxx::connection connection(ownerUrl_);
    pqxx::read_transaction tx(connection);
    std::map<int, std::pair<std::string, std::string>> applied;
    if (tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0].as<bool>()) applied = appliedMigrations(tx);
    checkApplied(files, applied);
    std::vector<std::string> names;
    for (const auto& m : files) {
        if (!applied.count(m.number)) names.push_back(m.name);
    }
    return names;
}

}  // namespace registry::db
