#include "tests/support/test_server.h"

#include "server/core/crypto.h"
#include "server/core/pseudonym.h"
#include "server/db/pool.h"
#include "server/services/user_service.h"

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
    config.set("auth.totp_key_file", writeTestKeyFile());
    config.set("auth.pbkdf2_iterations", "1000");
    config.set("log.level", "warning");
    config.set("import.mapping_dir", TestDatabase::sourceDir() + "/config/import");
    // Most tests sign in many roles by password alone and fire requests in bursts: the
    // two-factor and rate-limit tests (test_two_factor.cpp, test_rate_limit.cpp) switch these on.
    config.set("auth.require_2fa_roles", "");
    config.set("ratelimit.per_second", "0");
    // No report work in the background of a test unless the test asks for it.
    config.set("reports.warm_interval_seconds", "0");
    for (const auto& [key, value] : overrides) config.set(key, value);
    return config;
}

TestServer::TestServer(const std::map<std::string, std::string>& overrides)
    : config_(testConfig(db_, overrides)), tls_(!config_.getString("tls.certificate").empty()) {
    server_ = std::make_unique<app::RegistryServer>(config_);
    server_->start();
}

TestServer::~TestServer() { server_->stop(); }

TestServer::Account TestServer::createUser(const std::string& role, const std::string& region) {
    db::PoolSettings settings;
    settings.url = db_.serviceUrl();
    settings.size = 1;
    db::ConnectionPool pool(settings);
    services::UserService users(pool, 1000);
    core::Caller caller;
    caller.user.username = "test-setup";
    caller.user.role = "admin";
    Account account;
    account.username = role.substr(0, 6) + "-" + crypto::toHex(crypto::randomBytes(5));
    account.password = "correct horse " + crypto::toHex(crypto::randomBytes(4));
    services::NewUser user{account.username, "Test " + role, role, region, "", account.password};
    account.id = users.create(user, caller).id;
    return account;
}

TestServer::Account TestServer::login(const std::string& role, const std::string& region) {
    Account account = createUser(role, region);
    auto r = client().send("POST", "/api/v1/sessions",
                           "{\"username\":\"" + account.username + "\",\"password\":\"" + account.password + "\"}");
    if (r.status != 201) throw std::runtime_error("test login failed: " + std::to_string(r.status) + " " + r.body);
    account.token = r.json()->getValue<std::string>("token");
    return account;
}

}  // namespace registry::test
