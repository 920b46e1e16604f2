#include "import/csv_reader.h"

#include "server/core/crypto.h"

#include <openssl/evp.h>

#include <memory>

namespace registry::import {
namespace {

constexpr std::size_t kChunk = 1 << 16;

// Code points of 0x80..0x9F in Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned).
const char32_t kHigh1252[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Incremental UTF-8 validation across chunk boundaries (no overlongs, surrogates or > U+10FFFF).
class Utf8Checker {
public:
    void feed(const unsigned char* p, std::size_t n) {
        for (std::size_t i = 0; i < n && valid_; ++i) step(p[i]);
    }
    bool finish() const { return valid_ && need_ == 0; }

private:
    void step(unsigned char c) {
        if (need_ == 0) {
            if (c < 0x80) return;
            if (c >= 0xC2 && c <= 0xDF) { need_ = 1; lo_ = 0x80; hi_ = 0xBF; return; }
            if (c >= 0xE0 && c <= 0xEF) {
                need_ = 2;
                lo_ = c == 0xE0 ? 0xA0 : 0x80;
                hi_ = c == 0xED ? 0x9F : 0xBF;
                return;
            }
            if (c >= 0xF0 && c <= 0xF4) {
                need_ = 3;
                lo_ = c == 0xF0 ? 0x90 : 0x80;
                hi_ = c == 0xF4 ? 0x8F : 0xBF;
                return;
            }
            valid_ = false;
            return;
        }
        if (c < lo_ || c > hi_) {
            valid_ = false;
            return;
        }
        lo_ = 0x80;
        hi_ = 0xBF;
        --need_;
    }
    bool valid_ = true;
    int need_ = 0;
    unsigned char lo_ = 0x80, hi_ = 0xBF;
};

void rewind(std::istream& in) {
    in.clear();
    in.seekg(0);
    if (!in) throw FileRefused("unreadable", "the file cannot be read from the start again");
}

}  // namespace

const char* encodingName(Encoding encoding) {
    switch (encoding) {
        case Encoding::Utf8: return "utf-8";
        case Encoding::Utf8Bom: return "utf-8-bom";
        case Encoding::Windows1252: return "cp1252";
    }
    return "?";
}

std::string trimCell(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    return s.substr(b, e - b);
}

std::string windows1252ToUtf8(const std::string& bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (unsigned char c : bytes) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0xA0) {
            appendUtf8(out, kHigh1252[c - 0x80]);
        } else {
            appendUtf8(out, c);  // 0xA0..0xFF are U+00A0..U+00FF
        }
    }
    return out;
}

bool isValidUtf8(const std::string& bytes) {
    Utf8Checker checker;
    checker.feed(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return checker.finish();
}

FileScan scanCsv(std::istream& in, const ReaderLimits& limits) {
    FileScan scan;
    rewind(in);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!md || EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
    Utf8Checker utf8;
    std::vector<char> chunk(kChunk);
    std::size_t total = 0, controls = 0;
    bool bom = false, nul = false, text = false, utf16 = false;
    std::string firstLine;
    bool firstLineDone = false;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        EVP_DigestUpdate(md.get(), chunk.data(), n);
        const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
        std::size_t from = 0;
        if (total == 0 && n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) utf16 = true;
        if (total == 0 && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
            bom = true;
            from = 3;
        }
        utf8.feed(p + from, n - from);
        for (std::size_t i = from; i < n; ++i) {
            const unsigned char c = p[i];
            if (c == 0) nul = true;
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') text = true;
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) ++controls;
            if (!firstLineDone) {
                if (c == '\r' || c == '\n' || firstLine.size() >= limits.maxRecordBytes) {
                    firstLineDone = true;
                } else {
                    firstLine.push_back(static_cast<char>(c));
                }
            }
        }
        total += n;
    }
    if (in.bad()) throw FileRefused("unreadable", "the file could not be read to the end");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    EVP_DigestFinal_ex(md.get(), digest, &digestLength);
    scan.sha256 = crypto::toHex(std::string(reinterpret_cast<char*>(digest), digestLength));

    const std::size_t content = total - (bom ? 3 : 0);
    if (content == 0 || !text) {
        throw FileRefused("empty_file", "the file is empty");
    }
    if (utf16) {
        throw FileRefused("binary_file", "the file is UTF-16 (Excel's \"Unicode text\"): save the sheet as CSV (UTF-8 or "
                                         "Windows-1252) instead");
    }
    // Text exports hold no NUL bytes and hardly any control characters; anything else is a
    // spreadsheet saved in a binary format, an archive, or worse.
    if (nul || controls * 100 > content) {
        throw FileRefused("binary_file", "the file is not text (binary content): export the sheet as CSV");
    }
    scan.encoding = bom ? Encoding::Utf8Bom : utf8.finish() ? Encoding::Utf8 : Encoding::Windows1252;
    if (bom && !utf8.finish()) {
        throw FileRefused("unreadable", "the file starts with a UTF-8 byte order mark but is not valid UTF-8");
    }

    // The delimiter is the one the header uses: `;` (Dutch Excel) or `,`.
    std::size_t semicolons = 0, commas = 0;
    bool quoted = false;
    for (char c : firstLine) {
        if (c == '"') quoted = !quoted;
        if (!quoted && c == ';') ++semicolons;
        if (!quoted && c == ',') ++commas;
    }
    if (semicolons == 0 && commas == 0) {
        throw FileRefused("no_delimiter", "the first record holds no ';' or ',': this is not a CSV export");
    }
    scan.delimiter = semicolons >= commas ? ';' : ',';

    rewind(in);
    CsvReader reader(in, scan.delimiter, scan.encoding, limits);
    std::vector<std::string> fields;
    if (!reader.next(fields)) throw FileRefused("empty_file", "the file is empty");
    for (auto& f : fields) scan.header.push_back(trimCell(f));
    std::size_t unnamedFrom = scan.header.size();
    while (unnamedFrom > 0 && scan.header[unnamedFrom - 1].empty()) --unnamedFrom;
    std::vector<bool> holdsData(scan.header.size() - unnamedFrom, false);
    while (reader.next(fields)) {
        ++scan.records;
        for (std::size_t i = unnamedFrom; i < fields.size() && i < scan.header.size(); ++i) {
            if (!holdsData[i - unnamedFrom] && !trimCell(fields[i]).empty()) holdsData[i - unnamedFrom] = true;
        }
    }
    if (scan.records == 0) throw FileRefused("no_records", "the file holds a header but no records");
    while (scan.header.size() > unnamedFrom && !holdsData[scan.header.size() - unnamedFrom - 1]) {
        scan.header.pop_back();
        ++scan.droppedColumns;
    }
    return scan;
}

CsvReader::CsvReader(std::istream& in, char delimiter, Encoding encoding, const ReaderLimits& limits)
    : in_(in), delimiter_(delimiter), encoding_(encoding), limits_(limits), buffer_(kChunk) {
    if (encoding_ == Encoding::Utf8Bom) {
        char bom[3];
        in_.read(bom, 3);
    }
}

int CsvReader::get() {
    if (pos_ == end_) {
        if (!in_) return -1;
        in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        end_ = static_cast<std::size_t>(in_.gcount());
        pos_ = 0;
        if (end_ == 0) return -1;
    }
    return static_cast<unsigned char>(buffer_[pos_++]);
}

int CsvReader::peek() {
    const int c = get();
    if (c >= 0) --pos_;
    return c;
}

void CsvReader::decode(std::string& field) const {
    if (encoding_ == Encoding::Windows1252) field = windows1252ToUtf8(field);
}

bool CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    int c = get();
    if (c < 0) return false;
    ++record_;
    const long start = record_;
    std::string field;
    std::size_t bytes = 0;
    const auto tooLong = [&] {
        throw FileRefused("record_too_long", "record " + std::to_string(start) + " is longer than " +
                                                 std::to_string(limits_.maxRecordBytes) + " bytes");
    };
    const auto endField = [&] {
        if (fields.size() >= limits_.maxFields) {
            throw FileRefused("record_too_long", "record " + std::to_string(start) + " has more than " +
                                                     std::to_string(limits_.maxFields) + " fields");
        }
        decode(field);
        fields.push_back(std::move(field));
        field.clear();
    };
    while (true) {
        if (c < 0) {
            endField();
            return true;
        }
        if (++bytes > limits_.maxRecordBytes) tooLong();
        if (c == '"' && field.empty()) {
            // A quoted field: everything up to the closing quote, line breaks included.
            while (true) {
                c = get();
                if (c < 0) {
                    throw FileRefused("unterminated_quote", "a quoted field that starts in record " +
                                                                std::to_string(start) + " is never closed");
                }
                if (++bytes > limits_.maxRecordBytes) tooLong();
                if (c == '"') {
                    if (peek() == '"') {
                        get();
                        field.push_back('"');
                        continue;
                    }
                    break;
                }
                if (c == '\r') {
                    if (peek() == '\n') get();
                    field.push_back('\n');
                    continue;
                }
                field.push_back(static_cast<char>(c));
            }
            c = get();
            if (c >= 0 && c != delimiter_ && c != '\r' && c != '\n') {
                throw FileRefused("stray_quote", "record " + std::to_string(start) +
                                                     " has characters after the closing quote of a field");
            }
            continue;
        }
        if (c == delimiter_) {
            endField();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && peek() == '\n') get();
            endField();
            return true;
        } else {
            field.push_back(static_cast<char>(c));
        }
        c = get();
    }
}

}  // namespace registry::import
