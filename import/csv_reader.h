#pragma once

#include "import/file_refused.h"

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace registry::import {

// How the bytes of a file are to be read. Detected from the whole file, never assumed.
enum class Encoding { Utf8, Utf8Bom, Windows1252 };
const char* encodingName(Encoding encoding);  // "utf-8", "utf-8-bom", "cp1252"

struct ReaderLimits {
    // A record longer than this refuses the file: a 100 MB "line" is an attack or a broken
    // export, and holding it would make memory grow with the input.
    std::size_t maxRecordBytes = 1 << 20;
    std::size_t maxFields = 512;
};

// What a first pass over the whole file found; it throws FileRefused before anything is
// imported when the file is empty, binary, or not a well-formed CSV.
struct FileScan {
    std::string sha256;  // of the bytes as received, lower-case hex
    Encoding encoding = Encoding::Utf8;
    char delimiter = ';';
    std::vector<std::string> header;  // decoded, trimmed; without the dropped columns below
    long records = 0;                 // data records (the header excluded)
    // Trailing columns whose header and every value are empty (Excel writes `;;;` at the end of
    // every line when cells beyond the data were ever touched): left out of `header`; each
    // record's cells beyond header.size() are empty and dropped by the importer. An unnamed
    // column holding data stays in `header`, so the mapping refuses it.
    std::size_t droppedColumns = 0;
};

// Reads the stream twice (it must be seekable): bytes first (digest, encoding, binary content),
// then the CSV structure.
FileScan scanCsv(std::istream& in, const ReaderLimits& limits);

// Records of an Excel-style CSV: `;` or `,` delimited, fields optionally quoted with `"` (a
// doubled quote inside stands for one) holding delimiters, quotes and line breaks; records end
// with CRLF, LF or CR. A line break inside a field is returned as "\n". Fields are returned as
// UTF-8. It counts records, not lines: recordNumber() is 1 for the header.
class CsvReader {
public:
    CsvReader(std::istream& in, char delimiter, Encoding encoding, const ReaderLimits& limits);

    // The next record; false at the end of the input. Throws FileRefused on broken structure.
    bool next(std::vector<std::string>& fields);
    long recordNumber() const { return record_; }

private:
    int get();
    int peek();
    void decode(std::string& field) const;

    std::istream& in_;
    char delimiter_;
    Encoding encoding_;
    ReaderLimits limits_;
    std::vector<char> buffer_;
    std::size_t pos_ = 0, end_ = 0;
    long record_ = 0;
};

// Windows-1252 bytes as UTF-8 (the five unassigned bytes map to the C1 controls, as Windows
// itself does).
std::string windows1252ToUtf8(const std::string& bytes);
bool isValidUtf8(const std::string& bytes);
// A cell without the spaces and tabs around it (how every cell is read).
std::string trimCell(const std::string& s);

}  // namespace registry::import
