#pragma once

// Reading a report as a client does: its tables and cells from the json format, and the
// entries of a zip (the csv zip of a multi-table report, an xlsx workbook).

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace registry::test {

// The table with this code; throws when the report has none.
Poco::JSON::Object::Ptr tableOf(const Poco::JSON::Object::Ptr& report, const std::string& code);

// The cell at (row code, column code): its number, 0 for an empty share (n = 0), or nothing when
// it is suppressed. Throws when the row or column does not exist, or when a cell is an object
// that does not say it is suppressed.
std::optional<double> cellOf(const Poco::JSON::Object::Ptr& table, const std::string& row, const std::string& column);

// The bytes of one entry of a zip archive ("" when there is no such entry), and every entry's name.
std::string unzipEntry(const std::string& zipBytes, const std::string& name);
std::vector<std::string> zipEntries(const std::string& zipBytes);

}  // namespace registry::test
