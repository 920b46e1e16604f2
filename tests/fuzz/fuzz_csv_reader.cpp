// The legacy importer's CSV reader (import/csv_reader.cpp) over any bytes, with small limits so
// that the record and field limits are reached too. scanCsv either refuses the file with
// FileRefused or describes it; nothing else may escape (the import would end as a 500 or a
// crashed `registry import`).
//
// Properties beyond "no crash, no sanitizer report":
//  - a file the scan accepted reads again, record by record, without a refusal and with exactly
//    the number of records the scan counted (the import's second pass trusts the first);
//  - every field comes out as valid UTF-8, whatever the file's encoding;
//  - the header is the first record, trimmed, less the trailing columns that have no name and no
//    value in any record (scan.droppedColumns).

#include "fuzz_support.h"

#include "import/csv_reader.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

using namespace registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    import::ReaderLimits limits;
    limits.maxRecordBytes = 512;
    limits.maxFields = 16;

    std::istringstream in(bytes);
    import::FileScan scan;
    try {
        scan = import::scanCsv(in, limits);
    } catch (const import::FileRefused& refused) {
        FUZZ_REQUIRE(!refused.code().empty());
        return 0;
    }
    FUZZ_REQUIRE(scan.sha256.size() == 64);
    FUZZ_REQUIRE(scan.delimiter == ';' || scan.delimiter == ',');
    FUZZ_REQUIRE(scan.records > 0);

    std::istringstream again(bytes);
    import::CsvReader reader(again, scan.delimiter, scan.encoding, limits);
    std::vector<std::string> fields;
    long records = 0;
    while (reader.next(fields)) {
        FUZZ_REQUIRE(!fields.empty() && fields.size() <= limits.maxFields);
        for (const auto& field : fields) FUZZ_REQUIRE(import::isValidUtf8(field));
        if (records == 0) {
            // Trailing columns without a name or a value are left out of the header; they are
            // still in the records, empty.
            FUZZ_REQUIRE(fields.size() == scan.header.size() + scan.droppedColumns);
            for (std::size_t i = 0; i < fields.size(); ++i) {
                FUZZ_REQUIRE(import::trimCell(fields[i]) == (i < scan.header.size() ? scan.header[i] : std::string()));
            }
        }
        ++records;
        FUZZ_REQUIRE(reader.recordNumber() == records);
    }
    FUZZ_REQUIRE(records == scan.records + 1);
    return 0;
}
