#include "server/app/command_line.h"

namespace registry::app {

CommandLine CommandLine::parse(const std::vector<std::string>& args, const std::set<std::string>& flagNames) {
    CommandLine cl;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            cl.help = true;
        } else if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
            std::string name = arg.substr(2);
            std::string value;
            bool hasValue = false;
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                hasValue = true;
            }
            if (flagNames.count(name)) {
                if (hasValue) throw UsageError("option --" + name + " takes no value");
                cl.flags.insert(name);
                continue;
            }
            if (!hasValue) {
                if (i + 1 >= args.size()) throw UsageError("option --" + name + " needs a value");
                value = args[++i];
            }
            if (name == "config") {
                cl.configFiles.push_back(value);
            } else {
                if (cl.options.count(name)) throw UsageError("option --" + name + " given twice");
                cl.options[name] = value;
            }
        } else if (arg.size() > 1 && arg[0] == '-' ) {
            throw UsageError("unknown option '" + arg + "'");
        } else {
            cl.words.push_back(arg);
        }
    }
    return cl;
}

std::string CommandLine::option(const std::string& name, const std::string& fallback) const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
}

std::string CommandLine::requiredOption(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty()) throw UsageError("option --" + name + " is required");
    return it->second;
}

void CommandLine::allowOnly(const std::set<std::string>& names) const {
    for (const auto& [name, value] : options) {
        if (!names.count(name)) throw UsageError("unknown option --" + name);
    }
    for (const auto& name : flags) {
        if (!names.count(name)) throw UsageError("unknown option --" + name);
    }
}

}  // namespace registry::app
