#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace registry::app {

// Missing or invalid configuration; `key` names the offending key so the operator knows what to fix.
class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string& key, const std::string& message)
        : std::runtime_error(key.empty() ? message : key + ": " + message), key_(key) {}
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

// Layered key/value configuration: compiled-in defaults (config/registry.properties), then each
// --config file in order, then REGISTRY_<KEY> environment variables.
class Config {
public:
    // `environment` holds the process environment (name → value); tests pass their own.
    static Config load(const std::vector<std::string>& files, const std::map<std::string, std::string>& environment);
    static Config fromDefaults();
    static std::map<std::string, std::string> processEnvironment();

    std::string getString(const std::string& key) const;
    std::string getRequiredString(const std::string& key) const;
    long long getInt(const std::string& key, long long min, long long max) const;
    bool getBool(const std::string& key) const;

    // Overrides a value in place (tests and the CLI use it); the key must exist.
    void set(const std::string& key, const std::string& value);
    const std::map<std::string, std::string>& values() const { return values_; }

    static std::string environmentName(const std::string& key);

private:
    std::map<std::string, std::string> values_;
};

}  // namespace registry::app
