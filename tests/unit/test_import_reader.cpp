#include <boost/test/unit_test.hpp>

#include "import/csv_reader.h"

#include <sstream>

using registry::import::CsvReader;
using registry::import::Encoding;
using registry::import::FileRefused;
using registry::import::ReaderLimits;
using registry::import::scanCsv;

namespace {

std::vector<std::vector<std::string>> readAll(const std::string& bytes, char delimiter = ';',
                                              Encoding encoding = Encoding::Utf8) {
    std::istringstream in(bytes);
    CsvReader reader(in, delimiter, encoding, ReaderLimits{});
    std::vector<std::vector<std::string>> out;
    std::vector<std::string> fields;
    while (reader.next(fields)) out.push_back(fields);
    return out;
}

std::string refusal(const std::string& bytes, const ReaderLimits& limits = {}) {
    std::istringstream in(bytes);
    try {
        scanCsv(in, limits);
    } catch (const FileRefused& e) {
        return e.code();
    }
    return "accepted";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(import_reader)

BOOST_AUTO_TEST_CASE(quoted_fields_hold_delimiters_quotes_and_line_breaks) {
    const auto records = readAll("a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\"\r\n2;\"line one\r\nline two\";\r\n3;\"\";z\r\n");
    BOOST_REQUIRE_EQUAL(records.size(), 4u);
    BOOST_TEST(records[1][1] == "x;y");
    BOOST_TEST(records[1][2] == "say \"hi\"");
    BOOST_TEST(records[2][1] == "line one\nline two");
    BOOST_TEST(records[2][2] == "");
    BOOST_TEST(records[3][1] == "");
    BOOST_TEST(records[3][2] == "z");
}

BOOST_AUTO_TEST_CASE(records_are_counted_not_lines) {
    std::istringstream in("h1;h2\r\n\"a\nb\nc\";1\r\nd;2\r\n");
    CsvReader reader(in, ';', Encoding::Utf8, ReaderLimits{});
    std::vector<std::string> fields;
    BOOST_TEST(reader.next(fields));
    BOOST_TEST(reader.recordNumber() == 1);
    BOOST_TEST(reader.next(fields));
    BOOST_TEST(reader.recordNumber() == 2);
    BOOST_TEST(reader.next(fields));
    BOOST_TEST(reader.recordNumber() == 3);  // four physical lines before it
    BOOST_TEST(fields[0] == "d");
    BOOST_TEST(!reader.next(fields));
}

BOOST_AUTO_TEST_CASE(lf_and_comma_files_read_the_same) {
    const auto records = readAll("a,b\n1,\"x,y\"\n", ',');
    BOOST_REQUIRE_EQUAL(records.size(), 2u);
    BOOST_TEST(records[1][1] == "x,y");
}

BOOST_AUTO_TEST_CASE(the_encoding_is_detected_from_the_whole_file) {
    const std::string header = "Naam;Petechi\xC3\xABn\r\n";
    std::string utf8 = header + "a;b\r\n";
    std::istringstream plain(utf8);
    BOOST_TEST((scanCsv(plain, {}).encoding == Encoding::Utf8));
    std::istringstream bom("\xEF\xBB\xBF" + utf8);
    const auto withBom = scanCsv(bom, {});
    BOOST_TEST((withBom.encoding == Encoding::Utf8Bom));
    BOOST_TEST(withBom.header[0] == "Naam");
    // Windows-1252: valid UTF-8 for a long while, then one byte that is not.
    std::string cp = "Naam;Petechi\xEBn\r\n";
    std::istringstream legacy(std::string("Naam;Opmerking\r\n") + std::string(100000, 'x') + ";caf\xE9\r\n");
    BOOST_TEST((scanCsv(legacy, {}).encoding == Encoding::Windows1252));
    const auto decoded = readAll(cp, ';', Encoding::Windows1252);
    BOOST_TEST(decoded[0][1] == "Petechi\xC3\xABn");
    BOOST_TEST(registry::import::windows1252ToUtf8("\x80\x93\x94") == "\xE2\x82\xAC\xE2\x80\x9C\xE2\x80\x9D");
}

BOOST_AUTO_TEST_CASE(the_delimiter_is_the_one_the_header_uses) {
    std::istringstream semi("a;b,c;d\r\n1;2,3;4\r\n");
    BOOST_TEST(scanCsv(semi, {}).delimiter == ';');
    std::istringstream comma("a,b,c\r\n1,2,3\r\n");
    BOOST_TEST(scanCsv(comma, {}).delimiter == ',');
}

BOOST_AUTO_TEST_CASE(hostile_files_are_refused_with_a_reason) {
    BOOST_TEST(refusal("") == "empty_file");
    BOOST_TEST(refusal("\xEF\xBB\xBF") == "empty_file");
    BOOST_TEST(refusal("\r\n\r\n  \r\n") == "empty_file");
    BOOST_TEST(refusal("a;b;c\r\n") == "no_records");
    BOOST_TEST(refusal("a;b\r\n1;\"never closed\r\n2;3\r\n") == "unterminated_quote");
    BOOST_TEST(refusal("a;b\r\n1;\"closed\"junk\r\n") == "stray_quote");
    BOOST_TEST(refusal(std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "[Content_Types].xml;") == "binary_file");
    BOOST_TEST(refusal("just one column\r\nvalue\r\n") == "no_delimiter");
    BOOST_TEST(refusal(std::string("\xFF\xFE" "a\0;\0b\0\r\0\n\0", 12)) == "binary_file");
    ReaderLimits small;
    small.maxRecordBytes = 1000;
    BOOST_TEST(refusal("a;b\r\n1;" + std::string(5000, 'x') + "\r\n", small) == "record_too_long");
    BOOST_TEST(refusal("a;b\r\n1;\"" + std::string(5000, 'x') + "\"\r\n", small) == "record_too_long");
    BOOST_TEST(refusal("a;b\r\n1;2\r\n") == "accepted");
}

BOOST_AUTO_TEST_CASE(the_scan_counts_records_and_digests_the_bytes) {
    std::istringstream in("a;b\r\n1;\"x\r\ny\"\r\n2;3\r\n");
    const auto scan = scanCsv(in, {});
    BOOST_TEST(scan.records == 2);
    BOOST_TEST(scan.sha256.size() == 64u);
    std::istringstream same("a;b\r\n1;\"x\r\ny\"\r\n2;3\r\n");
    BOOST_TEST(scanCsv(same, {}).sha256 == scan.sha256);
}

BOOST_AUTO_TEST_CASE(trailing_columns_without_a_name_or_a_value_are_dropped) {
    // Excel's `;;;` at the end of every line: unnamed, empty everywhere.
    std::istringstream excel("a;b;;;\r\n1;2;;;\r\n3;4; ;;\r\n");
    const auto scan = scanCsv(excel, {});
    BOOST_TEST(scan.header == (std::vector<std::string>{"a", "b"}));
    BOOST_TEST(scan.droppedColumns == 3u);
    BOOST_TEST(scan.records == 2);
    // An unnamed column holding a value in any record stays (the mapping refuses it), and so
    // does every unnamed column before it; only the empty ones after it are dropped.
    std::istringstream data("a;b;;;\r\n1;2;;;\r\n3;4;;x;\r\n");
    const auto kept = scanCsv(data, {});
    BOOST_TEST(kept.header == (std::vector<std::string>{"a", "b", "", ""}));
    BOOST_TEST(kept.droppedColumns == 1u);
    // An unnamed column in the middle is not trailing: kept whatever it holds.
    std::istringstream middle("a;;b\r\n1;;2\r\n");
    const auto inside = scanCsv(middle, {});
    BOOST_TEST(inside.header == (std::vector<std::string>{"a", "", "b"}));
    BOOST_TEST(inside.droppedColumns == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
