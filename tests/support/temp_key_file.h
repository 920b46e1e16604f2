#pragma once

// A key file with exactly the given content and mode (for the refusals of a bad key file: too
// short, not hex, group-readable), removed again when it goes out of scope.

#include <sys/types.h>

#include <string>

namespace registry::test {

struct TempKeyFile {
    std::string path;
    TempKeyFile(const std::string& content, mode_t mode);
    ~TempKeyFile();
    TempKeyFile(const TempKeyFile&) = delete;
    TempKeyFile& operator=(const TempKeyFile&) = delete;
};

}  // namespace registry::test
