#pragma once

#include <string>
#include <vector>

namespace registry::test {

// The shared sample of the legacy import (../shared/data/import) and files derived from it.
std::string sampleDir();
std::string sampleCsvPath();      // legacy-interim-2025.csv, Windows-1252
std::string sampleExpectedPath();  // legacy-interim-2025.expected.json
std::string readFile(const std::string& path);
// Writes `bytes` to a fresh file (its name ends in `name`) and returns the path.
std::string writeTempFile(const std::string& name, const std::string& bytes);

// The sample's records, decoded (header first).
std::vector<std::vector<std::string>> sampleRecords();
// Records back to a Dutch-Excel CSV (UTF-8, `;`, CRLF, quoted where needed).
std::string toCsv(const std::vector<std::vector<std::string>>& records);
// `count` valid records in the sample's layout with distinct Dossiernummers GEN-<prefix>-<n>.
std::string generatedCsv(long count, const std::string& prefix);

// A config file for the `registry` binary on `serviceUrl`, with a fresh pseudonym key and the
// repository's mappings; `extra` lines are appended.
std::string importConfigFile(const std::string& serviceUrl, const std::string& ownerUrl, const std::string& extra = "");

}  // namespace registry::test
