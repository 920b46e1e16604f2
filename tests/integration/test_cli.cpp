#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

#include <pqxx/pqxx>

using registry::test::runRegistry;
using registry::test::TestDatabase;
using registry::test::writePropertiesFile;

namespace {
std::string configFor(const TestDatabase& db) {
    return writePropertiesFile("db.url = " + db.serviceUrl() + "\ndb.owner_url = " + db.ownerUrl() +
                               "\ndb.schema_dir = " + TestDatabase::schemaDir() + "\nlog.level = warning\n");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(help_lists_the_commands) {
    auto r = runRegistry({"--help"});
    BOOST_TEST(r.exitCode == 0);
    BOOST_TEST(r.out.find("serve") != std::string::npos);
    BOOST_TEST(r.out.find("migrate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_64_naming_the_cause) {
    auto unknown = runRegistry({"frobnicate"});
    BOOST_TEST(unknown.exitCode == 64);
    BOOST_TEST(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
    auto noCommand = runRegistry({});
    BOOST_TEST(noCommand.exitCode == 64);
    auto extra = runRegistry({"migrate", "now"});
    BOOST_TEST(extra.exitCode == 64);
    auto badOption = runRegistry({"migrate", "--bogus", "1"});
    BOOST_TEST(badOption.exitCode == 64);
    BOOST_TEST(badOption.err.find("--bogus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(configuration_errors_exit_78_naming_the_key) {
    auto badFile = runRegistry({"--config", writePropertiesFile("http.prot = 1\n"), "migrate"});
    BOOST_TEST(badFile.exitCode == 78);
    BOOST_TEST(badFile.err.find("http.prot") != std::string::npos);
    auto badEnv = runRegistry({"serve"}, {{"REGISTRY_HTTP_PORT", "not-a-port"}});
    BOOST_TEST(badEnv.exitCode == 78);
    BOOST_TEST(badEnv.err.find("http.port") != std::string::npos);
    auto badLevel = runRegistry({"migrate"}, {{"REGISTRY_LOG_LEVEL", "loud"}});
    BOOST_TEST(badLevel.exitCode == 78);
    BOOST_TEST(badLevel.err.find("log.level") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreachable_database_exits_69) {
    auto r = runRegistry({"migrate"}, {{"REGISTRY_DB_URL", TestDatabase::url("no_such_db", "registry_owner")},
                                       {"REGISTRY_DB_SCHEMA_DIR", TestDatabase::schemaDir()}});
    BOOST_TEST(r.exitCode == 69);
    BOOST_TEST(r.err.find("database unavailable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(migrate_reports_what_it_applied_and_status_what_is_pending) {
    TestDatabase db;
    const auto config = configFor(db);
    auto status = runRegistry({"--config", config, "migrate", "--status"});
    BOOST_TEST(status.exitCode == 0);
    BOOST_TEST(status.out.find("0 pending") != std::string::npos);
    auto again = runRegistry({"--config", config, "migrate"});
    BOOST_TEST(again.exitCode == 0);
    BOOST_TEST(again.out.find("applied 0 change") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(demo_seed)

BOOST_AUTO_TEST_CASE(is_refused_unless_the_database_is_set_up_for_a_demo) {
    TestDatabase db;
    const auto key = registry::test::writeTestKeyFile();
    const auto config = writePropertiesFile("db.url = " + db.serviceUrl() + "\npseudonym.key_file = " + key +
                                            "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\n");
    auto refused = runRegistry({"--config", config, "demo", "seed"});
    BOOST_TEST(refused.exitCode == 78);
    BOOST_TEST(refused.err.find("demo.enabled") != std::string::npos);
    BOOST_TEST(refused.out.find("demo.admin") == std::string::npos);  // no password printed
    // No accounts but the one the migrations create (the legacy import's author).
    BOOST_TEST(db.scalar("SELECT count(*) FROM users WHERE username <> 'legacy-import'") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams") == 0);
}

BOOST_AUTO_TEST_CASE(seeds_accounts_and_a_few_hundred_exams_through_the_services_once) {
    TestDatabase db;
    const auto key = registry::test::writeTestKeyFile();
    const auto config = writePropertiesFile("db.url = " + db.serviceUrl() + "\npseudonym.key_file = " + key +
                                            "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\ndemo.enabled = true\n");
    auto first = runRegistry({"--config", config, "demo", "seed"});
    BOOST_TEST_REQUIRE(first.exitCode == 0);
    BOOST_TEST(first.out.find("demo.doctor.mn") != std::string::npos);
    BOOST_TEST(first.out.find("demo.admin") != std::string::npos);
    BOOST_TEST(first.out.find("demo exams: 400 created") != std::string::npos);
    pqxx::connection c(db.ownerUrl());
    {
        pqxx::read_transaction tx(c);
        auto r = tx.exec("SELECT count(DISTINCT region), count(*) FILTER (WHERE status = 'submitted'), "
                         "min(exam_at) >= '2025-09-15', max(exam_at) <= now(), "
                         "(SELECT count(*) FROM exam_outcomes), (SELECT count(*) FROM exam_versions), "
                         "count(*) FILTER (WHERE victim_pseudonym IS NULL AND status = 'submitted') FROM exams")[0];
        BOOST_TEST(r[0].as<int>() == 3);
        BOOST_TEST(r[1].as<int>() > 300);
        BOOST_TEST(r[2].as<bool>());
        BOOST_TEST(r[3].as<bool>());
        BOOST_TEST(r[4].as<int>() > 100);
        BOOST_TEST(r[5].as<int>() == 400);
        BOOST_TEST(r[6].as<int>() == 0);
    }
    auto again = runRegistry({"--config", config, "demo", "seed"});
    BOOST_TEST(again.exitCode == 0);
    BOOST_TEST(again.out.find("400 already present") != std::string::npos);
    BOOST_TEST(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);
}

BOOST_AUTO_TEST_SUITE_END()
