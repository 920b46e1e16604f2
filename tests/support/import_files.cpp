#include "tests/support/import_files.h"

#include "import/csv_reader.h"
#include "server/core/crypto.h"
#include "tests/support/cli_runner.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace registry::test {

std::string sampleDir() {
    const char* dir = std::getenv("REGISTRY_IMPORT_SAMPLE_DIR");
    if (dir && *dir) return dir;
    // A copy of ../shared/data/import, so that a clean clone (CI) has it.
    return TestDatabase::sourceDir() + "/tests/data/import";
}

std::string sampleCsvPath() { return sampleDir() + "/legacy-interim-2025.csv"; }
std::string sampleExpectedPath() { return sampleDir() + "/legacy-interim-2025.expected.json"; }

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string writeTempFile(const std::string& name, const std::string& bytes) {
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    const std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/import-" +
                             crypto::toHex(crypto::randomBytes(6)) + "-" + name;
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + path);
    return path;
}

std::vector<std::vector<std::string>> sampleRecords() {
    std::istringstream in(readFile(sampleCsvPath()));
    import::CsvReader reader(in, ';', import::Encoding::Windows1252, import::ReaderLimits{});
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    while (reader.next(fields)) records.push_back(fields);
    return records;
}

std::string toCsv(const std::vector<std::vector<std::string>>& records) {
    std::string out;
    for (const auto& record : records) {
        for (std::size_t i = 0; i < record.size(); ++i) {
            if (i) out += ';';
            const auto& v = record[i];
            if (v.find_first_of(";\"\r\n") == std::string::npos) {
                out += v;
                continue;
            }
            out += '"';
            for (char c : v) {
                if (c == '\n') {
                    out += "\r\n";
                    continue;
                }
                if (c == '"') out += '"';
                out += c;
            }
            out += '"';
        }
        out += "\r\n";
    }
    return out;
}

std::string generatedCsv(long count, const std::string& prefix) {
    const auto records = sampleRecords();
    // The records the sample's expected file accepts.
    const std::set<long> faulty = {11, 39, 162, 217, 253, 273, 285, 299, 303, 379};
    std::vector<std::vector<std::string>> valid;
    for (std::size_t i = 1; i < records.size(); ++i) {
        if (!faulty.count(static_cast<long>(i + 1))) valid.push_back(records[i]);
    }
    std::vector<std::vector<std::string>> out{records[0]};
    for (long n = 0; n < count; ++n) {
        auto record = valid[static_cast<std::size_t>(n) % valid.size()];
        record[0] = "GEN-" + prefix + "-" + std::to_string(n);
        out.push_back(std::move(record));
    }
    return toCsv(out);
}

std::string importConfigFile(const std::string& serviceUrl, const std::string& ownerUrl, const std::string& extra) {
    return writePropertiesFile("db.url = " + serviceUrl + "\ndb.owner_url = " + ownerUrl + "\ndb.schema_dir = " +
                               TestDatabase::schemaDir() + "\nlog.level = warning\npseudonym.key_file = " +
                               writeTestKeyFile() + "\nimport.mapping_dir = " + TestDatabase::sourceDir() +
                               "/config/import\n" + extra);
}

}  // namespace registry::test
