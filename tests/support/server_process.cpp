#include "tests/support/server_process.h"

#include "tests/support/http_client.h"
#include "tests/support/test_server.h"

#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace registry::test {

std::uint16_t freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

ServerProcess::ServerProcess(std::map<std::string, std::string> env) : env_(std::move(env)), port_(freePort()) {
    env_.emplace("REGISTRY_HTTP_PORT", std::to_string(port_));
    env_.emplace("REGISTRY_PSEUDONYM_KEY_FILE", writeTestKeyFile());
    env_.emplace("REGISTRY_AUTH_TOTP_KEY_FILE", writeTestKeyFile());
    env_.emplace("REGISTRY_AUTH_PBKDF2_ITERATIONS", "1000");
    env_.emplace("REGISTRY_LOG_LEVEL", "warning");
}

ServerProcess::~ServerProcess() {
    if (handle_) {
        try {
            kill9();
        } catch (...) {
        }
    }
}

void ServerProcess::start() {
    Poco::Process::Env env(env_.begin(), env_.end());
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(std::getenv("REGISTRY_BINARY"), {"serve"}, ".", nullptr, nullptr, nullptr, env));
    for (int i = 0; i < 300; ++i) {
        try {
            if (HttpClient(port_).get("/health").status == 200) return;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("registry serve did not come up");
}

void ServerProcess::kill9() {
    if (!handle_) return;
    ::kill(static_cast<pid_t>(handle_->id()), SIGKILL);
    handle_->wait();
    handle_.reset();
}

int ServerProcess::terminate() {
    if (!handle_) return -1;
    ::kill(static_cast<pid_t>(handle_->id()), SIGTERM);
    const int code = handle_->wait();
    handle_.reset();
    return code;
}

}  // namespace registry::test
