#pragma once

#include "server/app/config.h"
#include "server/app/registry_server.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace registry::test {

// Test configuration: the defaults with the test database, port 0, a fresh pseudonym key and a
// low PBKDF2 iteration count; `overrides` win.
app::Config testConfig(const TestDatabase& db, const std::map<std::string, std::string>& overrides = {});

// The whole registry, started in-process on a free port against its own fresh database.
class TestServer {
public:
    explicit TestServer(const std::map<std::string, std::string>& overrides = {});
    ~TestServer();

    TestDatabase& db() { return db_; }
    const app::Config& config() const { return config_; }
    std::uint16_t port() const { return server_->port(); }
    HttpClient client() const { return HttpClient(port(), tls_); }
    std::vector<http::Router::RouteInfo> routes() const { return server_->routes(); }

    struct Account {
        std::string id;
        std::string username;
        std::string password;
        std::string token;
    };
    // Creates a user through the user service and logs in over HTTP.
    Account login(const std::string& role, const std::string& region = "");
    Account createUser(const std::string& role, const std::string& region = "");

private:
    TestDatabase db_;
    app::Config config_;
    bool tls_;
    std::unique_ptr<app::RegistryServer> server_;
};

// Writes a fresh pseudonym key file (mode 0600) and returns its path.
std::string writeTestKeyFile();

}  // namespace registry::test
