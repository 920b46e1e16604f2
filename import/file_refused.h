#pragma once

#include <stdexcept>
#include <string>

namespace registry::import {

// The whole file (or the mapping) cannot be imported: nothing is written. `code` is stable for
// scripts and tests (empty_file, no_records, binary_file, unterminated_quote, stray_quote,
// record_too_long, no_delimiter, bad_header, unknown_mapping, unreadable); the message says
// what is wrong and where, never with a field's content.
class FileRefused : public std::runtime_error {
public:
    FileRefused(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

private:
    std::string code_;
};

}  // namespace registry::import
