#include "server/app/config.h"

#include "server/app/build_info.h"

#include <Poco/AutoPtr.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <cctype>
#include <sstream>

extern char** environ;

namespace registry::app {
namespace {

void collectKeys(const Poco::Util::AbstractConfiguration& config, const std::string& root,
                 std::map<std::string, std::string>& out) {
    Poco::Util::AbstractConfiguration::Keys keys;
    config.keys(root, keys);
    if (keys.empty() && !root.empty()) {
        out[root] = Poco::trim(config.getRawString(root, ""));
        return;
    }
    for (const auto& key : keys) {
        collectKeys(config, root.empty() ? key : root + "." + key, out);
    }
}

std::map<std::string, std::string> parseProperties(std::istream& in) {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> config(new Poco::Util::PropertyFileConfiguration(in));
    std::map<std::string, std::string> values;
    collectKeys(*config, "", values);
    return values;
}

}  // namespace

Config Config::fromDefaults() {
    std::istringstream in(kDefaultProperties);
    Config config;
    config.values_ = parseProperties(in);
    return config;
}

Config Config::load(const std::vector<std::string>& files, const std::map<std::string, std::string>& environment) {
    Config config = fromDefaults();
    for (const auto& path : files) {
        Poco::File file(path);
        if (!file.exists() || !file.isFile() || !file.canRead()) {
            throw ConfigError("", "configuration file '" + path + "' cannot be read");
        }
        std::map<std::string, std::string> layer;
        try {
            Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> parsed(new Poco::Util::PropertyFileConfiguration(path));
            collectKeys(*parsed, "", layer);
        } catch (const Poco::Exception& e) {
            throw ConfigError("", "configuration file '" + path + "' is not a valid properties file: " + e.displayText());
        }
        for (const auto& [key, value] : layer) {
            if (!config.values_.count(key)) {
                throw ConfigError(key, "unknown configuration key in '" + path + "'");
            }
            config.values_[key] = value;
        }
    }
    for (auto& [key, value] : config.values_) {
        auto it = environment.find(environmentName(key));
        if (it != environment.end()) value = Poco::trim(it->second);
    }
    return config;
}

std::map<std::string, std::string> Config::processEnvironment() {
    std::map<std::string, std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string text(*entry);
        auto eq = text.find('=');
        if (eq != std::string::npos) env[text.substr(0, eq)] = text.substr(eq + 1);
    }
    return env;
}

std::string Config::environmentName(const std::string& key) {
    std::string name = "REGISTRY_";
    for (char c : key) {
        name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

std::string Config::getString(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw ConfigError(key, "no such configuration key");
    return it->second;
}

std::string Config::getRequiredString(const std::string& key) const {
    std::string value = getString(key);
    if (value.empty()) {
        throw ConfigError(key, "is required (set it in a --config file or as " + environmentName(key) + ")");
    }
    return value;
}

long long Config::getInt(const std::string& key, long long min, long long max) const {
    std::string text = getString(key);
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(text, value)) {
        throw ConfigError(key, "must be a whole number, got '" + text + "'");
    }
    if (value < min || value > max) {
        throw ConfigError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                   ", got " + text);
    }
    return value;
}

bool Config::getBool(const std::string& key) const {
    std::string text = Poco::toLower(getString(key));
    if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
    if (text == "false" || text == "no" || text == "off" || text == "0") return false;
    throw ConfigError(key, "must be true or false, got '" + getString(key) + "'");
}

void Config::set(const std::string& key, const std::string& value) {
    if (!values_.count(key)) throw ConfigError(key, "no such configuration key");
    values_[key] = value;
}

}  // namespace registry::app
