// The whole registry in-process (app::RegistryServer, as tests/support/test_server.cpp starts
// it) under C concurrent HTTP clients over loopback: creating submitted exams, paging through
// the list and reading single records. Every loop is bounded in count and in time.

#include "bench/bench_common.h"
#include "bench/bench_http.h"

#include "server/app/config.h"
#include "server/app/logging.h"
#include "server/app/registry_server.h"
#include "server/core/caller.h"
#include "server/core/crypto.h"
#include "server/core/json_merge.h"
#include "server/core/pseudonym.h"
#include "server/core/synthetic_exam.h"
#include "server/db/pool.h"
#include "server/services/user_service.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace app = registry::app;
namespace core = registry::core;
namespace services = registry::services;

namespace {

using bench::Client;
using bench::createUser;
using bench::login;
using bench::TempKeyFile;

struct OpStats {
    std::vector<double> latencyMs;
    std::map<int, long long> statuses;
    double wallS = 0;

    void merge(const OpStats& other) {
        latencyMs.insert(latencyMs.end(), other.latencyMs.begin(), other.latencyMs.end());
        for (const auto& [status, n] : other.statuses) statuses[status] += n;
    }
};

// Runs `work(thread, stats)` on `clients` threads and gathers their figures.
OpStats runPhase(int clients, const std::function<void(int, OpStats&)>& work) {
    std::vector<OpStats> perThread(static_cast<std::size_t>(clients));
    std::vector<std::thread> threads;
    const auto start = bench::Clock::now();
    for (int t = 0; t < clients; ++t) threads.emplace_back([&, t] { work(t, perThread[static_cast<std::size_t>(t)]); });
    for (auto& thread : threads) thread.join();
    OpStats all;
    all.wallS = bench::secondsSince(start);
    for (const auto& s : perThread) all.merge(s);
    return all;
}

void printOp(const std::string& name, OpStats stats, int okStatus) {
    std::sort(stats.latencyMs.begin(), stats.latencyMs.end());
    const auto n = static_cast<long long>(stats.latencyMs.size());
    const long long ok = stats.statuses.count(okStatus) ? stats.statuses.at(okStatus) : 0;
    std::string errors;
    for (const auto& [status, count] : stats.statuses) {
        if (status == okStatus) continue;
        errors += (errors.empty() ? "" : ", ") + (status == 0 ? std::string("no answer") : std::to_string(status)) +
                  " x" + std::to_string(count);
    }
    if (n == 0) {
        std::printf("  %-34s not run\n", name.c_str());
        return;
    }
    std::printf("  %-34s %6lld req %6lld ok %8.1f req/s   p50 %7.2f  p95 %7.2f  p99 %7.2f  max %7.2f ms   errors: %s\n",
                name.c_str(), n, ok, static_cast<double>(n) / stats.wallS, bench::percentile(stats.latencyMs, 0.50),
                bench::percentile(stats.latencyMs, 0.95), bench::percentile(stats.latencyMs, 0.99), stats.latencyMs.back(),
                errors.empty() ? "none" : errors.c_str());
}

}  // namespace

int main(int argc, char** argv) try {
    const bench::Options options(argc, argv,
                                 {{"db-url", bench::env("REGISTRY_DB_URL")},
                                  {"owner-url", bench::env("REGISTRY_DB_OWNER_URL")},
                                  {"clients", "8"},
                                  {"requests", "2000"},
                                  {"lists", "500"},
                                  {"reads", "2000"},
                                  {"pages", "10"},
                                  {"seconds", "120"},
                                  {"seed", "20261128"}});
    const auto clients = static_cast<int>(options.integer("clients", 1, 256));
    const auto creates = options.integer("requests", 0, 10000000);
    const auto lists = options.integer("lists", 0, 10000000);
    const auto reads = options.integer("reads", 0, 10000000);
    const auto pagesDeep = options.integer("pages", 1, 1000000);
    const auto seconds = options.integer("seconds", 1, 86400);
    const auto seed = static_cast<std::uint64_t>(options.integer("seed", 0, 1LL << 62));
    if (options.str("db-url").empty()) {
        throw std::invalid_argument("no database: pass --db-url (service role) or set REGISTRY_DB_URL");
    }

    const TempKeyFile keyFile;
    app::Config config = app::Config::fromDefaults();
    config.set("http.port", "0");
    config.set("db.url", options.str("db-url"));
    config.set("db.owner_url", options.str("owner-url"));
    config.set("db.schema_dir", std::string(REGISTRY_SOURCE_DIR) + "/schema");
    config.set("pseudonym.key_file", keyFile.path());
    const TempKeyFile totpKeyFile;
    config.set("auth.totp_key_file", totpKeyFile.path());
    config.set("auth.pbkdf2_iterations", "1000");
    config.set("log.level", "warning");
    app::configureLogging(config.getString("log.level"), config.getString("log.format"));

    std::string doctorPassword, loefPassword, doctor, loef;
    {
        registry::db::PoolSettings settings;
        settings.url = options.str("db-url");
        settings.size = 1;
        registry::db::ConnectionPool pool(settings);
        services::UserService users(pool, 1000);
        // A national doctor, so that the synthetic exams may fall in every pilot region.
        doctor = createUser(users, "forensic_doctor", "", doctorPassword);
        loef = createUser(users, "loef", "loef", loefPassword);
    }

    app::RegistryServer server(config);
    server.start();
    const std::uint16_t port = server.port();
    const std::string doctorToken = login(port, doctor, doctorPassword);
    const std::string loefToken = login(port, loef, loefPassword);
    std::printf("bench_api: registry in-process on 127.0.0.1:%u (http.max_threads %s, db.pool_size %s), %d clients, "
                "at most %llds\n",
                static_cast<unsigned>(port), config.getString("http.max_threads").c_str(),
                config.getString("db.pool_size").c_str(), clients, seconds);

    const auto deadline = bench::Clock::now() + std::chrono::seconds(seconds);
    const auto now = std::chrono::system_clock::now();

    // 1. Creates: a doctor submits complete synthetic exams (validation, pseudonyms, record +
    //    version + audit event in one transaction).
    std::atomic<long long> next{0};
    std::mutex idsMutex;
    std::vector<std::string> ids;
    const OpStats createStats = runPhase(clients, [&](int t, OpStats& stats) {
        const auto threadSeed = seed + 7919ULL * static_cast<std::uint64_t>(t + 1);
        core::SyntheticExamGenerator generator(threadSeed, bench::dismissalCodes(), now);
        bench::ExamSpread spread(threadSeed ^ 0x5eedULL, bench::defaultHistoryStart(), now - std::chrono::hours(6));
        Client client(port);
        std::vector<std::string> mine;
        while (next.fetch_add(1) < creates && bench::Clock::now() < deadline) {
            const auto region = spread.region();
            Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
            body->set("fields", generator.next(region, spread.moment()).fields);
            const std::string json = core::jsonText(body);
            const auto start = bench::Clock::now();
            const auto reply = client.call("POST", "/api/v1/exams?submit=true", doctorToken, json);
            stats.latencyMs.push_back(bench::secondsSince(start) * 1e3);
            ++stats.statuses[reply.status];
            if (reply.status == 201) {
                const auto slash = reply.location.rfind('/');
                if (slash != std::string::npos) mine.push_back(reply.location.substr(slash + 1));
            } else if (stats.statuses[reply.status] == 1) {
                std::fprintf(stderr, "create answered %d: %.300s\n", reply.status, reply.body.c_str());
            }
        }
        std::lock_guard<std::mutex> lock(idsMutex);
        ids.insert(ids.end(), mine.begin(), mine.end());
    });

    // 2. List pages: LOEF (national scope) pages through 100 records at a time, following the
    //    cursor `pages` deep, then starts again from the newest.
    next = 0;
    const OpStats listStats = runPhase(clients, [&](int, OpStats& stats) {
        Client client(port);
        std::string cursor;
        long long depth = 0;
        while (next.fetch_add(1) < lists && bench::Clock::now() < deadline) {
            std::string path = "/api/v1/exams?limit=100";
            if (!cursor.empty()) {
                std::string encoded;
                Poco::URI::encode(cursor, "+/=&?#", encoded);
                path += "&cursor=" + encoded;
            }
            const auto start = bench::Clock::now();
            const auto reply = client.call("GET", path, loefToken);
            stats.latencyMs.push_back(bench::secondsSince(start) * 1e3);
            ++stats.statuses[reply.status];
            cursor.clear();
            if (reply.status == 200 && ++depth < pagesDeep) {
                Poco::JSON::Parser parser;
                const auto page = parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>();
                if (page->has("next_cursor") && page->get("next_cursor").isString()) {
                    cursor = page->getValue<std::string>("next_cursor");
                }
            } else if (reply.status != 200 && stats.statuses[reply.status] == 1) {
                std::fprintf(stderr, "list answered %d: %.300s\n", reply.status, reply.body.c_str());
            }
            if (cursor.empty()) depth = 0;
        }
    });

    // 3. Single reads (each one audited) of the records just created, round robin.
    next = 0;
    const OpStats readStats = runPhase(clients, [&](int, OpStats& stats) {
        if (ids.empty()) return;
        Client client(port);
        long long i;
        while ((i = next.fetch_add(1)) < reads && bench::Clock::now() < deadline) {
            const auto& id = ids[static_cast<std::size_t>(i) % ids.size()];
            const auto start = bench::Clock::now();
            const auto reply = client.call("GET", "/api/v1/exams/" + id, loefToken);
            stats.latencyMs.push_back(bench::secondsSince(start) * 1e3);
            ++stats.statuses[reply.status];
            if (reply.status != 200 && stats.statuses[reply.status] == 1) {
                std::fprintf(stderr, "read answered %d: %.300s\n", reply.status, reply.body.c_str());
            }
        }
    });
    const bool timedOut = bench::Clock::now() >= deadline;
    server.stop();

    printOp("POST /api/v1/exams?submit=true", createStats, 201);
    printOp("GET /api/v1/exams?limit=100", listStats, 200);
    printOp("GET /api/v1/exams/{id}", readStats, 200);
    if (timedOut) std::printf("  (stopped at the %llds limit before every request was made)\n", seconds);
    std::printf("  peak RSS (server + clients)        %.1f MiB\n", bench::peakRssMiB());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_api: %s\n", e.what());
    return 1;
}
