#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

using registry::test::TestServer;

namespace {

// The seeded data set, described so that the test can count it independently of the report code.
struct SeedExam {
    std::string region;
    int month;        // 2026-MM
    std::string referral;
    int hoursToExam;  // reported_at → exam_at
    bool submit;
};

std::vector<SeedExam> seedSpec() {
    std::vector<SeedExam> out;
    for (int i = 0; i < 30; ++i) out.push_back({"oost_brabant", 1 + i % 3, i < 22 ? "police" : "veilig_thuis", i % 3 == 0 ? 60 : 10, true});
    for (int i = 0; i < 14; ++i) out.push_back({"midden_nederland", 1 + i % 2, i < 11 ? "police" : "veilig_thuis", 20, true});
    for (int i = 0; i < 4; ++i) out.push_back({"oost_nederland", 1, "police", 30, true});
    out.push_back({"oost_brabant", 1, "police", 10, false});  // drafts are never counted
    out.push_back({"oost_brabant", 2, "police", 10, false});
    return out;
}

std::string ts(int month, int day, int hour, int minute) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "2026-%02d-%02dT%02d:%02d:00+01:00", month, day, hour, minute);
    return buf;
}

std::string date(int month, int day) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-%02d-%02d", month, day);
    return buf;
}

// The exam of the spec: the fixture with its timeline moved into the month.
std::string bodyOf(const SeedExam& e, int index) {
    const int examDay = 10 + (8 + e.hoursToExam) / 24, examHour = (8 + e.hoursToExam) % 24;
    std::string extra = "\"referral_source\": \"" + e.referral + "\"";
    extra += ", \"incident_at\": \"" + ts(e.month, 10, 6, 0) + "\", \"reported_at\": \"" + ts(e.month, 10, 8, 0) + "\"";
    extra += ", \"exam_requested_at\": \"" + ts(e.month, 10, 8, 30) + "\"";
    extra += ", \"exam_at\": \"" + ts(e.month, examDay, examHour, 0) + "\"";
    extra += ", \"report_delivered_at\": \"" + ts(e.month, 20, 12, 0) + "\"";
    for (const char* c : {"exam", "photography", "laryngoscopy_imaging", "share_with_justice", "research_use"}) {
        extra += std::string(", \"consent_") + c + "_date\": \"" + date(e.month, 10) + "\"";
    }
    return registry::test::examBody(e.region, extra, "PL-SEED-" + std::to_string(index));
}

void seed(TestServer& server) {
    std::map<std::string, std::string> doctors;
    auto client = server.client();
    const auto spec = seedSpec();
    for (std::size_t i = 0; i < spec.size(); ++i) {
        const auto& e = spec[i];
        if (!doctors.count(e.region)) doctors[e.region] = server.login("forensic_doctor", e.region).token;
        auto r = client.send("POST", std::string("/api/v1/exams") + (e.submit ? "?submit=true" : ""), bodyOf(e, static_cast<int>(i)),
                             doctors[e.region]);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
}

Poco::JSON::Object::Ptr tableOf(const Poco::JSON::Object::Ptr& report, const std::string& code) {
    auto tables = report->getArray("tables");
    for (std::size_t i = 0; i < tables->size(); ++i) {
        if (tables->getObject(i)->getValue<std::string>("code") == code) return tables->getObject(i);
    }
    BOOST_FAIL("no table " + code);
    return nullptr;
}

// The cell at (row code, column code): the number, or -1 when suppressed.
double cellOf(const Poco::JSON::Object::Ptr& table, const std::string& row, const std::string& column) {
    auto columns = table->getArray("columns");
    std::size_t col = columns->size();
    for (std::size_t c = 0; c < columns->size(); ++c) {
        if (columns->getObject(c)->getValue<std::string>("code") == column) col = c;
    }
    BOOST_TEST_REQUIRE(col < columns->size());
    auto rows = table->getArray("rows");
    for (std::size_t r = 0; r < rows->size(); ++r) {
        if (rows->getObject(r)->getValue<std::string>("code") != row) continue;
        auto cell = rows->getObject(r)->getArray("cells")->get(col);
        if (cell.type() == typeid(Poco::JSON::Object::Ptr)) {
            BOOST_TEST(cell.extract<Poco::JSON::Object::Ptr>()->getValue<bool>("suppressed"));
            return -1;
        }
        return cell.convert<double>();
    }
    BOOST_FAIL("no row " + row);
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reports)

BOOST_AUTO_TEST_CASE(smoke_every_kind_runs) {
    TestServer server;
    seed(server);
    auto researcher = server.login("researcher");
    auto client = server.client();
    for (const char* kind : {"evaluation", "om", "police", "loef"}) {
        auto r = client.get(std::string("/api/v1/reports/") + kind + "?from=2026-01-01&to=2026-06-30", researcher.token);
        BOOST_TEST_CONTEXT(kind) {
            BOOST_TEST(r.status == 200);
            if (r.status != 200) BOOST_TEST_MESSAGE(r.body);
        }
    }
    auto r = client.get("/api/v1/reports/police?from=2026-01-01&to=2026-06-30", researcher.token);
    auto report = r.json();
    auto exams = tableOf(report, "exams_per_period");
    BOOST_TEST_MESSAGE(r.body.substr(0, 3000));
    BOOST_TEST(cellOf(exams, "2026-01", "oost_brabant") == 10);
}

BOOST_AUTO_TEST_SUITE_END()
