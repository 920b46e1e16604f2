// Disclosure control of whole reports over real HTTP: the figures a report publishes besides its
// cells (cumulative shares, the record count) must not give a suppressed count away. The truths
// come from this file's own seed; the intruder is the independent GLPK one of tests/support.

#include <boost/test/unit_test.hpp>

#include "server/app/registry_server.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/intruder.h"
#include "tests/support/replica_cluster.h"
#include "tests/support/report_json.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using registry::test::cellOf;
using registry::test::tableOf;
using registry::test::TestServer;
using registry::test::unzipEntry;

namespace {

struct Seed {
    std::string region;
    int hoursToExam;  // reported_at → exam_at
};

// Oost-Brabant: 12 exams within 24 h, 3 between 24 and 48 h, 15 between 48 and 72 h, so every
// cumulative count (12, 15, 30) is large while the band 24–48 h is 3. Oost-Nederland: 4 exams.
std::vector<Seed> seedSpec() {
    std::vector<Seed> out;
    for (int i = 0; i < 12; ++i) out.push_back({"oost_brabant", 10});
    for (int i = 0; i < 3; ++i) out.push_back({"oost_brabant", 30});
    for (int i = 0; i < 15; ++i) out.push_back({"oost_brabant", 60});
    for (int i = 0; i < 4; ++i) out.push_back({"oost_nederland", 20});
    return out;
}

std::string ts(int day, int hour) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "2026-01-%02dT%02d:00:00+01:00", day, hour);
    return buf;
}

void seed(TestServer& server, const std::vector<Seed>& spec = seedSpec(), int offset = 0) {
    std::map<std::string, std::string> doctors;
    auto client = server.client();
    for (std::size_t i = 0; i < spec.size(); ++i) {
        const auto& e = spec[i];
        if (!doctors.count(e.region)) doctors[e.region] = server.login("forensic_doctor", e.region).token;
        std::string extra = "\"referral_source\": \"police\", \"incident_at\": \"" + ts(10, 6) + "\", \"reported_at\": \"" +
                            ts(10, 8) + "\", \"exam_requested_at\": \"" + ts(10, 9) + "\", \"exam_at\": \"" +
                            ts(10 + (8 + e.hoursToExam) / 24, (8 + e.hoursToExam) % 24) +
                            "\", \"report_delivered_at\": \"" + ts(25, 12) + "\"";
        for (const char* c : {"exam", "photography", "laryngoscopy_imaging", "share_with_justice", "research_use"}) {
            extra += std::string(", \"consent_") + c + "_date\": \"2026-01-10\"";
        }
        auto r = client.send("POST", "/api/v1/exams?submit=true",
                             registry::test::examBody(e.region, extra, "PL-DISC-" + std::to_string(offset + static_cast<int>(i))), doctors[e.region]);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
}

const std::string kRange = "from=2026-01-01&to=2026-01-31";

// The ids of a region's first `count` exams in id order (the seed's, for outcomes).
std::vector<std::string> firstExamsOf(TestServer& server, const std::string& region, int count) {
    std::vector<std::string> ids;
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    for (const auto& row : tx.exec_params("SELECT id::text FROM exams WHERE region = $1 ORDER BY id LIMIT $2", region, count)) {
        ids.push_back(row[0].as<std::string>());
    }
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report_disclosure)

BOOST_AUTO_TEST_CASE(cumulative_shares_within_24_48_72_hours_do_not_give_a_band_away) {
    TestServer server;
    seed(server);
    auto client = server.client();
    auto researcher = server.login("researcher");
    for (const std::string& region : {std::string("oost_brabant"), std::string()}) {
        BOOST_TEST_CONTEXT("region " << (region.empty() ? "all" : region)) {
            auto r = client.get("/api/v1/reports/police?" + kRange + (region.empty() ? "" : "&region=" + region),
                                researcher.token);
            BOOST_TEST_REQUIRE(r.status == 200, r.body.substr(0, 300));
            auto report = r.json();
            auto timeliness = tableOf(report, "timeliness");
            auto period = tableOf(report, "within_48h_per_period");
            // The truths, from the seed alone: n, within 24 / 48 / 72 h and the bands between.
            std::map<std::string, long long> truth;
            std::vector<std::string> scope;
            for (const std::string& reg : {std::string("midden_nederland"), std::string("oost_nederland"),
                                           std::string("oost_brabant"), std::string("total")}) {
                if (!region.empty() && reg != region) continue;
                scope.push_back(reg);
                for (const auto& e : seedSpec()) {
                    if (reg != "total" && e.region != reg) continue;
                    truth[reg + ".n"]++;
                    if (e.hoursToExam <= 24) truth[reg + ".within_24h"]++;
                    if (e.hoursToExam <= 48) truth[reg + ".within_48h"]++;
                    if (e.hoursToExam <= 72) truth[reg + ".within_72h"]++;
                    if (e.hoursToExam > 24 && e.hoursToExam <= 48) truth[reg + ".band_24_48"]++;
                    if (e.hoursToExam > 48 && e.hoursToExam <= 72) truth[reg + ".band_48_72"]++;
                    if (e.hoursToExam > 72) truth[reg + ".band_over_72"]++;
                }
            }
            BOOST_TEST_REQUIRE(truth["oost_brabant.band_24_48"] == 3);
            // What the report publishes: n as a count, the cumulative figures as shares of n (a
            // share times a published n is the count), within 48 h also per month with its total.
            std::map<std::string, long long> published;
            std::set<std::string> hidden;
            std::vector<registry::test::Relation> relations;
            auto publish = [&](const std::string& name, std::optional<double> value) {
                if (value) {
                    published[name] = std::llround(*value);
                    BOOST_TEST(published[name] == truth[name], name);
                } else {
                    hidden.insert(name);
                }
            };
            for (const auto& reg : scope) {
                const auto n = cellOf(timeliness, reg, "n");
                publish(reg + ".n", n);
                for (const char* c : {"within_24h", "within_48h", "within_72h"}) {
                    const auto share = cellOf(timeliness, reg, c);
                    publish(reg + "." + c, share && n ? std::optional<double>(*share * *n) : std::nullopt);
                }
                const std::string column = reg == "total" ? "total" : reg;
                const auto month = cellOf(period, "2026-01", column), total = cellOf(period, "*", column);
                truth[reg + ".w48_month"] = truth[reg + ".w48_total"] = truth[reg + ".within_48h"];
                publish(reg + ".w48_month", month);
                publish(reg + ".w48_total", total);
                relations.push_back({reg + ".w48_total", {reg + ".w48_month"}});
                relations.push_back({reg + ".within_48h", {reg + ".w48_total"}});
                // The intruder's own knowledge: the cumulative counts differ by bands ≥ 0.
                for (const char* band : {"band_24_48", "band_48_72", "band_over_72"}) hidden.insert(reg + "." + band);
                relations.push_back({reg + ".within_48h", {reg + ".within_24h", reg + ".band_24_48"}});
                relations.push_back({reg + ".within_72h", {reg + ".within_48h", reg + ".band_48_72"}});
                relations.push_back({reg + ".n", {reg + ".within_72h", reg + ".band_over_72"}});
            }
            if (region.empty()) {
                for (const char* q : {"n", "within_24h", "within_48h", "within_72h", "w48_month", "w48_total"}) {
                    relations.push_back({std::string("total.") + q,
                                         {std::string("midden_nederland.") + q, std::string("oost_nederland.") + q,
                                          std::string("oost_brabant.") + q}});
                }
            }
            const auto bounds = registry::test::attack(published, hidden, relations);
            for (const auto& [name, b] : bounds) {
                const long long v = truth[name];
                const bool band = name.find(".band_") != std::string::npos;
                BOOST_TEST_CONTEXT(name << " = " << v << " in [" << b.min << ", " << (b.unbounded ? 1e18 : b.max) << "]") {
                    // A band is printed nowhere, so only a small one needs protection.
                    if (!band) BOOST_TEST(b.wholeNumbers() > 1, "a suppressed cell is pinned");
                    if (v >= 1 && v < 10) BOOST_TEST(b.wholeNumbers() >= 9, "a small count is known too well");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_record_count_is_published_only_with_the_total_it_equals) {
    TestServer server;
    seed(server);
    auto client = server.client();
    auto researcher = server.login("researcher");
    // Oost-Nederland holds 4 exams: its total is suppressed, so is its record count, in every format.
    const std::string small = "/api/v1/reports/police?region=oost_nederland&" + kRange;
    auto json = client.get(small, researcher.token);
    BOOST_TEST_REQUIRE(json.status == 200, json.body.substr(0, 300));
    auto report = json.json();
    BOOST_TEST(!cellOf(tableOf(report, "exams_per_period"), "*", "oost_nederland").has_value());
    auto count = report->getObject("provenance")->get("record_count");
    BOOST_TEST_REQUIRE((count.type() == typeid(Poco::JSON::Object::Ptr)), "record_count is printed as a number");
    BOOST_TEST(count.extract<Poco::JSON::Object::Ptr>()->getValue<bool>("suppressed"));
    BOOST_TEST(json.body.find("\"record_count\":4") == std::string::npos);

    auto csv = client.get(small + "&format=csv", researcher.token);
    BOOST_TEST_REQUIRE(csv.status == 200);
    const std::string provenance = unzipEntry(csv.body, "provenance.csv");
    BOOST_TEST(provenance.find("record_count,x\r\n") != std::string::npos, provenance);

    auto html = client.get(small + "&format=html", researcher.token);
    BOOST_TEST_REQUIRE(html.status == 200);
    BOOST_TEST(html.body.find("x onderzoeken") != std::string::npos);
    BOOST_TEST(html.body.find("4 onderzoeken") == std::string::npos);
    BOOST_TEST(html.body.find("<dd>4</dd>") == std::string::npos);

    auto xlsx = client.get(small + "&format=xlsx", researcher.token);
    BOOST_TEST_REQUIRE(xlsx.status == 200);
    // The provenance sheet ("Toelichting", sheet1): the cell right of the label record_count holds
    // the shared string "x", not a number.
    const std::string about = unzipEntry(xlsx.body, "xl/worksheets/sheet1.xml");
    const std::string strings = unzipEntry(xlsx.body, "xl/sharedStrings.xml");
    auto stringIndex = [&](const std::string& text) {
        const auto at = strings.find("<t>" + text + "</t>");
        BOOST_TEST_REQUIRE(at != std::string::npos, text);
        long n = -1;
        for (std::size_t p = strings.find("<si>"); p != std::string::npos && p < at; p = strings.find("<si>", p + 1)) ++n;
        return std::to_string(n);
    };
    const std::string label = "t=\"s\"><v>" + stringIndex("record_count") + "</v></c>";
    const auto labelAt = about.find(label);
    BOOST_TEST_REQUIRE(labelAt != std::string::npos);
    const auto next = about.find("<c ", labelAt), end = about.find("</c>", next);
    const std::string valueCell = about.substr(next, end - next);
    BOOST_TEST(valueCell.find("t=\"s\"><v>" + stringIndex("x") + "</v>") != std::string::npos, valueCell);

    // Oost-Brabant's 30 are published as its total, and so as its record count.
    auto large = client.get("/api/v1/reports/police?region=oost_brabant&" + kRange, researcher.token).json();
    BOOST_TEST(cellOf(tableOf(large, "exams_per_period"), "*", "oost_brabant").value_or(-1) == 30);
    BOOST_TEST(large->getObject("provenance")->getValue<int>("record_count") == 30);
}

BOOST_AUTO_TEST_CASE(the_om_report_counts_dismissal_codes_from_the_versioned_list) {
    TestServer server;
    seed(server);
    auto client = server.client();
    auto prosecutor = server.login("prosecutor", "oost_brabant");
    const auto ids = firstExamsOf(server, "oost_brabant", 12);
    BOOST_TEST_REQUIRE(ids.size() == 12u);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string code = i == 0 ? "20" : "02";
        auto r = client.send("PUT", "/api/v1/exams/" + ids[i] + "/outcome",
                             R"({"fields": {"om_decision": "dismissal", "om_decision_date": "2026-02-02", "dismissal_code": ")" +
                                 code + "\"}}",
                             prosecutor.token);
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
    }
    // Unsuppressed (LOEF, audited): the exact counts, the labels of the reference table.
    auto loef = server.login("loef");
    auto open = client.get("/api/v1/reports/om?suppress=false&region=oost_brabant&" + kRange, loef.token);
    BOOST_TEST_REQUIRE(open.status == 200, open.body.substr(0, 300));
    auto table = tableOf(open.json(), "dismissal_code");
    BOOST_TEST(cellOf(table, "02", "oost_brabant").value_or(-1) == 11);
    BOOST_TEST(cellOf(table, "20", "oost_brabant").value_or(-1) == 1);
    BOOST_TEST(cellOf(table, "01", "oost_brabant").value_or(-1) == 0);
    BOOST_TEST(cellOf(table, "missing", "oost_brabant").value_or(-1) == 18);
    BOOST_TEST(cellOf(table, "total", "oost_brabant").value_or(-1) == 30);
    BOOST_TEST(open.body.find("Onvoldoende wettig bewijs") != std::string::npos);
    BOOST_TEST(open.body.find("Geringe strafwaardigheid") != std::string::npos);
    // Suppressed like any table: the 1 is hidden, with company; zero is shown.
    auto researcher = server.login("researcher");
    auto json = client.get("/api/v1/reports/om?region=oost_brabant&" + kRange, researcher.token);
    BOOST_TEST_REQUIRE(json.status == 200);
    auto hidden = tableOf(json.json(), "dismissal_code");
    BOOST_TEST(!cellOf(hidden, "20", "oost_brabant").has_value());
    BOOST_TEST(cellOf(hidden, "01", "oost_brabant").value_or(-1) == 0);
    int suppressed = 0;
    for (const char* row : {"02", "20", "missing", "total"}) suppressed += !cellOf(hidden, row, "oost_brabant").has_value();
    BOOST_TEST(suppressed >= 2);
    // The evaluation report holds it too.
    auto evaluation = client.get("/api/v1/reports/evaluation?region=oost_brabant&" + kRange, researcher.token);
    BOOST_TEST_REQUIRE(evaluation.status == 200);
    BOOST_TEST(!cellOf(tableOf(evaluation.json(), "dismissal_code"), "20", "oost_brabant").has_value());
}

// The om report prints the verdict table beside the conviction rate (its n and its share of
// convictions), and the decisions beside the grounds for dismissal. An intruder writes down what
// the definitions and the form's rules give: n is every decided verdict; the convictions are the
// verdict table's; a ground is recorded with each dismissal (and, in this data, only then).
// Oost-Brabant's 30: 12 convictions and 3 acquittals after a summons, 12 dismissals (11 on
// ground 02, 1 on ground 20), 3 without a decision. The 3 acquittals and the single ground 20
// must stay hidden, with nothing that pins them.
BOOST_AUTO_TEST_CASE(the_conviction_rate_and_the_dismissals_do_not_give_a_verdict_or_a_ground_away) {
    TestServer server;
    seed(server);
    auto client = server.client();
    auto prosecutor = server.login("prosecutor", "oost_brabant");
    const auto ids = firstExamsOf(server, "oost_brabant", 27);
    BOOST_TEST_REQUIRE(ids.size() == 27u);
    std::map<std::string, long long> truth;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::string fields;
        if (i < 15) {
            const std::string verdict = i < 12 ? "conviction" : "acquittal";
            fields = R"("om_decision": "summons", "om_decision_date": "2026-02-02", "verdict": ")" + verdict + "\"";
            truth["verdict." + verdict]++;
            truth["om_decision.summons"]++;
        } else {
            const std::string ground = i == 15 ? "20" : "02";
            fields = R"("om_decision": "dismissal", "om_decision_date": "2026-02-02", "dismissal_code": ")" + ground + "\"";
            truth["dismissal_code." + ground]++;
            truth["om_decision.dismissal"]++;
        }
        auto r = client.send("PUT", "/api/v1/exams/" + ids[i] + "/outcome", "{\"fields\": {" + fields + "}}", prosecutor.token);
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
    }
    truth["exams"] = 30;
    for (const char* code : {"verdict", "om_decision", "dismissal_code"}) truth[std::string(code) + ".total"] = 30;
    truth["verdict.missing"] = 15;
    truth["om_decision.missing"] = 3;
    truth["dismissal_code.missing"] = 18;
    truth["conviction_rate.n"] = 15;
    truth["conviction_rate.conviction"] = 12;
    BOOST_TEST_REQUIRE(truth["verdict.acquittal"] == 3);
    BOOST_TEST_REQUIRE(truth["dismissal_code.20"] == 1);

    auto researcher = server.login("researcher");
    auto r = client.get("/api/v1/reports/om?region=oost_brabant&" + kRange, researcher.token);
    BOOST_TEST_REQUIRE(r.status == 200, r.body.substr(0, 300));
    auto report = r.json();
    std::map<std::string, long long> published;
    std::set<std::string> hidden;
    auto publish = [&](const std::string& name, std::optional<double> value) {
        if (value) {
            published[name] = std::llround(*value);
            BOOST_TEST(published[name] == truth[name], name);
        } else {
            hidden.insert(name);
        }
    };
    const std::string column = "oost_brabant";
    std::vector<registry::test::Relation> relations;
    // Each exclusive table sums to the number of exams, printed as its total row.
    for (const std::string code : {"verdict", "om_decision", "dismissal_code"}) {
        auto table = tableOf(report, code);
        registry::test::Relation sum{code + ".total", {}};
        auto rows = table->getArray("rows");
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const std::string row = rows->getObject(i)->getValue<std::string>("code");
            const std::string name = row == "total" ? code + ".total" : code + "." + row;
            publish(name, cellOf(table, row, column));
            if (row != "total") sum.parts.push_back(name);
        }
        relations.push_back(sum);
        relations.push_back({"exams", {code + ".total"}});
    }
    publish("exams", cellOf(tableOf(report, "exams_per_period"), "*", column));
    // The rate: n as a count, the convictions as a share of it.
    auto rate = tableOf(report, "conviction_rate");
    const auto n = cellOf(rate, column, "n"), share = cellOf(rate, column, "conviction");
    publish("conviction_rate.n", n);
    publish("conviction_rate.conviction", share && n ? std::optional<double>(*share * *n) : std::nullopt);
    relations.push_back({"conviction_rate.conviction", {"verdict.conviction"}});
    registry::test::Relation decided{"conviction_rate.n", {}};
    for (const char* v : {"conviction", "acquittal", "discharge", "om_inadmissible", "guilty_no_sentence"}) {
        decided.parts.push_back(std::string("verdict.") + v);
    }
    relations.push_back(decided);
    // The form's rule, and this data: a ground with every dismissal and only then.
    registry::test::Relation grounds{"om_decision.dismissal", {}};
    for (const auto& [name, value] : truth) {
        if (name.rfind("dismissal_code.", 0) == 0 && name != "dismissal_code.missing" && name != "dismissal_code.total") {
            grounds.parts.push_back(name);
        }
    }
    relations.push_back(grounds);
    for (const auto& name : hidden) published.erase(name);

    const auto bounds = registry::test::attack(published, hidden, relations);
    BOOST_TEST(bounds.count("verdict.acquittal") == 1u, "the 3 acquittals are printed");
    BOOST_TEST(bounds.count("dismissal_code.20") == 1u, "the single ground 20 is printed");
    for (const auto& [name, b] : bounds) {
        const long long v = truth[name];
        BOOST_TEST_CONTEXT(name << " = " << v << " in [" << b.min << ", " << (b.unbounded ? 1e18 : b.max) << "]") {
            BOOST_TEST(b.wholeNumbers() > 1, "a suppressed cell is pinned");
            if (v >= 1 && v < 10) BOOST_TEST(b.wholeNumbers() >= 9, "a small count is known too well");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(research_export_body_map)

BOOST_AUTO_TEST_CASE(the_body_map_leaves_coded_and_its_free_strings_stay) {
    TestServer server;
    auto client = server.client();
    auto doctor = server.login("forensic_doctor", "oost_brabant").token;
    const std::vector<std::string> maps{
        R"("body_map": [{"region_code": "neck_anterior", "type": "bruise", "side": "midline", "size_mm": [10, 20]},
                        {"region_code": "Jansen Piet kamer 12", "type": "petechiae", "side": "left", "size_mm": [3, 3]}])",
        R"("body_map": [{"region_code": "chin", "type": "abrasion", "side": "bilateral", "size_mm": [5, 8]}])", ""};
    for (std::size_t i = 0; i < maps.size(); ++i) {
        auto r = client.send("POST", "/api/v1/exams?submit=true",
                             registry::test::examBody("oost_brabant", maps[i], "PL-MAP-" + std::to_string(i)), doctor);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
    auto researcher = server.login("researcher").token;
    auto created = client.send("POST", "/api/v1/exports/research", "{}", researcher);
    BOOST_TEST_REQUIRE(created.status == 202, created.body);
    const std::string id = created.json()->getValue<std::string>("id");
    auto csv = client.get("/api/v1/exports/" + id + "/data?format=csv", researcher);
    BOOST_TEST_REQUIRE(csv.status == 200);
    // Rows by their body_map_n, columns by name: the test's own expectation per exam.
    std::vector<std::vector<std::string>> rows;
    {
        std::istringstream in(csv.body.substr(3));
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            std::vector<std::string> cells;
            std::stringstream ss(line);
            for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
            if (!line.empty() && line.back() == ',') cells.push_back("");
            rows.push_back(cells);
        }
    }
    BOOST_TEST_REQUIRE(rows.size() == 4u);
    auto col = [&](const std::string& name) {
        for (std::size_t c = 0; c < rows[0].size(); ++c) {
            if (rows[0][c] == name) return c;
        }
        BOOST_FAIL("no column " + name);
        return std::size_t{0};
    };
    std::map<std::string, std::vector<std::string>> byCount;
    for (std::size_t r = 1; r < rows.size(); ++r) byCount[rows[r][col("body_map_n")]] = rows[r];
    BOOST_TEST_REQUIRE(byCount.size() == 3u);
    const auto& two = byCount.at("2");
    const auto& one = byCount.at("1");
    const auto& none = byCount.at("");
    BOOST_TEST(two[col("body_map_type___bruise")] == "1");
    BOOST_TEST(two[col("body_map_type___petechiae")] == "1");
    BOOST_TEST(two[col("body_map_type___abrasion")] == "0");
    BOOST_TEST(two[col("body_map_side___left")] == "1");
    BOOST_TEST(two[col("body_map_side___bilateral")] == "0");
    BOOST_TEST(one[col("body_map_type___abrasion")] == "1");
    BOOST_TEST(one[col("body_map_side___bilateral")] == "1");
    BOOST_TEST(none[col("body_map_type___bruise")] == "");  // not recorded, not "no"
    // The free string and the sizes stay in the registry.
    for (const char* secret : {"Jansen", "neck_anterior", "region_code", "size_mm"}) {
        BOOST_TEST(csv.body.find(secret) == std::string::npos, secret);
    }
    // The codebook, the ODM metadata and the R script name them with their labels.
    auto codebook = client.get("/api/v1/exports/" + id + "/data?format=codebook", researcher);
    BOOST_TEST_REQUIRE(codebook.status == 200);
    BOOST_TEST(codebook.body.find("body_map_type,exam,,checkbox,") != std::string::npos, codebook.body.substr(0, 200));
    BOOST_TEST(codebook.body.find("bruise, Kneuzing (blauwe plek)") != std::string::npos);
    BOOST_TEST(codebook.body.find("body_map_n,") != std::string::npos);
    auto odm = client.get("/api/v1/exports/" + id + "/data?format=odm", researcher);
    BOOST_TEST_REQUIRE(odm.status == 200);
    BOOST_TEST(odm.body.find("body_map_type___bruise") != std::string::npos);
    BOOST_TEST(odm.body.find("Jansen") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_replica)

BOOST_AUTO_TEST_CASE(reports_and_exports_read_from_a_streaming_replica) {
    TestServer primary;
    seed(primary);
    registry::test::ReplicaCluster replica;
    // A second registry on the same primary whose reports and exports read from the replica.
    auto config = registry::test::testConfig(primary.db(), {{"db.report_url", replica.url(primary.db().name(), "registry_app")}});
    registry::app::RegistryServer server(config);
    server.start();
    registry::test::HttpClient client(server.port());
    const auto researcher = primary.login("researcher").token;
    const std::string report = "/api/v1/reports/police?region=oost_brabant&" + kRange;
    const std::string kSubmitted = "SELECT count(*) FROM exams WHERE status = 'submitted'";
    auto recordCount = [&]() {
        auto r = client.get(report, researcher);
        BOOST_TEST_REQUIRE(r.status == 200, r.body.substr(0, 300));
        return r.json()->getObject("provenance")->getValue<int>("record_count");
    };
    replica.catchUp(primary.db().name(), kSubmitted);
    BOOST_TEST(recordCount() == 30);

    // With replay paused the replica stays at 30 exams in Oost-Brabant while the primary gets 12 more:
    // whatever the registry reports now it read from the replica.
    replica.pauseReplay();
    seed(primary, std::vector<Seed>(12, Seed{"oost_brabant", 10}), 1000);
    BOOST_TEST(primary.db().scalar("SELECT count(*) FROM exams WHERE region = 'oost_brabant' AND status = 'submitted'") == 42);
    BOOST_TEST(recordCount() == 30);
    auto created = client.send("POST", "/api/v1/exports/research", R"({"region": "oost_brabant"})", researcher);
    BOOST_TEST_REQUIRE(created.status == 202, created.body);
    BOOST_TEST(created.json()->getValue<int>("record_count") == 30);
    const std::string id = created.json()->getValue<std::string>("id");
    auto csv = client.get("/api/v1/exports/" + id + "/data?format=csv", researcher);
    BOOST_TEST_REQUIRE(csv.status == 200, csv.body.substr(0, 300));
    std::size_t lines = 0;
    for (char c : csv.body) lines += c == '\n';
    BOOST_TEST(lines == 31u);  // the header and 30 records
    {
        // The replica itself shows the registry's connections to this database.
        pqxx::connection c(replica.url("postgres", "postgres"));
        pqxx::nontransaction tx(c);
        BOOST_TEST(tx.exec_params("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = 'registry_app'",
                                  primary.db().name())[0][0]
                       .as<int>() >= 1);
    }

    // Replay resumed, the replica catches up and so does the report.
    replica.resumeReplay();
    replica.catchUp(primary.db().name(), kSubmitted);
    BOOST_TEST(recordCount() == 42);
    server.stop();
}

BOOST_AUTO_TEST_SUITE_END()
