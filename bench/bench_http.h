#pragma once

// What the benchmarks that start the registry in-process share: a temporary pseudonym key
// file, a keep-alive HTTP client over loopback, and a user created and logged in.

#include "bench/bench_common.h"

#include "server/core/caller.h"
#include "server/core/crypto.h"
#include "server/core/json_merge.h"
#include "server/core/pseudonym.h"
#include "server/services/user_service.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace bench {

namespace core = registry::core;
namespace services = registry::services;

// A pseudonym key file (mode 0600) that lives as long as the benchmark.
class TempKeyFile {
public:
    TempKeyFile() {
        std::string path = bench::env("TMPDIR", "/tmp") + "/bench-pseudonym-XXXXXX";
        std::vector<char> buffer(path.begin(), path.end());
        buffer.push_back('\0');
        const int fd = ::mkstemp(buffer.data());  // created with mode 0600
        if (fd < 0) throw std::runtime_error("cannot create a temporary key file in " + bench::env("TMPDIR", "/tmp"));
        path_ = buffer.data();
        const std::string content = core::generateKeyFileContent();
        const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
        ::close(fd);
        if (!written || ::chmod(path_.c_str(), 0600) != 0) throw std::runtime_error("cannot write " + path_);
    }
    ~TempKeyFile() { ::unlink(path_.c_str()); }
    TempKeyFile(const TempKeyFile&) = delete;
    TempKeyFile& operator=(const TempKeyFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct Reply {
    int status = 0;  // 0: no HTTP answer (connection error, timeout)
    std::string body;
    std::string location;
};

// One keep-alive connection per client thread, as a real client library would hold.
class Client {
public:
    explicit Client(std::uint16_t port) : session_("127.0.0.1", port) {
        session_.setKeepAlive(true);
        session_.setTimeout(Poco::Timespan(30, 0));
    }

    Reply call(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "") {
        Reply reply;
        try {
            Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            if (!token.empty()) request.set("Authorization", "Bearer " + token);
            if (method == "POST") {
                request.setContentType("application/json");
                request.setContentLength(static_cast<std::streamsize>(body.size()));
            }
            session_.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            auto& in = session_.receiveResponse(response);
            Poco::StreamCopier::copyToString(in, reply.body);
            reply.status = static_cast<int>(response.getStatus());
            reply.location = response.get("Location", "");
        } catch (const std::exception& e) {
            session_.reset();
            reply.status = 0;
            reply.body = e.what();
        }
        return reply;
    }

private:
    Poco::Net::HTTPClientSession session_;
};

inline std::string createUser(services::UserService& users, const std::string& role, const std::string& organisation,
                       std::string& passwordOut) {
    core::Caller caller;
    caller.user.username = "bench-setup";
    caller.user.role = "admin";
    caller.clientAddress = "local";
    const std::string username = "bench." + role.substr(0, 6) + "." + registry::crypto::toHex(registry::crypto::randomBytes(4));
    passwordOut = "bench password " + registry::crypto::toHex(registry::crypto::randomBytes(8));
    users.create({username, "Bench " + role, role, "", organisation, passwordOut}, caller);
    return username;
}

inline std::string login(std::uint16_t port, const std::string& username, const std::string& password) {
    Client client(port);
    Poco::JSON::Object::Ptr credentials = new Poco::JSON::Object;
    credentials->set("username", username);
    credentials->set("password", password);
    const auto reply = client.call("POST", "/api/v1/sessions", "", core::jsonText(credentials));
    if (reply.status != 201) {
        throw std::runtime_error("login of " + username + " failed: " + std::to_string(reply.status) + " " + reply.body);
    }
    Poco::JSON::Parser parser;
    return parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
}


}  // namespace bench
