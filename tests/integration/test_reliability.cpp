#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/load_client.h"
#include "tests/support/raw_http.h"
#include "tests/support/server_process.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Parser.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using registry::test::LoadClient;
using registry::test::TestDatabase;
using registry::test::TestServer;

// The registry must never lose an exam: under load, when it is killed, and when clients vanish,
// every exam that got a 201 is stored with its audit event, nothing is half-written, and the
// audit chain verifies. Bounded in time and count, loopback only.
namespace {

int loadSeconds() {
    const char* text = std::getenv("REGISTRY_TEST_LOAD_SECONDS");
    return text && *text ? std::max(1, std::atoi(text)) : 30;
}

struct LoadOutcome {
    std::set<std::string> created;  // ids answered 201
    int serverErrors = 0;           // 5xx
    int failed = 0;                 // no answer (connection lost)
    int other = 0;
};

// `connections` keep-alive clients submitting complete exams with distinct references until
// `running` turns false.
LoadOutcome submitUnderLoad(std::uint16_t port, const std::string& token, int connections, int tag,
                            const std::atomic<bool>& running) {
    LoadOutcome outcome;
    std::mutex mutex;
    std::vector<std::thread> threads;
    for (int t = 0; t < connections; ++t) {
        threads.emplace_back([&, t] {
            LoadClient client(port);
            LoadOutcome mine;
            for (int i = 0; running && i < 999999; ++i) {
                char reference[32];
                std::snprintf(reference, sizeof reference, "PL%02d%02d-2026-%06d", tag % 100, t, i);
                auto r = client.post("/api/v1/exams?submit=true", registry::test::examBody("oost_brabant", "", reference), token);
                if (r.status == 201) {
                    mine.created.insert(Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id"));
                } else if (r.status >= 500) {
                    ++mine.serverErrors;
                } else if (r.status == 0) {
                    ++mine.failed;
                } else {
                    ++mine.other;
                }
            }
            std::lock_guard<std::mutex> lock(mutex);
            outcome.created.insert(mine.created.begin(), mine.created.end());
            outcome.serverErrors += mine.serverErrors;
            outcome.failed += mine.failed;
            outcome.other += mine.other;
        });
    }
    for (auto& t : threads) t.join();
    return outcome;
}

// Every stored exam is whole: a first version, a create event; and the chain verifies.
void everyExamIsWhole(const TestDatabase& db) {
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams e WHERE NOT EXISTS "
                         "(SELECT 1 FROM exam_versions v WHERE v.exam_id = e.id AND v.version = 1)") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams e WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                         "WHERE a.object_id = e.id::text AND a.action = 'exam.create' AND a.outcome = 'success')") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_versions v WHERE NOT EXISTS (SELECT 1 FROM exams e WHERE e.id = v.exam_id)") == 0);
    const auto config = registry::test::writePropertiesFile("db.url = " + db.serviceUrl() + "\nlog.level = warning\n");
    auto verify = registry::test::runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(verify.exitCode == 0, verify.out + verify.err);
}

bool allStored(const TestDatabase& db, const std::set<std::string>& ids) {
    if (ids.empty()) return true;
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "'" : ",'") + id + "'";
    return db.scalar("SELECT count(*) FROM exams WHERE id IN (" + list + ")") == static_cast<long long>(ids.size());
}

// A bearer token for `username` (password "a long enough password") on the server at `port`.
std::string signIn(std::uint16_t port, const std::string& username) {
    auto session = LoadClient(port).post(
        "/api/v1/sessions", R"({"username":")" + username + R"(","password":"a long enough password"})", "");
    BOOST_TEST_REQUIRE(session.status == 201);
    return Poco::JSON::Parser().parse(session.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reliability)

BOOST_AUTO_TEST_CASE(sixteen_connections_for_thirty_seconds_lose_nothing) {
    TestServer server(std::map<std::string, std::string>{{"http.max_threads", "64"}, {"db.pool_size", "8"}});
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    std::atomic<bool> running{true};
    std::thread timer([&] {
        std::this_thread::sleep_for(std::chrono::seconds(loadSeconds()));
        running = false;
    });
    auto outcome = submitUnderLoad(server.port(), doctor.token, 16, 1, running);
    timer.join();
    BOOST_TEST_MESSAGE("201: " << outcome.created.size() << ", 5xx: " << outcome.serverErrors << ", lost: " << outcome.failed);
    BOOST_TEST(outcome.created.size() > 100u);
    BOOST_TEST(outcome.serverErrors == 0);
    BOOST_TEST(outcome.failed == 0);
    BOOST_TEST(outcome.other == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == static_cast<long long>(outcome.created.size()));
    everyExamIsWhole(server.db());
}

BOOST_AUTO_TEST_CASE(kill_9_in_the_middle_of_load_keeps_every_201_and_nothing_half_written) {
    TestDatabase db;
    const std::map<std::string, std::string> env{{"REGISTRY_DB_URL", db.serviceUrl()},
                                                 {"REGISTRY_DB_OWNER_URL", db.ownerUrl()},
                                                 {"REGISTRY_DB_SCHEMA_DIR", TestDatabase::schemaDir()},
                                                 {"REGISTRY_HTTP_MAX_THREADS", "64"}};
    registry::test::ServerProcess process(env);
    process.start();
    // A doctor account, created through the API by an admin made from the command line.
    const auto config = registry::test::writePropertiesFile("db.url = " + db.serviceUrl() +
                                                            "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\n");
    BOOST_TEST_REQUIRE(registry::test::runRegistry({"--config", config, "user", "add", "--username", "kill.doctor",
                                                    "--role", "forensic_doctor", "--region", "oost_brabant",
                                                    "--password-stdin"},
                                                   {}, "a long enough password\n")
                           .exitCode == 0);
    const std::string token = signIn(process.port(), "kill.doctor");

    std::atomic<bool> running{true};
    LoadOutcome outcome;
    std::thread load([&] { outcome = submitUnderLoad(process.port(), token, 8, 2, running); });
    // Kill once a good number of exams are in, while requests are in flight.
    for (int i = 0; i < 400 && db.scalar("SELECT count(*) FROM exams") < 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    process.kill9();
    running = false;
    load.join();
    BOOST_TEST_MESSAGE("201 before the kill: " << outcome.created.size() << ", requests cut: " << outcome.failed);
    BOOST_TEST(outcome.created.size() >= 150u);
    BOOST_TEST(outcome.serverErrors == 0);
    BOOST_TEST(allStored(db, outcome.created));
    // Rows beyond the 201s are whole exams whose answer the kill swallowed, never fragments.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams") >= static_cast<long long>(outcome.created.size()));
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams") <= static_cast<long long>(outcome.created.size()) + 8);
    everyExamIsWhole(db);
    // A restart serves again on the same data.
    registry::test::ServerProcess again(env);
    again.start();
    LoadClient after(again.port());
    auto relogin = after.post("/api/v1/sessions", R"({"username":"kill.doctor","password":"a long enough password"})", "");
    BOOST_TEST(relogin.status == 201);
    BOOST_TEST(again.terminate() == 0);
}

BOOST_AUTO_TEST_CASE(vanishing_clients_leave_no_transaction_open_and_the_pool_whole) {
    TestServer server(std::map<std::string, std::string>{{"http.max_threads", "64"}, {"db.pool_size", "4"},
                                                         {"http.header_timeout_seconds", "2"}});
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    const std::string body = registry::test::examBody();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 75; ++i) {
                try {
                    registry::test::RawConnection c(server.port());
                    switch ((t + i) % 3) {
                        case 0:  // headers and part of the body, then gone
                            c.send("POST /api/v1/exams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + doctor.token +
                                   "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                                   "\r\n\r\n" + body.substr(0, body.size() / 2));
                            break;
                        case 1:  // half a head
                            c.send("POST /api/v1/exams HTTP/1.1\r\nHost: x\r\nAuthor");
                            break;
                        default:  // nothing at all
                            break;
                    }
                    c.socket().close();
                } catch (const std::exception&) {
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    // Normal requests succeed at once, as many at a time as the pool holds and more.
    std::atomic<int> created{0};
    std::vector<std::thread> normal;
    for (int i = 0; i < 8; ++i) {
        normal.emplace_back([&, i] {
            LoadClient client(server.port(), 5);
            char reference[32];
            std::snprintf(reference, sizeof reference, "PL0303-2026-%06d", i);
            const auto r = client.post("/api/v1/exams", registry::test::examBody("oost_brabant", "", reference), doctor.token);
            if (r.status == 201) ++created;
        });
    }
    for (auto& t : normal) t.join();
    BOOST_TEST(created.load() == 8);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 8);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND state LIKE 'idle in transaction%'") == 0);
    auto metrics = server.client().get("/metrics").body;
    BOOST_TEST(metrics.find("registry_db_pool_connections{state=\"in_use\"} 0") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

#include "server/app/registry_server.h"
#include "server/db/schema_setup.h"
#include "tests/support/private_cluster.h"

BOOST_AUTO_TEST_SUITE(database_outage)

// pg_ctl stop -m immediate during load: while the database is down the registry answers 503
// problem+json within its acquire timeout, never hangs or crashes; once it is back the registry
// recovers by itself, and nothing that got a 201 is lost.
BOOST_AUTO_TEST_CASE(a_crashed_database_gives_quick_503s_and_the_service_recovers_by_itself) {
    registry::test::PrivateCluster cluster;
    registry::db::setUpSchema(cluster.url("registry_owner"), TestDatabase::schemaDir());
    const auto config = registry::test::writePropertiesFile("db.url = " + cluster.url("registry_app") +
                                                            "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\n");
    BOOST_TEST_REQUIRE(registry::test::runRegistry({"--config", config, "user", "add", "--username", "outage.doctor",
                                                    "--role", "forensic_doctor", "--region", "oost_brabant",
                                                    "--password-stdin"},
                                                   {}, "a long enough password\n")
                           .exitCode == 0);
    auto settings = registry::app::Config::fromDefaults();
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"http.port", "0"}, {"http.max_threads", "32"}, {"db.url", cluster.url("registry_app")},
             {"db.migrate_on_start", "false"}, {"db.pool_size", "4"}, {"db.acquire_timeout_ms", "1000"},
             {"db.statement_timeout_ms", "5000"}, {"pseudonym.key_file", registry::test::writeTestKeyFile()},
             {"auth.totp_key_file", registry::test::writeTestKeyFile()},
             {"auth.pbkdf2_iterations", "1000"}, {"log.level", "fatal"},
             // The load is one user's on purpose: no per-user limit here (test_rate_limit.cpp has it).
             {"ratelimit.per_second", "0"}, {"auth.require_2fa_roles", ""}}) {
        settings.set(key, value);
    }
    registry::app::RegistryServer server(settings);
    server.start();
    const std::string token = signIn(server.port(), "outage.doctor");

    std::atomic<bool> running{true};
    LoadOutcome before;
    std::thread load([&] { before = submitUnderLoad(server.port(), token, 4, 3, running); });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    cluster.crash();

    // While it is down: 503 problem+json, each within the acquire timeout plus a margin.
    int unavailable = 0;
    LoadClient probe(server.port(), 10);
    for (int i = 0; i < 10; ++i) {
        const auto started = std::chrono::steady_clock::now();
        auto r = probe.post("/api/v1/exams", registry::test::examBody("oost_brabant", "", "PL9999-2026-00000" + std::to_string(i)), token);
        const auto took = std::chrono::steady_clock::now() - started;
        BOOST_TEST(r.status == 503);
        BOOST_TEST(r.contentType.rfind("application/problem+json", 0) == 0);
        BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 3000);  // no hang
        if (r.status == 503) ++unavailable;
    }
    BOOST_TEST(unavailable == 10);
    BOOST_TEST(probe.get("/ready").status == 503);
    BOOST_TEST(probe.get("/health").status == 200);

    cluster.start();
    // Back by itself within a few seconds, without a restart.
    bool recovered = false;
    for (int i = 0; i < 100 && !recovered; ++i) {
        recovered = probe.post("/api/v1/exams", registry::test::examBody("oost_brabant", "", "PL9998-2026-" + std::to_string(100000 + i)),
                               token)
                        .status == 201;
        if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(recovered);
    BOOST_TEST(probe.get("/ready").status == 200);
    running = false;
    load.join();
    server.stop();
    BOOST_TEST(before.created.size() > 10u);
    // The 5xx of the load are the outage's 503s only; nothing that got a 201 is missing.
    pqxx::connection c(cluster.url("registry_owner"));
    pqxx::read_transaction tx(c);
    long long stored = 0;
    for (const auto& id : before.created) stored += tx.exec_params("SELECT count(*) FROM exams WHERE id = $1::uuid", id)[0][0].as<long long>();
    BOOST_TEST(stored == static_cast<long long>(before.created.size()));
    BOOST_TEST(tx.exec("SELECT count(*) FROM exams e WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                       "WHERE a.object_id = e.id::text AND a.action = 'exam.create')")[0][0].as<long long>() == 0);
    tx.commit();
    auto verify = registry::test::runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(verify.exitCode == 0, verify.out + verify.err);
}

BOOST_AUTO_TEST_SUITE_END()
