#pragma once

#include "server/app/config.h"
#include "server/core/pseudonym.h"
#include "server/core/secret_box.h"
#include "server/db/pool.h"
#include "server/http/http_server.h"
#include "server/services/auth_service.h"

#include <memory>
#include <string>

namespace registry::app {

// Typed, validated views of the configuration for each layer. Each throws ConfigError naming the
// offending key.
http::ServerSettings serverSettings(const Config& config);
db::PoolSettings poolSettings(const Config& config, const std::string& urlKey);
std::string ownerUrl(const Config& config);
services::AuthSettings authSettings(const Config& config);
std::size_t maxJsonDepth(const Config& config);
struct RateLimitSettings {
    double perSecond = 20;  // 0: no limit
    double burst = 100;
};
RateLimitSettings rateLimitSettings(const Config& config);
// The server refuses to start without a valid key file (missing, short or readable by others).
core::Pseudonymiser loadPseudonymiser(const Config& config);
// The key that seals TOTP secrets at rest (auth.totp_key_file), with the same checks.
std::shared_ptr<const core::SecretBox> loadTotpSecretBox(const Config& config);
std::string schemaDir(const Config& config);
// The web app's directory; empty when the server serves no web app.
std::string webRoot(const Config& config);

// The import.* keys: where mappings live and how imports batch, prepare and limit input.
struct ImportSettings {
    std::string mappingDir;
    std::size_t batchSize = 1000;
    unsigned threads = 0;
    std::size_t maxRecordBytes = 1 << 20;
    std::size_t maxUploadBytes = 64 << 20;
    int jobStaleSeconds = 60;
};
ImportSettings importSettings(const Config& config);

}  // namespace registry::app
