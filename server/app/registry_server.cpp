#include "server/app/registry_server.h"

#include "server/app/build_info.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/http/handlers/system_handlers.h"

namespace registry::app {

RegistryServer::RegistryServer(const Config& config) {
    auto httpSettings = serverSettings(config);
    pool_ = std::make_shared<db::ConnectionPool>(poolSettings(config, "db.url"));
    metrics_ = std::make_shared<http::Metrics>();

    auto routes = std::make_shared<http::RouteTable>();
    http::addSystemRoutes(routes->router, {pool_.get(), metrics_.get(), kVersion, kGitCommit});
    routes->isPublic = [](const std::string& pattern) {
        return pattern == "/health" || pattern == "/ready" || pattern == "/metrics";
    };
    routes->authenticate = [](http::Request&) -> Principal {
        throw Error(ErrorKind::Unauthorized, "Authentication is required.");
    };
    server_ = std::make_unique<http::HttpServer>(std::move(httpSettings), routes, metrics_);
}

RegistryServer::~RegistryServer() { stop(); }

void RegistryServer::start() { server_->start(); }

std::uint16_t RegistryServer::port() const { return server_->port(); }

void RegistryServer::stop() {
    if (server_) {
        server_->stop();
        server_.reset();
    }
    if (pool_) pool_->close();
}

}  // namespace registry::app
