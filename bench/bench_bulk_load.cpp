// Loads M synthetic exams straight into `exams` with COPY (pqxx::stream_to) through the owner
// connection, as a bulk import would, then times report-style aggregates over the typed columns
// and prints the table's size on disk.
//
// Each row is what the exam service would store for a submitted exam: the synthetic exam is
// validated in Submit mode (which normalises it: canonical UTC timestamps, definition order),
// its identifying references are replaced by HMAC pseudonyms (core::Pseudonymiser) and left
// out of `fields`, and the derived values come from core::derive. The typed copies of `fields`
// (exam_at, age_band, ...) are filled by the table's BEFORE INSERT trigger, as for every write.
// No exam_versions or audit rows are written: this measures the reporting table alone.

#include "bench/bench_common.h"

#include "server/core/caller.h"
#include "server/core/crypto.h"
#include "server/core/derived.h"
#include "server/core/json_merge.h"
#include "server/core/pseudonym.h"
#include "server/core/synthetic_exam.h"
#include "server/core/timestamp.h"
#include "server/core/validator.h"
#include "server/db/pool.h"
#include "server/services/form_catalog.h"
#include "server/services/user_service.h"

#include <Poco/JSON/Object.h>

#include <pqxx/pqxx>

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <unistd.h>

namespace core = registry::core;
namespace services = registry::services;

namespace {

using Random = core::SyntheticExamGenerator::Random;

// A random (version 4) UUID from a fast stream seeded by the CSPRNG: rows of a rerun into the
// same database get new ids.
std::string uuid(Random& random) {
    const std::uint64_t hi = (random.next() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
    const std::uint64_t lo = (random.next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xffff), static_cast<unsigned long long>(hi & 0xffff),
                  static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return buf;
}

std::optional<std::string> derivedNumber(const Poco::JSON::Object& derived, const std::string& name) {
    if (!derived.has(name) || derived.get(name).isEmpty()) return std::nullopt;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", derived.get(name).convert<double>());
    return std::string(buf);
}

std::optional<std::string> derivedFlag(const Poco::JSON::Object& derived, const std::string& name) {
    if (!derived.has(name) || derived.get(name).isEmpty()) return std::nullopt;
    return std::string(derived.get(name).convert<bool>() ? "t" : "f");
}

// COPY writes NULL for a null const char*.
const char* orNull(const std::optional<std::string>& value) { return value ? value->c_str() : nullptr; }

std::optional<std::string> pseudonymOf(const core::Pseudonymiser& pseudonymiser, const Poco::JSON::Object& fields,
                                       const std::string& name) {
    if (!fields.has(name) || !fields.get(name).isString()) return std::nullopt;
    return pseudonymiser.pseudonymise(fields.get(name).extract<std::string>());
}

double threadCpuS() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// CPU seconds (user + system) a local process has used, from /proc; nullopt when it cannot be
// read (PostgreSQL on another host, or another user's process under a hardened /proc).
std::optional<double> processCpuS(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!in || !std::getline(in, text)) return std::nullopt;
    const auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // After the command name: state is field 3; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// One exams row, prepared off the COPY thread.
struct Row {
    std::string id, region, fields, created;
    std::optional<std::string> victim, police, hoursReport, hoursIncident, within24, within48, within72, internalOnly;
};

// A bounded hand-over from the preparing threads to the COPY thread. A producer's exception is
// rethrown by pop(); stop() releases producers when the consumer gives up.
class RowQueue {
public:
    explicit RowQueue(std::size_t capacity) : capacity_(capacity) {}

    bool push(Row row) {
        std::unique_lock<std::mutex> lock(mutex_);
        notFull_.wait(lock, [&] { return rows_.size() < capacity_ || stopped_; });
        if (stopped_) return false;
        rows_.push_back(std::move(row));
        notEmpty_.notify_one();
        return true;
    }

    Row pop() {
        std::unique_lock<std::mutex> lock(mutex_);
        notEmpty_.wait(lock, [&] { return !rows_.empty() || error_; });
        if (error_) std::rethrow_exception(error_);
        Row row = std::move(rows_.front());
        rows_.pop_front();
        notFull_.notify_one();
        return row;
    }

    void fail(std::exception_ptr error) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = error;
        notEmpty_.notify_all();
    }

    void stop() {
        std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
        notFull_.notify_all();
    }

private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<Row> rows_;
    std::exception_ptr error_;
    bool stopped_ = false;
};

struct Report {
    const char* name;
    const char* sql;
};

// Report-style aggregates as REPORTS.md asks for them: computed in PostgreSQL over the narrow
// typed columns. The last one reads `fields` (jsonb) for contrast.
const Report kReports[] = {
    {"exams per region x month (exam_at, Amsterdam)", R"SQL(
SELECT region, date_trunc('month', exam_at AT TIME ZONE 'Europe/Amsterdam') AS month, count(*)
  FROM exams WHERE status IN ('submitted', 'locked')
 GROUP BY 1, 2 ORDER BY 1, 2)SQL"},
    {"median/p90 hours report->exam per region", R"SQL(
SELECT region, count(hours_report_to_exam),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_report_to_exam) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours_report_to_exam) AS p90
  FROM exams WHERE status IN ('submitted', 'locked') AND hours_report_to_exam IS NOT NULL
 GROUP BY region ORDER BY region)SQL"},
    {"share within 48h per quarter", R"SQL(
SELECT date_trunc('quarter', exam_at AT TIME ZONE 'Europe/Amsterdam') AS quarter, count(within_48h),
       round(100.0 * count(*) FILTER (WHERE within_48h) / nullif(count(within_48h), 0), 1) AS pct
  FROM exams WHERE status IN ('submitted', 'locked')
 GROUP BY 1 ORDER BY 1)SQL"},
    {"internal-only injury rate per region", R"SQL(
SELECT region, count(*) FILTER (WHERE internal_only) AS internal_only, count(internal_only) AS known,
       round(100.0 * count(*) FILTER (WHERE internal_only) / nullif(count(internal_only), 0), 1) AS pct
  FROM exams WHERE status IN ('submitted', 'locked')
 GROUP BY region ORDER BY region)SQL"},
    {"one region, last 12 months, per month", R"SQL(
SELECT date_trunc('month', exam_at AT TIME ZONE 'Europe/Amsterdam') AS month, count(*),
       round(100.0 * count(*) FILTER (WHERE within_48h) / nullif(count(within_48h), 0), 1) AS pct_48h
  FROM exams WHERE region = 'oost_brabant' AND exam_at >= now() - interval '12 months'
   AND status IN ('submitted', 'locked')
 GROUP BY 1 ORDER BY 1)SQL"},
    {"from jsonb: loss of consciousness per region", R"SQL(
SELECT region, count(*) FILTER (WHERE fields ->> 'loss_of_consciousness' = 'yes') AS yes, count(*)
  FROM exams WHERE status IN ('submitted', 'locked')
 GROUP BY region ORDER BY region)SQL"},
};

}  // namespace

int main(int argc, char** argv) try {
    const bench::Options options(argc, argv,
                                 {{"owner-url", bench::env("REGISTRY_DB_OWNER_URL", bench::env("REGISTRY_DB_URL"))},
                                  {"count", "1000000"},
                                  {"batch", "100000"},
                                  {"repeat", "3"},
                                  {"threads", std::to_string(std::max(1u, std::thread::hardware_concurrency()))},
                                  {"seed", "20261128"}},
                                 {"explain"});
    const auto count = options.integer("count", 0, 100000000);
    const auto batch = options.integer("batch", 1, 100000000);
    const auto repeat = static_cast<int>(options.integer("repeat", 1, 100));
    const auto seed = static_cast<std::uint64_t>(options.integer("seed", 0, 1LL << 62));
    const auto threads = static_cast<int>(options.integer("threads", 1, 64));
    const std::string url = options.str("owner-url");
    if (url.empty()) throw std::invalid_argument("no database: pass --owner-url or set REGISTRY_DB_OWNER_URL");

    // The form and code lists as the server sees them (published by `registry migrate`), and one
    // national doctor as the author of every row.
    registry::db::PoolSettings settings;
    settings.url = url;
    settings.size = 1;
    registry::db::ConnectionPool pool(settings);
    services::FormCatalog forms(pool);
    const int formVersion = 1;
    const auto def = forms.get(formVersion);
    const auto& codeLists = forms.codeLists();
    const auto& dismissal = codeLists.at("dismissal_codes");
    std::string authorId;
    {
        services::UserService users(pool, 1000);
        core::Caller caller;
        caller.user.username = "bench-setup";
        caller.user.role = "admin";
        caller.clientAddress = "local";
        const std::string username = "bench.loader." + registry::crypto::toHex(registry::crypto::randomBytes(4));
        authorId = users.create({username, "Bench loader", "forensic_doctor", "", "",
                                 "bench password " + registry::crypto::toHex(registry::crypto::randomBytes(8))},
                                caller)
                       .id;
    }
    const core::Pseudonymiser pseudonymiser(1, registry::crypto::randomBytes(64));

    pqxx::connection conn(url);
    std::printf("bench_bulk_load: %s synthetic exams into exams (COPY, batches of %s rows, %d preparing threads, "
                "seed %llu)\n",
                bench::grouped(count).c_str(), bench::grouped(batch).c_str(), threads,
                static_cast<unsigned long long>(seed));
    {
        pqxx::nontransaction tx(conn);
        const auto r = tx.exec("SELECT version(), current_setting('shared_buffers'), current_setting('work_mem'), "
                               "current_setting('max_parallel_workers_per_gather'), current_setting('fsync'), "
                               "(SELECT count(*) FROM exams)");
        std::printf("  %s\n  shared_buffers %s, work_mem %s, max_parallel_workers_per_gather %s, fsync %s; "
                    "%s exams before the load\n",
                    r[0][0].c_str(), r[0][1].c_str(), r[0][2].c_str(), r[0][3].c_str(), r[0][4].c_str(),
                    bench::grouped(r[0][5].as<long long>()).c_str());
    }

    const auto now = std::chrono::system_clock::now();
    const std::vector<std::string> columns = {
        "id", "form_version", "status", "version", "region", "author_id", "fields", "victim_pseudonym",
        "police_pseudonym", "pseudonym_key_version", "created_at", "updated_at", "submitted_at",
        "hours_report_to_exam", "hours_incident_to_exam", "within_24h", "within_48h", "within_72h", "internal_only"};
    const std::string version = std::to_string(formVersion);
    const std::string keyVersion = std::to_string(pseudonymiser.keyVersion());

    // Producers prepare rows while this thread streams them; each producer has its own
    // generator (seed + k), so a run is reproducible for a given --threads.
    RowQueue queue(4096);
    std::vector<double> prepareS(static_cast<std::size_t>(threads), 0.0);
    std::vector<long long> rejected(static_cast<std::size_t>(threads), 0);
    std::vector<std::thread> producers;
    for (int k = 0; k < threads; ++k) {
        const long long share = count / threads + (k < count % threads ? 1 : 0);
        producers.emplace_back([&, k, share] {
            const double cpuStart = threadCpuS();
            try {
                const std::uint64_t threadSeed = seed + 104729ULL * static_cast<std::uint64_t>(k);
                core::SyntheticExamGenerator generator(threadSeed, {dismissal.begin(), dismissal.end()}, now);
                bench::ExamSpread spread(threadSeed ^ 0x5eedULL, bench::defaultHistoryStart(), now - std::chrono::hours(6));
                std::uint64_t idSeed = 0;
                for (const unsigned char c : registry::crypto::randomBytes(8)) idSeed = idSeed << 8 | c;
                Random ids(idSeed);
                for (long long made = 0; made < share;) {
                    Row row;
                    row.region = spread.region();
                    const auto examAt = spread.moment();
                    auto exam = generator.next(row.region, examAt);
                    const auto outcome =
                        core::validate(*def, *exam.fields, core::ValidationMode::Submit, now, codeLists, "doctor");
                    if (!outcome.ok()) {
                        // The generator promises valid exams; count rather than load a broken one.
                        if (++rejected[static_cast<std::size_t>(k)] > 100) {
                            throw std::runtime_error("more than 100 synthetic exams failed validation");
                        }
                        continue;
                    }
                    // The normalised copy is ours: drop the clear references from it in place
                    // (copying ~90 members into a key-ordered Poco object costs more than validating).
                    Poco::JSON::Object::Ptr stored = outcome.fields;
                    row.victim = pseudonymOf(pseudonymiser, *stored, "victim_reference");
                    row.police = pseudonymOf(pseudonymiser, *stored, "police_reference");
                    stored->remove("victim_reference");
                    stored->remove("police_reference");
                    const auto derived = core::derive(*stored);
                    row.fields = core::jsonText(stored);
                    // Recorded some minutes to three days after the exam, never in the future.
                    const auto recordedAt =
                        std::min(now, examAt + std::chrono::seconds(spread.random().between(600, 3 * 86400)));
                    row.created = core::formatTimestampUtc(std::chrono::floor<std::chrono::seconds>(recordedAt));
                    row.hoursReport = derivedNumber(*derived, "hours_report_to_exam");
                    row.hoursIncident = derivedNumber(*derived, "hours_incident_to_exam");
                    row.within24 = derivedFlag(*derived, "within_24h");
                    row.within48 = derivedFlag(*derived, "within_48h");
                    row.within72 = derivedFlag(*derived, "within_72h");
                    row.internalOnly = derivedFlag(*derived, "internal_only");
                    row.id = uuid(ids);
                    if (!queue.push(std::move(row))) break;
                    ++made;
                }
            } catch (...) {
                queue.fail(std::current_exception());
            }
            prepareS[static_cast<std::size_t>(k)] = threadCpuS() - cpuStart;
        });
    }
    struct Joiner {
        RowQueue& queue;
        std::vector<std::thread>& threads;
        ~Joiner() {
            queue.stop();
            for (auto& t : threads) t.join();
        }
    } joiner{queue, producers};

    long long loaded = 0, jsonBytes = 0;
    const auto loadStart = bench::Clock::now();
    const double copyCpuStart = threadCpuS();
    const int backend = conn.backendpid();
    const auto backendCpuStart = processCpuS(backend);
    while (loaded < count) {
        const long long rows = std::min(batch, count - loaded);
        pqxx::work tx(conn);
        pqxx::stream_to copy(tx, "exams", columns);
        for (long long i = 0; i < rows; ++i) {
            const Row row = queue.pop();
            jsonBytes += static_cast<long long>(row.fields.size());
            copy << std::make_tuple(row.id, version, "submitted", "1", row.region, authorId, row.fields,
                                    orNull(row.victim), orNull(row.police), keyVersion, row.created, row.created,
                                    row.created, orNull(row.hoursReport), orNull(row.hoursIncident), orNull(row.within24),
                                    orNull(row.within48), orNull(row.within72), orNull(row.internalOnly));
        }
        copy.complete();
        tx.commit();
        loaded += rows;
        const double elapsed = bench::secondsSince(loadStart);
        std::printf("  loaded %11s rows  %8.0f rows/s  (%.1f s)\n", bench::grouped(loaded).c_str(),
                    static_cast<double>(loaded) / elapsed, elapsed);
        std::fflush(stdout);
    }
    const double loadS = bench::secondsSince(loadStart);
    const double copyCpu = threadCpuS() - copyCpuStart;
    const auto backendCpuEnd = processCpuS(backend);
    for (auto& t : producers) t.join();
    producers.clear();
    if (count > 0) {
        double prepared = 0;
        for (double s : prepareS) prepared += s;
        long long failed = 0;
        for (long long r : rejected) failed += r;
        const double n = static_cast<double>(loaded);
        std::printf("  load: %s rows in %.1f s = %.0f rows/s; %.0f bytes of fields JSON per row; %lld rejected\n",
                    bench::grouped(loaded).c_str(), loadS, n / loadS, static_cast<double>(jsonBytes) / n, failed);
        std::printf("  CPU per row: %.0f us preparing (generate + validate + pseudonymise + derive + serialise, %d "
                    "threads), %.0f us streaming COPY",
                    prepared / n * 1e6, threads, copyCpu / n * 1e6);
        if (backendCpuStart && backendCpuEnd) {
            std::printf(", %.0f us in the PostgreSQL backend (parse, trigger, TOAST, indexes, FKs)",
                        (*backendCpuEnd - *backendCpuStart) / n * 1e6);
        }
        std::printf("\n");
    }

    pqxx::nontransaction tx(conn);
    {
        const auto start = bench::Clock::now();
        tx.exec("VACUUM (ANALYZE) exams");
        std::printf("  VACUUM (ANALYZE) exams: %.1f s\n", bench::secondsSince(start));
    }
    {
        const auto r = tx.exec(
            "SELECT (SELECT count(*) FROM exams), pg_size_pretty(pg_total_relation_size('exams')), "
            "pg_size_pretty(pg_relation_size('exams')), "
            "pg_size_pretty(pg_total_relation_size('exams') - pg_relation_size('exams') - pg_indexes_size('exams')), "
            "pg_size_pretty(pg_indexes_size('exams')), pg_total_relation_size('exams')");
        std::printf("  exams: %s rows; total %s = heap %s + TOAST/FSM/VM %s + indexes %s (%.0f bytes per row)\n",
                    bench::grouped(r[0][0].as<long long>()).c_str(), r[0][1].c_str(), r[0][2].c_str(), r[0][3].c_str(),
                    r[0][4].c_str(),
                    r[0][0].as<long long>() > 0 ? r[0][5].as<double>() / r[0][0].as<double>() : 0.0);
    }

    std::printf("  report queries (wall time, including fetching the result; first run, then best of %d):\n", repeat);
    for (const auto& report : kReports) {
        double first = 0, best = 1e300;
        std::size_t resultRows = 0;
        for (int run = 0; run <= repeat; ++run) {
            const auto start = bench::Clock::now();
            const auto result = tx.exec(report.sql);
            const double ms = bench::secondsSince(start) * 1e3;
            resultRows = result.size();
            if (run == 0) first = ms;
            else best = std::min(best, ms);
        }
        std::printf("    %-48s %9.1f ms  %9.1f ms  (%zu result rows)\n", report.name, first, best, resultRows);
        if (options.flag("explain")) {
            for (const auto& row : tx.exec(std::string("EXPLAIN (ANALYZE, BUFFERS) ") + report.sql)) {
                std::printf("        %s\n", row[0].c_str());
            }
        }
    }
    std::printf("  peak RSS %.1f MiB\n", bench::peakRssMiB());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bulk_load: %s\n", e.what());
    return 1;
}
