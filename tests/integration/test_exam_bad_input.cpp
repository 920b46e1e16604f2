#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

using registry::test::examBody;
using registry::test::HttpResult;
using registry::test::TestServer;

// Each bad input of the exam API gets its exact status and error code, and leaves no record, no
// version and no audit event behind.
namespace {

struct Counts {
    int exams, versions, events;
    bool operator==(const Counts& o) const { return exams == o.exams && versions == o.versions && events == o.events; }
};

Counts counts(TestServer& server) {
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    auto r = tx.exec("SELECT (SELECT count(*) FROM exams), (SELECT count(*) FROM exam_versions), (SELECT count(*) FROM audit_events)")[0];
    return {r[0].as<int>(), r[1].as<int>(), r[2].as<int>()};
}

std::string errorCode(const HttpResult& r, const std::string& field) {
    auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        if (errors->getObject(i)->getValue<std::string>("field") == field) return errors->getObject(i)->getValue<std::string>("code");
    }
    return "<none for " + field + ">";
}

struct Fixture {
    TestServer server;
    TestServer::Account doctor = server.login("forensic_doctor", "oost_brabant");
    registry::test::HttpClient client = server.client();

    // Posts `body`, checks the status and that nothing was written.
    HttpResult rejected(const std::string& path, const std::string& body, int status,
                        std::map<std::string, std::string> headers = {}) {
        const Counts before = counts(server);
        headers.emplace("Content-Type", "application/json");
        headers["Authorization"] = "Bearer " + doctor.token;
        auto r = client.request("POST", path, body, headers);
        BOOST_TEST(r.status == status);
        BOOST_TEST(r.header("Content-Type").rfind("application/problem+json", 0) == 0);
        BOOST_TEST((counts(server) == before), "a rejected request wrote something");
        return r;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(exam_bad_input, Fixture)

BOOST_AUTO_TEST_CASE(malformed_transport_is_400_413_415) {
    rejected("/api/v1/exams", "{\"fields\": {", 400);
    rejected("/api/v1/exams", std::string("{\"fields\": {\"notes\": \"caf\xe9\"}}"), 400);
    rejected("/api/v1/exams", examBody(), 415, {{"Content-Type", "text/csv"}});
    rejected("/api/v1/exams", "{\"fields\": {\"notes\": \"" + std::string(1100000, 'x') + "\"}}", 413);
    std::string deep = "{\"fields\": {\"body_map\": " + std::string(60, '[') + std::string(60, ']') + "}}";
    rejected("/api/v1/exams", deep, 400);
    rejected("/api/v1/exams", "[]", 400);
    rejected("/api/v1/exams?submit=maybe", examBody(), 400);
}

BOOST_AUTO_TEST_CASE(numbers_that_overflow_or_have_the_wrong_type) {
    auto overflow = rejected("/api/v1/exams", examBody("oost_brabant", "\"photo_count\": 99999999999999999999999"), 422);
    BOOST_TEST(errorCode(overflow, "photo_count") == "range");
    auto huge = rejected("/api/v1/exams", examBody("oost_brabant", "\"duration_s\": 1e400"), 422);
    BOOST_TEST(errorCode(huge, "duration_s") == "range");
    auto asString = rejected("/api/v1/exams", examBody("oost_brabant", "\"photo_count\": \"12\""), 422);
    BOOST_TEST(errorCode(asString, "photo_count") == "type");
    auto fraction = rejected("/api/v1/exams", examBody("oost_brabant", "\"photo_count\": 3.5"), 422);
    BOOST_TEST(errorCode(fraction, "photo_count") == "type");
    auto boolean = rejected("/api/v1/exams", examBody("oost_brabant", "\"photos_taken\": \"yes\""), 422);
    BOOST_TEST(errorCode(boolean, "photos_taken") == "type");
    auto range = rejected("/api/v1/exams", examBody("oost_brabant", "\"duration_s\": 3601"), 422);
    BOOST_TEST(errorCode(range, "duration_s") == "range");
}

BOOST_AUTO_TEST_CASE(strings_codes_and_fields_outside_the_form) {
    auto longText = rejected("/api/v1/exams", examBody("oost_brabant", "\"notes\": \"" + std::string(4001, 'a') + "\""), 422);
    BOOST_TEST(errorCode(longText, "notes") == "length");
    auto code = rejected("/api/v1/exams", examBody("oost_brabant", "\"sex\": \"unspecified\""), 422);
    BOOST_TEST(errorCode(code, "sex") == "code_list");
    auto unknown = rejected("/api/v1/exams", examBody("oost_brabant", "\"shoe_size\": 38"), 422);
    BOOST_TEST(errorCode(unknown, "shoe_size") == "unknown_field");
    auto derived = rejected("/api/v1/exams", R"({"fields": {}, "derived": {"within_48h": true}})", 422);
    BOOST_TEST(errorCode(derived, "derived") == "rule");
    auto reason = rejected("/api/v1/exams", R"({"fields": {}, "reason": "why not"})", 422);
    BOOST_TEST(errorCode(reason, "reason") == "unknown_field");
    auto police = rejected("/api/v1/exams", examBody("oost_brabant", "\"arrest\": true"), 422);
    BOOST_TEST(errorCode(police, "arrest") == "forbidden_field");
    // Several problems are all reported at once.
    auto many = rejected("/api/v1/exams", examBody("oost_brabant", "\"sex\": \"x\", \"photo_count\": -1, \"shoe_size\": 1"), 422);
    BOOST_TEST(many.json()->getArray("errors")->size() >= 3u);
}

BOOST_AUTO_TEST_CASE(impossible_or_offsetless_dates) {
    auto feb31 = rejected("/api/v1/exams", examBody("oost_brabant", "\"exam_at\": \"2026-02-31T10:00:00+01:00\""), 422);
    BOOST_TEST(errorCode(feb31, "exam_at") == "type");
    auto noOffset = rejected("/api/v1/exams", examBody("oost_brabant", "\"exam_at\": \"2026-03-14T10:30:00\""), 422);
    BOOST_TEST(errorCode(noOffset, "exam_at") == "type");
    auto badDate = rejected("/api/v1/exams", examBody("oost_brabant", "\"consent_exam_date\": \"2026-13-01\""), 422);
    BOOST_TEST(errorCode(badDate, "consent_exam_date") == "type");
}

BOOST_AUTO_TEST_CASE(exam_before_incident_or_in_the_future_cannot_be_submitted) {
    auto early = rejected("/api/v1/exams?submit=true",
                          examBody("oost_brabant", "\"incident_at\": \"2026-03-14T12:00:00+01:00\""), 422);
    BOOST_TEST(early.body.find("\"code\":\"rule\"") != std::string::npos);
    auto future = rejected("/api/v1/exams?submit=true",
                           examBody("oost_brabant", "\"exam_at\": \"2099-03-14T10:30:00+01:00\", "
                                                    "\"report_delivered_at\": \"2099-03-17T16:00:00+01:00\""),
                           422);
    BOOST_TEST(errorCode(future, "exam_at") == "rule");
}

BOOST_AUTO_TEST_CASE(amendment_without_reason_someone_elses_draft_and_stale_etag) {
    auto submitted = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    const auto id = submitted.json()->getValue<std::string>("id");
    auto noReason = rejected("/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 3}})", 422);
    BOOST_TEST(errorCode(noReason, "reason") == "required");
    auto blankReason = rejected("/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 3}, "reason": "  "})", 422);
    BOOST_TEST(errorCode(blankReason, "reason") == "required");
    rejected("/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 3}, "reason": "fix"})", 412,
             {{"If-Match", "\"9\""}});
    // A submitted medical record is never changed blind.
    auto blind = rejected("/api/v1/exams/" + id + "/amendments", R"({"changes": {"photo_count": 3}, "reason": "fix"})", 428);
    BOOST_TEST(blind.json()->getValue<std::string>("detail").find("If-Match") != std::string::npos);
    auto wrongTypeReference = rejected("/api/v1/exams/" + id + "/amendments",
                                       R"({"changes": {"police_reference": 912}, "reason": "fix"})", 422,
                                       {{"If-Match", "\"1\""}});
    BOOST_TEST(errorCode(wrongTypeReference, "police_reference") == "type");
    auto invalidChange = rejected("/api/v1/exams/" + id + "/amendments", R"({"changes": {"sex": null}, "reason": "fix"})", 422,
                                  {{"If-Match", "\"1\""}});
    BOOST_TEST(errorCode(invalidChange, "sex") == "required");

    // Someone else's draft: not theirs to see, let alone change.
    auto colleague = server.login("forensic_doctor", "oost_brabant");
    auto draft = client.send("POST", "/api/v1/exams", R"({"fields": {"sex": "female"}})", colleague.token);
    const auto draftId = draft.json()->getValue<std::string>("id");
    const Counts before = counts(server);
    auto patch = client.send("PATCH", "/api/v1/exams/" + draftId, R"({"fields": {"sex": "male"}})", doctor.token,
                             {{"If-Match", "\"1\""}});
    BOOST_TEST(patch.status == 404);
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + draftId + "/submit", "", doctor.token).status == 404);
    BOOST_TEST(counts(server).exams == before.exams);
    BOOST_TEST(counts(server).versions == before.versions);

    // Stale ETag on a draft.
    auto stale = client.send("PATCH", "/api/v1/exams/" + draftId, R"({"fields": {"sex": "male"}})", colleague.token,
                             {{"If-Match", "\"0\""}});
    BOOST_TEST(stale.status == 412);
    auto garbage = client.send("PATCH", "/api/v1/exams/" + draftId, R"({"fields": {"sex": "male"}})", colleague.token,
                               {{"If-Match", "banana"}});
    BOOST_TEST(garbage.status == 412);
}

BOOST_AUTO_TEST_CASE(unknown_ids_and_form_versions) {
    BOOST_TEST(client.get("/api/v1/exams/not-a-uuid", doctor.token).status == 404);
    BOOST_TEST(client.get("/api/v1/exams/6f1c0000-0000-4000-8000-000000000000", doctor.token).status == 404);
    auto version = rejected("/api/v1/exams", R"({"form_version": 99, "fields": {}})", 422);
    BOOST_TEST(errorCode(version, "form_version") == "code_list");
    auto versionType = rejected("/api/v1/exams", R"({"form_version": "1", "fields": {}})", 422);
    BOOST_TEST(errorCode(versionType, "form_version") == "type");
}

BOOST_AUTO_TEST_CASE(the_audit_chain_stays_intact_through_all_of_it) {
    rejected("/api/v1/exams", examBody("oost_brabant", "\"sex\": \"x\""), 422);
    client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token);
    auto r = registry::test::runRegistry(
        {"--config", registry::test::writePropertiesFile("db.url = " + server.db().serviceUrl() + "\n"), "audit", "verify"});
    BOOST_TEST(r.exitCode == 0);
}

BOOST_AUTO_TEST_SUITE_END()
