#include <boost/test/unit_test.hpp>

#include "server/core/audit_event.h"
#include "server/db/audit_repository.h"
#include "server/db/pool.h"
#include "server/db/transaction.h"
#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

#include <pqxx/pqxx>

using registry::test::runRegistry;
using registry::test::TestDatabase;
using registry::test::TestServer;
using registry::test::writePropertiesFile;

namespace {

std::string configFor(const TestDatabase& db) {
    return writePropertiesFile("db.url = " + db.serviceUrl() + "\ndb.owner_url = " + db.ownerUrl() +
                               "\nlog.level = warning\n");
}

// Appends `count` well-chained events dated `age` ago (a PostgreSQL interval), as the service
// would have written them then.
void appendEvents(const TestDatabase& db, int count, const std::string& age) {
    registry::db::PoolSettings settings;
    settings.url = db.ownerUrl();
    settings.size = 1;
    registry::db::ConnectionPool pool(settings);
    registry::db::inTransaction(pool, [&](pqxx::work& tx) {
        const auto at = tx.exec("SELECT to_char((now() - interval '" + age +
                                "') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")[0][0]
                            .as<std::string>();
        for (int i = 0; i < count; ++i) {
            registry::core::Caller caller;
            caller.user.username = "seed";
            auto event = registry::core::newAuditEvent(caller, "exam.read", "success", "exam", "seed-" + std::to_string(i));
            event.occurredAt = at;
            event.purpose = "care";
            registry::db::AuditRepository::append(tx, event);
        }
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retention)

BOOST_AUTO_TEST_CASE(purge_audit_leaves_a_checkpoint_that_verify_proves_the_rest_from) {
    TestDatabase db;
    BOOST_TEST_REQUIRE(db.scalar("SELECT count(*) FROM audit_events") == 0);
    appendEvents(db, 30, "6 years");
    appendEvents(db, 5, "1 day");
    const auto config = configFor(db);

    auto dry = runRegistry({"--config", config, "retention", "purge-audit", "--dry-run"});
    BOOST_TEST_REQUIRE(dry.exitCode == 0);
    BOOST_TEST(dry.out.find("would remove 30 audit event(s) older than 5 years (through seq 30") != std::string::npos);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events") == 36);  // the dry run is itself an event
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_checkpoints") == 0);

    auto real = runRegistry({"--config", config, "retention", "purge-audit"});
    BOOST_TEST_REQUIRE(real.exitCode == 0);
    BOOST_TEST(real.out.find("removed 30 audit event(s)") != std::string::npos);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events") == 7);
    BOOST_TEST(db.scalar("SELECT min(seq) FROM audit_events") == 31);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'audit.purge' AND detail LIKE 'removed 30 %'") == 1);
    BOOST_TEST(db.scalar("SELECT through_seq FROM audit_checkpoints") == 30);

    auto verified = runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(verified.exitCode == 0);
    BOOST_TEST(verified.out.find("audit chain intact: 7 events checked from the purge checkpoint after seq 30") !=
               std::string::npos);
    // Nothing left to purge: a second run removes nothing and changes no checkpoint.
    auto again = runRegistry({"--config", config, "retention", "purge-audit"});
    BOOST_TEST(again.out.find("removed 0 audit event(s)") != std::string::npos);
    BOOST_TEST(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);

    // A change in what remains is still found.
    db.execute("UPDATE audit_events SET detail = 'nothing to see' WHERE seq = 33");
    auto tampered = runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(tampered.exitCode == 65);
    BOOST_TEST(tampered.err.find("seq 33") != std::string::npos);
    BOOST_TEST(tampered.err.find("altered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_forged_checkpoint_or_a_removed_first_event_is_detected) {
    TestDatabase db;
    appendEvents(db, 10, "7 years");
    appendEvents(db, 3, "1 hour");
    const auto config = configFor(db);
    BOOST_TEST_REQUIRE(runRegistry({"--config", config, "retention", "purge-audit"}).exitCode == 0);
    BOOST_TEST_REQUIRE(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);

    // Cutting more of the chain and moving the checkpoint to match: no audit.purge event vouches for it.
    db.execute("DELETE FROM audit_events WHERE seq = 11");
    db.execute("UPDATE audit_checkpoints SET through_seq = 11, through_hash = (SELECT prev_hash FROM audit_events "
               "WHERE seq = 12), events_removed = 11");
    auto forged = runRegistry({"--config", config, "audit", "verify"});
    BOOST_TEST(forged.exitCode == 65);
    BOOST_TEST(forged.err.find("not vouched for") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(purge_drafts_removes_only_old_drafts_after_a_dry_run) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto r = client.send("POST", "/api/v1/exams", registry::test::examBody("oost_brabant"), doctor.token);
        BOOST_TEST_REQUIRE(r.status == 201);
        ids.push_back(r.json()->getValue<std::string>("id"));
    }
    auto submitted = client.send("POST", "/api/v1/exams?submit=true", registry::test::examBody("oost_brabant"), doctor.token);
    BOOST_TEST_REQUIRE(submitted.status == 201);
    const std::string submittedId = submitted.json()->getValue<std::string>("id");
    // Two drafts and the submitted record were last changed 100 days ago.
    server.db().execute("UPDATE exams SET updated_at = now() - interval '100 days' WHERE id IN ('" + ids[0] + "', '" +
                        ids[1] + "', '" + submittedId + "')");
    const auto config = configFor(server.db());

    auto dry = runRegistry({"--config", config, "retention", "purge-drafts", "--dry-run"});
    BOOST_TEST_REQUIRE(dry.exitCode == 0);
    BOOST_TEST(dry.out.find("would remove 2 draft(s) unchanged for more than 90 days") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 4);

    auto real = runRegistry({"--config", config, "retention", "purge-drafts"});
    BOOST_TEST_REQUIRE(real.exitCode == 0);
    BOOST_TEST(real.out.find("removed 2 draft(s)") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 2);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE id IN ('" + ids[2] + "', '" + submittedId + "')") == 2);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_versions WHERE exam_id IN ('" + ids[0] + "', '" + ids[1] +
                                  "')") == 0);
    for (const auto& id : {ids[0], ids[1]}) {
        BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.purge' AND object_id = '" +
                                      id + "'") == 1);
        BOOST_TEST(client.get("/api/v1/exams/" + id, doctor.token).status == 404);
    }
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'retention.purge_drafts'") == 2);
    BOOST_TEST(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);
}

BOOST_AUTO_TEST_CASE(cleanup_removes_old_failures_ended_sessions_and_expired_challenges) {
    TestServer server;
    auto user = server.login("police", "oost_brabant");
    auto ended = server.login("police", "oost_brabant");
    auto client = server.client();
    BOOST_TEST_REQUIRE(client.send("DELETE", "/api/v1/sessions/current", "", ended.token).status == 204);
    server.db().execute("UPDATE sessions SET revoked_at = now() - interval '40 days' WHERE user_id = '" + ended.id + "'");
    server.db().execute("INSERT INTO login_failures (username, failed_at) VALUES ('old-try', now() - interval '1 day'), "
                        "('fresh-try', now())");
    server.db().execute("INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ('expired', '" + user.id +
                        "', now() - interval '1 hour'), ('live', '" + user.id + "', now() + interval '5 minutes')");
    const auto config = configFor(server.db());

    auto dry = runRegistry({"--config", config, "retention", "cleanup", "--dry-run"});
    BOOST_TEST_REQUIRE(dry.exitCode == 0);
    BOOST_TEST(dry.out.find("would remove 1 failed-login record(s) older than 15 minutes, 1 session(s) ended more than "
                            "30 days ago, 1 expired sign-in challenge(s)") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM login_failures") == 2);

    auto real = runRegistry({"--config", config, "retention", "cleanup"});
    BOOST_TEST_REQUIRE(real.exitCode == 0);
    BOOST_TEST(real.out.find("removed 1 failed-login record(s)") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM login_failures WHERE username = 'fresh-try'") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM login_failures") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM sessions WHERE user_id = '" + ended.id + "'") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM login_challenges") == 1);
    BOOST_TEST(client.get("/api/v1/me", user.token).status == 200);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'retention.cleanup'") == 2);
}

BOOST_AUTO_TEST_CASE(unknown_subcommands_are_usage_errors) {
    auto r = runRegistry({"retention", "purge-everything"});
    BOOST_TEST(r.exitCode == 64);
}

BOOST_AUTO_TEST_SUITE_END()
