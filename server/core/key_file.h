#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace registry::core {

// A key file is missing, unreadable, too permissive, malformed or too short. Messages name the
// path but never contain key material.
class KeyFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The raw key in a key file: hex (surrounding whitespace allowed), at least minBytes bytes, in a
// regular file with mode 0600 or 0400 (no group/other bits). `what` names the key in errors
// ("pseudonym key file"). Throws KeyFileError.
std::string readKeyFile(const std::string& path, const std::string& what, std::size_t minBytes);

}  // namespace registry::core
