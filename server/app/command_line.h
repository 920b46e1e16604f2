#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace registry::app {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `registry [--config FILE]... COMMAND [SUBCOMMAND] [--option VALUE | --flag]...`
struct CommandLine {
    std::vector<std::string> configFiles;
    bool help = false;
    std::vector<std::string> words;  // command, subcommand, positional arguments
    std::map<std::string, std::string> options;
    std::set<std::string> flags;

    // `flagNames` are options that take no value; every other --option needs one.
    static CommandLine parse(const std::vector<std::string>& args, const std::set<std::string>& flagNames);

    std::string option(const std::string& name, const std::string& fallback = "") const;
    std::string requiredOption(const std::string& name) const;
    bool flag(const std::string& name) const { return flags.count(name) > 0; }
    // Refuses options the command does not know, so a typo is an error, not a silent default.
    void allowOnly(const std::set<std::string>& names) const;
};

}  // namespace registry::app
