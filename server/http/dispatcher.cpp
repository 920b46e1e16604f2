#include "server/http/dispatcher.h"

#include "server/core/policy.h"
#include "server/http/problem.h"

#include <Poco/Logger.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <chrono>
#include <cctype>

namespace registry::http {
namespace {

// A body left unread up to this size is drained so that the connection can be reused; a larger
// one closes the connection after the response.
constexpr Poco::Int64 kDrainBytes = 64 * 1024;
// After a response that leaves a large body unread, so much more is read and discarded (so that a
// client that writes its whole body before reading is not reset before it reads the answer).
// An anonymous client gets little; a signed-in one is told 413 even for a large body.
constexpr Poco::Int64 kLingerAnonymous = 1 << 20;
constexpr Poco::Int64 kLingerSignedIn = 16 << 20;

std::string newRequestId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string requestIdFor(const Poco::Net::HTTPServerRequest& request) {
    if (request.has("X-Request-Id")) {
        const std::string& given = request.get("X-Request-Id");
        bool sane = !given.empty() && given.size() <= 64;
        for (char c : given) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) sane = false;
        }
        if (sane) return given;
    }
    return newRequestId();
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

// A path may hold anything a client sent (%0A included): keep log lines one line each.
std::string loggable(const std::string& path) {
    std::string out;
    for (char c : path.substr(0, 200)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return path.size() > 200 ? out + "..." : out;
}

// The request target split into its still-encoded path and its query parameters. Only the
// router decodes the path, one segment at a time, so that %2F stays inside its segment.
void splitTarget(const std::string& target, Request& request) {
    std::string pathEtc = target;
    if (target.empty() || target[0] != '/') {
        // absolute-form (RFC 9112 §3.2.2), e.g. from a forward proxy
        Poco::URI uri(target);
        if (uri.getScheme() != "http" && uri.getScheme() != "https") {
            throw Error(ErrorKind::BadRequest, "The request target must be a path.");
        }
        pathEtc = uri.getPathEtc();
    }
    const auto end = pathEtc.find_first_of("?#");
    request.path = pathEtc.substr(0, end);
    if (request.path.empty()) request.path = "/";
    if (end != std::string::npos && pathEtc[end] == '?') {
        const auto fragment = pathEtc.find('#', end);
        Poco::URI query;
        query.setRawQuery(pathEtc.substr(end + 1, fragment == std::string::npos ? std::string::npos : fragment - end - 1));
        request.query = query.getQueryParameters();
    }
}

}  // namespace

// How much of the announced body has been taken off the connection.
struct Dispatcher::Body {
    Poco::Int64 announced = 0;
    Poco::Int64 consumed = 0;
    bool broken = false;  // the body could not be read as announced: the connection cannot be reused
    Poco::Int64 linger = kLingerAnonymous;
    ConnectionWatch::Entry* watch = nullptr;
};

Dispatcher::Dispatcher(const ServerSettings& settings, std::shared_ptr<const RouteTable> routes,
                       std::shared_ptr<Metrics> metrics)
    : settings_(settings), routes_(std::move(routes)), metrics_(std::move(metrics)) {}

void Dispatcher::handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                        ConnectionWatch::Entry& watch, bool secure) {
    const auto started = std::chrono::steady_clock::now();
    Request request;
    std::string route = "unmatched";
    Response response;
    Body body;
    body.watch = &watch;
    try {
        request.requestId = requestIdFor(in);
        response = dispatch(in, out, request, body, route);
    } catch (...) {
        std::string logMessage;
        response = problemFromException(std::current_exception(), request.requestId, logMessage);
        if (!logMessage.empty()) {
            Poco::Logger::get("registry.http")
                .error("request " + request.requestId + " " + loggable(in.getMethod()) + " " + route + ": " + logMessage);
        }
    }
    finishBody(in, out, body);
    // Counted before the answer leaves, so that a client's next request already sees it.
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_->observe(route, in.getMethod(), response.status, seconds);
    send(&in, out, request.requestId, response);
    if (!out.getKeepAlive() && body.announced > body.consumed && !secure) {
        // Lingering close: let the client finish sending (up to a bound) so that it reads the
        // answer instead of a connection reset.
        try {
            auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket();
            socket.shutdownSend();
            socket.setReceiveTimeout(Poco::Timespan(0, 200000));
            char buffer[8192];
            Poco::Int64 discarded = 0;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(settings_.bodyTimeoutSeconds);
            while (discarded < body.linger && std::chrono::steady_clock::now() < until) {
                const int n = socket.receiveBytes(buffer, sizeof buffer);
                if (n <= 0) break;
                discarded += n;
            }
        } catch (const std::exception&) {
            // the client is gone: nothing left to do
        }
    }
    log(in.getMethod(), request.path, route, response.status, seconds, request);
}

Response Dispatcher::dispatch(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, Request& request,
                              Body& body, std::string& route) {
    request.raw = &in;
    request.method = in.getMethod();
    request.clientAddress = clientAddressOf(in, settings_.trustedProxies);
    request.contentType = in.getContentType();
    try {
        splitTarget(in.getURI(), request);
    } catch (const Error&) {
        throw;
    } catch (const Poco::Exception&) {
        request.path = "?";
        throw Error(ErrorKind::BadRequest, "The request URI is malformed.");
    }

    // Framing first: a request whose body length is ambiguous is refused before anything else.
    int lengths = 0;
    for (const auto& [name, value] : in) {
        if (Poco::icompare(name, "Content-Length") == 0) ++lengths;
    }
    if (in.has("Transfer-Encoding")) {
        body.broken = true;
        if (lengths > 0) throw Error(ErrorKind::BadRequest, "A request may not carry both Content-Length and Transfer-Encoding.");
        throw Error(ErrorKind::LengthRequired, "Send the request body with a Content-Length header; chunked request bodies are not accepted.");
    }
    if (lengths > 1) {
        body.broken = true;
        throw Error(ErrorKind::BadRequest, "The request carries more than one Content-Length header.");
    }
    if (lengths == 1) {
        const std::string text = Poco::trim(in.get("Content-Length"));
        Poco::UInt64 length = 0;
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
            !Poco::NumberParser::tryParseUnsigned64(text, length) || length > (1ULL << 62)) {
            body.broken = true;
            throw Error(ErrorKind::BadRequest, "Content-Length must be a whole number of bytes.");
        }
        body.announced = static_cast<Poco::Int64>(length);
    }

    // The web app's files and pages (GET/HEAD only); every other path goes to the router.
    if (routes_->staticFiles && (request.method == "GET" || request.method == "HEAD")) {
        if (auto file = routes_->staticFiles(request)) {
            route = "static";
            readBody(in, out, settings_.maxBodyBytes, body, request.body);
            return std::move(*file);
        }
    }
    auto match = routes_->router.match(request.method, request.path);
    route = match.pattern;
    request.pathParams = std::move(match.params);
    if (route == "/metrics" && settings_.metricsLoopbackOnly && !isLoopback(in.clientAddress())) {
        throw Error(ErrorKind::NotFound, "No resource at /metrics.");
    }
    // Authentication and the role check come before the body: an anonymous or unauthorised
    // client costs no body read.
    if (!match.action.empty()) {
        request.user = routes_->authenticate(request);
        body.linger = std::max<Poco::Int64>(kLingerSignedIn, 4 * static_cast<Poco::Int64>(settings_.maxBodyBytes));
        if (!core::Policy::allows(request.user->role, match.action)) {
            routes_->recordDenied(request, match.action);
            core::Policy::require(*request.user, match.action);
        }
    }
    readBody(in, out, match.maxBodyBytes > 0 ? match.maxBodyBytes : settings_.maxBodyBytes, body, request.body);
    return (*match.handler)(request);
}

void Dispatcher::readBody(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, std::size_t limit,
                          Body& body, std::string& into) {
    // No Content-Length (and no Transfer-Encoding, refused above): the request has no body
    // (RFC 9112 §6.3), whatever its method.
    if (body.announced == 0) return;
    if (body.announced > static_cast<Poco::Int64>(limit)) {
        throw Error(ErrorKind::PayloadTooLarge, "The request body exceeds the limit of " + std::to_string(limit) + " bytes.");
    }
    if (in.getExpectContinue()) out.sendContinue();
    // One deadline for the whole body: a client that trickles it cannot hold the worker longer.
    body.watch->arm(ConnectionWatch::Clock::now() + std::chrono::seconds(settings_.bodyTimeoutSeconds));
    into.resize(static_cast<std::size_t>(body.announced));
    std::istream& stream = in.stream();
    stream.read(&into[0], body.announced);
    body.consumed = stream.gcount();
    body.watch->disarm();
    if (body.consumed < body.announced) {
        body.broken = true;
        if (body.watch->expired()) {
            into.clear();
            throw Error(ErrorKind::RequestTimeout, "The request body did not arrive within " +
                                                       std::to_string(settings_.bodyTimeoutSeconds) + " s; nothing was done.");
        }
        const auto got = std::to_string(body.consumed), wanted = std::to_string(body.announced);
        into.clear();
        throw Error(ErrorKind::BadRequest, "The request body ended after " + got + " of the " + wanted +
                                               " bytes announced by Content-Length; nothing was done.");
    }
}

void Dispatcher::finishBody(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, Body& body) {
    const Poco::Int64 left = body.announced - body.consumed;
    if (body.broken) {
        out.setKeepAlive(false);
        return;
    }
    if (left <= 0) return;
    if (left > kDrainBytes) {
        out.setKeepAlive(false);
        return;
    }
    // A small unread body (a refused request): take it off the connection so that it can be reused.
    body.watch->arm(ConnectionWatch::Clock::now() + std::chrono::seconds(settings_.bodyTimeoutSeconds));
    try {
        std::istream& stream = in.stream();
        char buffer[8192];
        while (body.consumed < body.announced && stream) {
            stream.read(buffer, std::min<Poco::Int64>(sizeof buffer, body.announced - body.consumed));
            body.consumed += stream.gcount();
            if (stream.gcount() == 0) break;
        }
    } catch (const std::exception&) {
    }
    body.watch->disarm();
    if (body.consumed < body.announced) out.setKeepAlive(false);
}

void Dispatcher::refuse(Poco::Net::HTTPServerSession& session, const Error& error) {
    try {
        Poco::Net::HTTPServerResponseImpl out(session);
        out.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        out.setKeepAlive(false);
        const std::string requestId = newRequestId();
        const Response response = problem(error);
        send(nullptr, out, requestId, response);
        session.setKeepAlive(false);
        // The rest of the oversized head may still be arriving: read a little of it so that the
        // client sees this answer rather than a connection reset.
        if (!session.socket().secure()) {
            session.socket().shutdownSend();
            session.socket().setReceiveTimeout(Poco::Timespan(0, 200000));
            char buffer[8192];
            for (int i = 0; i < 32 && session.socket().receiveBytes(buffer, sizeof buffer) > 0; ++i) {
            }
        }
        metrics_->observe("unmatched", "", response.status, 0.0);
        Poco::Logger::get("registry.access")
            .information("- - " + std::to_string(response.status) + " id=" + requestId + " (" + error.detail() + ")");
    } catch (const std::exception&) {
        // The client is gone.
    }
}

void Dispatcher::send(Poco::Net::HTTPServerRequest* in, Poco::Net::HTTPServerResponse& out, const std::string& requestId,
                      const Response& response) {
    try {
        out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
        out.set("X-Request-Id", requestId);
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
        const bool head = in && in->getMethod() == "HEAD";
        if (response.writer) {
            out.setContentType(response.contentType);
            if (head) {
                out.send();
                return;
            }
            out.setChunkedTransferEncoding(true);
            response.writer(out.send());
            return;
        }
        if (response.status == 204 || response.body.empty()) {
            out.setContentLength(0);
            out.send();
            return;
        }
        out.setContentType(response.contentType);
        out.setContentLength(static_cast<std::streamsize>(response.body.size()));
        auto& stream = out.send();
        if (!head) stream.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
        stream.flush();
    } catch (const std::exception& e) {
        // The client went away, or a streamed body failed half-way: the connection cannot carry
        // another request.
        out.setKeepAlive(false);
        Poco::Logger::get("registry.http").warning("request " + requestId + ": response not sent in full: " + e.what());
    }
}

void Dispatcher::log(const std::string& method, const std::string& path, const std::string& route, int status,
                     double seconds, const Request& request) {
    (void)route;
    auto& access = Poco::Logger::get("registry.access");
    if (!access.information()) return;
    access.information(loggable(method) + " " + loggable(path) + " " + std::to_string(status) + " " +
                       Poco::NumberFormatter::format(seconds * 1000.0, 3) + "ms id=" + request.requestId +
                       (request.user ? " user=" + request.user->userId : ""));
}

}  // namespace registry::http
