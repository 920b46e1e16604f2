#include <boost/test/unit_test.hpp>

#include <thread>

#include "server/db/fact_storage.h"
#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/intruder.h"
#include "tests/support/report_json.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <pqxx/pqxx>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

using registry::test::cellOf;
using registry::test::tableOf;
using registry::test::TestServer;
using registry::test::unzipEntry;
using registry::test::zipEntries;

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


// Counts of the seed, computed here from the spec alone.
struct Expected {
    std::map<std::pair<std::string, std::string>, long long> exams;  // (region, "2026-MM") and "*" margins
    std::map<std::pair<std::string, std::string>, long long> referral;  // (code, region)
    std::map<std::string, long long> within48;                         // region
};

Expected expected() {
    Expected x;
    for (const auto& e : seedSpec()) {
        if (!e.submit) continue;
        char month[16];
        std::snprintf(month, sizeof month, "2026-%02d", e.month);
        for (const std::string& r : std::vector<std::string>{e.region, std::string("*")}) {
            for (const std::string& m : std::vector<std::string>{std::string(month), std::string("*")}) x.exams[{r, m}]++;
            x.referral[{e.referral, r}]++;
            if (e.hoursToExam <= 48) x.within48[r]++;
        }
    }
    return x;
}

std::string columnKey(const std::string& code) { return code == "total" ? "*" : code; }

long long lookup(const std::map<std::pair<std::string, std::string>, long long>& m, const std::string& a,
                 const std::string& b) {
    auto it = m.find({a, b});
    return it == m.end() ? 0 : it->second;
}

// Every cell of a table against the independent expectation: published cells equal it, small
// counts are hidden. Returns (name → published value) and the hidden names, for the intruder.
void compare(const Poco::JSON::Object::Ptr& table, const std::string& prefix,
             const std::function<long long(const std::string& row, const std::string& col)>& truth,
             std::map<std::string, long long>& published, std::set<std::string>& hidden,
             std::map<std::string, long long>& truths) {
    auto columns = table->getArray("columns");
    auto rows = table->getArray("rows");
    for (std::size_t r = 0; r < rows->size(); ++r) {
        const auto row = rows->getObject(r);
        const std::string rowCode = row->getValue<std::string>("code");
        for (std::size_t c = 0; c < columns->size(); ++c) {
            const std::string col = columnKey(columns->getObject(c)->getValue<std::string>("code"));
            const long long value = truth(rowCode, col);
            const auto cell = row->getArray("cells")->get(c);
            const std::string name = prefix + "|" + rowCode + "|" + col;
            truths[name] = value;
            BOOST_TEST_CONTEXT(table->getValue<std::string>("code") << " " << rowCode << " × " << col) {
                if (cell.type() == typeid(Poco::JSON::Object::Ptr)) {
                    hidden.insert(name);
                    BOOST_TEST(value != 0);  // zero is shown
                } else {
                    BOOST_TEST(cell.convert<long long>() == value);
                    BOOST_TEST(!(value >= 1 && value < 10));
                    published[name] = cell.convert<long long>();
                }
            }
        }
    }
}

const std::string kRange = "from=2026-01-01&to=2026-06-30";

}  // namespace

BOOST_AUTO_TEST_SUITE(reports)

BOOST_AUTO_TEST_CASE(indicators_match_an_independent_count_and_resist_the_intruder) {
    TestServer server;
    seed(server);
    auto researcher = server.login("researcher");
    auto client = server.client();
    const auto x = expected();
    auto r = client.get("/api/v1/reports/evaluation?" + kRange, researcher.token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body.substr(0, 500));
    auto report = r.json();
    auto prov = report->getObject("provenance");
    BOOST_TEST(prov->getValue<int>("record_count") == 48);  // drafts are not counted
    BOOST_TEST(prov->getValue<std::string>("data_digest").size() == 64u);
    BOOST_TEST(prov->getArray("form_versions")->getElement<int>(0) == 1);
    BOOST_TEST(report->getObject("footnote")->getValue<std::string>("nl").find("Celonderdrukking") != std::string::npos);

    std::map<std::string, long long> published, truths;
    std::set<std::string> hidden;
    compare(tableOf(report, "exams_per_period"), "E",
            [&](const std::string& row, const std::string& col) { return lookup(x.exams, col, row); }, published, hidden,
            truths);
    compare(tableOf(report, "referral_source"), "R",
            [&](const std::string& row, const std::string& col) {
                return row == "total" ? lookup(x.exams, col, "*") : lookup(x.referral, row, col);
            },
            published, hidden, truths);
    compare(tableOf(report, "within_48h_per_period"), "W",
            [&](const std::string& row, const std::string& col) {
                if (row != "*") {
                    long long n = 0;
                    for (const auto& e : seedSpec()) {
                        char month[16];
                        std::snprintf(month, sizeof month, "2026-%02d", e.month);
                        if (e.submit && e.hoursToExam <= 48 && (col == "*" || e.region == col) && row == month) ++n;
                    }
                    return n;
                }
                return x.within48.count(col) ? x.within48.at(col) : 0LL;
            },
            published, hidden, truths);
    BOOST_TEST(!hidden.empty());

    // The intruder's view of these linked tables: row and column totals, and the exams per
    // region printed both as the period table's total row and as the referral table's total row.
    std::vector<registry::test::Relation> relations;
    const std::vector<std::string> regions{"midden_nederland", "oost_nederland", "oost_brabant"};
    std::vector<std::string> months;
    for (int m = 1; m <= 6; ++m) months.push_back("2026-0" + std::to_string(m));
    for (const std::string& t : std::vector<std::string>{"E", "W"}) {
        for (const auto& m : months) {
            relations.push_back({t + "|" + m + "|*", {t + "|" + m + "|midden_nederland", t + "|" + m + "|oost_nederland", t + "|" + m + "|oost_brabant"}});
        }
        for (const std::string& c : std::vector<std::string>{"midden_nederland", "oost_nederland", "oost_brabant", "*"}) {
            registry::test::Relation rel{t + "|*|" + c, {}};
            for (const auto& m : months) rel.parts.push_back(t + "|" + m + "|" + c);
            relations.push_back(rel);
        }
    }
    const std::vector<std::string> codes{"police", "om", "veilig_thuis", "emergency_dept_gp", "sexual_violence_centre", "other", "missing"};
    for (const auto& code : codes) {
        relations.push_back({"R|" + code + "|*", {"R|" + code + "|midden_nederland", "R|" + code + "|oost_nederland", "R|" + code + "|oost_brabant"}});
    }
    for (const std::string& c : std::vector<std::string>{"midden_nederland", "oost_nederland", "oost_brabant", "*"}) {
        registry::test::Relation rel{"R|total|" + c, {}};
        for (const auto& code : codes) rel.parts.push_back("R|" + code + "|" + c);
        relations.push_back(rel);
        relations.push_back({"R|total|" + c, {"E|*|" + c}});  // the same number printed twice
    }
    const auto bounds = registry::test::attack(published, hidden, relations);
    for (const auto& [name, b] : bounds) {
        BOOST_TEST_CONTEXT(name << " = " << truths[name]) {
            BOOST_TEST(b.wholeNumbers() > 1);
            if (truths[name] >= 1 && truths[name] < 10) BOOST_TEST(b.wholeNumbers() >= 9);
        }
    }

    // Timeliness: the median of Oost-Brabant (20 exams at 10 h, 10 at 60 h) is 10 h when shown.
    auto timeliness = tableOf(report, "timeliness");
    const auto median = cellOf(timeliness, "oost_brabant", "median");
    if (median) BOOST_TEST(*median == 10.0);
    BOOST_TEST(!cellOf(timeliness, "oost_nederland", "median").has_value());  // n = 4

    // Same data, same digest; one amendment changes it.
    auto again = client.get("/api/v1/reports/evaluation?" + kRange, researcher.token).json();
    BOOST_TEST(again->getObject("provenance")->getValue<std::string>("data_digest") == prov->getValue<std::string>("data_digest"));
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'report.evaluation' AND outcome = 'success'") == 2);
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    std::string id, version;
    {
        pqxx::connection c(server.db().ownerUrl());
        pqxx::work tx(c);
        auto row = tx.exec("SELECT id::text, version::text FROM exams WHERE region = 'oost_brabant' AND status = 'submitted' LIMIT 1")[0];
        id = row[0].as<std::string>();
        version = row[1].as<std::string>();
    }
    auto amend = client.send("POST", "/api/v1/exams/" + id + "/amendments", R"({"changes": {"sex": "male"}, "reason": "typo"})",
                             doctor.token, {{"If-Match", "\"" + version + "\""}});
    BOOST_TEST_REQUIRE(amend.status / 100 == 2, amend.body);
    auto after = client.get("/api/v1/reports/evaluation?" + kRange, researcher.token).json();
    BOOST_TEST(after->getObject("provenance")->getValue<std::string>("data_digest") != prov->getValue<std::string>("data_digest"));
}

BOOST_AUTO_TEST_CASE(every_kind_and_format_carries_the_mark_and_the_footnote) {
    TestServer server;
    seed(server);
    auto researcher = server.login("researcher");
    auto client = server.client();
    for (const std::string& kind : std::vector<std::string>{"evaluation", "om", "police", "loef"}) {
        BOOST_TEST_CONTEXT(kind) {
            auto json = client.get("/api/v1/reports/" + kind + "?" + kRange, researcher.token);
            BOOST_TEST_REQUIRE(json.status == 200);
            BOOST_TEST(json.header("content-type").find("application/json") == 0u);
            BOOST_TEST(json.body.find("{\"suppressed\":true}") != std::string::npos);

            auto csv = client.get("/api/v1/reports/" + kind + "?format=csv&delimiter=;&" + kRange, researcher.token);
            BOOST_TEST_REQUIRE(csv.status == 200);
            BOOST_TEST(csv.header("content-type") == "application/zip");
            const auto entries = zipEntries(csv.body);
            BOOST_TEST(entries.size() >= 3u);
            const std::string first = unzipEntry(csv.body, "001_exams_per_period.csv");
            BOOST_TEST(first.rfind("\xEF\xBB\xBF", 0) == 0u);  // BOM
            BOOST_TEST(first.find("Periode;") != std::string::npos);
            BOOST_TEST(first.find(";x") != std::string::npos);
            BOOST_TEST(first.find("Celonderdrukking") != std::string::npos);
            BOOST_TEST(unzipEntry(csv.body, "provenance.csv").find("data_digest") != std::string::npos);

            auto html = client.get("/api/v1/reports/" + kind + "?format=html&" + kRange, researcher.token);
            BOOST_TEST_REQUIRE(html.status == 200);
            BOOST_TEST(html.header("content-type").find("text/html") == 0u);
            BOOST_TEST(html.body.find("<td class=\"n\">x</td>") != std::string::npos);
            BOOST_TEST(html.body.find("@page { size: A4") != std::string::npos);
            BOOST_TEST(html.body.find("Celonderdrukking") != std::string::npos);
            BOOST_TEST(html.body.find("lang=\"nl\"") != std::string::npos);

            auto xlsx = client.get("/api/v1/reports/" + kind + "?format=xlsx&" + kRange, researcher.token);
            BOOST_TEST_REQUIRE(xlsx.status == 200);
            // Read back as what it is: a zip of SpreadsheetML parts.
            const std::string workbook = unzipEntry(xlsx.body, "xl/workbook.xml");
            BOOST_TEST(workbook.find("name=\"Toelichting\"") != std::string::npos);
            BOOST_TEST(workbook.find("name=\"exams_per_period\"") != std::string::npos);
            const std::string strings = unzipEntry(xlsx.body, "xl/sharedStrings.xml");
            BOOST_TEST(strings.find("<t>x</t>") != std::string::npos);
            BOOST_TEST(strings.find("Celonderdrukking") != std::string::npos);
            const std::string sheet = unzipEntry(xlsx.body, "xl/worksheets/sheet2.xml");
            // Numbers are numbers: a numeric cell has no t="s" and carries its value in <v>.
            BOOST_TEST(sheet.find("<c r=\"E9\" s=\"") != std::string::npos);
            BOOST_TEST(sheet.find("<v>48</v>") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(region_scope_roles_and_unsuppressed_reports) {
    TestServer server;
    seed(server);
    auto client = server.client();
    auto lead = server.login("pilot_lead", "oost_brabant");
    auto r = client.get("/api/v1/reports/evaluation?" + kRange, lead.token);
    BOOST_TEST_REQUIRE(r.status == 200);
    auto report = r.json();
    BOOST_TEST(report->getObject("provenance")->getValue<int>("record_count") == 30);
    auto columns = tableOf(report, "exams_per_period")->getArray("columns");
    BOOST_TEST(columns->size() == 1u);
    BOOST_TEST(columns->getObject(0)->getValue<std::string>("code") == "oost_brabant");
    BOOST_TEST(client.get("/api/v1/reports/evaluation?region=midden_nederland&" + kRange, lead.token).status == 403);

    auto police = server.login("police", "midden_nederland");
    auto pr = client.get("/api/v1/reports/police?" + kRange, police.token);
    BOOST_TEST(pr.status == 200);
    BOOST_TEST(pr.json()->getObject("provenance")->getValue<int>("record_count") == 14);
    BOOST_TEST(client.get("/api/v1/reports/om?" + kRange, police.token).status == 403);
    auto list = client.get("/api/v1/reports", police.token).json()->getArray("items");
    BOOST_TEST(list->size() == 1u);
    BOOST_TEST(list->getObject(0)->getValue<std::string>("kind") == "police");
    BOOST_TEST(client.get("/api/v1/reports/police", server.login("forensic_doctor", "oost_brabant").token).status == 403);

    // Bad parameters are precise 4xx answers.
    auto researcher = server.login("researcher");
    BOOST_TEST(client.get("/api/v1/reports/nonsense", researcher.token).status == 404);
    BOOST_TEST(client.get("/api/v1/reports/police?from=2026-13-01", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/reports/police?from=2026-06-01&to=2026-01-01", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/reports/police?granularity=week", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/reports/police?format=pdf", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/reports/police?region=atlantis", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/reports/police?regio=oost_brabant", researcher.token).status == 422);

    // Only LOEF may switch suppression off, and that run is audited as such.
    BOOST_TEST(client.get("/api/v1/reports/loef?suppress=false&" + kRange, researcher.token).status == 403);
    auto loef = server.login("loef");
    auto open = client.get("/api/v1/reports/loef?suppress=false&" + kRange, loef.token);
    BOOST_TEST_REQUIRE(open.status == 200);
    auto exams = tableOf(open.json(), "exams_per_period");
    BOOST_TEST(cellOf(exams, "2026-01", "oost_nederland").value_or(-1) == 4);
    BOOST_TEST(open.body.find("\"suppressed\":true}") == std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'report.loef' AND detail LIKE '%suppress=false%'") == 1);

    // Quarters: January to March is one quarter (LOEF may lift suppression on any kind it runs).
    auto q = client.get("/api/v1/reports/police?granularity=quarter&suppress=false&" + kRange, loef.token);
    BOOST_TEST_REQUIRE(q.status == 200);
    auto quarters = tableOf(q.json(), "exams_per_period");
    BOOST_TEST(quarters->getArray("rows")->size() == 3u);  // Q1, Q2 and the total
    BOOST_TEST(cellOf(quarters, "2026-Q1", "total").value_or(-1) == 48);
    BOOST_TEST(cellOf(quarters, "2026-Q1", "oost_nederland").value_or(-1) == 4);
}

BOOST_AUTO_TEST_CASE(a_new_form_version_reaches_the_frequencies_without_code) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    // Version 2: a new bool field and a new referral code.
    auto def = registry::test::formVersionTwo();
    auto fields = def->getArray("fields");
    for (std::size_t i = 0; i < fields->size(); ++i) {
        auto f = fields->getObject(i);
        if (f->getValue<std::string>("code") != "referral_source") continue;
        Poco::JSON::Object::Ptr code = new Poco::JSON::Object;
        code->set("code", "school");
        code->set("label_nl", "School");
        code->set("label_en", "School");
        f->getArray("codes")->add(code);
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(def, out);
    {
        pqxx::connection owner(server.db().ownerUrl());
        {
            pqxx::work tx(owner);
            tx.exec_params("INSERT INTO form_definitions (version, form, definition, checksum) VALUES (2, 'exam', $1::jsonb, 'test')",
                           out.str());
            tx.commit();
        }
        BOOST_TEST(registry::db::FactStorage::sync(owner));  // what `registry migrate` runs
    }
    for (int i = 0; i < 12; ++i) {
        auto r = client.send("POST", "/api/v1/exams?submit=true",
                             registry::test::examBody("oost_brabant", "\"strangulation_app_used\": true, \"referral_source\": \"school\"",
                                                      "PL-V2-" + std::to_string(i)),
                             doctor.token);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
    auto loef = server.login("loef");
    auto report = client.get("/api/v1/reports/loef?from=2026-03-01&to=2026-03-31", loef.token).json();
    BOOST_TEST(cellOf(tableOf(report, "strangulation_app_used"), "true", "total").value_or(-1) == 12);
    auto evaluation = client.get("/api/v1/reports/evaluation?from=2026-03-01&to=2026-03-31", loef.token).json();
    BOOST_TEST(cellOf(tableOf(evaluation, "referral_source"), "school", "total").value_or(-1) == 12);
}

BOOST_AUTO_TEST_CASE(reports_and_exports_read_from_db_report_url_when_set) {
    // The report pool points at another (empty) database: what the report counts proves where it
    // read. (A streaming replica is the production case; this checks the routing.)
    registry::test::TestDatabase replica;
    TestServer server({{"db.report_url", replica.serviceUrl()}});
    seed(server);
    auto client = server.client();
    auto researcher = server.login("researcher");
    auto report = client.get("/api/v1/reports/police?" + kRange, researcher.token);
    BOOST_TEST_REQUIRE(report.status == 200);
    BOOST_TEST(report.json()->getObject("provenance")->getValue<int>("record_count") == 0);
    auto job = client.send("POST", "/api/v1/exports/research", "{}", researcher.token);
    BOOST_TEST_REQUIRE(job.status == 202);
    BOOST_TEST(job.json()->getValue<int>("record_count") == 0);
    // The audit events of those runs are on the primary.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action IN ('report.police', 'export.research')") == 2);
    TestServer direct;
    seed(direct);
    auto r2 = direct.client().get("/api/v1/reports/police?" + kRange, direct.login("researcher").token);
    BOOST_TEST(r2.json()->getObject("provenance")->getValue<int>("record_count") == 48);
}

// reports.max_concurrent = 1: a burst of report and dashboard requests is computed one at a time,
// and every request still gets its (identical) answer rather than a refusal or a hang.
BOOST_AUTO_TEST_CASE(a_burst_of_report_requests_takes_turns_and_each_is_answered) {
    TestServer server(std::map<std::string, std::string>{{"reports.max_concurrent", "1"}});
    seed(server);
    auto researcher = server.login("researcher");
    auto lead = server.login("pilot_lead");
    std::vector<std::string> digests(8);
    std::vector<int> statuses(8, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto client = server.client();
            const bool dashboard = i % 4 == 3;
            auto r = dashboard ? client.get("/api/v1/dashboard?" + kRange, lead.token)
                               : client.get("/api/v1/reports/evaluation?" + kRange, researcher.token);
            statuses[i] = r.status;
            if (r.status == 200 && !dashboard) {
                digests[i] = r.json()->getObject("provenance")->getValue<std::string>("data_digest");
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < 8; ++i) BOOST_TEST(statuses[i] == 200);
    for (int i = 0; i < 8; ++i) {
        if (i % 4 != 3) BOOST_TEST(digests[i] == digests[0]);
    }
    BOOST_TEST(!digests[0].empty());
}

BOOST_AUTO_TEST_CASE(the_cli_runs_the_same_report_for_scheduled_runs) {
    TestServer server;
    seed(server);
    const auto cfg = registry::test::writePropertiesFile("db.url = " + server.db().serviceUrl() + "\nlog.level = warning\n");
    const std::string out = std::string(std::getenv("REGISTRY_TEST_TMPDIR") ? std::getenv("REGISTRY_TEST_TMPDIR") : "/tmp") +
                            "/cli-report-" + server.db().name() + ".zip";
    auto r = registry::test::runRegistry({"--config", cfg, "report", "police", "--from", "2026-01-01", "--to", "2026-06-30",
                                          "--format", "csv", "--delimiter", ";", "--out", out});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    BOOST_TEST(r.out.find("48 records") != std::string::npos);
    std::ifstream in(out, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    BOOST_TEST(unzipEntry(bytes.str(), "001_exams_per_period.csv").find("Periode;") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'report.police' AND username = 'registry-cli'") == 1);
    auto bad = registry::test::runRegistry({"--config", cfg, "report", "police", "--from", "2026-02-30", "--out", out});
    BOOST_TEST(bad.exitCode == 65);
    BOOST_TEST(bad.err.find("from") != std::string::npos);
    auto usage = registry::test::runRegistry({"--config", cfg, "report", "police", "--format", "pdf", "--out", out});
    BOOST_TEST(usage.exitCode == 64);
    std::remove(out.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
