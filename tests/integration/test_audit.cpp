#include <boost/test/unit_test.hpp>

#include "server/core/audit_event.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"
#include "tests/support/cli_runner.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

#include <atomic>
#include <thread>

using registry::test::runRegistry;
using registry::test::TestServer;
using registry::test::writePropertiesFile;

namespace {

struct Event {
    std::string action, outcome, userId, username, role, region, clientAddress, requestId, objectType, objectId, purpose,
        detail;
};

std::vector<Event> events(TestServer& server, const std::string& action) {
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    std::vector<Event> out;
    for (const auto& r : tx.exec_params(
             "SELECT action, outcome, coalesce(user_id::text,''), coalesce(username,''), coalesce(role,''), "
             "coalesce(region,''), coalesce(client_address,''), coalesce(request_id,''), coalesce(object_type,''), "
             "coalesce(object_id,''), purpose, coalesce(detail,'') FROM audit_events WHERE action = $1 ORDER BY seq",
             action)) {
        Event e;
        std::string* f[] = {&e.action, &e.outcome, &e.userId, &e.username, &e.role, &e.region,
                            &e.clientAddress, &e.requestId, &e.objectType, &e.objectId, &e.purpose, &e.detail};
        for (int i = 0; i < 12; ++i) *f[i] = r[i].as<std::string>();
        out.push_back(e);
    }
    return out;
}



std::string configFor(TestServer& server) {
    return writePropertiesFile("db.url = " + server.db().serviceUrl() + "\nlog.level = warning\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_log)

BOOST_AUTO_TEST_CASE(login_success_and_failure_are_recorded_with_every_element) {
    TestServer server;
    auto account = server.createUser("forensic_doctor", "oost_brabant");
    auto client = server.client();
    client.request("POST", "/api/v1/sessions", R"({"username":")" + account.username + R"(","password":"wrong password x"})",
                   {{"Content-Type", "application/json"}, {"X-Request-Id", "req-fail-1"}});
    client.request("POST", "/api/v1/sessions",
                   R"({"username":")" + account.username + R"(","password":")" + account.password + R"("})",
                   {{"Content-Type", "application/json"}, {"X-Request-Id", "req-ok-1"}});
    auto logins = events(server, "login");
    BOOST_REQUIRE(logins.size() == 2u);
    const auto& failed = logins[0];
    BOOST_TEST(failed.outcome == "denied");
    BOOST_TEST(failed.userId == account.id);
    BOOST_TEST(failed.username == account.username);
    BOOST_TEST(failed.requestId == "req-fail-1");
    BOOST_TEST(failed.clientAddress == "127.0.0.1");
    const auto& ok = logins[1];
    BOOST_TEST(ok.outcome == "success");
    BOOST_TEST(ok.userId == account.id);
    BOOST_TEST(ok.role == "forensic_doctor");
    BOOST_TEST(ok.region == "oost_brabant");
    BOOST_TEST(ok.requestId == "req-ok-1");
    BOOST_TEST(ok.objectType == "session");
    BOOST_TEST(!ok.objectId.empty());
    BOOST_TEST(ok.purpose == "care");
    // The password never reaches the log.
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    BOOST_TEST(tx.exec_params("SELECT count(*) FROM audit_events WHERE detail LIKE '%' || $1 || '%'", account.password)[0][0]
                   .as<int>() == 0);
}

BOOST_AUTO_TEST_CASE(client_address_comes_from_a_trusted_proxy_only) {
    auto loginWith = [](TestServer& server, const std::string& forwardedFor) {
        auto account = server.createUser("researcher");
        server.client().request("POST", "/api/v1/sessions",
                                R"({"username":")" + account.username + R"(","password":")" + account.password + R"("})",
                                {{"Content-Type", "application/json"}, {"X-Forwarded-For", forwardedFor}});
        return events(server, "login").back().clientAddress;
    };
    TestServer direct;
    BOOST_TEST(loginWith(direct, "203.0.113.9") == "127.0.0.1");  // not a trusted proxy: header ignored
    TestServer proxied(std::map<std::string, std::string>{{"http.trusted_proxies", "127.0.0.1"}});
    BOOST_TEST(loginWith(proxied, "203.0.113.9") == "203.0.113.9");
    BOOST_TEST(loginWith(proxied, "198.51.100.7, 203.0.113.9") == "203.0.113.9");  // the nearest hop counts
    BOOST_TEST(loginWith(proxied, "not-an-address") == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(refused_access_and_logout_and_user_changes_are_recorded) {
    TestServer server;
    auto police = server.login("police", "oost_nederland");
    auto admin = server.login("admin");
    auto client = server.client();
    BOOST_TEST(client.get("/api/v1/audit", police.token).status == 403);
    auto denied = events(server, "audit.read");
    BOOST_REQUIRE(denied.size() == 1u);
    BOOST_TEST(denied[0].outcome == "denied");
    BOOST_TEST(denied[0].userId == police.id);

    auto created = client.send("POST", "/api/v1/users", R"({"username":"new.user","display_name":"N","role":"researcher","password":"long enough pass"})",
                               admin.token);
    const auto newId = created.json()->getValue<std::string>("id");
    auto creates = events(server, "user.create");
    BOOST_TEST(creates.back().objectId == newId);
    BOOST_TEST(creates.back().userId == admin.id);
    BOOST_TEST(creates.back().purpose == "administration");
    client.send("PATCH", "/api/v1/users/" + newId, R"({"disabled":true})", admin.token);
    BOOST_TEST(events(server, "user.update").back().detail == "disabled");

    client.request("DELETE", "/api/v1/sessions/current", "", {{"Authorization", "Bearer " + police.token}});
    auto logouts = events(server, "logout");
    BOOST_REQUIRE(logouts.size() == 1u);
    BOOST_TEST(logouts[0].userId == police.id);
}

BOOST_AUTO_TEST_CASE(reading_the_audit_log_is_itself_audited_and_filterable) {
    TestServer server;
    auto admin = server.login("admin");
    auto doctor = server.login("forensic_doctor", "midden_nederland");
    auto client = server.client();
    auto r = client.get("/api/v1/audit?action=login&user=" + doctor.id, admin.token);
    BOOST_TEST(r.status == 200);
    auto items = r.json()->getArray("items");
    BOOST_TEST(items->size() == 1u);
    BOOST_TEST(items->getObject(0)->getValue<std::string>("user_id") == doctor.id);
    BOOST_TEST(items->getObject(0)->getValue<std::string>("hash").size() == 64u);
    auto reads = events(server, "audit.read");
    BOOST_REQUIRE(reads.size() == 1u);
    BOOST_TEST(reads[0].outcome == "success");
    BOOST_TEST(reads[0].detail.find("action=login") != std::string::npos);

    // Cursor pagination walks backwards through the log without repeats.
    std::set<long long> seqs;
    std::string cursor;
    for (int page = 0; page < 20; ++page) {
        auto p = client.get("/api/v1/audit?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), admin.token);
        auto body = p.json();
        auto list = body->getArray("items");
        for (std::size_t i = 0; i < list->size(); ++i) BOOST_TEST(seqs.insert(list->getObject(i)->getValue<long long>("seq")).second);
        if (body->isNull("next_cursor")) break;
        cursor = body->getValue<std::string>("next_cursor");
    }
    BOOST_TEST(seqs.size() >= 4u);
    BOOST_TEST(client.get("/api/v1/audit?from=yesterday", admin.token).status == 400);
    BOOST_TEST(client.get("/api/v1/audit?user=robert'); DROP TABLE audit_events;--", admin.token).status == 400);
}

BOOST_AUTO_TEST_CASE(a_failed_transaction_leaves_no_event) {
    TestServer server;
    const int before = server.db().scalar("SELECT count(*) FROM audit_events");
    registry::db::PoolSettings settings;
    settings.url = server.db().serviceUrl();
    registry::db::ConnectionPool pool(settings);
    BOOST_CHECK_THROW(registry::db::inTransaction(pool,
                                                  [&](pqxx::work& tx) {
                                                      registry::core::Caller caller;
                                                      registry::db::AuditRepository::append(
                                                          tx, registry::core::newAuditEvent(caller, "user.update", "success", "user", "x"));
                                                      throw std::runtime_error("the change failed after its event was written");
                                                  }),
                      std::runtime_error);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events") == before);
    // And an API change that fails validation writes nothing either.
    auto admin = server.login("admin");
    const int afterLogin = server.db().scalar("SELECT count(*) FROM audit_events");
    server.client().send("POST", "/api/v1/users", R"({"username":"bad","display_name":"B","role":"nobody","password":"long enough pass"})",
                         admin.token);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events") == afterLogin);
}

BOOST_AUTO_TEST_CASE(the_database_hashes_exactly_what_the_verifier_recomputes_for_any_text) {
    // The chain hash is computed in SQL (audit_append) over the canonical encoding made in C++;
    // multi-byte text must give the bytes C++ counted, or `audit verify` would call it altered.
    TestServer server;
    registry::db::PoolSettings settings;
    settings.url = server.db().serviceUrl();
    registry::db::ConnectionPool pool(settings);
    registry::core::Caller caller;
    caller.user.username = "zoë.ñandú 𝄞";
    caller.user.role = "loef";
    auto event = registry::core::newAuditEvent(caller, "user.update", "success", "user", "Δ-object");
    event.detail = "naïve | 12:ends with a pipe|";
    std::string prev;
    registry::db::inTransaction(pool, [&](pqxx::work& tx) {
        prev = registry::db::AuditRepository::head(tx).second;
        registry::db::AuditRepository::append(tx, event);
    });
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    const auto row = tx.exec_params1("SELECT prev_hash, hash FROM audit_events WHERE id = $1::uuid", event.id);
    BOOST_TEST(row[0].as<std::string>() == prev);
    BOOST_TEST(row[1].as<std::string>() == registry::core::chainHash(prev, event));
    auto r = runRegistry({"--config", configFor(server), "audit", "verify"});
    BOOST_TEST(r.exitCode == 0, r.err);
}

BOOST_AUTO_TEST_CASE(the_service_role_cannot_update_or_delete_audit_events) {
    TestServer server;
    server.login("researcher");
    pqxx::connection c(server.db().serviceUrl());
    {
        pqxx::work tx(c);
        BOOST_CHECK_THROW(tx.exec("UPDATE audit_events SET detail = 'rewritten'"), pqxx::insufficient_privilege);
    }
    {
        pqxx::work tx(c);
        BOOST_CHECK_THROW(tx.exec("DELETE FROM audit_events"), pqxx::insufficient_privilege);
    }
    {
        pqxx::work tx(c);
        BOOST_CHECK_THROW(tx.exec("TRUNCATE audit_events"), pqxx::insufficient_privilege);
    }
}

BOOST_AUTO_TEST_CASE(verify_accepts_an_intact_chain_and_names_a_tampered_event) {
    TestServer server;
    for (int i = 0; i < 4; ++i) server.login("loef");
    const auto config = configFor(server);
    auto intact = runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(intact.exitCode == 0);
    BOOST_TEST(intact.out.find("audit chain intact: " + std::to_string(server.db().scalar("SELECT count(*) FROM audit_events")) + " events checked") !=
               std::string::npos);

    std::string victimId;
    {
        pqxx::connection c(server.db().ownerUrl());
        pqxx::read_transaction tx(c);
        victimId = tx.exec("SELECT id::text FROM audit_events ORDER BY seq OFFSET 3 LIMIT 1")[0][0].as<std::string>();
    }
    server.db().execute("UPDATE audit_events SET client_address = '10.0.0.66' WHERE id = '" + victimId + "'");
    auto tampered = runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(tampered.exitCode == 65);
    BOOST_TEST(tampered.err.find(victimId) != std::string::npos);
    BOOST_TEST(tampered.err.find("altered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_keep_one_unbroken_chain) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    const long long before = server.db().scalar("SELECT count(*) FROM audit_events");
    constexpr int kThreads = 8, kEach = 15;
    std::vector<std::thread> threads;
    std::atomic<int> created{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            auto client = server.client();
            for (int i = 0; i < kEach; ++i) {
                if (client.send("POST", "/api/v1/exams", R"({"fields": {"sex": "female"}})", doctor.token).status == 201) ++created;
            }
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(created.load() == kThreads * kEach);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events") == before + kThreads * kEach);
    auto r = runRegistry({"--config", configFor(server), "audit", "verify"});
    BOOST_TEST(r.exitCode == 0);
    BOOST_TEST(r.out.find(std::to_string(before + kThreads * kEach) + " events checked") != std::string::npos);
}

// Reads hand their events to shared batches (services/read_audit.h): every answered read still
// has exactly its own event, with its subject, and the chain stays one unbroken line while
// submissions append to it at the same time.
BOOST_AUTO_TEST_CASE(concurrent_reads_each_leave_their_event_in_one_unbroken_chain) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto loef = server.login("loef");
    auto created = server.client().send("POST", "/api/v1/exams",
                                        R"({"fields": {"sex": "female", "victim_reference": "LOEF-2026-991"}})", doctor.token);
    BOOST_TEST_REQUIRE(created.status == 201);
    const std::string id = created.json()->getValue<std::string>("id");
    constexpr int kReaders = 8, kReads = 20, kWriters = 2, kWrites = 10;
    std::atomic<int> reads{0}, lists{0}, writes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kReaders; ++t) {
        threads.emplace_back([&, t] {
            auto client = server.client();
            for (int i = 0; i < kReads; ++i) {
                if (t % 2 == 0 && i % 5 == 0) {
                    if (client.send("GET", "/api/v1/exams?limit=5", "", loef.token).status == 200) ++lists;
                } else if (client.send("GET", "/api/v1/exams/" + id, "", loef.token).status == 200) {
                    ++reads;
                }
            }
        });
    }
    for (int t = 0; t < kWriters; ++t) {
        threads.emplace_back([&] {
            auto client = server.client();
            for (int i = 0; i < kWrites; ++i) {
                if (client.send("POST", "/api/v1/exams", R"({"fields": {"sex": "male"}})", doctor.token).status == 201) ++writes;
            }
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(reads.load() + lists.load() == kReaders * kReads);
    BOOST_TEST(writes.load() == kWriters * kWrites);
    const auto readEvents = events(server, "exam.read");
    BOOST_TEST(static_cast<int>(readEvents.size()) == reads.load());
    for (const auto& e : readEvents) {
        BOOST_TEST(e.objectId == id);
        BOOST_TEST(e.username == loef.username);
        BOOST_TEST(e.outcome == "success");
    }
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.read' AND subject_pseudonym IS NULL") == 0);
    BOOST_TEST(static_cast<int>(events(server, "exam.list").size()) == lists.load());
    auto r = runRegistry({"--config", configFor(server), "audit", "verify"});
    BOOST_TEST(r.exitCode == 0);
    BOOST_TEST(r.out.find(std::to_string(server.db().scalar("SELECT count(*) FROM audit_events")) + " events checked") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_detects_a_removed_event) {
    TestServer server;
    for (int i = 0; i < 4; ++i) server.login("loef");
    std::string nextId;
    {
        pqxx::connection c(server.db().ownerUrl());
        pqxx::read_transaction tx(c);
        nextId = tx.exec("SELECT id::text FROM audit_events ORDER BY seq OFFSET 3 LIMIT 1")[0][0].as<std::string>();
    }
    server.db().execute("DELETE FROM audit_events WHERE seq = (SELECT seq FROM audit_events ORDER BY seq OFFSET 2 LIMIT 1)");
    auto r = runRegistry({"--config", configFor(server), "audit", "verify"});
    BOOST_TEST(r.exitCode == 65);
    BOOST_TEST(r.err.find(nextId) != std::string::npos);
    BOOST_TEST(r.err.find("removed") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
