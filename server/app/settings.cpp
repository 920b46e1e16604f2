#include "server/app/settings.h"

#include "server/core/policy.h"

#include <Poco/File.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/StringTokenizer.h>

namespace registry::app {

http::ServerSettings serverSettings(const Config& config) {
    http::ServerSettings s;
    s.address = config.getRequiredString("http.address");
    Poco::Net::IPAddress parsed;
    if (!Poco::Net::IPAddress::tryParse(s.address, parsed)) {
        throw ConfigError("http.address", "must be an IP address, got '" + s.address + "'");
    }
    s.port = static_cast<std::uint16_t>(config.getInt("http.port", 0, 65535));
    s.maxThreads = static_cast<int>(config.getInt("http.max_threads", 1, 1024));
    s.maxQueued = static_cast<int>(config.getInt("http.max_queued", 1, 100000));
    s.maxBodyBytes = static_cast<std::size_t>(config.getInt("http.max_body_bytes", 1024, 1LL << 30));
    s.keepAliveSeconds = static_cast<int>(config.getInt("http.keep_alive_seconds", 1, 3600));
    s.headerTimeoutSeconds = static_cast<int>(config.getInt("http.header_timeout_seconds", 1, 600));
    s.bodyTimeoutSeconds = static_cast<int>(config.getInt("http.body_timeout_seconds", 1, 3600));
    s.metricsLoopbackOnly = config.getBool("http.metrics_loopback_only");
    Poco::StringTokenizer proxies(config.getString("http.trusted_proxies"), ",",
                                  Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& proxy : proxies) {
        Poco::Net::IPAddress address;
        if (!Poco::Net::IPAddress::tryParse(proxy, address)) {
            throw ConfigError("http.trusted_proxies", "'" + proxy + "' is not an IP address");
        }
        s.trustedProxies.push_back(address.toString());
    }
    s.tlsCertificate = config.getString("tls.certificate");
    s.tlsPrivateKey = config.getString("tls.private_key");
    if (s.tlsCertificate.empty() != s.tlsPrivateKey.empty()) {
        throw ConfigError(s.tlsCertificate.empty() ? "tls.certificate" : "tls.private_key",
                          "must be set together with " +
                              std::string(s.tlsCertificate.empty() ? "tls.private_key" : "tls.certificate"));
    }
    for (const char* key : {"tls.certificate", "tls.private_key"}) {
        const std::string path = config.getString(key);
        if (!path.empty() && !(Poco::File(path).exists() && Poco::File(path).canRead())) {
            throw ConfigError(key, "file '" + path + "' cannot be read");
        }
    }
    return s;
}

db::PoolSettings poolSettings(const Config& config, const std::string& urlKey) {
    db::PoolSettings s;
    s.url = config.getString(urlKey);
    if (s.url.empty()) s.url = config.getRequiredString("db.url");
    s.size = static_cast<std::size_t>(config.getInt("db.pool_size", 1, 1000));
    s.acquireTimeout = std::chrono::milliseconds(config.getInt("db.acquire_timeout_ms", 1, 600000));
    s.statementTimeoutMs = static_cast<int>(config.getInt("db.statement_timeout_ms", 0, 3600000));
    return s;
}

std::string ownerUrl(const Config& config) {
    const std::string url = config.getString("db.owner_url");
    return url.empty() ? config.getRequiredString("db.url") : url;
}

services::AuthSettings authSettings(const Config& config) {
    services::AuthSettings s;
    s.pbkdf2Iterations = static_cast<unsigned>(config.getInt("auth.pbkdf2_iterations", 1000, 10000000));
    s.sessionIdleMinutes = static_cast<int>(config.getInt("auth.session_idle_minutes", 1, 24 * 60));
    s.sessionAbsoluteHours = static_cast<int>(config.getInt("auth.session_absolute_hours", 1, 24 * 30));
    s.lockoutThreshold = static_cast<int>(config.getInt("auth.lockout_threshold", 1, 1000));
    s.lockoutWindowMinutes = static_cast<int>(config.getInt("auth.lockout_window_minutes", 1, 24 * 60));
    s.require2faRoles.clear();
    Poco::StringTokenizer roles(config.getString("auth.require_2fa_roles"), ",",
                                Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& role : roles) {
        if (!core::knownRoles().count(role)) throw ConfigError("auth.require_2fa_roles", "'" + role + "' is not a role");
        s.require2faRoles.insert(role);
    }
    s.challengeMinutes = static_cast<int>(config.getInt("auth.second_factor_minutes", 1, 60));
    s.totpIssuer = config.getRequiredString("auth.totp_issuer");
    if (s.totpIssuer.size() > 64) throw ConfigError("auth.totp_issuer", "must be at most 64 characters");
    return s;
}

core::Pseudonymiser loadPseudonymiser(const Config& config) {
    const std::string path = config.getRequiredString("pseudonym.key_file");
    const int version = static_cast<int>(config.getInt("pseudonym.key_version", 1, 1000000));
    std::vector<std::string> previous;
    Poco::StringTokenizer files(config.getString("pseudonym.previous_key_files"), ",",
                                Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& file : files) {
        try {
            core::Pseudonymiser::fromKeyFile(file, 1);
        } catch (const core::KeyFileError& e) {
            throw ConfigError("pseudonym.previous_key_files", e.what());
        }
        previous.push_back(file);
    }
    try {
        return core::Pseudonymiser::fromKeyFiles(previous, path, version);
    } catch (const core::KeyFileError& e) {
        throw ConfigError(previous.empty() ? "pseudonym.key_file" : "pseudonym.previous_key_files", e.what());
    }
}

std::shared_ptr<const core::SecretBox> loadTotpSecretBox(const Config& config) {
    const std::string path = config.getRequiredString("auth.totp_key_file");
    try {
        return core::SecretBox::fromKeyFile(path, "TOTP secret key file");
    } catch (const core::KeyFileError& e) {
        throw ConfigError("auth.totp_key_file", e.what());
    }
}

RateLimitSettings rateLimitSettings(const Config& config) {
    RateLimitSettings s;
    s.perSecond = static_cast<double>(config.getInt("ratelimit.per_second", 0, 100000));
    s.burst = static_cast<double>(config.getInt("ratelimit.burst", 1, 1000000));
    return s;
}

std::size_t maxJsonDepth(const Config& config) {
    return static_cast<std::size_t>(config.getInt("http.max_json_depth", 2, 256));
}

std::string schemaDir(const Config& config) {
    const std::string dir = config.getRequiredString("db.schema_dir");
    if (!Poco::File(dir).exists()) throw ConfigError("db.schema_dir", "directory '" + dir + "' does not exist");
    return dir;
}

ImportSettings importSettings(const Config& config) {
    ImportSettings s;
    s.mappingDir = config.getRequiredString("import.mapping_dir");
    s.batchSize = static_cast<std::size_t>(config.getInt("import.batch_size", 1, 100000));
    s.threads = static_cast<unsigned>(config.getInt("import.threads", 0, 256));
    s.maxRecordBytes = static_cast<std::size_t>(config.getInt("import.max_record_bytes", 1024, 64 << 20));
    s.maxUploadBytes = static_cast<std::size_t>(config.getInt("import.max_upload_bytes", 1024, 1LL << 34));
    s.jobStaleSeconds = static_cast<int>(config.getInt("import.job_stale_seconds", 2, 24 * 3600));
    return s;
}

std::string webRoot(const Config& config) {
    const std::string dir = config.getString("web.root");
    if (!dir.empty() && !(Poco::File(dir).exists() && Poco::File(dir).isDirectory())) {
        throw ConfigError("web.root", "directory '" + dir + "' does not exist");
    }
    return dir;
}

}  // namespace registry::app
