// GET /api/v1/dashboard over real HTTP: roles, region scope, parameters, disclosure control and
// the audit event. The expected figures are the exams this test makes itself.
#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <pqxx/pqxx>

#include <functional>

using registry::test::TestServer;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const std::string kMarch = "/api/v1/dashboard?from=2026-03-01&to=2026-03-31&granularity=month";

// The fixture's exams are all examined on 2026-03-14; `count` of them in `region`.
void makeExams(TestServer& server, const std::string& region, int count) {
    auto doctor = server.login("forensic_doctor", region);
    for (int i = 0; i < count; ++i) {
        auto r = server.client().send("POST", "/api/v1/exams?submit=true",
                                      registry::test::examBody(region, "", "PL0912-2026-" + region.substr(0, 4) + std::to_string(100000 + i)),
                                      doctor.token);
        BOOST_TEST_REQUIRE(r.status == 201);
    }
}

// Every object that says "suppressed" says nothing else: no value, no bound, no reason.
void checkMarks(const Poco::Dynamic::Var& value, int& marks) {
    if (value.type() == typeid(Object::Ptr)) {
        auto o = value.extract<Object::Ptr>();
        if (o->has("suppressed")) {
            ++marks;
            BOOST_TEST(o->size() == 1u);
            BOOST_TEST(o->get("suppressed").isBoolean());
            BOOST_TEST(o->getValue<bool>("suppressed"));
        }
        for (const auto& name : o->getNames()) checkMarks(o->get(name), marks);
    } else if (value.type() == typeid(Array::Ptr)) {
        auto a = value.extract<Array::Ptr>();
        for (unsigned i = 0; i < a->size(); ++i) checkMarks(a->get(i), marks);
    }
}

bool suppressed(const Poco::Dynamic::Var& cell) {
    return cell.type() == typeid(Object::Ptr) && cell.extract<Object::Ptr>()->has("suppressed");
}

Array::Ptr seriesOf(const Object::Ptr& body, const std::string& region) {
    auto series = body->getObject("charts")->getObject("exams_per_period")->getArray("series");
    for (unsigned i = 0; i < series->size(); ++i) {
        auto s = series->getObject(i);
        if (s->getValue<std::string>("region") == region) return s->getArray("values");
    }
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dashboard)

BOOST_AUTO_TEST_CASE(only_pilot_leads_and_loef_see_the_dashboard) {
    TestServer server;
    for (const std::string role : {"forensic_doctor", "police", "prosecutor", "researcher", "admin"}) {
        BOOST_TEST_CONTEXT(role) {
            auto r = server.client().get(kMarch, server.login(role, role == "admin" || role == "researcher" ? "" : "oost_brabant").token);
            BOOST_TEST(r.status == 403);
            BOOST_TEST(r.header("content-type") == "application/problem+json; charset=utf-8");
        }
    }
    BOOST_TEST(server.client().get(kMarch).status == 401);
    for (const std::string role : {"pilot_lead", "loef"}) {
        BOOST_TEST_CONTEXT(role) { BOOST_TEST(server.client().get(kMarch, server.login(role).token).status == 200); }
    }
}

BOOST_AUTO_TEST_CASE(a_regional_lead_sees_their_region_only) {
    TestServer server;
    makeExams(server, "oost_brabant", 12);
    makeExams(server, "midden_nederland", 14);
    auto lead = server.login("pilot_lead", "oost_brabant");
    auto r = server.client().get(kMarch, lead.token);
    BOOST_TEST_REQUIRE(r.status == 200);
    auto body = r.json();
    BOOST_TEST(body->getObject("parameters")->getValue<std::string>("region") == "oost_brabant");
    BOOST_TEST(body->getArray("regions")->size() == 1u);
    BOOST_TEST(body->getArray("regions")->getElement<std::string>(0) == "oost_brabant");
    BOOST_TEST(body->getObject("kpis")->getValue<int>("exams") == 12);
    BOOST_TEST(seriesOf(body, "oost_brabant")->getElement<int>(0) == 12);
    BOOST_TEST(seriesOf(body, "midden_nederland").isNull());
    // Naming another region is refused, not answered with their figures.
    auto other = server.client().get(kMarch + "&region=midden_nederland", lead.token);
    BOOST_TEST(other.status == 403);
    BOOST_TEST(other.body.find("14") == std::string::npos);
    // A national lead sees every region and the total.
    auto national = server.client().get(kMarch, server.login("pilot_lead").token).json();
    BOOST_TEST(national->getArray("regions")->size() == 3u);
    BOOST_TEST(national->getObject("kpis")->getValue<int>("exams") == 26);
    BOOST_TEST(seriesOf(national, "midden_nederland")->getElement<int>(0) == 14);
}

BOOST_AUTO_TEST_CASE(a_small_count_is_sent_only_as_the_mark) {
    TestServer server;
    makeExams(server, "oost_brabant", 12);
    makeExams(server, "oost_nederland", 11);
    makeExams(server, "midden_nederland", 3);
    auto r = server.client().get(kMarch, server.login("loef").token);
    BOOST_TEST_REQUIRE(r.status == 200);
    auto body = r.json();
    int marks = 0;
    checkMarks(body, marks);
    BOOST_TEST(marks > 0);
    auto mn = seriesOf(body, "midden_nederland");
    BOOST_TEST_REQUIRE(!mn.isNull());
    BOOST_TEST(suppressed(mn->get(0)));
    // The total of 26 would give the 3 away next to 12 and 11: disclosure control hides enough.
    const bool totalShown = !suppressed(body->getObject("kpis")->get("exams"));
    const bool bothShown = !suppressed(seriesOf(body, "oost_brabant")->get(0)) && !suppressed(seriesOf(body, "oost_nederland")->get(0));
    BOOST_TEST(!(totalShown && bothShown));
    // A regional view of the small region suppresses it there too.
    auto mnLead = server.client().get(kMarch, server.login("pilot_lead", "midden_nederland").token).json();
    BOOST_TEST(suppressed(mnLead->getObject("kpis")->get("exams")));
    BOOST_TEST(suppressed(seriesOf(mnLead, "midden_nederland")->get(0)));
    int regionalMarks = 0;
    checkMarks(mnLead, regionalMarks);
    BOOST_TEST(regionalMarks > 0);
}

BOOST_AUTO_TEST_CASE(an_empty_period_has_zeros_and_nulls_not_marks) {
    TestServer server;
    makeExams(server, "oost_brabant", 2);
    auto body = server.client().get("/api/v1/dashboard?from=2025-10-01&to=2025-10-31", server.login("loef").token).json();
    BOOST_TEST(body->getObject("kpis")->getValue<int>("exams") == 0);
    BOOST_TEST(body->getObject("kpis")->get("median_hours_report_to_exam").isEmpty());
    BOOST_TEST(body->getObject("kpis")->get("aangifte_rate").isEmpty());
}

BOOST_AUTO_TEST_CASE(bad_filters_are_422_naming_each) {
    TestServer server;
    auto token = server.login("loef").token;
    for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
             {"granularity=week", "granularity"},
             {"from=2026-13-01", "from"},
             {"to=yesterday", "to"},
             {"from=2026-04-01&to=2026-03-01", "from"},
             {"region=Oost%20Brabant", "region"},
             {"region=atlantis", "region"},
             {"suppress=false", "suppress"},
             {"format=csv", "format"}}) {
        BOOST_TEST_CONTEXT(query) {
            auto r = server.client().get("/api/v1/dashboard?" + query, token);
            BOOST_TEST(r.status == 422);
            BOOST_TEST(r.body.find("\"field\":\"" + field + "\"") != std::string::npos, r.body);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_view_is_an_audit_event) {
    TestServer server;
    auto lead = server.login("pilot_lead", "oost_brabant");
    BOOST_TEST_REQUIRE(server.client().get(kMarch, lead.token).status == 200);
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params(
        "SELECT outcome, region, detail FROM audit_events WHERE action = 'dashboard.read' AND user_id = $1::uuid", lead.id);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0][0].as<std::string>() == "success");
    BOOST_TEST(rows[0][2].as<std::string>().find("region=oost_brabant") != std::string::npos);
    BOOST_TEST(rows[0][2].as<std::string>().find("format=dashboard") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
