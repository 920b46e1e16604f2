#pragma once

#include "server/http/metrics.h"
#include "server/http/router.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace registry::http {

struct ServerSettings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    // Each open connection holds a worker while it is served or kept alive, so this bounds open
    // connections, not database work (db.pool_size does that).
    int maxThreads = 256;
    int maxQueued = 1024;
    std::size_t maxBodyBytes = 1 << 20;
    int keepAliveSeconds = 15;
    // Whole request head (request line and headers) and whole body, each from its first byte:
    // a client that trickles is cut off when its time is up, however often it sends a byte.
    int headerTimeoutSeconds = 10;
    int bodyTimeoutSeconds = 30;
    bool metricsLoopbackOnly = true;
    std::vector<std::string> trustedProxies;  // peers whose X-Forwarded-For is believed
    std::string tlsCertificate;  // both set: HTTPS
    std::string tlsPrivateKey;
};

// Resolves the bearer token of a request into a principal; throws registry::Error(Unauthorized).
using Authenticator = std::function<Principal(Request&)>;

// Records a request refused by the policy (403) in the audit log.
using DeniedRecorder = std::function<void(const Request&, const std::string& action)>;

struct RouteTable {
    Router router;
    Authenticator authenticate;
    DeniedRecorder recordDenied;
};

class ConnectionWatch;
class Dispatcher;

// The HTTP(S) front: Poco's TCPServer with the registry's own HTTP/1.1 connection loop (Poco's
// request parsing, deadlines from a ConnectionWatch, problem+json for every error, also those
// met while parsing), handing each request to a Dispatcher.
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
    std::shared_ptr<ConnectionWatch> watch_;
    std::shared_ptr<Dispatcher> dispatcher_;
    std::shared_ptr<std::atomic<bool>> stopping_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
    // Shares the listening socket with server_, so stop() can close it: new connections are
    // then refused at once instead of waiting in the backlog of a server that will not serve them.
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::uint16_t port_ = 0;
};

}  // namespace registry::http
