#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace registry::db {

class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Migration {
    int number = 0;
    std::string name;  // file name, e.g. 001_foundation.sql
    std::string sql;
    std::string checksum;  // SHA-256 hex of the file
};

// Applies the numbered SQL files of a schema directory in order, one transaction each, recording
// each in schema_migrations with its checksum. A PostgreSQL advisory lock serialises concurrent
// starts, so two servers never apply the same migration twice.
class Migrator {
public:
    Migrator(std::string ownerUrl, std::string schemaDir);

    // Reads NNN_name.sql files; throws MigrationError on a malformed name or a duplicate number.
    std::vector<Migration> available() const;
    // Work that must run under the same lock right after the migrations (publishing form
    // definitions): two instances starting together must not both do it. Returns what it changed.
    using UnderLock = std::function<std::vector<std::string>(pqxx::connection&)>;

    // Applies what is pending, then `underLock`, and returns the names applied. Throws
    // MigrationError when an applied file was edited or is missing, and pqxx errors when SQL fails
    // (nothing of that file is kept).
    std::vector<std::string> migrate(const UnderLock& underLock = {}) const;
    // Names of migrations not yet applied (no lock, no change).
    std::vector<std::string> pending() const;

private:
    std::string ownerUrl_;
    std::string schemaDir_;
};

}  // namespace registry::db
