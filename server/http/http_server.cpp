#include "server/http/http_server.h"

#include "server/core/errors.h"
#include "server/http/connection_watch.h"
#include "server/http/dispatcher.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

namespace registry::http {
namespace {

// What went wrong while reading a request head, in the client's terms. Poco's messages are the
// only signal it gives; each names one limit of HTTPRequest/MessageHeader.
Error headError(const Poco::Net::MessageException& e, bool expired, int headerTimeoutSeconds) {
    if (expired) {
        return Error(ErrorKind::RequestTimeout,
                     "The request headers did not arrive within " + std::to_string(headerTimeoutSeconds) + " s.");
    }
    const std::string what = e.message();
    if (what.find("URI") != std::string::npos) {
        return Error(ErrorKind::UriTooLong, "The request target is longer than 16384 bytes.");
    }
    if (what.find("Too many header fields") != std::string::npos) {
        return Error(ErrorKind::HeaderFieldsTooLarge, "The request has more than 100 header fields.");
    }
    if (what.find("Field name") != std::string::npos || what.find("Field value") != std::string::npos) {
        return Error(ErrorKind::HeaderFieldsTooLarge,
                     "A header field is malformed or too large: names are at most 256 bytes, values at most 8192 "
                     "bytes, and a line ends with CRLF (a bare CR is not allowed).");
    }
    return Error(ErrorKind::BadRequest, "The request line or headers are malformed.");
}

struct Shared {
    ServerSettings settings;
    std::shared_ptr<Metrics> metrics;
    std::shared_ptr<Dispatcher> dispatcher;
    std::shared_ptr<ConnectionWatch> watch;
    std::shared_ptr<std::atomic<bool>> stopping;
    Poco::Net::HTTPServerParams::Ptr params;
};

// One client connection: requests in sequence (keep-alive) until the client, a limit or stop()
// ends it. Modelled on Poco's HTTPServerConnection, with deadlines and problem+json answers.
class Connection : public Poco::Net::TCPServerConnection {
public:
    Connection(const Poco::Net::StreamSocket& socket, const Shared& shared)
        : Poco::Net::TCPServerConnection(socket), shared_(shared) {}

    void run() override {
        auto entry = shared_.watch->enroll(socket().impl()->sockfd());
        shared_.metrics->connectionOpened();
        bool busy = false;
        const auto setBusy = [&](bool now) {
            entry->setIdle(!now);
            if (now != busy) shared_.metrics->connectionBusy(now);
            busy = now;
        };
        try {
            serve(*entry, setBusy);
        } catch (const std::exception&) {
            // The connection failed; nothing is left to tell the client.
        }
        setBusy(false);
        shared_.metrics->connectionClosed();
        shared_.watch->withdraw(entry);
    }

private:
    template <typename SetBusy>
    void serve(ConnectionWatch::Entry& entry, const SetBusy& setBusy) {
        const bool secure = socket().secure();
        Poco::Net::HTTPServerSession session(socket(), shared_.params);
        while (!shared_.stopping->load()) {
            setBusy(false);
            if (!session.hasMoreRequests() || shared_.stopping->load()) break;
            setBusy(true);
            entry.arm(ConnectionWatch::Clock::now() + std::chrono::seconds(shared_.settings.headerTimeoutSeconds));
            try {
                Poco::Net::HTTPServerResponseImpl response(session);
                Poco::Net::HTTPServerRequestImpl request(response, session, const_cast<Poco::Net::HTTPServerParams*>(shared_.params.get()));
                entry.disarm();
                response.setDate(Poco::Timestamp());
                response.setVersion(request.getVersion());
                response.setKeepAlive(shared_.params->getKeepAlive() && request.getKeepAlive() && session.canKeepAlive());
                shared_.dispatcher->handle(request, response, entry, secure);
                session.setKeepAlive(shared_.params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive() &&
                                     !entry.expired());
                if (!session.getKeepAlive()) break;
            } catch (const Poco::Net::NoMessageException&) {
                break;  // the client closed between requests
            } catch (const Poco::Net::MessageException& e) {
                entry.disarm();
                shared_.dispatcher->refuse(session, headError(e, entry.expired(), shared_.settings.headerTimeoutSeconds));
                break;
            } catch (const Poco::SyntaxException&) {
                // Poco reads Content-Length while it builds the request: a value that is no number.
                entry.disarm();
                shared_.dispatcher->refuse(session, Error(ErrorKind::BadRequest, "Content-Length must be a whole number of bytes."));
                break;
            } catch (const Poco::Exception&) {
                entry.disarm();
                // A head cut off by its deadline ends as a network error (the watch shut the socket).
                if (entry.expired()) {
                    shared_.dispatcher->refuse(session, Error(ErrorKind::RequestTimeout,
                                                              "The request headers did not arrive within " +
                                                                  std::to_string(shared_.settings.headerTimeoutSeconds) + " s."));
                }
                break;
            }
        }
    }

    const Shared& shared_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    explicit ConnectionFactory(Shared shared) : shared_(std::move(shared)) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new Connection(socket, shared_);
    }

private:
    Shared shared_;
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
    const int backlog = std::max(128, settings_.maxQueued);
    if (secure()) {
        socket = std::make_unique<Poco::Net::SecureServerSocket>(address, backlog, tlsContext(settings_));
    } else {
        socket = std::make_unique<Poco::Net::ServerSocket>(address, backlog);
    }
    port_ = socket->address().port();
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keepAliveSeconds, 0));
    // The wait for a new connection's first request, and each single receive or send.
    params->setTimeout(Poco::Timespan(settings_.headerTimeoutSeconds, 0));
    params->setServerName("registry");
    params->setSoftwareVersion("");
    watch_ = std::make_shared<ConnectionWatch>();
    dispatcher_ = std::make_shared<Dispatcher>(settings_, routes_, metrics_);
    stopping_ = std::make_shared<std::atomic<bool>>(false);
    auto* tcpParams = new Poco::Net::TCPServerParams;
    tcpParams->setMaxThreads(settings_.maxThreads);
    tcpParams->setMaxQueued(settings_.maxQueued);
    // Workers mostly wait on a socket; a small stack keeps many of them cheap.
    threads_ = std::make_unique<Poco::ThreadPool>(2, settings_.maxThreads + 1, 60, 512 * 1024);
    server_ = std::make_unique<Poco::Net::TCPServer>(
        new ConnectionFactory(Shared{settings_, metrics_, dispatcher_, watch_, stopping_, params}), *threads_, *socket, tcpParams);
    socket_ = std::move(socket);
    server_->start();
}

std::uint16_t HttpServer::port() const { return port_; }

bool HttpServer::secure() const { return !settings_.tlsCertificate.empty() && !settings_.tlsPrivateKey.empty(); }

void HttpServer::stop(long graceMs) {
    if (!server_) return;
    stopping_->store(true);
    server_->stop();
    socket_->close();
    // Idle keep-alive connections end now; busy ones finish their request and then end.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
    while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
        watch_->endIdle();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    watch_->endAll();
    threads_->joinAll();
    server_.reset();
    watch_.reset();
}

}  // namespace registry::http
