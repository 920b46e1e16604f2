#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

using registry::test::examBody;
using registry::test::HttpResult;
using registry::test::TestServer;

namespace {

std::map<std::string, std::string> ifMatch(const std::string& etag) { return {{"If-Match", etag}}; }


const char* const kDraft = R"({"fields": {"region": "oost_brabant", "referral_source": "police",
    "victim_reference": "LOEF-2026-10412", "exam_at": "2026-03-14T10:30:00+01:00", "sex": "female"}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(exam_lifecycle)

BOOST_AUTO_TEST_CASE(draft_edit_submit_amend_lock_with_full_history) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto colleague = server.login("forensic_doctor", "oost_brabant");
    auto loef = server.login("loef");
    auto client = server.client();

    // Create a draft: incomplete is fine.
    auto created = client.send("POST", "/api/v1/exams", kDraft, doctor.token);
    BOOST_TEST_REQUIRE(created.status == 201);
    auto exam = created.json();
    const std::string id = exam->getValue<std::string>("id");
    BOOST_TEST(created.header("Location") == "/api/v1/exams/" + id);
    BOOST_TEST(created.header("ETag") == "\"1\"");
    BOOST_TEST(exam->getValue<std::string>("status") == "draft");
    BOOST_TEST(exam->getValue<int>("form_version") == 1);
    BOOST_TEST(!exam->getObject("fields")->has("victim_reference"));
    BOOST_TEST(exam->getObject("references")->getValue<std::string>("victim_reference") == "present");
    BOOST_TEST(exam->getObject("references")->getValue<std::string>("police_reference") == "absent");
    BOOST_TEST(exam->getObject("fields")->getValue<std::string>("exam_at") == "2026-03-14T09:30:00Z");
    BOOST_TEST(created.body.find("LOEF-2026-10412") == std::string::npos);

    // Complete it with a merge patch under optimistic concurrency.
    const std::string complete = examBody("oost_brabant");
    BOOST_TEST(client.send("PATCH", "/api/v1/exams/" + id, complete, doctor.token).status == 428);
    BOOST_TEST(client.send("PATCH", "/api/v1/exams/" + id, complete, doctor.token, ifMatch("\"7\"")).status == 412);
    BOOST_TEST(client.send("PATCH", "/api/v1/exams/" + id, complete, colleague.token, ifMatch("\"1\"")).status == 404);
    auto patched = client.send("PATCH", "/api/v1/exams/" + id, complete, doctor.token, ifMatch("\"1\""));
    BOOST_TEST_REQUIRE(patched.status == 200);
    BOOST_TEST(patched.header("ETag") == "\"2\"");
    auto derived = patched.json()->getObject("derived");
    BOOST_TEST(derived->getValue<bool>("within_48h"));
    BOOST_TEST(derived->getValue<bool>("internal_only"));
    BOOST_TEST(derived->getValue<double>("hours_report_to_exam") == 10.8);

    auto submitted = client.send("POST", "/api/v1/exams/" + id + "/submit", "", doctor.token);
    BOOST_TEST_REQUIRE(submitted.status == 200);
    BOOST_TEST(submitted.json()->getValue<std::string>("status") == "submitted");
    BOOST_TEST(!submitted.json()->isNull("submitted_at"));
    BOOST_TEST(client.send("PATCH", "/api/v1/exams/" + id, kDraft, doctor.token, ifMatch("\"3\"")).status == 409);

    // Amendments need a reason; a colleague in the region may amend.
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 14}})",
                           colleague.token).status == 422);
    auto amended = client.send("POST", "/api/v1/exams/" + id + "/amendments",
                               R"({"changes": {"photo_count": 14, "victim_reference": "LOEF-2026-10999"},
                                   "reason": "Foto's nageteld; dossiernummer gecorrigeerd"})",
                               colleague.token, ifMatch("\"3\""));
    BOOST_TEST_REQUIRE(amended.status == 201);
    BOOST_TEST(amended.header("ETag") == "\"4\"");
    BOOST_TEST(amended.json()->getObject("fields")->getValue<int>("photo_count") == 14);

    // LOEF locks: amendments are refused until it unlocks.
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/lock", "", loef.token).status == 200);
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/amendments",
                           R"({"changes": {"photo_count": 15}, "reason": "x"})", doctor.token).status == 409);
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/lock", "", loef.token).status == 409);
    auto unlocked = client.send("POST", "/api/v1/exams/" + id + "/unlock", "", loef.token);
    BOOST_TEST(unlocked.json()->getValue<std::string>("status") == "submitted");
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/amendments",
                           R"({"changes": {"photo_count": 15}, "reason": "Nog een foto gevonden"})", loef.token,
                           ifMatch(unlocked.header("ETag")))
                   .status == 201);

    // History: every version, who, when, why and what changed (references only as present/replaced).
    auto history = client.get("/api/v1/exams/" + id + "/history", doctor.token);
    BOOST_TEST_REQUIRE(history.status == 200);
    auto items = history.json()->getArray("items");
    BOOST_TEST_REQUIRE(items->size() == 7u);
    std::vector<std::string> kinds;
    for (std::size_t i = 0; i < items->size(); ++i) kinds.push_back(items->getObject(i)->getValue<std::string>("kind"));
    BOOST_TEST(kinds == (std::vector<std::string>{"create", "update", "submit", "amend", "lock", "unlock", "amend"}));
    auto amendment = items->getObject(3);
    BOOST_TEST(amendment->getValue<std::string>("reason") == "Foto's nageteld; dossiernummer gecorrigeerd");
    BOOST_TEST(amendment->getObject("changed_by")->getValue<std::string>("id") == colleague.id);
    auto changes = amendment->getArray("changes");
    std::map<std::string, Poco::JSON::Object::Ptr> byField;
    for (std::size_t i = 0; i < changes->size(); ++i) byField[changes->getObject(i)->getValue<std::string>("field")] = changes->getObject(i);
    BOOST_TEST(byField.size() == 2u);
    BOOST_TEST(byField["photo_count"]->getValue<int>("old") == 12);
    BOOST_TEST(byField["photo_count"]->getValue<int>("new") == 14);
    BOOST_TEST(byField["victim_reference"]->getValue<std::string>("old") == "present");
    BOOST_TEST(byField["victim_reference"]->getValue<std::string>("new") == "replaced");
    BOOST_TEST(history.body.find("LOEF-2026") == std::string::npos);
    BOOST_TEST(items->getObject(1)->getArray("changes")->size() > 50u);

    // Every version is kept; the clear references are stored nowhere.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_versions WHERE exam_id = '" + id + "'") == 7);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE fields::text LIKE '%LOEF-2026%' OR fields::text LIKE '%PL0912%'") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_versions WHERE fields::text LIKE '%LOEF-2026%'") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE coalesce(detail,'') LIKE '%LOEF-2026%'") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE object_id = '" + id + "' AND subject_pseudonym IS NOT NULL") >= 7);
}

BOOST_AUTO_TEST_CASE(create_and_submit_in_one_call_derives_the_indicators) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto r = server.client().send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    BOOST_TEST_REQUIRE(r.status == 201);
    auto exam = r.json();
    BOOST_TEST(exam->getValue<std::string>("status") == "submitted");
    BOOST_TEST(exam->getObject("references")->getValue<std::string>("police_reference") == "present");
    BOOST_TEST(exam->getObject("derived")->getValue<bool>("within_24h"));
    // The report storage generated from the form definition follows the stored fields.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_facts WHERE within_48h AND internal_only AND laryngoscopy_done AND "
                             "exam_at = '2026-03-14T09:30:00Z' AND age_band = '25-34' AND region = 'oost_brabant' "
                             "AND status = 'submitted' AND mechanism___two_hands = 1") == 1);
}

BOOST_AUTO_TEST_CASE(region_scope_hides_other_regions_and_logs_the_refusal) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto other = server.login("forensic_doctor", "midden_nederland");
    auto loef = server.login("loef");
    auto client = server.client();
    auto r = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    const std::string id = r.json()->getValue<std::string>("id");
    BOOST_TEST(client.get("/api/v1/exams/" + id, other.token).status == 404);
    BOOST_TEST(client.get("/api/v1/exams/" + id + "/history", other.token).status == 404);
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/amendments", R"({"changes":{},"reason":"x"})", other.token).status == 404);
    BOOST_TEST(client.get("/api/v1/exams/" + id, loef.token).status == 200);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE outcome = 'denied' AND object_id = '" + id +
                                 "' AND user_id = '" + other.id + "'") == 3);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.read' AND outcome = 'success' AND user_id = '" +
                                 loef.id + "'") == 1);
    // A doctor cannot record for another region.
    auto wrongRegion = client.send("POST", "/api/v1/exams", examBody("midden_nederland"), doctor.token);
    BOOST_TEST(wrongRegion.status == 422);
    BOOST_TEST(wrongRegion.body.find("\"field\":\"region\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_filter_paginate_and_keep_drafts_private) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto colleague = server.login("forensic_doctor", "oost_brabant");
    auto loef = server.login("loef");
    auto client = server.client();
    for (int i = 0; i < 3; ++i) client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    client.send("POST", "/api/v1/exams", kDraft, doctor.token);
    auto mine = client.get("/api/v1/exams", doctor.token).json()->getArray("items");
    auto theirs = client.get("/api/v1/exams", colleague.token).json()->getArray("items");
    BOOST_TEST(mine->size() == 4u);
    BOOST_TEST(theirs->size() == 3u);  // not the colleague's draft
    BOOST_TEST(client.get("/api/v1/exams?status=draft", loef.token).json()->getArray("items")->size() == 1u);
    BOOST_TEST(client.get("/api/v1/exams?region=midden_nederland", loef.token).json()->getArray("items")->size() == 0u);
    BOOST_TEST(client.get("/api/v1/exams?from=2026-03-14&to=2026-03-15", loef.token).json()->getArray("items")->size() == 4u);
    BOOST_TEST(client.get("/api/v1/exams?from=2026-03-15", loef.token).json()->getArray("items")->size() == 0u);
    std::set<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        auto r = client.get("/api/v1/exams?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), loef.token);
        BOOST_TEST_REQUIRE(r.status == 200);
        auto body = r.json();
        auto items = body->getArray("items");
        for (std::size_t i = 0; i < items->size(); ++i) BOOST_TEST(seen.insert(items->getObject(i)->getValue<std::string>("id")).second);
        if (body->isNull("next_cursor")) break;
        cursor = body->getValue<std::string>("next_cursor");
    }
    BOOST_TEST(seen.size() == 4u);
    BOOST_TEST(client.get("/api/v1/exams?status=deleted", loef.token).status == 400);
    BOOST_TEST(client.get("/api/v1/exams?from=14-03-2026", loef.token).status == 400);
    BOOST_TEST(client.get("/api/v1/exams?cursor=garbage", loef.token).status == 400);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.list'") >= 10);
}

BOOST_AUTO_TEST_CASE(only_the_author_deletes_a_draft_and_submitted_records_stay) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    const auto draft = client.send("POST", "/api/v1/exams", kDraft, doctor.token).json()->getValue<std::string>("id");
    const auto done = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token).json()->getValue<std::string>("id");
    BOOST_TEST(client.request("DELETE", "/api/v1/exams/" + done, "", {{"Authorization", "Bearer " + doctor.token}}).status == 409);
    BOOST_TEST(client.request("DELETE", "/api/v1/exams/" + draft, "", {{"Authorization", "Bearer " + doctor.token}}).status == 204);
    BOOST_TEST(client.get("/api/v1/exams/" + draft, doctor.token).status == 404);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.delete' AND object_id = '" + draft + "'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(exam_erasure)

BOOST_AUTO_TEST_CASE(erasure_removes_record_versions_and_outcome_and_is_audited) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto client = server.client();
    const auto id = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token).json()->getValue<std::string>("id");
    client.send("POST", "/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 3}, "reason": "recount"})", doctor.token,
                ifMatch("\"1\""));
    client.send("PUT", "/api/v1/exams/" + id + "/outcome", R"({"fields": {"aangifte": "yes"}})", police.token);
    const std::string config = registry::test::writePropertiesFile(
        "db.url = " + server.db().serviceUrl() + "\npseudonym.key_file = " + server.config().getString("pseudonym.key_file") + "\n");

    auto noReason = registry::test::runRegistry({"--config", config, "exam", "erase", id});
    BOOST_TEST(noReason.exitCode == 64);
    auto erased = registry::test::runRegistry({"--config", config, "exam", "erase", id, "--reason", "AVG-verzoek 2026-017"});
    BOOST_TEST_REQUIRE(erased.exitCode == 0);
    BOOST_TEST(erased.out.find("2 version(s)") != std::string::npos);

    BOOST_TEST(client.get("/api/v1/exams/" + id, doctor.token).status == 404);
    for (const char* table : {"exams", "exam_versions", "exam_outcomes", "outcome_versions"}) {
        BOOST_TEST_CONTEXT(table) {
            BOOST_TEST(server.db().scalar(std::string("SELECT count(*) FROM ") + table + " WHERE " +
                                          (std::string(table) == "exams" ? "id" : "exam_id") + " = '" + id + "'") == 0);
        }
    }
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.erase' AND object_id = '" + id +
                                  "' AND detail LIKE '%AVG-verzoek 2026-017%' AND detail NOT LIKE '%photo%'") == 1);
    // The earlier events about the record stay, and the chain is intact.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE object_id = '" + id + "'") >= 4);
    BOOST_TEST(registry::test::runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);

    auto again = registry::test::runRegistry({"--config", config, "exam", "erase", id, "--reason", "twice"});
    BOOST_TEST(again.exitCode == 65);
    BOOST_TEST(again.err.find("No such exam") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
