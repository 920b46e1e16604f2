#pragma once

#include <map>
#include <string>
#include <vector>

namespace registry::test {

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs the built `registry` binary (REGISTRY_BINARY, set by CTest) as a separate process.
CliResult runRegistry(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                      const std::string& input = "");

// Writes `text` to a fresh properties file and returns its path.
std::string writePropertiesFile(const std::string& text);

}  // namespace registry::test
