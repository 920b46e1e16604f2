#include <boost/test/unit_test.hpp>

#include "reports/renderers.h"
#include "reports/report_engine.h"
#include "reports/report_repository.h"
#include "server/db/pool.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using registry::reports::AggregateRequest;
using registry::reports::AggregateResult;
using registry::reports::ChunkCache;
using registry::reports::Granularity;
using registry::reports::Measure;
using registry::reports::ReportRepository;
using registry::test::TestServer;

namespace {

const std::vector<std::string> kRegions{"oost_brabant", "midden_nederland", "oost_nederland"};

std::string at(int month, int day, int hour, int minute) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "2026-%02d-%02dT%02d:%02d:00+01:00", month, day, hour, minute);
    return buf;
}

// Exam i of the seed: hours to exam with tenths and ties, exams just after midnight on the first
// of a month (the previous month in UTC), and victims that come back, in the same region and in
// another. `month` 0 spreads the exams over January–May 2026.
std::string bodyOf(int i, int month = 0, const std::string& victim = "") {
    const std::string region = kRegions[static_cast<std::size_t>(i % 3)];
    if (month == 0) month = 1 + (i * 7) % 5;
    const bool midnight = i % 11 == 0;
    const int day = midnight ? 1 : 2 + (i * 3) % 9;
    const int hours = midnight ? 0 : (i * 13) % 70, minutes = midnight ? 30 : (i * 6) % 60;
    const int reportedHour = midnight ? 0 : 8;
    const int examMinutes = reportedHour * 60 + hours * 60 + minutes;
    std::string extra = "\"referral_source\": \"" + std::string(i % 4 == 0 ? "veilig_thuis" : "police") + "\"";
    extra += ", \"sex\": \"" + std::string(i % 9 == 0 ? "male" : "female") + "\"";
    extra += ", \"incident_at\": \"" + at(month, day, 0, 0) + "\", \"reported_at\": \"" + at(month, day, reportedHour, 0) + "\"";
    extra += ", \"exam_requested_at\": \"" + at(month, day, reportedHour, 0) + "\"";
    extra += ", \"exam_at\": \"" + at(month, day + examMinutes / 1440, examMinutes / 60 % 24, examMinutes % 60) + "\"";
    extra += ", \"report_delivered_at\": \"" + at(month, 20, 12, 0) + "\"";
    for (const char* c : {"exam", "photography", "laryngoscopy_imaging", "share_with_justice", "research_use"}) {
        char d[48];
        std::snprintf(d, sizeof d, "2026-%02d-%02d", month, day);
        extra += std::string(", \"consent_") + c + "_date\": \"" + d + "\"";
    }
    const std::string v = victim.empty() ? "AGG-V-" + std::to_string(i % 17 < 5 ? i % 5 : 100 + i) : victim;
    extra += ", \"victim_reference\": \"" + v + "\"";
    return registry::test::examBody(region, extra, "PL-AGG-" + std::to_string(i) + "-" + std::to_string(month));
}

// Exams 0..count-1 (every 13th from 5 on stays a draft); their ids.
std::vector<std::string> seed(TestServer& server, int count, std::map<std::string, std::string>* tokens = nullptr) {
    std::map<std::string, std::string> doctors;
    auto client = server.client();
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        const std::string region = kRegions[static_cast<std::size_t>(i % 3)];
        if (!doctors.count(region)) doctors[region] = server.login("forensic_doctor", region).token;
        const bool submit = i % 13 != 5;
        auto r = client.send("POST", std::string("/api/v1/exams") + (submit ? "?submit=true" : ""), bodyOf(i), doctors[region]);
        BOOST_TEST_REQUIRE(r.status == 201, r.body);
        ids.push_back(r.json()->getValue<std::string>("id"));
    }
    if (tokens) *tokens = doctors;  // drafts are their author's
    return ids;
}

// Measures of every kind the engine asks for: plain and filtered counts, conjunctions, a
// multi-enum option, percentiles of stored and computed values, and the volatile ones.
std::vector<Measure> measures() {
    const std::string share =
        "(100.0 * ((CASE WHEN f.within_48h THEN 1 ELSE 0 END) + (CASE WHEN f.internal_only THEN 1 ELSE 0 END))::numeric / 2)";
    return {Measure::count(""),
            Measure::count("f.referral_source = 'police'"),
            Measure::count("f.referral_source IS NULL"),
            Measure::count("f.within_48h"),
            Measure::count("(f.hours_report_to_exam IS NOT NULL) AND (f.within_24h)"),
            Measure::count("f.sex = 'male'"),
            Measure::count("f.\"mechanism___two_hands\" = 1"),
            Measure::percentile(0.5, "f.hours_report_to_exam"),
            Measure::percentile(0.25, "f.hours_report_to_exam"),
            Measure::percentile(0.9, "f.hours_report_to_exam"),
            Measure::percentile(0.5, share),
            Measure::percentile(0.75, "(f.report_delivered_at::date - (f.exam_at AT TIME ZONE 'Europe/Amsterdam')::date)"),
            Measure::count("f.repeat_victim"),
            Measure::count("f.victim_pseudonym IS NOT NULL AND NOT f.repeat_victim"),
            Measure::count("f.victim_pseudonym IS NULL")};
}

using Cells = std::map<std::pair<std::string, std::string>, std::vector<std::optional<double>>>;

// The same figures as one plain PostgreSQL query: every measure as its own aggregate over the
// rows in scope, with GROUPING SETS for the margins. Written here, apart from the repository.
Cells oracle(pqxx::transaction_base& tx, const AggregateRequest& request) {
    const std::string unit = request.granularity == Granularity::Month ? "month" : "quarter";
    const std::string format = request.granularity == Granularity::Month ? "YYYY-MM" : "YYYY-\"Q\"Q";
    std::string sql =
        "WITH rv AS (SELECT victim_pseudonym FROM exam_facts WHERE status IN ('submitted', 'locked') AND victim_pseudonym "
        "IS NOT NULL GROUP BY 1 HAVING count(*) > 1)\nSELECT GROUPING(f.region), GROUPING(f.period), f.region, f.period";
    for (const auto& m : request.measures) {
        if (m.kind == Measure::Kind::Count) {
            sql += ",\n count(*)" + (m.sql.empty() ? std::string() : " FILTER (WHERE " + m.sql + ")");
        } else {
            sql += ",\n percentile_cont(" + std::to_string(m.fraction) + "::float8) WITHIN GROUP (ORDER BY " + m.sql + ")";
        }
    }
    sql += "\nFROM (SELECT f.*, to_char(date_trunc('" + unit + "', f.exam_at AT TIME ZONE 'Europe/Amsterdam'), '" + format +
           "') AS period, EXISTS (SELECT 1 FROM rv WHERE rv.victim_pseudonym = f.victim_pseudonym) AS repeat_victim"
           " FROM exam_facts f WHERE f.status IN ('submitted', 'locked')"
           " AND (f.exam_at AT TIME ZONE 'Europe/Amsterdam')::date BETWEEN $2::date AND $3::date"
           " AND ($1 = '' OR f.region = $1)) f\nGROUP BY GROUPING SETS ((f.region, f.period), (f.region), (f.period), ())";
    Cells out;
    for (const auto& row : tx.exec_params(sql, request.region, request.from, request.to)) {
        const std::string region = row[0].as<int>() ? "*" : row[2].as<std::string>();
        const std::string period = row[1].as<int>() ? "*" : row[3].as<std::string>();
        auto& cell = out[{region, period}];
        for (std::size_t i = 0; i < request.measures.size(); ++i) {
            const auto& field = row[static_cast<int>(i) + 4];
            cell.push_back(field.is_null() ? std::nullopt : std::optional<double>(field.as<double>()));
        }
    }
    return out;
}

void same(const Cells& got, const Cells& want, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_TEST(got.size() == want.size());
        for (const auto& [key, values] : want) {
            BOOST_TEST_CONTEXT(key.first << " × " << key.second) {
                auto it = got.find(key);
                BOOST_TEST_REQUIRE((it != got.end()));
                BOOST_TEST_REQUIRE(it->second.size() == values.size());
                for (std::size_t i = 0; i < values.size(); ++i) {
                    BOOST_TEST_CONTEXT("measure " << i) {
                        BOOST_TEST(it->second[i].has_value() == values[i].has_value());
                        // Exact: a distribution gives percentile_cont's own arithmetic; only the
                        // text round trip of the oracle's float8 could differ, in the last digit.
                        if (values[i] && it->second[i]) BOOST_TEST(std::abs(*it->second[i] - *values[i]) <= 1e-9 * (1 + std::abs(*values[i])));
                    }
                }
            }
        }
    }
}

std::vector<AggregateRequest> requests() {
    std::vector<AggregateRequest> out;
    for (const auto& g : {Granularity::Month, Granularity::Quarter}) {
        out.push_back({"", "2026-01-01", "2026-06-30", g, measures()});
        out.push_back({"oost_nederland", "2026-01-01", "2026-06-30", g, measures()});
        out.push_back({"", "2026-01-15", "2026-04-05", g, measures()});  // months cut in two
        out.push_back({"", "2026-01-15", "2026-06-30", g, measures(), 2});  // in passes of two months
        out.push_back({"midden_nederland", "2026-02-01", "2026-05-20", g, measures(), 1});
    }
    return out;
}

std::string withoutGeneratedAt(std::string json) {
    return std::regex_replace(json, std::regex("\"generated_at\":\"[^\"]*\""), "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report_aggregates)

BOOST_AUTO_TEST_CASE(chunks_add_up_to_what_one_plain_query_gives) {
    TestServer server;
    seed(server, 60);
    pqxx::connection c(server.db().serviceUrl());
    ChunkCache cache;
    for (const auto& request : requests()) {
        pqxx::read_transaction tx(c);
        const auto want = oracle(tx, request);
        BOOST_TEST_REQUIRE(want.size() > 4u);
        const std::string what = request.region + " " + request.from + ".." + request.to +
                                 (request.granularity == Granularity::Month ? " month" : " quarter");
        same(ReportRepository::aggregate(tx, request, nullptr).cells, want, what + ", no cache");
        const auto cold = ReportRepository::aggregate(tx, request, &cache);
        same(cold.cells, want, what + ", first run");
        const auto warm = ReportRepository::aggregate(tx, request, &cache);
        same(warm.cells, want, what + ", kept chunks");
        BOOST_TEST(warm.stats.chunksReused == warm.stats.chunks);
        BOOST_TEST(warm.stats.queries == 3);  // the settings, the fingerprint pass and the generation
        BOOST_TEST(warm.fingerprint.digest == cold.fingerprint.digest);
        BOOST_TEST(warm.fingerprint.records == tx.exec_params1(
                                                    "SELECT count(*) FROM exam_facts WHERE status IN ('submitted', 'locked') "
                                                    "AND (exam_at AT TIME ZONE 'Europe/Amsterdam')::date BETWEEN $2::date AND $3::date "
                                                    "AND ($1 = '' OR region = $1)",
                                                    request.region, request.from, request.to)[0]
                                                    .as<long long>());
    }
}

BOOST_AUTO_TEST_CASE(a_first_run_computes_its_months_in_bounded_passes_and_keeps_each) {
    TestServer server;
    seed(server, 60);
    pqxx::connection c(server.db().serviceUrl());
    pqxx::read_transaction tx(c);
    const long long months = tx.exec1(
        "SELECT count(DISTINCT date_trunc('month', exam_at AT TIME ZONE 'Europe/Amsterdam')) FROM exam_facts "
        "WHERE status IN ('submitted', 'locked') AND (exam_at AT TIME ZONE 'Europe/Amsterdam')::date "
        "BETWEEN '2026-01-01' AND '2026-06-30'")[0].as<long long>();
    BOOST_TEST_REQUIRE(months >= 5);
    ChunkCache whole;
    const AggregateRequest onePass{"", "2026-01-01", "2026-06-30", Granularity::Month, measures()};
    const auto base = ReportRepository::aggregate(tx, onePass, &whole);
    const auto want = oracle(tx, onePass);
    for (std::size_t perPass : {1, 2, 4}) {
        BOOST_TEST_CONTEXT(perPass << " months per pass") {
            ChunkCache cache;
            AggregateRequest request = onePass;
            request.monthsPerPass = perPass;
            const auto cold = ReportRepository::aggregate(tx, request, &cache);
            same(cold.cells, want, "first run in passes");
            const long long passes = (months + static_cast<long long>(perPass) - 1) / static_cast<long long>(perPass);
            BOOST_TEST(cold.stats.queries - base.stats.queries == 2 * (passes - 1));  // a counts and a distributions pass each
            const auto warm = ReportRepository::aggregate(tx, request, &cache);
            BOOST_TEST(warm.stats.chunksReused == warm.stats.chunks);
            same(warm.cells, want, "kept chunks of every pass");
        }
    }
}

BOOST_AUTO_TEST_CASE(amendments_outcomes_erasure_and_new_exams_replace_kept_chunks) {
    TestServer server;
    std::map<std::string, std::string> authors;
    const auto ids = seed(server, 45, &authors);
    pqxx::connection c(server.db().serviceUrl());
    ChunkCache cache;
    const AggregateRequest request{"", "2026-01-01", "2026-06-30", Granularity::Month, measures()};
    auto check = [&](const std::string& what, int expectReused) {
        // The kept counts per pseudonym (schema/036) equal a recount of the records.
        BOOST_TEST(server.db().scalar("SELECT count(*) FROM (SELECT victim_pseudonym, count(*)::integer AS exams FROM exam_facts "
                                      "WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL GROUP BY 1) r "
                                      "FULL JOIN victim_exam_counts v USING (victim_pseudonym) "
                                      "WHERE r.exams IS DISTINCT FROM v.exams") == 0,
                   what);
        pqxx::read_transaction tx(c);
        const auto got = ReportRepository::aggregate(tx, request, &cache);
        same(got.cells, oracle(tx, request), what);
        if (expectReused >= 0) {
            BOOST_TEST_CONTEXT(what) { BOOST_TEST(got.stats.chunksReused == expectReused); }
        }
        return got;
    };
    const auto first = check("first run", 0);
    const int chunks = first.stats.chunks;
    // Chunks of the month an exam is in are recomputed; every other chunk is kept.
    auto chunksOfMonthOf = [&](const std::string& id) {
        return static_cast<int>(server.db().scalar(
            "SELECT count(DISTINCT region) FROM exam_facts WHERE status IN ('submitted', 'locked') AND "
            "date_trunc('month', exam_at AT TIME ZONE 'Europe/Amsterdam') = (SELECT date_trunc('month', exam_at AT TIME ZONE "
            "'Europe/Amsterdam') FROM exam_facts WHERE exam_id = '" + id + "')"));
    };
    check("unchanged", chunks);

    auto client = server.client();
    const std::string amended = ids[1];  // midden_nederland, submitted
    auto doctor = server.login("forensic_doctor", "midden_nederland");
    auto version = server.db().scalar("SELECT version FROM exams WHERE id = '" + amended + "'");
    auto amend = client.send("POST", "/api/v1/exams/" + amended + "/amendments",
                             R"({"changes": {"sex": "male", "referral_source": "om"}, "reason": "typo"})", doctor.token,
                             {{"If-Match", "\"" + std::to_string(version) + "\""}});
    BOOST_TEST_REQUIRE(amend.status / 100 == 2, amend.body);
    const auto afterAmendment = check("after an amendment", chunks - chunksOfMonthOf(amended));
    BOOST_TEST(afterAmendment.fingerprint.digest != first.fingerprint.digest);

    auto prosecutor = server.login("prosecutor", "oost_brabant");
    const std::string withOutcome = ids[3];  // oost_brabant
    auto outcome = client.send("PUT", "/api/v1/exams/" + withOutcome + "/outcome",
                               R"({"fields": {"om_decision": "summons", "om_decision_date": "2026-06-02"}})", prosecutor.token);
    BOOST_TEST_REQUIRE(outcome.status == 200, outcome.body);
    check("after an outcome", chunks - chunksOfMonthOf(withOutcome));

    // Erasure removes the record (ExamService::erase, ExamRepository's exam_remove); its facts go
    // with it.
    const std::string erased = ids[6];
    const int erasedMonthChunks = chunksOfMonthOf(erased);
    {
        pqxx::connection service(server.db().serviceUrl());
        pqxx::work tx(service);
        tx.exec_params("DELETE FROM exams WHERE id = $1::uuid", erased);
        tx.commit();
    }
    const auto afterErasure = check("after an erasure", -1);
    BOOST_TEST(afterErasure.stats.chunksReused >= chunks - erasedMonthChunks);
    BOOST_TEST(afterErasure.stats.chunksReused < afterErasure.stats.chunks);

    // A new exam of a victim seen before changes the repeat-victim counts of other months too:
    // those are never kept, and still right.
    auto brabant = server.login("forensic_doctor", "oost_brabant");
    // Exam 45 is in oost_brabant (45 % 3 == 0); the victim of exam 7 was seen in midden_nederland.
    auto added = client.send("POST", "/api/v1/exams?submit=true", bodyOf(45, 6, "AGG-V-107"), brabant.token);
    BOOST_TEST_REQUIRE(added.status == 201, added.body);
    const auto afterNew = check("after a new exam in a new month", -1);
    BOOST_TEST(afterNew.stats.chunks == afterErasure.stats.chunks + 1);
    BOOST_TEST(afterNew.stats.chunksReused == afterErasure.stats.chunks);

    // Key rotation rewrites every pseudonym in one statement without a new version
    // (key_rotation_repository.cpp): the kept counts follow, and the volatile measures with them.
    server.db().execute("UPDATE exams SET victim_pseudonym = 'rekeyed-' || victim_pseudonym WHERE victim_pseudonym IS NOT NULL");
    check("after re-keying the pseudonyms", -1);
    // A draft submitted joins the counts.
    const std::string draft = ids[5];
    BOOST_TEST_REQUIRE(server.db().scalar("SELECT count(*) FROM exams WHERE id = '" + draft + "' AND status = 'draft'") == 1);
    auto submitted = client.send("POST", "/api/v1/exams/" + draft + "/submit", "", authors.at("oost_nederland"),  // 5 % 3 == 2
                                 {{"If-Match", "\"" + std::to_string(server.db().scalar("SELECT version FROM exams WHERE id = '" + draft + "'")) + "\""}});
    BOOST_TEST_REQUIRE(submitted.status / 100 == 2, submitted.body);
    check("after a draft is submitted", -1);
}

BOOST_AUTO_TEST_CASE(a_report_from_kept_chunks_equals_a_report_computed_afresh) {
    TestServer server;
    const auto ids = seed(server, 40);
    registry::db::PoolSettings settings;
    settings.url = server.db().serviceUrl();
    settings.size = 2;
    registry::db::ConnectionPool pool(settings);
    registry::reports::ReportEngine warm(pool, 10, "test");
    for (const std::string kind : {"evaluation", "loef"}) {
        for (const std::string granularity : {"month", "quarter"}) {
            auto params = registry::reports::ReportEngine::parseParams(kind, "", "2026-01-10", "2026-05-31", granularity);
            params.suppress = false;  // every figure as computed, none hidden: compared one by one
            warm.run(params);  // fills the chunks
            // An amendment, so that the next run mixes kept and recomputed chunks.
            auto client = server.client();
            auto doctor = server.login("forensic_doctor", "midden_nederland");
            const std::string id = ids[1];  // March, inside the period
            auto version = server.db().scalar("SELECT version FROM exams WHERE id = '" + id + "'");
            auto amend = client.send("POST", "/api/v1/exams/" + id + "/amendments",
                                     std::string(R"({"changes": {"sex": ")") + (version % 2 ? "male" : "female") +
                                         R"("}, "reason": "typo"})",
                                     doctor.token, {{"If-Match", "\"" + std::to_string(version) + "\""}});
            BOOST_TEST_REQUIRE(amend.status / 100 == 2, amend.body);
            const auto kept = warm.run(params);
            BOOST_TEST(warm.lastStats().chunksReused > 0);
            BOOST_TEST(warm.lastStats().chunksReused < warm.lastStats().chunks);
            registry::reports::ReportEngine fresh(pool, 10, "test");
            const auto afresh = fresh.run(params);
            BOOST_TEST(fresh.lastStats().chunksReused == 0);
            BOOST_TEST(withoutGeneratedAt(registry::reports::renderJson(kept)) ==
                           withoutGeneratedAt(registry::reports::renderJson(afresh)),
                       kind + " by " + granularity);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_fresh_process_takes_the_chunks_stored_by_another_and_an_erasure_forgets_them) {
    TestServer server;
    const auto ids = seed(server, 40);
    registry::db::PoolSettings settings;
    settings.url = server.db().serviceUrl();
    settings.size = 2;
    registry::db::ConnectionPool pool(settings);
    auto params = registry::reports::ReportEngine::parseParams("evaluation", "", "2026-01-10", "2026-05-31", "month");
    params.suppress = false;  // every figure as computed, compared one by one
    registry::reports::ReportEngine computedAlone(pool, 10, "test");  // no store: aggregates everything
    const std::string want = withoutGeneratedAt(registry::reports::renderJson(computedAlone.run(params)));
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM report_chunks") == 0);

    registry::reports::ReportEngine first(pool, 10, "test", registry::reports::ChunkStore::readWrite(pool));
    BOOST_TEST(withoutGeneratedAt(registry::reports::renderJson(first.run(params))) == want);
    const int chunks = first.lastStats().chunks;
    BOOST_TEST_REQUIRE(chunks > 6);
    BOOST_TEST(first.lastStats().chunksComputed == chunks);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM report_chunks") == chunks);

    // Another process (or instance): nothing in its memory, every chunk from report_chunks.
    registry::reports::ReportEngine second(pool, 10, "test", registry::reports::ChunkStore::readWrite(pool));
    BOOST_TEST(withoutGeneratedAt(registry::reports::renderJson(second.run(params))) == want);
    BOOST_TEST(second.lastStats().chunksStored == chunks);
    BOOST_TEST(second.lastStats().chunksComputed == 0);

    // A stored row that does not decode is a miss: its month is computed again and the row
    // replaced; the figures stay right.
    server.db().execute("UPDATE report_chunks SET payload = '\\x52434831ff' WHERE key = (SELECT min(key) FROM report_chunks)");
    registry::reports::ReportEngine third(pool, 10, "test", registry::reports::ChunkStore::readWrite(pool));
    BOOST_TEST(withoutGeneratedAt(registry::reports::renderJson(third.run(params))) == want);
    BOOST_TEST(third.lastStats().chunksStored == chunks - 1);
    BOOST_TEST(third.lastStats().chunksComputed >= 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM report_chunks WHERE length(payload) = 5") == 0);

    // Deleting a draft (which no report counts) keeps every chunk; erasing a counted record
    // removes the chunks of its region and month, and only those.
    const std::string draft = ids[5];
    BOOST_TEST_REQUIRE(server.db().scalar("SELECT count(*) FROM exams WHERE id = '" + draft + "' AND status = 'draft'") == 1);
    server.db().execute("DELETE FROM exams WHERE id = '" + draft + "'");
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM report_chunks") == chunks);
    const std::string erased = ids[1];  // midden_nederland, March
    const std::string chunkOfErased =
        "region = (SELECT region FROM exam_facts WHERE exam_id = '" + erased +
        "') AND month = (SELECT to_char(exam_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') FROM exam_facts WHERE exam_id = '" +
        erased + "')";
    BOOST_TEST_REQUIRE(server.db().scalar("SELECT count(*) FROM report_chunks WHERE " + chunkOfErased) == 1);
    server.db().execute("DELETE FROM exams WHERE id = '" + erased + "'");
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM report_chunks") == chunks - 1);
    registry::reports::ReportEngine fourth(pool, 10, "test", registry::reports::ChunkStore::readWrite(pool));
    registry::reports::ReportEngine alone(pool, 10, "test");
    BOOST_TEST(withoutGeneratedAt(registry::reports::renderJson(fourth.run(params))) ==
               withoutGeneratedAt(registry::reports::renderJson(alone.run(params))));
    BOOST_TEST(fourth.lastStats().chunksStored == chunks - 1);
}

BOOST_AUTO_TEST_CASE(the_server_stores_every_kinds_chunks_before_anyone_asks) {
    TestServer server({{"reports.warm_interval_seconds", "1"}, {"reports.warm_delay_seconds", "0"}});
    seed(server, 30);
    registry::db::PoolSettings settings;
    settings.url = server.db().serviceUrl();
    settings.size = 1;
    registry::db::ConnectionPool pool(settings);
    // Engines that read report_chunks but never write it (no primary): whatever they find
    // stored, the server's warmer stored.
    std::map<std::string, int> computed;
    for (int attempt = 0; attempt < 300; ++attempt) {
        computed.clear();
        for (const std::string kind : {"evaluation", "om", "police", "loef", "dashboard"}) {
            registry::reports::ReportEngine reader(pool, 10, "test", registry::reports::ChunkStore::readOnly());
            auto params = registry::reports::ReportEngine::parseParams(kind == "dashboard" ? "evaluation" : kind, "",
                                                                        "2026-01-01", "", "quarter");
            params.kind = kind;
            reader.run(params);
            BOOST_TEST_REQUIRE(reader.lastStats().chunks > 0);
            computed[kind] = reader.lastStats().chunksComputed;
        }
        if (std::all_of(computed.begin(), computed.end(), [](const auto& k) { return k.second == 0; })) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (const auto& [kind, chunks] : computed) BOOST_TEST(chunks == 0, kind << ": chunks left to aggregate");
    // And what it stored gives the figures a report computed from nothing gives.
    auto params = registry::reports::ReportEngine::parseParams("loef", "", "2026-01-01", "", "month");
    params.suppress = false;
    registry::reports::ReportEngine reader(pool, 10, "test", registry::reports::ChunkStore::readOnly()), alone(pool, 10, "test");
    const std::string fromStore = withoutGeneratedAt(registry::reports::renderJson(reader.run(params)));
    BOOST_TEST(reader.lastStats().chunksStored == reader.lastStats().chunks);
    BOOST_TEST(fromStore == withoutGeneratedAt(registry::reports::renderJson(alone.run(params))));
    // Nothing left the process, so nothing was audited as a report run.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action LIKE 'report.%' OR action = 'dashboard.read'") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
