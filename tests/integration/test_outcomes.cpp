#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

using registry::test::examBody;
using registry::test::TestServer;

namespace {
std::string firstErrorCode(const registry::test::HttpResult& r) {
    return r.json()->getArray("errors")->getObject(0)->getValue<std::string>("code");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(justice_outcomes)

BOOST_AUTO_TEST_CASE(police_and_om_each_write_their_own_part) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto prosecutor = server.login("prosecutor", "oost_brabant");
    auto client = server.client();
    const auto id = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token).json()->getValue<std::string>("id");

    auto policePart = client.send("PUT", "/api/v1/exams/" + id + "/outcome",
                                  R"({"fields": {"aangifte": "yes", "aangifte_date": "2026-03-14", "arrest": true,
                                                 "arrest_date": "2026-03-14", "restraining_order": true,
                                                 "restraining_order_date": "2026-03-15"}})",
                                  police.token);
    BOOST_TEST_REQUIRE(policePart.status == 200);
    BOOST_TEST(policePart.json()->getValue<std::string>("part") == "police");
    BOOST_TEST(policePart.json()->getValue<int>("version") == 1);

    // Each role writes only its own fields.
    auto policeWritesOm = client.send("PUT", "/api/v1/exams/" + id + "/outcome",
                                      R"({"fields": {"om_decision": "summons"}})", police.token);
    BOOST_TEST(policeWritesOm.status == 422);
    BOOST_TEST(firstErrorCode(policeWritesOm) == "forbidden_field");
    auto omWritesPolice = client.send("PUT", "/api/v1/exams/" + id + "/outcome", R"({"fields": {"arrest": false}})",
                                      prosecutor.token);
    BOOST_TEST(omWritesPolice.status == 422);

    // A dismissal needs a code from the reference table.
    auto noCode = client.send("PUT", "/api/v1/exams/" + id + "/outcome",
                              R"({"fields": {"om_decision": "dismissal", "om_decision_date": "2026-04-02"}})", prosecutor.token);
    BOOST_TEST(noCode.status == 422);
    auto badCode = client.send("PUT", "/api/v1/exams/" + id + "/outcome",
                               R"({"fields": {"om_decision": "dismissal", "om_decision_date": "2026-04-02", "dismissal_code": "99"}})",
                               prosecutor.token);
    BOOST_TEST(badCode.status == 422);
    BOOST_TEST(firstErrorCode(badCode) == "code_list");
    auto om = client.send("PUT", "/api/v1/exams/" + id + "/outcome",
                          R"({"fields": {"om_decision": "dismissal", "om_decision_date": "2026-04-02", "dismissal_code": "02",
                                         "charges": ["art_300_304_assault"]}})",
                          prosecutor.token);
    BOOST_TEST_REQUIRE(om.status == 200);
    BOOST_TEST(om.json()->getValue<int>("version") == 2);

    // Both parts are kept side by side, typed for reports, and every change is versioned and audited.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exam_outcomes WHERE exam_id = '" + id +
                                 "' AND aangifte = 'yes' AND arrest AND om_decision = 'dismissal' AND dismissal_code = '02'"
                                 " AND dismissal_list_version = 1") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM outcome_versions WHERE exam_id = '" + id + "'") == 2);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'outcome.record' AND object_id = '" + id +
                                 "' AND subject_pseudonym IS NOT NULL") == 2);
}

BOOST_AUTO_TEST_CASE(linked_by_police_reference_in_any_spelling) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto elsewhere = server.login("police", "midden_nederland");
    auto client = server.client();
    const auto id = client.send("POST", "/api/v1/exams?submit=true", examBody("oost_brabant", "", "PL0912-2026-777001"),
                                doctor.token).json()->getValue<std::string>("id");
    const std::string fields = R"("fields": {"aangifte": "later"})";
    auto linked = client.send("PUT", "/api/v1/outcomes/by-police-reference",
                              "{\"police_reference\": \" pl 0912 2026-777001 \", " + fields + "}", police.token);
    BOOST_TEST_REQUIRE(linked.status == 200);
    BOOST_TEST(linked.json()->getValue<std::string>("exam_id") == id);
    BOOST_TEST(linked.body.find("777001") == std::string::npos);
    BOOST_TEST(client.send("PUT", "/api/v1/outcomes/by-police-reference",
                           "{\"police_reference\": \"PL0000-2026-000000\", " + fields + "}", police.token).status == 404);
    // Another region's police cannot reach it, and learns nothing about whether it exists.
    BOOST_TEST(client.send("PUT", "/api/v1/outcomes/by-police-reference",
                           "{\"police_reference\": \"PL0912-2026-777001\", " + fields + "}", elsewhere.token).status == 404);
    BOOST_TEST(client.send("PUT", "/api/v1/exams/" + id + "/outcome", "{" + fields + "}", elsewhere.token).status == 404);
    BOOST_TEST(client.send("PUT", "/api/v1/outcomes/by-police-reference", "{" + fields + "}", police.token).status == 422);
    BOOST_TEST(client.send("PUT", "/api/v1/outcomes/by-police-reference",
                           "{\"police_reference\": \"---\", " + fields + "}", police.token).status == 422);
}

BOOST_AUTO_TEST_CASE(two_exams_with_one_reference_must_be_addressed_by_id) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto client = server.client();
    for (int i = 0; i < 2; ++i) client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    auto r = client.send("PUT", "/api/v1/outcomes/by-police-reference",
                         R"({"police_reference": "PL0912-2026-123456", "fields": {"aangifte": "yes"}})", police.token);
    BOOST_TEST(r.status == 409);
}

BOOST_AUTO_TEST_CASE(no_outcome_for_a_draft) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto police = server.login("police", "oost_brabant");
    auto client = server.client();
    const auto id = client.send("POST", "/api/v1/exams", R"({"fields": {"sex": "female"}})", doctor.token)
                        .json()->getValue<std::string>("id");
    // Drafts are private to their author: the police cannot see it at all.
    BOOST_TEST(client.send("PUT", "/api/v1/exams/" + id + "/outcome", R"({"fields": {"aangifte": "yes"}})", police.token).status == 404);
}

BOOST_AUTO_TEST_CASE(dismissal_codes_are_reference_data) {
    TestServer server;
    auto prosecutor = server.login("prosecutor", "oost_brabant");
    auto r = server.client().get("/api/v1/sepot-codes", prosecutor.token);
    BOOST_TEST(r.status == 200);
    auto items = r.json()->getArray("items");
    BOOST_TEST(items->size() >= 10u);
    BOOST_TEST(items->getObject(0)->getValue<int>("list_version") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
