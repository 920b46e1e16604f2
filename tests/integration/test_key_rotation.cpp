#include <boost/test/unit_test.hpp>

#include "server/app/registry_server.h"
#include "server/core/pseudonym.h"
#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <chrono>
#include <map>
#include <thread>

using registry::test::HttpClient;
using registry::test::runRegistry;
using registry::test::TestServer;
using registry::test::writePropertiesFile;

namespace {

std::string examWith(const std::string& police, const std::string& victim) {
    return "{\"fields\": " + registry::test::completeExamFields("oost_brabant", police, victim) + "}";
}

struct Linkage {
    long long repeatVictims = 0;  // victims with more than one exam
    long long victimPairs = 0;    // pairs of exams of the same victim
    long long historyMismatches = 0;  // a record's newest version disagreeing with the record
};

Linkage linkage(TestServer& server) {
    Linkage l;
    l.repeatVictims = server.db().scalar(
        "SELECT count(*) FROM (SELECT victim_pseudonym FROM exams GROUP BY 1 HAVING count(*) > 1) g");
    l.victimPairs = server.db().scalar(
        "SELECT count(*) FROM exams a JOIN exams b ON a.victim_pseudonym = b.victim_pseudonym AND a.id < b.id");
    l.historyMismatches = server.db().scalar(
        "SELECT count(*) FROM exam_versions v JOIN exams e ON e.id = v.exam_id AND e.version = v.version "
        "WHERE v.victim_pseudonym IS DISTINCT FROM e.victim_pseudonym "
        "OR v.police_pseudonym IS DISTINCT FROM e.police_pseudonym");
    return l;
}

const std::string kOutcome = R"("fields": {"aangifte": "later"})";

// The server's settings with `key` as the current pseudonym key (version 2) and `previous` before it.
registry::app::Config chainedConfig(const TestServer& server, const std::string& key, const std::string& previous) {
    auto chained = server.config();
    chained.set("pseudonym.key_file", key);
    chained.set("pseudonym.key_version", "2");
    chained.set("pseudonym.previous_key_files", previous);
    return chained;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_rotation)

// Records made under key 1, a rotation to key 2 killed half-way and rerun, records made during
// and after it: linkage by victim and by police reference holds throughout and after.
BOOST_AUTO_TEST_CASE(rotation_keeps_linkage_and_resumes_after_being_killed) {
    TestServer server;  // key version 1
    const std::string key1 = server.config().getString("pseudonym.key_file");
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto client = server.client();
    std::map<std::string, std::string> victimOf;  // exam id -> clear victim reference
    std::vector<std::pair<std::string, std::string>> policeRefs;  // clear police reference, exam id
    for (int i = 0; i < 30; ++i) {
        const std::string victim = "LOEF-2026-" + std::to_string(500 + i % 10);
        const std::string ref = "PL0912-2026-" + std::to_string(800000 + i);
        auto r = client.send("POST", "/api/v1/exams?submit=true", examWith(ref, victim), doctor.token);
        BOOST_TEST_REQUIRE(r.status == 201);
        victimOf[r.json()->getValue<std::string>("id")] = victim;
        policeRefs.push_back({ref, r.json()->getValue<std::string>("id")});
    }
    for (int i = 0; i < 5; ++i) {
        auto r = client.send("PUT", "/api/v1/outcomes/by-police-reference",
                             "{\"police_reference\": \"" + policeRefs[i].first + "\", " + kOutcome + "}", police.token);
        BOOST_TEST_REQUIRE(r.status == 200);
    }
    const Linkage before = linkage(server);
    BOOST_TEST(before.repeatVictims == 10);
    BOOST_TEST(before.victimPairs == 30);

    // Key 2 joins the chain: servers restart with it first, then the rotation runs.
    const std::string key2 = registry::test::writeTestKeyFile();
    registry::app::RegistryServer second(chainedConfig(server, key2, key1));
    second.start();
    HttpClient client2(second.port());
    const std::string config = writePropertiesFile("db.url = " + server.db().serviceUrl() + "\npseudonym.key_file = " +
                                                   key2 + "\npseudonym.key_version = 2\npseudonym.previous_key_files = " +
                                                   key1 + "\nlog.level = warning\n");

    // Killed (SIGKILL, no chance to clean up) after its first batches.
    {
        Poco::Pipe in, out, err;
        auto handle = Poco::Process::launch(std::getenv("REGISTRY_BINARY"),
                                            {"--config", config, "keys", "rotate", "--batch-size", "4", "--pause-ms", "300"},
                                            ".", &in, &out, &err);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (server.db().scalar("SELECT coalesce(max(exams_rekeyed), 0) FROM key_rotations") < 8 &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        Poco::Process::kill(handle);
        handle.wait();
    }
    const long long rotated = server.db().scalar("SELECT count(*) FROM exams WHERE pseudonym_key_version = 2");
    BOOST_TEST_REQUIRE(rotated >= 8);
    BOOST_TEST_REQUIRE(rotated < 30);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM key_rotations WHERE finished_at IS NULL") == 1);

    // Half-way: every police reference still finds its exam, and a new record of a known victim
    // (made under key 2) links to that victim's older records.
    for (const auto& [ref, id] : policeRefs) {
        auto r = client2.send("PUT", "/api/v1/outcomes/by-police-reference",
                              "{\"police_reference\": \"" + ref + "\", " + kOutcome + "}", police.token);
        BOOST_TEST(r.status == 200);
        if (r.status == 200) BOOST_TEST(r.json()->getValue<std::string>("exam_id") == id);
    }
    auto during = client2.send("POST", "/api/v1/exams?submit=true", examWith("PL0912-2026-900001", "LOEF-2026-500"),
                               doctor.token);
    BOOST_TEST_REQUIRE(during.status == 201);
    victimOf[during.json()->getValue<std::string>("id")] = "LOEF-2026-500";

    auto rerun = runRegistry({"--config", config, "keys", "rotate", "--batch-size", "7"});
    BOOST_TEST_REQUIRE(rerun.exitCode == 0);
    BOOST_TEST(rerun.out.find("resumed and finished: every record is under key version 2") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE pseudonym_key_version <> 2") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_versions WHERE pseudonym_key_version <> 2") == 0);

    auto after = client2.send("POST", "/api/v1/exams?submit=true", examWith("PL0912-2026-900002", "LOEF-2026-501"),
                              doctor.token);
    BOOST_TEST_REQUIRE(after.status == 201);
    victimOf[after.json()->getValue<std::string>("id")] = "LOEF-2026-501";

    // The same linkage as before, plus exactly the two new records joining their victims.
    const Linkage now = linkage(server);
    BOOST_TEST(now.repeatVictims == before.repeatVictims);
    BOOST_TEST(now.victimPairs == before.victimPairs + 3 + 3);
    BOOST_TEST(now.historyMismatches == 0);
    // The interrupted run ends exactly where an uninterrupted one would: every stored pseudonym
    // is the key-2 pseudonym of its clear reference.
    const auto chain = registry::core::Pseudonymiser::fromKeyFiles({key1}, key2, 2);
    for (const auto& [id, victim] : victimOf) {
        BOOST_TEST_CONTEXT("exam " << id) {
            BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE id = '" + id + "' AND victim_pseudonym = '" +
                                          chain.pseudonymise(victim) + "'") == 1);
        }
    }
    for (const auto& [ref, id] : policeRefs) {
        auto r = client2.send("PUT", "/api/v1/outcomes/by-police-reference",
                              "{\"police_reference\": \"" + ref + "\", " + kOutcome + "}", police.token);
        BOOST_TEST(r.status == 200);
    }

    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'keys.rotate' AND detail LIKE 'started%'") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'keys.rotate' AND detail LIKE 'resumed%'") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'keys.rotate' AND detail LIKE 'finished%'") == 1);
    auto again = runRegistry({"--config", config, "keys", "rotate"});
    BOOST_TEST(again.exitCode == 0);
    BOOST_TEST(again.out.find("already under key version 2") != std::string::npos);
    BOOST_TEST(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);
    second.stop();
}

// A record changed by a server on the new chain before the rotation reached it keeps its
// references, brought to the new key version along with the rest of the record.
BOOST_AUTO_TEST_CASE(a_record_changed_mid_rotation_keeps_its_references) {
    TestServer server;
    const std::string key1 = server.config().getString("pseudonym.key_file");
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto draft = server.client().send("POST", "/api/v1/exams", examWith("PL0912-2026-700001", "LOEF-2026-700"),
                                      doctor.token);
    BOOST_TEST_REQUIRE(draft.status == 201);
    const std::string id = draft.json()->getValue<std::string>("id");

    const std::string key2 = registry::test::writeTestKeyFile();
    registry::app::RegistryServer second(chainedConfig(server, key2, key1));
    second.start();
    HttpClient client2(second.port());
    auto patched = client2.send("PATCH", "/api/v1/exams/" + id, R"({"fields": {"interpreter_used": true}})", doctor.token,
                                {{"If-Match", draft.header("etag")}});
    BOOST_TEST_REQUIRE(patched.status == 200);
    BOOST_TEST(patched.body.find("\"victim_reference\":\"present\"") != std::string::npos);
    const auto chain = registry::core::Pseudonymiser::fromKeyFiles({key1}, key2, 2);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE id = '" + id + "' AND pseudonym_key_version = 2 AND "
                                  "victim_pseudonym = '" + chain.pseudonymise("LOEF-2026-700") + "' AND police_pseudonym = '" +
                                  chain.pseudonymise("PL0912-2026-700001") + "'") == 1);
    // Its newest stored version says so too; the first still waits for the rotation.
    BOOST_TEST(server.db().scalar("SELECT pseudonym_key_version FROM exam_versions WHERE exam_id = '" + id +
                                  "' AND version = 2") == 2);
    BOOST_TEST(server.db().scalar("SELECT pseudonym_key_version FROM exam_versions WHERE exam_id = '" + id +
                                  "' AND version = 1") == 1);
    second.stop();
}

BOOST_AUTO_TEST_CASE(a_chain_missing_an_old_key_is_refused) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    BOOST_TEST_REQUIRE(server.client().send("POST", "/api/v1/exams", registry::test::examBody(), doctor.token).status == 201);
    // Version 3 with only key 2 before it: the version-1 records cannot be brought forward.
    const std::string config = writePropertiesFile(
        "db.url = " + server.db().serviceUrl() + "\npseudonym.key_file = " + registry::test::writeTestKeyFile() +
        "\npseudonym.key_version = 3\npseudonym.previous_key_files = " + registry::test::writeTestKeyFile() +
        "\nlog.level = warning\n");
    auto r = runRegistry({"--config", config, "keys", "rotate"});
    BOOST_TEST(r.exitCode == 65);
    BOOST_TEST(r.err.find("key version 1") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE pseudonym_key_version = 1") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
