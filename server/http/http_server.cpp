#include "server/http/http_server.h"

#include "server/core/errors.h"
#include "server/core/policy.h"
#include "server/http/problem.h"

#include <Poco/Logger.h>
#include <Poco/NumberFormatter.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace registry::http {
namespace {

std::string requestIdFor(const Poco::Net::HTTPServerRequest& request) {
    if (request.has("X-Request-Id")) {
        const std::string& given = request.get("X-Request-Id");
        bool sane = !given.empty() && given.size() <= 64;
        for (char c : given) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) sane = false;
        }
        if (sane) return given;
    }
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

// Reads the body within `limit`. A body over the limit is still drained (up to a hard cap) so
// that the client receives the 413 instead of a reset connection.
void readBody(Poco::Net::HTTPServerRequest& in, std::size_t limit, std::string& body) {
    const std::size_t drainCap = std::max<std::size_t>(16u << 20, 4 * limit);
    const auto tooLarge = [&] {
        return Error(ErrorKind::PayloadTooLarge, "The request body exceeds the limit of " + std::to_string(limit) + " bytes.");
    };
    if (in.hasContentLength() && in.getContentLength64() > static_cast<Poco::Int64>(drainCap)) throw tooLarge();
    std::istream& stream = in.stream();
    char buffer[8192];
    std::size_t total = 0;
    while (stream) {
        stream.read(buffer, sizeof buffer);
        const auto n = static_cast<std::size_t>(stream.gcount());
        total += n;
        if (total <= limit) {
            body.append(buffer, n);
        } else if (total > drainCap) {
            throw tooLarge();
        }
    }
    if (total > limit) throw tooLarge();
}

bool isLoopback(const Poco::Net::SocketAddress& address) { return address.host().isLoopback(); }

bool isTrusted(const std::vector<std::string>& proxies, const std::string& address) {
    return std::find(proxies.begin(), proxies.end(), address) != proxies.end();
}

// The client as the audit log should name it: the peer, or, when the peer is a trusted proxy,
// the nearest address in X-Forwarded-For that is not itself a trusted proxy.
std::string clientAddressOf(const Poco::Net::HTTPServerRequest& in, const std::vector<std::string>& proxies) {
    std::string address = in.clientAddress().host().toString();
    if (!isTrusted(proxies, address) || !in.has("X-Forwarded-For")) return address;
    std::vector<std::string> hops;
    Poco::StringTokenizer entries(in.get("X-Forwarded-For"), ",",
                                  Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& entry : entries) hops.push_back(entry);
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        Poco::Net::IPAddress hop;
        if (!Poco::Net::IPAddress::tryParse(*it, hop)) return address;  // malformed: trust nothing in it
        address = hop.toString();
        if (!isTrusted(proxies, address)) return address;
    }
    return address;
}

// A decoded path may hold anything a client sent (%0A included): keep log lines one line each.
std::string loggable(const std::string& path) {
    std::string out;
    for (char c : path.substr(0, 200)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return path.size() > 200 ? out + "..." : out;
}

class Dispatcher : public Poco::Net::HTTPRequestHandler {
public:
    Dispatcher(const ServerSettings& settings, const RouteTable& routes, Metrics& metrics)
        : settings_(settings), routes_(routes), metrics_(metrics) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        const auto started = std::chrono::steady_clock::now();
        Request request;
        std::string route = "unmatched";
        Response response;
        try {
            request.requestId = requestIdFor(in);
            response = dispatch(in, request, route);
        } catch (...) {
            std::string logMessage;
            response = problemFromException(std::current_exception(), request.requestId, logMessage);
            if (!logMessage.empty()) {
                Poco::Logger::get("registry.http")
                    .error("request " + request.requestId + " " + in.getMethod() + " " + route + ": " + logMessage);
            }
        }
        send(in, out, request, response);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        metrics_.observe(route, in.getMethod(), response.status, seconds);
        auto& access = Poco::Logger::get("registry.access");
        if (access.information()) {
            access.information(loggable(in.getMethod()) + " " + loggable(request.path) + " " + std::to_string(response.status) + " " +
                               Poco::NumberFormatter::format(seconds * 1000.0, 3) + "ms id=" +
                               request.requestId + (request.user ? " user=" + request.user->userId : ""));
        }
    }

private:
    Response dispatch(Poco::Net::HTTPServerRequest& in, Request& request, std::string& route) {
        request.raw = &in;
        request.method = in.getMethod();
        request.clientAddress = clientAddressOf(in, settings_.trustedProxies);
        request.contentType = in.getContentType();
        Poco::URI uri;
        try {
            uri = Poco::URI(in.getURI());
            request.path = uri.getPath();
            request.query = uri.getQueryParameters();
        } catch (const Poco::Exception&) {
            request.path = "?";
            throw Error(ErrorKind::BadRequest, "The request URI is malformed.");
        }
        readBody(in, settings_.maxBodyBytes, request.body);
        if (routes_.staticFiles) {
            if (auto file = routes_.staticFiles(request)) {
                route = "static";
                return std::move(*file);
            }
        }
        auto match = routes_.router.match(request.method, request.path);
        route = match.pattern;
        request.pathParams = std::move(match.params);
        if (route == "/metrics" && settings_.metricsLoopbackOnly && !isLoopback(in.clientAddress())) {
            throw Error(ErrorKind::NotFound, "No resource at /metrics.");
        }
        if (!match.action.empty()) {
            request.user = routes_.authenticate(request);
            if (!core::Policy::allows(request.user->role, match.action)) {
                routes_.recordDenied(request, match.action);
                core::Policy::require(*request.user, match.action);
            }
        }
        return (*match.handler)(request);
    }

    void send(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, const Request& request,
              const Response& response) {
        try {
            out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
            out.set("X-Request-Id", request.requestId);
            out.set("X-Content-Type-Options", "nosniff");
            out.set("Referrer-Policy", "no-referrer");
            out.set("X-Frame-Options", "DENY");
            out.set("Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
            bool cacheSet = false;
            for (const auto& [name, value] : response.headers) {
                out.set(name, value);
                if (name == "Cache-Control") cacheSet = true;
            }
            if (!cacheSet) out.set("Cache-Control", "no-store");
            if (!settings_.tlsCertificate.empty()) {
                out.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            }
            // A request body we may not have read in full makes the connection unusable.
            if (response.status == 413) out.setKeepAlive(false);
            if (response.status == 204 || response.body.empty()) {
                out.setContentLength(0);
                out.send();
                return;
            }
            out.setContentType(response.contentType);
            out.setContentLength(static_cast<std::streamsize>(response.body.size()));
            auto& stream = out.send();
            if (in.getMethod() != "HEAD") stream.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
        } catch (const std::exception& e) {
            // The client went away; nothing is left to tell it.
            Poco::Logger::get("registry.http").warning("request " + request.requestId + ": response not sent: " + e.what());
        }
    }

    const ServerSettings& settings_;
    const RouteTable& routes_;
    Metrics& metrics_;
};

class DispatcherFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    DispatcherFactory(const ServerSettings& settings, std::shared_ptr<const RouteTable> routes,
                      std::shared_ptr<Metrics> metrics)
        : settings_(settings), routes_(std::move(routes)), metrics_(std::move(metrics)) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Dispatcher(settings_, *routes_, *metrics_);
    }

private:
    ServerSettings settings_;
    std::shared_ptr<const RouteTable> routes_;
    std::shared_ptr<Metrics> metrics_;
};

Poco::Net::Context::Ptr tlsContext(const ServerSettings& settings) {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
    Poco::Net::Context::Params params;
    params.privateKeyFile = settings.tlsPrivateKey;
    params.certificateFile = settings.tlsCertificate;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.cipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    return context;
}

}  // namespace

HttpServer::HttpServer(ServerSettings settings, std::shared_ptr<const RouteTable> routes, std::shared_ptr<Metrics> metrics)
    : settings_(std::move(settings)), routes_(std::move(routes)), metrics_(std::move(metrics)) {}

HttpServer::~HttpServer() {
    if (server_) stop(0);
}

void HttpServer::start() {
    Poco::Net::SocketAddress address(settings_.address, settings_.port);
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (secure()) {
        socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, tlsContext(settings_));
    } else {
        socket = std::make_unique<Poco::Net::ServerSocket>(address, 64);
    }
    port_ = socket->address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.maxThreads);
    params->setMaxQueued(settings_.maxQueued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keepAliveSeconds, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    params->setServerName("registry");
    threads_ = std::make_unique<Poco::ThreadPool>(2, settings_.maxThreads + 1);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new DispatcherFactory(settings_, routes_, metrics_), *threads_,
                                                      *socket, params);
    socket_ = std::move(socket);
    server_->start();
}

std::uint16_t HttpServer::port() const { return port_; }

bool HttpServer::secure() const { return !settings_.tlsCertificate.empty() && !settings_.tlsPrivateKey.empty(); }

void HttpServer::stop(long graceMs) {
    if (!server_) return;
    server_->stop();
    socket_->close();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
    while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    server_->stopAll(true);
    threads_->joinAll();
    server_.reset();
}

}  // namespace registry::http
