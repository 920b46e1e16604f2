#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/db/migrator.h"
#include "tests/support/cli_runner.h"
#include "tests/support/test_database.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <pqxx/pqxx>

#include <fstream>
#include <future>

using registry::db::MigrationError;
using registry::db::Migrator;
using registry::test::TestDatabase;

namespace {
// A copy of the real schema directory that a test may change.
struct SchemaCopy {
    std::string dir;
    SchemaCopy() {
        const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
        dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/schema-" + registry::crypto::toHex(registry::crypto::randomBytes(6));
        Poco::File(TestDatabase::schemaDir()).copyTo(dir);
    }
    ~SchemaCopy() { Poco::File(dir).remove(true); }
    void write(const std::string& name, const std::string& sql) const { std::ofstream(dir + "/" + name) << sql; }
    void append(const std::string& name, const std::string& sql) const {
        std::ofstream(dir + "/" + name, std::ios::app) << sql;
    }
};

int appliedCount(const TestDatabase& db) {
    pqxx::connection c(db.ownerUrl());
    pqxx::read_transaction tx(c);
    return tx.exec("SELECT count(*) FROM schema_migrations")[0][0].as<int>();
}

// A database with nothing applied.
struct EmptyDatabase {
    std::string name = "m_" + registry::crypto::toHex(registry::crypto::randomBytes(6));
    EmptyDatabase() { admin("CREATE DATABASE " + name + " OWNER registry_owner"); }
    ~EmptyDatabase() { admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }
    std::string ownerUrl() const { return TestDatabase::url(name, "registry_owner"); }
    static void admin(const std::string& sql) {
        pqxx::connection c(TestDatabase::url("postgres", "postgres"));
        pqxx::nontransaction tx(c);
        tx.exec(sql);
    }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(applying_twice_changes_nothing) {
    TestDatabase db;  // cloned from a migrated template
    const int before = appliedCount(db);
    BOOST_TEST(before >= 1);
    BOOST_TEST(Migrator(db.ownerUrl(), TestDatabase::schemaDir()).migrate().empty());
    BOOST_TEST(appliedCount(db) == before);
    BOOST_TEST(Migrator(db.ownerUrl(), TestDatabase::schemaDir()).pending().empty());
}

BOOST_AUTO_TEST_CASE(fresh_database_gets_every_migration_in_order_with_reference_data) {
    EmptyDatabase db;
    Migrator migrator(db.ownerUrl(), TestDatabase::schemaDir());
    const auto files = migrator.available();
    BOOST_TEST(migrator.pending().size() == files.size());
    const auto applied = migrator.migrate();
    BOOST_TEST(applied.size() == files.size());
    BOOST_TEST(applied.front() == files.front().name);
    pqxx::connection c(db.ownerUrl());
    pqxx::read_transaction tx(c);
    auto regions = tx.exec("SELECT code FROM regions ORDER BY sort_order");
    BOOST_TEST(regions.size() == 3u);
    BOOST_TEST(regions[0][0].as<std::string>() == "midden_nederland");
    BOOST_TEST(tx.exec("SELECT checksum FROM schema_migrations ORDER BY version LIMIT 1")[0][0].as<std::string>() ==
               files.front().checksum);
}

BOOST_AUTO_TEST_CASE(an_edited_applied_migration_is_refused) {
    TestDatabase db;
    SchemaCopy schema;
    schema.append("001_foundation.sql", "\n-- an innocent-looking edit\n");
    try {
        Migrator(db.ownerUrl(), schema.dir).migrate();
        BOOST_FAIL("an edited migration must be refused");
    } catch (const MigrationError& e) {
        BOOST_TEST(std::string(e.what()).find("001_foundation.sql was edited") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_nothing_behind) {
    TestDatabase db;
    SchemaCopy schema;
    schema.write("900_broken.sql", "CREATE TABLE half_done (x int);\nSELECT no_such_function();\n");
    const int before = appliedCount(db);
    BOOST_CHECK_THROW(Migrator(db.ownerUrl(), schema.dir).migrate(), MigrationError);
    BOOST_TEST(appliedCount(db) == before);
    pqxx::connection c(db.ownerUrl());
    pqxx::read_transaction tx(c);
    BOOST_TEST(tx.exec("SELECT to_regclass('half_done') IS NULL")[0][0].as<bool>());
}

BOOST_AUTO_TEST_CASE(badly_named_or_duplicate_files_are_refused) {
    TestDatabase db;
    {
        SchemaCopy schema;
        schema.write("2_no_padding.sql", "SELECT 1;");
        BOOST_CHECK_THROW(Migrator(db.ownerUrl(), schema.dir).available(), MigrationError);
    }
    {
        SchemaCopy schema;
        schema.write("001_twin.sql", "SELECT 1;");
        BOOST_CHECK_THROW(Migrator(db.ownerUrl(), schema.dir).available(), MigrationError);
    }
}

BOOST_AUTO_TEST_CASE(concurrent_migrators_apply_each_file_once) {
    EmptyDatabase db;
    SchemaCopy schema;
    // A slow migration widens the window in which both would otherwise apply it.
    schema.write("950_slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE slow_once (x int);");
    auto run = [&] { return Migrator(db.ownerUrl(), schema.dir).migrate().size(); };
    auto a = std::async(std::launch::async, run);
    auto b = std::async(std::launch::async, run);
    const auto total = a.get() + b.get();
    BOOST_TEST(total == Migrator(db.ownerUrl(), schema.dir).available().size());
    pqxx::connection c(db.ownerUrl());
    pqxx::read_transaction tx(c);
    BOOST_TEST(tx.exec("SELECT count(*) FROM schema_migrations WHERE version = 950")[0][0].as<int>() == 1);
}

// Two `registry migrate` processes on one empty database: both succeed, and each migration and
// each form version is written exactly once (the form sync used to run outside the lock).
BOOST_AUTO_TEST_CASE(two_concurrent_migrate_commands_both_succeed) {
    for (int round = 0; round < 3; ++round) {
        EmptyDatabase db;
        const std::map<std::string, std::string> env{{"REGISTRY_DB_URL", db.ownerUrl()},
                                                     {"REGISTRY_DB_OWNER_URL", db.ownerUrl()},
                                                     {"REGISTRY_DB_SCHEMA_DIR", TestDatabase::schemaDir()}};
        auto a = std::async(std::launch::async, [&] { return registry::test::runRegistry({"migrate"}, env); });
        auto b = std::async(std::launch::async, [&] { return registry::test::runRegistry({"migrate"}, env); });
        const auto ra = a.get(), rb = b.get();
        BOOST_TEST(ra.exitCode == 0, ra.err);
        BOOST_TEST(rb.exitCode == 0, rb.err);
        pqxx::connection c(db.ownerUrl());
        pqxx::read_transaction tx(c);
        BOOST_TEST(tx.exec("SELECT count(*) FROM form_definitions")[0][0].as<int>() ==
                   tx.exec("SELECT count(DISTINCT version) FROM form_definitions")[0][0].as<int>());
        BOOST_TEST(tx.exec("SELECT count(*) FROM form_definitions")[0][0].as<int>() >= 1);
    }
}

BOOST_AUTO_TEST_SUITE_END()
