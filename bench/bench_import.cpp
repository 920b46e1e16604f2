// Imports a generated file in the layout of the legacy interim spreadsheets (the sample's
// valid records, repeated with fresh Dossiernummers) through the same engine as
// `registry import`, then times `psql \copy` of the same file into a plain table of the same
// width (42 text columns, no trigger, no index) on the same database. Prints both rates, their
// ratio and the peak RSS. Not a test: it asserts nothing about times.

#include "bench/bench_common.h"

#include "import/csv_reader.h"
#include "import/import_pipeline.h"
#include "import/mapping.h"
#include "server/core/crypto.h"
#include "server/db/pool.h"
#include "server/services/form_catalog.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <pqxx/pqxx>

#include <cstdio>
#include <chrono>
#include <fstream>
#include <map>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace core = registry::core;
namespace import = registry::import;

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string csvCell(const std::string& v) {
    if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '\n') {
            out += "\r\n";
            continue;
        }
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// Writes `count` valid records (UTF-8, `;`, CRLF) and returns the number of columns.
std::size_t generate(const std::string& sampleDir, const std::string& path, long count) {
    Poco::JSON::Parser parser;
    const auto expected = parser.parse(readAll(sampleDir + "/legacy-interim-2025.expected.json"))
                              .extract<Poco::JSON::Object::Ptr>();
    std::set<long> faulty;
    for (const auto& n : expected->getObject("rejected")->getNames()) faulty.insert(std::stol(n));
    std::istringstream in(readAll(sampleDir + "/legacy-interim-2025.csv"));
    import::CsvReader reader(in, ';', import::Encoding::Windows1252, import::ReaderLimits{});
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        if (records.empty() || !faulty.count(reader.recordNumber())) records.push_back(fields);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const auto line = [&](const std::vector<std::string>& record) {
        for (std::size_t i = 0; i < record.size(); ++i) out << (i ? ";" : "") << csvCell(record[i]);
        out << "\r\n";
    };
    line(records[0]);
    for (long n = 0; n < count; ++n) {
        auto record = records[1 + static_cast<std::size_t>(n) % (records.size() - 1)];
        record[0] = "BENCH-" + std::to_string(n);
        line(record);
    }
    if (!out) throw std::runtime_error("cannot write " + path);
    return records[0].size();
}

}  // namespace

int main(int argc, char** argv) {
    bench::Options options(argc, argv,
                           {{"db-url", bench::env("REGISTRY_DB_URL")},
                            {"owner-url", bench::env("REGISTRY_DB_OWNER_URL")},
                            {"count", "1000000"},
                            {"batch", "1000"},
                            {"threads", "0"},
                            {"file", ""},
                            {"source", REGISTRY_SOURCE_DIR}});
    try {
        const long count = options.integer("count", 1, 100000000);
        const std::string source = options.str("source");
        std::string file = options.str("file");
        if (file.empty()) file = bench::env("TMPDIR", "/tmp") + "/bench-import-" + std::to_string(::getpid()) + ".csv";
        auto start = bench::Clock::now();
        const std::size_t width = generate(source + "/tests/data/import", file, count);
        std::printf("bench_import: generated %s records (%zu columns) in %.1f s: %s\n", bench::grouped(count).c_str(),
                    width, bench::secondsSince(start), file.c_str());

        registry::db::PoolSettings poolSettings;
        poolSettings.url = options.str("db-url");
        poolSettings.size = 4;
        registry::db::ConnectionPool pool(poolSettings);
        registry::services::FormCatalog forms(pool);
        const auto form = forms.get(forms.latestVersion());
        const core::Pseudonymiser pseudonymiser(1, registry::crypto::randomBytes(32));
        auto mapping = import::Mapping::load(source + "/config/import", "legacy-interim-2025", *form);
        import::ImportOptions importOptions;
        importOptions.sourceName = "bench.csv";
        importOptions.batchSize = static_cast<std::size_t>(options.integer("batch", 1, 100000));
        importOptions.threads = static_cast<unsigned>(options.integer("threads", 0, 256));
        core::Caller caller;
        caller.user.username = "bench";
        caller.user.role = "admin";
        caller.clientAddress = "local";
        const import::ImportContext context{pool, *form, forms.codeLists(), pseudonymiser};
        // Abort mode checks the whole (clean) file before writing: the check pass times reading,
        // mapping, validation and pseudonymisation alone; the import pass adds the database.
        importOptions.onError = import::OnError::Abort;
        std::map<std::string, bench::Clock::time_point> phaseStart;
        std::ifstream in(file, std::ios::binary);
        start = bench::Clock::now();
        const auto summary = import::runImport(context, std::move(mapping), in, importOptions, caller,
                                               [&](const import::ImportProgress& p) {
                                                   phaseStart.emplace(p.phase, bench::Clock::now());
                                               });
        const double totalSeconds = bench::secondsSince(start);
        const auto span = [&](const std::string& from, const std::string& to) {
            return std::chrono::duration<double>(phaseStart.at(to) - phaseStart.at(from)).count();
        };
        const double scanSeconds = span("scanning", "checking");
        const double checkSeconds = span("checking", "importing");
        const double importSeconds = span("importing", "done");
        std::printf("scan (digest, encoding, CSV structure): %.1f s; check (read, map, validate, pseudonymise; no "
                    "database): %.1f s: %s records/s\n",
                    scanSeconds, checkSeconds, bench::grouped(static_cast<long long>(count / checkSeconds)).c_str());
        const double importRate = static_cast<double>(summary.imported) / importSeconds;
        std::printf("import pass (prepare and write with COPY, overlapped; batch %zu, %u preparing threads, %u writers): read %s, imported %s, "
                    "rejected %s in %.1f s: %s records/s; whole run %.1f s; peak RSS %.0f MiB\n",
                    importOptions.batchSize,
                    importOptions.threads ? importOptions.threads : std::max(1u, std::thread::hardware_concurrency()),
                    import::kImportWriters, bench::grouped(summary.read).c_str(), bench::grouped(summary.imported).c_str(),
                    bench::grouped(summary.rejected).c_str(), importSeconds,
                    bench::grouped(static_cast<long long>(importRate)).c_str(), totalSeconds, bench::peakRssMiB());

        // The baseline: the same bytes with psql \copy into a plain table of the same width.
        {
            pqxx::connection c(options.str("owner-url"));
            pqxx::work tx(c);
            std::string columns;
            for (std::size_t i = 0; i < width; ++i) columns += (i ? ", c" : "c") + std::to_string(i) + " text";
            tx.exec("DROP TABLE IF EXISTS bench_raw_import");
            tx.exec("CREATE TABLE bench_raw_import (" + columns + ")");
            tx.commit();
        }
        const std::string command = "psql -q -v ON_ERROR_STOP=1 '" + options.str("owner-url") +
                                    "' -c \"\\copy bench_raw_import FROM '" + file +
                                    "' WITH (FORMAT csv, DELIMITER ';', HEADER true)\"";
        start = bench::Clock::now();
        if (std::system(command.c_str()) != 0) throw std::runtime_error("psql \\copy failed: " + command);
        const double copySeconds = bench::secondsSince(start);
        const double copyRate = static_cast<double>(count) / copySeconds;
        std::printf("psql \\copy into a plain %zu-column text table: %s records in %.1f s: %s records/s\n", width,
                    bench::grouped(count).c_str(), copySeconds, bench::grouped(static_cast<long long>(copyRate)).c_str());
        std::printf("import / raw COPY: %.2f\n", importRate / copyRate);
        {
            pqxx::connection c(options.str("owner-url"));
            pqxx::work tx(c);
            tx.exec("DROP TABLE bench_raw_import");
            tx.commit();
        }
        std::remove(file.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_import: %s\n", e.what());
        return 1;
    }
}
