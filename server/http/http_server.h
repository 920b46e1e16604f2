#pragma once

#include "server/http/metrics.h"
#include "server/http/router.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace registry::http {

struct ServerSettings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    int maxThreads = 16;
    int maxQueued = 64;
    std::size_t maxBodyBytes = 1 << 20;
    int keepAliveSeconds = 15;
    bool metricsLoopbackOnly = true;
    std::vector<std::string> trustedProxies;  // peers whose X-Forwarded-For is believed
    std::string tlsCertificate;  // both set: HTTPS
    std::string tlsPrivateKey;
};

// Resolves the bearer token of a request into a principal; throws registry::Error(Unauthorized).
using Authenticator = std::function<Principal(Request&)>;

// Records a request refused by the policy (403) in the audit log.
using DeniedRecorder = std::function<void(const Request&, const std::string& action)>;

// Answers GET/HEAD of the web app's files and pages, or nullopt to let the router decide.
using StaticFiles = std::function<std::optional<Response>(const Request&)>;

struct RouteTable {
    Router router;
    Authenticator authenticate;
    DeniedRecorder recordDenied;
    StaticFiles staticFiles;  // optional
};

// The HTTP(S) front: Poco's HTTPServer with one request handler that reads the body within
// limits, routes, authenticates, calls the handler and turns every failure into problem+json.
class HttpServer {
public:
    HttpServer(ServerSettings settings, std::shared_ptr<const RouteTable> routes, std::shared_ptr<Metrics> metrics);
    ~HttpServer();

    void start();
    std::uint16_t port() const;
    bool secure() const;
    // Stops accepting, lets in-flight requests finish (up to `graceMs`), then returns.
    void stop(long graceMs = 30000);

private:
    ServerSettings settings_;
    std::shared_ptr<const RouteTable> routes_;
    std::shared_ptr<Metrics> metrics_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    // Shares the listening socket with server_, so stop() can close it: new connections are
    // then refused at once instead of waiting in the backlog of a server that will not serve them.
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::uint16_t port_ = 0;
};

}  // namespace registry::http
