#include <boost/test/unit_test.hpp>

#include "import/csv_reader.h"
#include "server/db/import_repository.h"
#include "tests/support/cli_runner.h"
#include "tests/support/import_files.h"
#include "tests/support/test_database.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

using namespace registry::test;

namespace {

const char* const kMapping = "legacy-interim-2025";

struct ReportRow {
    std::string dossier, column, value, code, nl, en;
};

// The error report file, by record number.
std::map<long, ReportRow> readReport(const std::string& path) {
    std::istringstream in(readFile(path));
    registry::import::CsvReader reader(in, ';', registry::import::Encoding::Utf8, registry::import::ReaderLimits{});
    std::vector<std::string> f;
    BOOST_REQUIRE(reader.next(f));
    BOOST_REQUIRE_EQUAL(f.size(), 7u);
    BOOST_TEST(f[0] == "record");
    std::map<long, ReportRow> rows;
    while (reader.next(f)) {
        BOOST_REQUIRE_EQUAL(f.size(), 7u);
        rows[std::stol(f[0])] = {f[1], f[2], f[3], f[4], f[5], f[6]};
    }
    return rows;
}

// The report must name exactly the expected file's records, columns, reasons and dossiers.
void checkAgainstExpected(const std::map<long, ReportRow>& report) {
    Poco::JSON::Parser parser;
    const auto expected = parser.parse(readFile(sampleExpectedPath())).extract<Poco::JSON::Object::Ptr>();
    const auto rejected = expected->getObject("rejected");
    BOOST_TEST(report.size() == rejected->size());
    for (const auto& number : rejected->getNames()) {
        const auto want = rejected->getObject(number);
        const auto it = report.find(std::stol(number));
        BOOST_REQUIRE_MESSAGE(it != report.end(), "record " + number + " should be rejected");
        BOOST_TEST(it->second.column == want->getValue<std::string>("column"), "record " << number);
        BOOST_TEST(it->second.en == want->getValue<std::string>("reason"), "record " << number);
        BOOST_TEST(it->second.dossier == want->getValue<std::string>("dossier"), "record " << number);
        BOOST_TEST(!it->second.nl.empty());
        BOOST_TEST(!it->second.code.empty());
    }
}

long expectedAccepted() {
    Poco::JSON::Parser parser;
    return parser.parse(readFile(sampleExpectedPath())).extract<Poco::JSON::Object::Ptr>()->getValue<long>("accepted");
}

struct Fixture {
    TestDatabase db;
    std::string config = importConfigFile(db.serviceUrl(), db.ownerUrl());

    CliResult import(const std::string& file, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--config", config, "import", file, "--mapping", kMapping};
        args.insert(args.end(), extra.begin(), extra.end());
        return runRegistry(args);
    }
    long long exams() const { return db.scalar("SELECT count(*) FROM exams"); }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(import_cli)

BOOST_FIXTURE_TEST_CASE(the_sample_file_imports_exactly_as_expected, Fixture) {
    const std::string report = writeTempFile("errors.csv", "");
    const auto r = import(sampleCsvPath(), {"--errors", report});
    BOOST_TEST(r.exitCode == 65, r.err);  // records were rejected
    BOOST_TEST(has(r.out, "read: 400"), r.out);
    BOOST_TEST(has(r.out, "imported: " + std::to_string(expectedAccepted())), r.out);
    BOOST_TEST(has(r.out, "already present: 0"));
    BOOST_TEST(has(r.out, "rejected: 10"));
    BOOST_TEST(has(r.out, "cp1252"));
    // Not a terminal: plain progress lines on standard error, the last one complete.
    BOOST_TEST(has(r.err, "importing: 400/400 records (imported 390, already present 0, rejected 10)"), r.err);
    checkAgainstExpected(readReport(report));
    BOOST_TEST(exams() == expectedAccepted());

    // Stored like any other record: version row, audit event, provenance, no clear identifiers.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_versions WHERE kind = 'import'") == expectedAccepted());
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == expectedAccepted());
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'import.run'") == 1);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE status = 'submitted' AND import_source_file = "
                         "'legacy-interim-2025.csv' AND import_source_digest ~ '^[0-9a-f]{64}$' AND "
                         "import_record_number > 1 AND import_key = victim_pseudonym") == expectedAccepted());
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE fields::text LIKE '%LOEF-%' OR fields::text LIKE '%PL%-20%' "
                         "OR fields ? 'victim_reference' OR fields ? 'police_reference'") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE detail LIKE '%LOEF-20%'") == 0);
    // The age became its band; the report storage is filled as for the API (its trigger runs on
    // COPY too), so imported records are in reports like any other.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_facts f JOIN exams e ON e.id = f.exam_id WHERE e.import_key IS NOT "
                         "NULL AND f.status = 'submitted' AND f.age_band IS NOT NULL AND f.sex IS NOT NULL AND "
                         "e.exam_at IS NOT NULL") == expectedAccepted());
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_facts WHERE age_band NOT IN ('<18', '18-24', '25-34', '35-44', "
                         "'45-54', '55-64', '65+', 'unknown')") == 0);
    // Record 2: 10-08-2026 17:54 summer time; LOEF-2026-10001 is record 3, "smoren, koord/riem" style lists.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_record_number = 2 AND "
                         "(fields->>'incident_at')::timestamptz = '2026-08-10T15:54:00Z' AND fields->'mechanism' = '[\"smothering\", \"ligature\"]' AND "
                         "fields->>'age_band' = '65+' AND fields->>'incident_at_precision' = 'exact'") == 1);
    // A quoted line break in Opmerkingen survives as a line break.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_record_number = 5 AND fields->>'notes' = "
                         "E'Nacontrole na 2 dagen.\\nGeen nieuwe bevindingen.'") == 1);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE fields->>'notes' = 'Verklaart \"zwart voor ogen\"; zie foto 3;4'") >= 1);

    // A second run adds nothing and says so.
    const auto again = import(sampleCsvPath());
    BOOST_TEST(again.exitCode == 65);
    BOOST_TEST(has(again.out, "imported: 0"), again.out);
    BOOST_TEST(has(again.out, "already present: " + std::to_string(expectedAccepted())), again.out);
    BOOST_TEST(has(again.out, "rejected: 10"));
    // Without --errors the rejections go to standard error, without identifying values.
    BOOST_TEST(has(again.err, "record 11, Geslacht: missing required value"), again.err);
    BOOST_TEST(!has(again.err, "LOEF-20"), again.err);
    BOOST_TEST(exams() == expectedAccepted());
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == expectedAccepted());
}

BOOST_FIXTURE_TEST_CASE(an_erased_record_is_never_imported_again, Fixture) {
    const std::string file = writeTempFile("erase.csv", generatedCsv(5, "erase"));
    BOOST_TEST_REQUIRE(import(file).exitCode == 0);
    pqxx::connection c(db.ownerUrl());
    pqxx::work tx(c);
    const auto id = tx.exec1("SELECT id::text FROM exams WHERE import_record_number = 3")[0].as<std::string>();
    tx.commit();
    const auto erased = runRegistry({"--config", config, "exam", "erase", id, "--reason", "AVG-verzoek"});
    BOOST_TEST_REQUIRE(erased.exitCode == 0, erased.err);
    BOOST_TEST(exams() == 4);
    const auto again = import(file);
    BOOST_TEST(again.exitCode == 0, again.err);
    BOOST_TEST(has(again.out, "imported: 0"), again.out);
    BOOST_TEST(has(again.out, "already present: 5"), again.out);
    BOOST_TEST(exams() == 4);
    BOOST_TEST(db.scalar("SELECT count(*) FROM import_erased_keys") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_dry_run_reports_what_a_real_run_does_and_writes_nothing, Fixture) {
    const std::string dryReport = writeTempFile("dry.csv", ""), realReport = writeTempFile("real.csv", "");
    const auto dry = import(sampleCsvPath(), {"--dry-run", "--errors", dryReport});
    BOOST_TEST(dry.exitCode == 65, dry.err);
    BOOST_TEST(has(dry.out, "DRY RUN"));
    BOOST_TEST(exams() == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_versions") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'import.dry_run'") == 1);
    const auto real = import(sampleCsvPath(), {"--errors", realReport});
    auto counts = [](const std::string& out) { return out.substr(out.find("read:")); };
    BOOST_TEST(counts(dry.out) == counts(real.out));
    BOOST_TEST(readFile(dryReport) == readFile(realReport));
    // After the real run, a dry run sees every record as already present, as a real run would.
    const auto dryAgain = import(sampleCsvPath(), {"--dry-run"});
    BOOST_TEST(has(dryAgain.out, "already present: " + std::to_string(expectedAccepted())), dryAgain.out);
}

BOOST_FIXTURE_TEST_CASE(abort_mode_imports_nothing_when_a_record_is_faulty, Fixture) {
    const auto r = import(sampleCsvPath(), {"--on-error=abort"});
    BOOST_TEST(r.exitCode == 65);
    BOOST_TEST(has(r.out, "aborted"), r.out);
    BOOST_TEST(has(r.out, "imported: 0"));
    BOOST_TEST(has(r.out, "rejected: 10"));
    BOOST_TEST(exams() == 0);
    // A clean file is imported in abort mode as in skip mode.
    const auto clean = import(writeTempFile("clean.csv", generatedCsv(30, "abort")), {"--on-error", "abort"});
    BOOST_TEST(clean.exitCode == 0, clean.err);
    BOOST_TEST(has(clean.out, "imported: 30"));
    BOOST_TEST(exams() == 30);
}

BOOST_FIXTURE_TEST_CASE(windows_1252_utf8_and_utf8_with_bom_give_identical_results, Fixture) {
    const std::string original = readFile(sampleCsvPath());
    const std::string utf8 = registry::import::windows1252ToUtf8(original);
    BOOST_REQUIRE(utf8 != original);
    std::map<std::string, std::string> reports;
    std::map<std::string, std::string> summaries;
    for (const auto& [name, bytes] : std::map<std::string, std::string>{
             {"cp1252", original}, {"utf-8", utf8}, {"utf-8-bom", "\xEF\xBB\xBF" + utf8}}) {
        TestDatabase own;
        const std::string report = writeTempFile(name + ".csv", "");
        const auto r = runRegistry({"--config", importConfigFile(own.serviceUrl(), own.ownerUrl()), "import",
                                    writeTempFile("legacy-interim-2025.csv", bytes), "--mapping", kMapping, "--errors",
                                    report});
        BOOST_TEST(r.exitCode == 65, name << ": " << r.err);
        BOOST_TEST(has(r.out, "(" + name + ","), r.out);
        reports[name] = readFile(report);
        summaries[name] = r.out.substr(r.out.find("read:"));
        // The stored documents, independent of ids and pseudonym keys.
        pqxx::connection c(own.ownerUrl());
        pqxx::work tx(c);
        summaries[name] += tx.exec1("SELECT md5(string_agg((fields - 'notes')::text || coalesce(fields->>'notes', ''), "
                                    "'|' ORDER BY import_record_number)) FROM exams")[0]
                               .as<std::string>();
    }
    BOOST_TEST(reports["cp1252"] == reports["utf-8"]);
    BOOST_TEST(reports["cp1252"] == reports["utf-8-bom"]);
    BOOST_TEST(summaries["cp1252"] == summaries["utf-8"]);
    BOOST_TEST(summaries["cp1252"] == summaries["utf-8-bom"]);
}

BOOST_FIXTURE_TEST_CASE(trailing_empty_excel_columns_are_accepted_and_an_unnamed_column_with_data_refused, Fixture) {
    auto records = sampleRecords();
    for (auto& record : records) record.insert(record.end(), {"", "", ""});
    const std::string report = writeTempFile("errors.csv", "");
    const auto r = import(writeTempFile("trailing.csv", toCsv(records)), {"--errors", report});
    BOOST_TEST(r.exitCode == 65, r.err);
    BOOST_TEST(has(r.out, "read: 400"), r.out);
    BOOST_TEST(has(r.out, "imported: " + std::to_string(expectedAccepted())), r.out);
    BOOST_TEST(has(r.out, "rejected: 10"), r.out);
    checkAgainstExpected(readReport(report));
    BOOST_TEST(exams() == expectedAccepted());

    // The same file with one value in an unnamed column: refused as a whole, nothing written.
    TestDatabase other;
    records[200][records[200].size() - 2] = "vergeten";
    const auto refused = runRegistry({"--config", importConfigFile(other.serviceUrl(), other.ownerUrl()), "import",
                                      writeTempFile("unnamed-data.csv", toCsv(records)), "--mapping", kMapping});
    BOOST_TEST(refused.exitCode == 66, refused.err);
    BOOST_TEST(has(refused.err, "bad_header"), refused.err);
    BOOST_TEST(has(refused.err, "has no name in the header but holds data"), refused.err);
    BOOST_TEST(has(refused.err, "nothing was imported"), refused.err);
    BOOST_TEST(other.scalar("SELECT count(*) FROM exams") == 0);
}

BOOST_FIXTURE_TEST_CASE(summer_time_boundaries, Fixture) {
    auto records = sampleRecords();
    std::vector<std::vector<std::string>> file{records[0]};
    auto base = records[1];  // LOEF-2026-10000, valid
    const auto header = records[0];
    const auto col = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const auto add = [&](const std::string& dossier, const std::string& date, const std::string& time) {
        auto r = base;
        r[col("Dossiernummer")] = dossier;
        r[col("Datum incident")] = "28-03-2026";
        r[col("Tijd incident")] = "20:00";
        r[col("Datum melding politie")] = "";
        r[col("Tijd melding")] = "";
        r[col("Verwijzer")] = "Veilig Thuis";
        r[col("Datum onderzoek")] = date;
        r[col("Tijd onderzoek")] = time;
        file.push_back(r);
    };
    add("DST-GAP", "29-03-2026", "02:30");       // record 2: does not exist
    add("DST-AFTER-GAP", "29-03-2026", "03:30");  // record 3: 01:30Z
    add("DST-TWICE", "25-10-2026", "02:30");      // record 4: first occurrence, 00:30Z
    add("DST-WINTER", "25-10-2026", "03:30");     // record 5: 02:30Z
    const std::string report = writeTempFile("dst.csv", "");
    const auto r = import(writeTempFile("dst.csv", toCsv(file)), {"--errors", report});
    BOOST_TEST(r.exitCode == 65, r.err);
    const auto rows = readReport(report);
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows.begin()->first == 2);
    BOOST_TEST(rows.begin()->second.column == "Tijd onderzoek");
    BOOST_TEST(rows.begin()->second.code == "nonexistent_time");
    BOOST_TEST(rows.begin()->second.value == "02:30");
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_record_number = 3 AND exam_at = '2026-03-29T01:30:00Z'") == 1);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_record_number = 4 AND exam_at = '2026-10-25T00:30:00Z'") == 1);
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_record_number = 5 AND exam_at = '2026-10-25T02:30:00Z'") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_killed_import_stops_at_a_batch_boundary_and_a_rerun_completes_it, Fixture) {
    const long total = 4000;
    const long batch = 40;
    const std::string killConfig = importConfigFile(db.serviceUrl(), db.ownerUrl(),
                                                    "import.batch_size = " + std::to_string(batch) + "\n");
    const std::string file = writeTempFile("big.csv", generatedCsv(total, "kill"));
    Poco::Pipe out, err;
    const char* binary = std::getenv("REGISTRY_BINARY");
    BOOST_REQUIRE(binary);
    auto handle = Poco::Process::launch(binary, {"--config", killConfig, "import", file, "--mapping", kMapping}, nullptr,
                                        &out, &err);
    long long atKill = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        atKill = exams();
        if (atKill > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    Poco::Process::kill(handle);
    handle.wait();
    const long long afterKill = exams();
    BOOST_TEST_MESSAGE("killed with " << afterKill << " of " << total << " records stored");
    BOOST_TEST(afterKill > 0);
    BOOST_TEST(afterKill < total);  // it really was stopped part-way
    BOOST_TEST(afterKill % batch == 0);  // whole batches only
    // Every stored record has its version and its audit event: nothing half-written.
    BOOST_TEST(db.scalar("SELECT count(*) FROM exam_versions") == afterKill);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == afterKill);

    const auto rerun = runRegistry({"--config", killConfig, "import", file, "--mapping", kMapping});
    BOOST_TEST(rerun.exitCode == 0, rerun.err);
    BOOST_TEST(has(rerun.out, "imported: " + std::to_string(total - afterKill)), rerun.out);
    BOOST_TEST(has(rerun.out, "already present: " + std::to_string(afterKill)), rerun.out);
    BOOST_TEST(exams() == total);
    BOOST_TEST(db.scalar("SELECT count(DISTINCT import_key) FROM exams") == total);
    BOOST_TEST(runRegistry({"--config", killConfig, "audit", "verify"}).exitCode == 0);
}

// The number after `label` in a run's summary.
long summaryCount(const std::string& out, const std::string& label) {
    const auto at = out.find(label + ": ");
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no \"" + label + "\" in " + out);
    return std::stol(out.substr(at + label.size() + 2));
}

BOOST_FIXTURE_TEST_CASE(imports_write_one_at_a_time_and_two_at_once_store_every_record_once, Fixture) {
    const long total = 600;
    const std::string file = writeTempFile("twice.csv", generatedCsv(total, "twice"));
    const std::string lockKey = std::to_string(registry::db::ImportRepository::kRunLockKey);
    // Another import holds the lock (as a run does, on a session of its own).
    pqxx::connection other(db.serviceUrl());
    BOOST_REQUIRE(pqxx::nontransaction(other).exec1("SELECT pg_try_advisory_lock(" + lockKey + ")")[0].as<bool>());

    const char* binary = std::getenv("REGISTRY_BINARY");
    BOOST_REQUIRE(binary);
    Poco::Pipe out, err;
    auto first = Poco::Process::launch(binary, {"--config", config, "import", file, "--mapping", kMapping}, nullptr, &out,
                                       &err);
    Poco::PipeInputStream errStream(err), outStream(out);
    std::string line;
    bool toldToWait = false;
    while (!toldToWait && std::getline(errStream, line)) toldToWait = has(line, "waiting for another import to finish");
    BOOST_TEST_REQUIRE(toldToWait);
    BOOST_TEST(exams() == 0);  // it checked the file, and writes nothing until its turn

    // A second run of the same file at the same time: whichever goes second finds every record
    // present.
    CliResult second;
    std::thread secondRun([&] { second = import(file); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    pqxx::nontransaction(other).exec("SELECT pg_advisory_unlock(" + lockKey + ")");
    const std::string firstOut(std::istreambuf_iterator<char>(outStream), {});
    const std::string firstErr(std::istreambuf_iterator<char>(errStream), {});
    const int firstExit = first.wait();
    secondRun.join();

    BOOST_TEST(firstExit == 0, firstErr);
    BOOST_TEST(second.exitCode == 0, second.err);
    BOOST_TEST(summaryCount(firstOut, "imported") + summaryCount(second.out, "imported") == total);
    BOOST_TEST(summaryCount(firstOut, "already present") + summaryCount(second.out, "already present") == total);
    BOOST_TEST(exams() == total);
    BOOST_TEST(db.scalar("SELECT count(DISTINCT import_key) FROM exams") == total);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == total);
    BOOST_TEST(runRegistry({"--config", config, "audit", "verify"}).exitCode == 0);
}

// A layout whose victim is not the key column, so that one victim has exams in many batches:
// consecutive batches then count the same victims, and the import must neither deadlock on their
// count rows nor lose a count.
BOOST_FIXTURE_TEST_CASE(victims_with_exams_in_many_batches_are_counted_once_per_exam, Fixture) {
    const long total = 1200, victims = 7;
    const std::string mappingDir = writeTempFile("mappings", "");
    std::filesystem::remove(mappingDir);
    std::filesystem::create_directory(mappingDir);
    std::string mapping = readFile(TestDatabase::sourceDir() + "/config/import/" + kMapping + ".json");
    const auto swap = [&](const std::string& from, const std::string& to) {
        const auto at = mapping.find(from);
        BOOST_REQUIRE(at != std::string::npos);
        mapping.replace(at, from.size(), to);
    };
    swap(R"("column": "Dossiernummer", "field": "victim_reference")", R"("column": "Dossiernummer", "field": "police_reference")");
    swap(R"("column": "Politie registratienummer", "field": "police_reference")",
         R"("column": "Politie registratienummer", "field": "victim_reference")");
    std::ofstream(mappingDir + "/victim-column.json") << mapping;

    std::vector<std::vector<std::string>> records;
    {
        std::istringstream in(generatedCsv(total, "victims"));
        registry::import::CsvReader reader(in, ';', registry::import::Encoding::Utf8, registry::import::ReaderLimits{});
        std::vector<std::string> f;
        while (reader.next(f)) records.push_back(f);
    }
    for (std::size_t i = 1; i < records.size(); ++i) records[i][3] = "PL0100-2025-" + std::to_string(100000 + i % victims);
    const std::string smallBatches = importConfigFile(db.serviceUrl(), db.ownerUrl(),
                                                      "import.batch_size = 20\nimport.mapping_dir = " + mappingDir + "\n");
    const auto r = runRegistry({"--config", smallBatches, "import", writeTempFile("victims.csv", toCsv(records)),
                                "--mapping", "victim-column"});
    BOOST_TEST(r.exitCode == 0, r.err);
    BOOST_TEST(summaryCount(r.out, "imported") == total, r.out);
    BOOST_TEST(exams() == total);
    BOOST_TEST(db.scalar("SELECT count(DISTINCT victim_pseudonym) FROM exams") == victims);
    BOOST_TEST(db.scalar("SELECT count(*) FROM victim_exam_counts") == victims);
    BOOST_TEST(db.scalar("SELECT sum(exams) FROM victim_exam_counts") == total);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action = 'exam.import'") == total);
}

BOOST_FIXTURE_TEST_CASE(a_database_failure_part_way_is_reported_in_one_line_and_a_rerun_completes_the_import, Fixture) {
    const long total = 300;
    const std::string file = writeTempFile("stalled.csv", generatedCsv(total, "stalled"));
    const std::string impatient = importConfigFile(db.serviceUrl(), db.ownerUrl(),
                                                   "import.batch_size = 100\ndb.statement_timeout_ms = 1000\n");
    CliResult r;
    {
        // Someone holds the victim counts: the first batch's writes wait and time out.
        pqxx::connection owner(db.ownerUrl());
        pqxx::work hold(owner);
        hold.exec("LOCK TABLE victim_exam_counts IN EXCLUSIVE MODE");
        r = runRegistry({"--config", impatient, "import", file, "--mapping", kMapping});
    }
    BOOST_TEST(r.exitCode == 69, r.err);
    BOOST_TEST(has(r.err, "the import stopped, database error: ERROR:  canceling statement due to statement timeout"), r.err);
    BOOST_TEST(has(r.err, "the same import again completes it"), r.err);
    BOOST_TEST(!has(r.err, "INSERT"), r.err);  // the statement is not printed
    BOOST_TEST(exams() == 0);

    const auto rerun = runRegistry({"--config", impatient, "import", file, "--mapping", kMapping});
    BOOST_TEST(rerun.exitCode == 0, rerun.err);
    BOOST_TEST(exams() == total);
}

BOOST_FIXTURE_TEST_CASE(a_duplicate_in_one_file_is_rejected_on_its_second_occurrence, Fixture) {
    auto records = sampleRecords();
    std::vector<std::vector<std::string>> file{records[0], records[1], records[2], records[1]};
    // The same key written differently: normalised as every reference is before pseudonymising.
    file[3][0] = "loef" + records[1][0].substr(4);
    const std::string report = writeTempFile("dup.csv", "");
    const auto r = import(writeTempFile("dup.csv", toCsv(file)), {"--errors", report});
    const auto rows = readReport(report);
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows.begin()->first == 4);
    BOOST_TEST(rows.begin()->second.code == "duplicate_key");
    BOOST_TEST(rows.begin()->second.value == "");  // identifying: never echoed as a value
    BOOST_TEST(exams() == 2);
}

BOOST_FIXTURE_TEST_CASE(on_a_terminal_the_progress_is_a_bar_with_rate_and_eta, Fixture) {
    // script(1) runs the command on a pseudo-terminal and copies what it shows.
    const char* binary = std::getenv("REGISTRY_BINARY");
    BOOST_REQUIRE(binary);
    const std::string command = std::string(binary) + " --config " + config + " import " +
                                writeTempFile("tty.csv", generatedCsv(50, "tty")) + " --mapping " + kMapping;
    Poco::Pipe out;
    auto handle = Poco::Process::launch("script", {"-qec", command, "/dev/null"}, nullptr, &out, nullptr);
    Poco::PipeInputStream stream(out);
    std::string shown((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    BOOST_TEST(handle.wait() == 0, shown);
    BOOST_TEST(has(shown, "\r"), shown);
    BOOST_TEST(has(shown, "[##############################] 100% 50/50 records"), shown);
    BOOST_TEST(has(shown, "rec/s"));
    BOOST_TEST(has(shown, "ETA "));
    BOOST_TEST(!has(shown, "importing: 50/50 records (imported"));  // not the plain lines
    BOOST_TEST(has(shown, "imported: 50"));
}

BOOST_FIXTURE_TEST_CASE(hostile_files_are_refused_and_write_nothing, Fixture) {
    const std::string header = toCsv({sampleRecords()[0]});
    const std::string oneRecord = generatedCsv(1, "hostile");
    std::string binary(4096, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>((i * 7919) % 256);
    const std::map<std::string, std::pair<std::string, std::string>> files = {
        {"empty", {"", "empty_file"}},
        {"header-only", {header, "no_records"}},
        {"binary", {binary, "binary_file"}},
        {"unbalanced-quote", {oneRecord + "GEN-x;\"Midden-Nederland;never closed\r\n", "unterminated_quote"}},
        {"unknown-column", {"Dossiernummer;Wie\r\nA-1;x\r\n", "bad_header"}},
    };
    for (const auto& [name, content] : files) {
        const auto r = import(writeTempFile(name + ".csv", content.first));
        BOOST_TEST(r.exitCode == 66, name << ": " << r.err);
        BOOST_TEST(has(r.err, content.second), name << ": " << r.err);
        BOOST_TEST(has(r.err, "nothing was imported"), name);
    }
    // A 100 MB line: refused at the record limit, without holding it in memory.
    {
        const std::string path = writeTempFile("long-line.csv", "");
        std::ofstream outFile(path, std::ios::binary | std::ios::app);
        outFile << oneRecord.substr(0, oneRecord.size() - 2) << "x";
        const std::string block(1 << 20, 'x');
        for (int i = 0; i < 100; ++i) outFile << block;
        outFile << "\r\n";
        outFile.close();
        const auto r = import(path);
        BOOST_TEST(r.exitCode == 66, r.err);
        BOOST_TEST(has(r.err, "record_too_long"), r.err);
    }
    const auto unknownMapping = runRegistry({"--config", config, "import", sampleCsvPath(), "--mapping", "no-such-layout"});
    BOOST_TEST(unknownMapping.exitCode == 66);
    BOOST_TEST(has(unknownMapping.err, "unknown_mapping"), unknownMapping.err);
    const auto traversal = runRegistry({"--config", config, "import", sampleCsvPath(), "--mapping", "../../etc/passwd"});
    BOOST_TEST(traversal.exitCode == 66);
    const auto missing = import("/nonexistent/file.csv");
    BOOST_TEST(missing.exitCode == 66);
    const auto usage = runRegistry({"--config", config, "import", sampleCsvPath()});
    BOOST_TEST(usage.exitCode == 64);
    const auto badMode = import(sampleCsvPath(), {"--on-error=ignore"});
    BOOST_TEST(badMode.exitCode == 64);
    BOOST_TEST(exams() == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM audit_events WHERE action LIKE 'import.%'") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
