// Reports and exports at scale (issue 8):
//  1. on the bulk database (a million exams): the bare query `SELECT region, date_trunc('month',
//     exam_at), count(*) FROM exams GROUP BY 1, 2` beside the full `evaluation` report (all
//     regions, the last 12 months, rendered as json), each --repeat times: from nothing, in a
//     fresh engine with the chunks in report_chunks, in the same engine again, and after one
//     record of the newest month changed;
//  2. the research export of every record with consent streamed to /dev/null (rows/s, peak RSS),
//     after a --small-export one for the RSS baseline (--report 0 leaves out part 1, so that
//     the peak RSS printed is the export's own);
//  3. with --api-db-url (a database at pilot scale): GET /api/v1/reports/evaluation over HTTP
//     --requests times, p50/p99.
// Prints figures; asserts nothing.

#include "bench/bench_common.h"
#include "bench/bench_http.h"

#include "reports/renderers.h"
#include "reports/report_engine.h"
#include "reports/research_export.h"
#include "server/app/config.h"
#include "server/app/logging.h"
#include "server/app/registry_server.h"
#include "server/db/pool.h"
#include "server/services/report_service.h"

#include <pqxx/pqxx>

#include <fstream>
#include <memory>

namespace app = registry::app;
namespace reports = registry::reports;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return bench::percentile(v, 0.5);
}

}  // namespace

int main(int argc, char** argv) try {
    const bench::Options options(argc, argv,
                                 {{"db-url", bench::env("REGISTRY_DB_URL")},
                                  {"api-db-url", ""},
                                  {"repeat", "3"},
                                  {"requests", "200"},
                                  {"small-export", "1000"},
                                  {"export", "1"},
                                  {"report", "1"},
                                  {"warm", "1"},
                                  {"http-from", "2021-01-01"}});
    const auto repeat = options.integer("repeat", 1, 100);
    const auto requests = options.integer("requests", 1, 100000);
    if (options.str("db-url").empty()) throw std::invalid_argument("pass --db-url (the bulk database, service role)");
    app::configureLogging(bench::env("BENCH_LOG_LEVEL", "warning"), "text");
    registry::db::PoolSettings settings;
    settings.url = options.str("db-url");
    settings.size = 2;
    settings.statementTimeoutMs = 0;
    registry::db::ConnectionPool pool(settings);
    // Chunks are stored on the same database (the service role writes report_chunks).
    auto freshEngine = [&] { return std::make_unique<reports::ReportEngine>(pool, 10, "bench", reports::ChunkStore::readWrite(pool)); };
    {
        auto lease = pool.acquire();
        pqxx::read_transaction tx(*lease);
        const auto r = tx.exec("SELECT count(*), max(exam_at)::date::text FROM exams");
        std::printf("bench_reports: %s exams, newest exam_at %s\n", bench::grouped(r[0][0].as<long long>()).c_str(),
                    r[0][1].c_str());
    }
    std::string to, from;
    {
        auto lease = pool.acquire();
        pqxx::read_transaction tx(*lease);
        const auto r = tx.exec("SELECT max(exam_at)::date::text, (date_trunc('month', max(exam_at)) - interval '11 months')::date::text FROM exams");
        to = r[0][0].as<std::string>();
        from = r[0][1].as<std::string>();
    }
    if (options.integer("report", 0, 1) == 1) {
        // 1. Bare query vs the full report (--report 0 skips it, so that the export's peak RSS is
        //    its own). The first report run is cold (no chunk of this engine kept); the next ones
        //    reuse the chunks whose records are unchanged. Then one record of
        //    the newest month is touched (its version raised, then put back), so the run after it
        //    recomputes that month's chunks: what a dashboard sees after a new submission.
        std::vector<double> bare, warm;
        for (long long i = 0; i < repeat; ++i) {
            auto lease = pool.acquire();
            pqxx::read_transaction tx(*lease);
            const auto start = bench::Clock::now();
            tx.exec("SELECT region, date_trunc('month', exam_at), count(*) FROM exams GROUP BY 1, 2");
            bare.push_back(bench::secondsSince(start));
        }
        std::size_t tables = 0, bytes = 0;
        auto runReport = [&](reports::ReportEngine& engine, reports::AggregateStats& stats) {
            const auto start = bench::Clock::now();
            auto params = reports::ReportEngine::parseParams("evaluation", "", from, to, "month");
            const auto report = engine.run(params);
            const auto json = reports::renderJson(report);
            const double s = bench::secondsSince(start);
            tables = report.tables.size();
            bytes = json.size();
            stats = engine.lastStats();
            return s;
        };
        // From nothing: no chunk in memory or in report_chunks (what the first report after a bulk
        // load pays, once). Then a fresh engine, as a new process or another instance: chunks from
        // report_chunks. Then that engine again (chunks in its memory).
        {
            auto lease = pool.acquire();
            pqxx::work tx(*lease);
            tx.exec("DELETE FROM report_chunks");
            tx.commit();
        }
        reports::AggregateStats coldStats, storedStats, warmStats, touchedStats;
        const double cold = runReport(*freshEngine(), coldStats);
        std::vector<double> stored;
        for (long long i = 0; i < repeat; ++i) stored.push_back(runReport(*freshEngine(), storedStats));
        const auto engine = freshEngine();
        runReport(*engine, warmStats);
        for (long long i = 0; i < repeat; ++i) warm.push_back(runReport(*engine, warmStats));
        auto touch = [&](int delta) {
            auto lease = pool.acquire();
            pqxx::work tx(*lease);
            tx.exec_params("UPDATE exams SET version = version + $1 WHERE id = (SELECT id FROM exams WHERE status = 'submitted' "
                           "ORDER BY exam_at DESC, id LIMIT 1)",
                           delta);
            tx.commit();
        };
        touch(1);
        const double touched = runReport(*engine, touchedStats);
        touch(-1);
        auto statsText = [](const reports::AggregateStats& st) {
            char buf[200];
            std::snprintf(buf, sizeof buf,
                          "%d SQL statements (+1 for the form definitions), %d of %d chunks kept (%d from report_chunks), "
                          "query part %.3f s",
                          st.queries, st.chunksReused, st.chunks, st.chunksStored, st.querySeconds);
            return std::string(buf);
        };
        std::printf("  bare query (all exams, region x month)     median %8.3f s  (runs:", median(bare));
        for (double b : bare) std::printf(" %.3f", b);
        std::printf(")\n  evaluation report %s..%s, json (%zu tables, %zu bytes)\n", from.c_str(), to.c_str(), tables, bytes);
        std::printf("    from nothing (no chunk stored anywhere)   %8.3f s  = %6.2f x bare; %s\n", cold, cold / median(bare),
                    statsText(coldStats).c_str());
        std::printf("    fresh process, chunks in report_chunks median %8.3f s  = %6.2f x bare; %s  (runs:", median(stored),
                    median(stored) / median(bare), statsText(storedStats).c_str());
        for (double w : stored) std::printf(" %.3f", w);
        std::printf(")\n");
        std::printf("    same process, unchanged data        median %8.3f s  = %6.2f x bare; %s  (runs:", median(warm),
                    median(warm) / median(bare), statsText(warmStats).c_str());
        for (double w : warm) std::printf(" %.3f", w);
        std::printf(")\n    one record of the newest month changed    %8.3f s  = %6.2f x bare; %s\n", touched,
                    touched / median(bare), statsText(touchedStats).c_str());

        // 1b. The server's warmer (ReportService::warm: every kind and the dashboard over ten years):
        //     a round from nothing (what a server does once after a bulk load), then a round over
        //     unchanged data (what it does every reports.warm_interval_seconds). --warm 0 skips it.
        if (options.integer("warm", 0, 1) == 1) {
            {
                auto lease = pool.acquire();
                pqxx::work tx(*lease);
                tx.exec("DELETE FROM report_chunks");
                tx.commit();
            }
            for (const char* what : {"from nothing", "unchanged data"}) {
                registry::services::ReportService service(pool, pool, 10, "bench");
                const auto start = bench::Clock::now();
                const auto computed = service.warm([] { return false; });
                std::printf("  warmer round (5 kinds, ten years), %-14s %8.3f s, %d chunks aggregated\n", what,
                            bench::secondsSince(start), computed.value_or(-1));
            }
        }
    }

    // 2. Research export to /dev/null (--export 0 skips it).
    const auto cat = freshEngine()->catalogue();
    const auto variables = reports::exportVariables(*cat);
    const std::string key(64, 'k');
    if (options.integer("export", 0, 1) == 1) {
        // Baseline: a small export (the first N records by exam_at).
        auto lease = pool.acquire();
        std::string small;
        {
            pqxx::read_transaction tx(*lease);
            small = tx.exec_params("SELECT coalesce(max(d)::text, '') FROM (SELECT (exam_at AT TIME ZONE 'Europe/Amsterdam')::date AS d "
                                   "FROM exam_facts ORDER BY exam_at LIMIT $1) s",
                                   options.integer("small-export", 1, 100000000))[0][0].as<std::string>();
        }
        std::ofstream devnull("/dev/null");
        const auto start = bench::Clock::now();
        const long long n = reports::writeExport(*lease, variables, {"", "", small}, key, reports::ExportFormat::Csv, "bench", devnull);
        std::printf("  export csv, %s records                     %8.3f s, peak RSS %.1f MiB\n", bench::grouped(n).c_str(),
                    bench::secondsSince(start), bench::peakRssMiB());
    }
    if (options.integer("export", 0, 1) == 1) {
        auto lease = pool.acquire();
        std::ofstream devnull("/dev/null");
        const auto start = bench::Clock::now();
        const long long n = reports::writeExport(*lease, variables, {"", "", ""}, key, reports::ExportFormat::Csv, "bench", devnull);
        const double s = bench::secondsSince(start);
        std::printf("  export csv, %s records                 %8.3f s = %s rows/s, peak RSS %.1f MiB\n",
                    bench::grouped(n).c_str(), s, bench::grouped(static_cast<long long>(n / s)).c_str(), bench::peakRssMiB());
    }

    // 3. Pilot scale over HTTP.
    if (!options.str("api-db-url").empty()) {
        const bench::TempKeyFile keyFile;
        app::Config config = app::Config::fromDefaults();
        config.set("http.port", "0");
        config.set("db.url", options.str("api-db-url"));
        config.set("pseudonym.key_file", keyFile.path());
        const bench::TempKeyFile totpKeyFile;
        config.set("auth.totp_key_file", totpKeyFile.path());
        config.set("auth.pbkdf2_iterations", "1000");
        config.set("log.level", "warning");
        config.set("db.migrate_on_start", "false");
        // The researcher signs in by password alone and fires requests back to back.
        config.set("auth.require_2fa_roles", "");
        config.set("ratelimit.per_second", "0");
        app::configureLogging(bench::env("BENCH_LOG_LEVEL", "warning"), "text");
        std::string password, user;
        {
            registry::db::PoolSettings s;
            s.url = options.str("api-db-url");
            s.size = 1;
            registry::db::ConnectionPool p(s);
            registry::services::UserService users(p, 1000);
            user = bench::createUser(users, "researcher", "", password);
        }
        app::RegistryServer server(config);
        server.start();
        const std::string token = bench::login(server.port(), user, password);
        bench::Client client(server.port());
        long long exams = 0;
        std::vector<double> ms;
        for (long long i = 0; i < requests; ++i) {
            const auto start = bench::Clock::now();
            const auto reply = client.call("GET", "/api/v1/reports/evaluation?format=json&from=" + options.str("http-from"), token);
            ms.push_back(bench::secondsSince(start) * 1e3);
            if (reply.status != 200) throw std::runtime_error("report failed: " + std::to_string(reply.status) + " " + reply.body);
            if (i == 0) {
                const auto at = reply.body.find("\"record_count\":");
                exams = std::atoll(reply.body.c_str() + at + 15);
            }
        }
        std::sort(ms.begin(), ms.end());
        std::printf("  GET /api/v1/reports/evaluation (%lld exams since %s, by month), %lld requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                    exams, options.str("http-from").c_str(), requests, bench::percentile(ms, 0.5), bench::percentile(ms, 0.99), ms.back());
        server.stop();
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_reports: %s\n", e.what());
    return 1;
}
