#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

using registry::test::TestServer;

namespace {

const std::string kVictimRef = "LOEF-2026-10412";  // the fixture's victim reference

// 14 submitted exams in Oost-Brabant (10 with research consent), 6 in Midden-Nederland (all with
// consent, a second victim for 3 of them), and one draft.
void seed(TestServer& server) {
    auto client = server.client();
    auto ob = server.login("forensic_doctor", "oost_brabant").token;
    auto mn = server.login("forensic_doctor", "midden_nederland").token;
    for (int i = 0; i < 14; ++i) {
        const std::string extra = i < 10 ? "" : "\"consent_research_use\": false";
        auto r = client.send("POST", "/api/v1/exams?submit=true", registry::test::examBody("oost_brabant", extra, "PL-EXP-OB-" + std::to_string(i)), ob);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
    for (int i = 0; i < 6; ++i) {
        const std::string extra = i < 3 ? "\"victim_reference\": \"LOEF-2026-SECOND\"" : "";
        auto r = client.send("POST", "/api/v1/exams?submit=true", registry::test::examBody("midden_nederland", extra, "PL-EXP-MN-" + std::to_string(i)), mn);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
    }
    BOOST_TEST_REQUIRE(client.send("POST", "/api/v1/exams", registry::test::examBody("oost_brabant", "", "PL-EXP-DRAFT"), ob).status == 201);
}

std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::string body = text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (quoted) {
                if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell += c;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.push_back(cell);
                cell.clear();
            } else {
                cell += c;
            }
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

std::size_t columnIndex(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) return i;
    }
    BOOST_FAIL("no column " + name);
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(research_export)

BOOST_AUTO_TEST_CASE(an_export_is_pseudonymised_coarsened_and_rekeyed) {
    TestServer server;
    seed(server);
    auto researcher = server.login("researcher");
    auto client = server.client();
    auto created = client.send("POST", "/api/v1/exports/research", R"({"from": "2026-01-01", "to": "2026-12-31"})", researcher.token);
    BOOST_TEST_REQUIRE(created.status == 202, created.body);
    const auto job = created.json();
    const std::string id = job->getValue<std::string>("id");
    BOOST_TEST(job->getValue<int>("record_count") == 16);  // consent only, no drafts
    BOOST_TEST(client.get("/api/v1/exports/" + id, researcher.token).json()->getValue<std::string>("status") == "ready");
    BOOST_TEST(client.get("/api/v1/exports/" + id, server.login("researcher").token).status == 404);  // another researcher
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'export.research' AND detail LIKE '%records=16%' "
                                  "AND detail LIKE '%from=2026-01-01%'") == 1);

    auto csv = client.get("/api/v1/exports/" + id + "/data?format=csv", researcher.token);
    BOOST_TEST_REQUIRE(csv.status == 200);
    BOOST_TEST(csv.body.rfind("\xEF\xBB\xBF", 0) == 0u);
    const auto rows = parseCsv(csv.body);
    BOOST_TEST_REQUIRE(rows.size() == 17u);  // header + 16
    const auto& header = rows[0];
    BOOST_TEST(header[0] == "record_id");
    BOOST_TEST(columnIndex(header, "mechanism___two_hands") > 0u);
    const auto examAt = columnIndex(header, "exam_at"), victim = columnIndex(header, "victim_id");
    const auto hours = columnIndex(header, "hours_report_to_exam"), two = columnIndex(header, "mechanism___two_hands");
    std::map<std::string, int> victims;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        BOOST_TEST(rows[r][examAt] == "2026-03");  // month only
        BOOST_TEST(rows[r][two] == "1");
        BOOST_TEST(rows[r][hours] == "10.8");
        victims[rows[r][victim]]++;
    }
    BOOST_TEST(victims.size() == 2u);  // the same victim keeps one pseudonym within the export
    // Nothing identifying, no free text, no user id, no stored pseudonym.
    for (const std::string& secret : {kVictimRef, std::string("LOEF-2026-SECOND"), std::string("PL-EXP"), std::string("Heesheid"),
                                      std::string("notes"), std::string("ligature_material"), std::string("police_reference"),
                                      researcher.id}) {
        BOOST_TEST(csv.body.find(secret) == std::string::npos, secret);
    }
    pqxx::connection owner(server.db().ownerUrl());
    pqxx::work tx(owner);
    for (const auto& row : tx.exec("SELECT DISTINCT victim_pseudonym FROM exams UNION SELECT id::text FROM users")) {
        BOOST_TEST(csv.body.find(row[0].as<std::string>()) == std::string::npos);
    }
    tx.commit();

    // A second export re-keys: other pseudonyms for the same victims.
    auto second = client.send("POST", "/api/v1/exports/research", "{}", researcher.token).json()->getValue<std::string>("id");
    const auto rows2 = parseCsv(client.get("/api/v1/exports/" + second + "/data?format=csv", researcher.token).body);
    for (std::size_t r = 1; r < rows2.size(); ++r) BOOST_TEST(victims.count(rows2[r][victim]) == 0u);
    // The same export downloaded again gives the same pseudonyms.
    const auto again = parseCsv(client.get("/api/v1/exports/" + id + "/data?format=csv", researcher.token).body);
    BOOST_TEST(again[1][victim] == rows[1][victim]);

    // The region filter.
    auto regional = client.send("POST", "/api/v1/exports/research", R"({"region": "midden_nederland"})", researcher.token);
    BOOST_TEST(regional.json()->getValue<int>("record_count") == 6);
    // The date filters hold whole Amsterdam days at both ends (every record: 2026-03-14 10:30 +01:00).
    auto count = [&](const std::string& filter) {
        auto r = client.send("POST", "/api/v1/exports/research", filter, researcher.token);
        BOOST_TEST_REQUIRE(r.status == 202, r.body);
        return r.json()->getValue<int>("record_count");
    };
    BOOST_TEST(count(R"({"from": "2026-03-14", "to": "2026-03-14"})") == 16);
    BOOST_TEST(count(R"({"to": "2026-03-13"})") == 0);
    BOOST_TEST(count(R"({"from": "2026-03-15"})") == 0);
    BOOST_TEST(count(R"({"region": "midden_nederland", "from": "2026-03-14"})") == 6);
    // Bad filters are 422, other roles 403.
    BOOST_TEST(client.send("POST", "/api/v1/exports/research", R"({"region": "atlantis"})", researcher.token).status == 422);
    BOOST_TEST(client.send("POST", "/api/v1/exports/research", R"({"from": "2026-02-31"})", researcher.token).status == 422);
    BOOST_TEST(client.send("POST", "/api/v1/exports/research", R"({"notes": "x"})", researcher.token).status == 422);
    BOOST_TEST(client.send("POST", "/api/v1/exports/research", "{}", server.login("loef").token).status == 403);
    BOOST_TEST(client.get("/api/v1/exports/" + id + "/data?format=pdf", researcher.token).status == 422);
}

BOOST_AUTO_TEST_CASE(odm_validates_and_the_codebook_r_and_spss_files_ship) {
    TestServer server;
    seed(server);
    auto researcher = server.login("researcher");
    auto client = server.client();
    const std::string id = client.send("POST", "/api/v1/exports/research", "{}", researcher.token).json()->getValue<std::string>("id");
    auto odm = client.get("/api/v1/exports/" + id + "/data?format=odm", researcher.token);
    BOOST_TEST_REQUIRE(odm.status == 200);
    BOOST_TEST(odm.body.find("<SubjectData SubjectKey=\"16\">") != std::string::npos);
    BOOST_TEST(odm.body.find(kVictimRef) == std::string::npos);
    const std::string dir = std::getenv("REGISTRY_TEST_TMPDIR") ? std::getenv("REGISTRY_TEST_TMPDIR") : "/tmp";
    const std::string file = dir + "/export-" + id + ".xml";
    std::ofstream(file, std::ios::binary) << odm.body;
    const std::string xsd = registry::test::TestDatabase::sourceDir() + "/../shared/data/odm-1.3.2/ODM1-3-2.xsd";
    std::ifstream probe(xsd);
    if (probe) {
        const std::string cmd = "xmllint --noout --schema '" + xsd + "' '" + file + "' > '" + file + ".log' 2>&1";
        const int rc = std::system(cmd.c_str());
        std::ifstream log(file + ".log");
        std::stringstream text;
        text << log.rdbuf();
        BOOST_TEST(rc == 0, text.str().substr(0, 2000));
    } else {
        BOOST_TEST_MESSAGE("ODM schema not found at " << xsd << ": checked for well-formedness only");
        BOOST_TEST(std::system(("xmllint --noout '" + file + "'").c_str()) == 0);
    }
    if (!std::getenv("REGISTRY_TEST_KEEP_ODM")) {
        std::remove(file.c_str());
        std::remove((file + ".log").c_str());
    }

    const std::string header =
        "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\","
        "Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,"
        "Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),"
        "Matrix Group Name,Matrix Ranking?,Field Annotation\r\n";
    auto codebook = client.get("/api/v1/exports/" + id + "/data?format=codebook", researcher.token);
    BOOST_TEST(codebook.body.rfind(header, 0) == 0u);
    BOOST_TEST(codebook.body.find("mechanism,exam,") != std::string::npos);
    BOOST_TEST(codebook.body.find("checkbox") != std::string::npos);
    BOOST_TEST(codebook.body.find("one_hand, ") != std::string::npos);
    BOOST_TEST(codebook.body.find("\nnotes,") == std::string::npos);  // free text never leaves
    BOOST_TEST(codebook.body.find("police_reference") == std::string::npos);
    auto direct = client.get("/api/v1/codebook?format=redcap", server.login("loef").token);
    BOOST_TEST(direct.status == 200);
    BOOST_TEST(direct.body == codebook.body);
    BOOST_TEST(client.get("/api/v1/codebook?format=json", researcher.token).json()->getArray("variables")->size() > 50u);
    BOOST_TEST(client.get("/api/v1/codebook?format=xml", researcher.token).status == 422);
    BOOST_TEST(client.get("/api/v1/codebook", server.login("police", "oost_brabant").token).status == 403);

    auto r = client.get("/api/v1/exports/" + id + "/data?format=r", researcher.token);
    BOOST_TEST(r.body.find("read.csv(\"research-export-" + id + ".csv\"") != std::string::npos);
    BOOST_TEST(r.body.find("data$mechanism___two_hands") != std::string::npos);
    BOOST_TEST(r.body.find("labels = c(") != std::string::npos);
    auto spss = client.get("/api/v1/exports/" + id + "/data?format=spss", researcher.token);
    BOOST_TEST(spss.body.find("VARIABLE LABELS") != std::string::npos);
    BOOST_TEST(spss.body.find("VALUE LABELS") != std::string::npos);
    BOOST_TEST(spss.body.find("mechanism___two_hands") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'export.download'") == 4);
}

BOOST_AUTO_TEST_SUITE_END()
