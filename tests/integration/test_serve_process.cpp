#include <boost/test/unit_test.hpp>

#include "tests/support/http_client.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <csignal>
#include <future>
#include <sstream>
#include <thread>

using registry::test::TestDatabase;

namespace {

std::uint16_t freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

bool healthy(std::uint16_t port) {
    try {
        return registry::test::HttpClient(port).get("/health").status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

// registry_http_connections{state="busy"} from /metrics, read over one keep-alive connection, or
// -1. The count includes that connection once; a look over a fresh connection each time could
// also count the previous look's connection while its worker is still on its way out.
class BusyGauge {
public:
    explicit BusyGauge(std::uint16_t port) : session_("127.0.0.1", port) { session_.setKeepAlive(true); }
    int read() {
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            session_.sendRequest(request);
            Poco::Net::HTTPResponse response;
            std::string body;
            Poco::StreamCopier::copyToString(session_.receiveResponse(response), body);
            const std::string key = "registry_http_connections{state=\"busy\"} ";
            const auto at = body.find(key);
            return at == std::string::npos ? -1 : std::stoi(body.substr(at + key.size()));
        } catch (const std::exception&) {
            return -1;
        }
    }

private:
    Poco::Net::HTTPClientSession session_;
};

BOOST_AUTO_TEST_SUITE(serve_process)

// `registry serve` as operators run it: SIGTERM stops accepting, lets the request in flight
// finish, closes the pool and exits 0.
BOOST_AUTO_TEST_CASE(sigterm_finishes_the_request_in_flight_then_exits_cleanly) {
    TestDatabase db;
    const std::uint16_t port = freePort();
    Poco::Process::Env env = {{"REGISTRY_DB_URL", db.serviceUrl()},
                              {"REGISTRY_DB_OWNER_URL", db.ownerUrl()},
                              {"REGISTRY_DB_SCHEMA_DIR", TestDatabase::schemaDir()},
                              {"REGISTRY_PSEUDONYM_KEY_FILE", registry::test::writeTestKeyFile()},
                              {"REGISTRY_AUTH_TOTP_KEY_FILE", registry::test::writeTestKeyFile()},
                              {"REGISTRY_HTTP_PORT", std::to_string(port)},
                              {"REGISTRY_AUTH_PBKDF2_ITERATIONS", "1000"},
                              {"REGISTRY_AUDIT_ANCHOR_INTERVAL_SECONDS", "1"},
                              {"REGISTRY_LOG_FORMAT", "json"}};
    Poco::Pipe errPipe;
    auto handle = Poco::Process::launch(std::getenv("REGISTRY_BINARY"), {"serve"}, ".", nullptr, nullptr, &errPipe, env);
    Poco::PipeInputStream errStream(errPipe);
    auto log = std::async(std::launch::async, [&] {
        std::string text;
        Poco::StreamCopier::copyToString(errStream, text);
        return text;
    });
    bool up = false;
    for (int i = 0; i < 100 && !(up = healthy(port)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST_REQUIRE(up);
    BOOST_TEST(registry::test::HttpClient(port).get("/ready").status == 200);

    // Before the request, only the gauge's own look is busy (the readiness checks have ended).
    BusyGauge gauge(port);
    bool quiet = false;
    for (int i = 0; i < 200 && !(quiet = gauge.read() == 1); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST_REQUIRE(quiet);
    // A login whose body is still arriving when the signal comes.
    const std::string body = R"({"username":"nobody.here","password":"not a password at all"})";
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
    const std::string head = "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    socket.sendBytes(body.data(), 10);
    // Signal only once a worker is in that request (a connection still waiting for a worker
    // would be dropped by the stop): two busy connections, it and the gauge's.
    bool inFlight = false;
    for (int i = 0; i < 200 && !(inFlight = gauge.read() >= 2); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST_REQUIRE(inFlight);
    ::kill(static_cast<pid_t>(handle.id()), SIGTERM);
    bool closed = false;  // no longer accepting
    for (int i = 0; i < 200 && !(closed = !healthy(port)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(closed);
    socket.sendBytes(body.data() + 10, static_cast<int>(body.size() - 10));
    std::string response;
    char buffer[4096];
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    int n;
    while ((n = socket.receiveBytes(buffer, sizeof buffer)) > 0) {
        response.append(buffer, static_cast<std::size_t>(n));
        if (response.find("\r\n\r\n") != std::string::npos && response.find("}") != std::string::npos) break;
    }
    BOOST_TEST(response.rfind("HTTP/1.1 401", 0) == 0);
    socket.close();

    BOOST_TEST(handle.wait() == 0);
    const std::string text = log.get();
    BOOST_TEST(text.find("shutting down") != std::string::npos);
    BOOST_TEST(text.find("stopped") != std::string::npos);
    // The audit chain's head is anchored in the log, at start and then every interval.
    BOOST_TEST(text.find("audit anchor seq=0 hash=" + std::string(64, '0')) != std::string::npos);
    BOOST_TEST(text.find("audit anchor seq=1 hash=") != std::string::npos);  // after the failed login
    // log.format = json: one object per line, for log shippers.
    std::istringstream lines(text);
    std::string line;
    int parsed = 0;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        auto entry = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
        BOOST_TEST(entry->has("time"));
        BOOST_TEST(entry->has("level"));
        BOOST_TEST(entry->has("logger"));
        BOOST_TEST(entry->has("message"));
        ++parsed;
    }
    BOOST_TEST(parsed >= 5);
    // Access lines carry method, path, status, duration and request id, never bodies.
    BOOST_TEST(text.find("POST /api/v1/sessions 401") != std::string::npos);
    BOOST_TEST(text.find("not a password") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
