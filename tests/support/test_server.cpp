#include "tests/support/test_server.h"

#include "server/core/crypto.h"
#include "server/core/pseudonym.h"

#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

namespace registry::test {

std::string writeTestKeyFile() {
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    const std::string path =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/pseudonym-" + crypto::toHex(crypto::randomBytes(6)) + ".key";
    {
        std::ofstream out(path);
        out << core::generateKeyFileContent();
    }
    if (::chmod(path.c_str(), 0600) != 0) throw std::runtime_error("cannot chmod " + path);
    return path;
}

app::Config testConfig(const TestDatabase& db, const std::map<std::string, std::string>& overrides) {
    app::Config config = app::Config::fromDefaults();
    config.set("http.port", "0");
    config.set("http.max_threads", "8");
    config.set("db.url", db.serviceUrl());
    config.set("db.owner_url", db.ownerUrl());
    config.set("db.pool_size", "4");
    config.set("db.acquire_timeout_ms", "2000");
    config.set("db.schema_dir", TestDatabase::schemaDir());
    config.set("pseudonym.key_file", writeTestKeyFile());
    config.set("auth.pbkdf2_iterations", "1000");
    config.set("log.level", "warning");
    for (const auto& [key, value] : overrides) config.set(key, value);
    return config;
}

TestServer::TestServer(const std::map<std::string, std::string>& overrides)
    : config_(testConfig(db_, overrides)), tls_(!config_.getString("tls.certificate").empty()) {
    server_ = std::make_unique<app::RegistryServer>(config_);
    server_->start();
}

TestServer::~TestServer() { server_->stop(); }

}  // namespace registry::test
