#pragma once

#include <Poco/Process.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace registry::test {

// `registry serve` as a separate process (the built binary, REGISTRY_BINARY), configured through
// REGISTRY_* environment variables, for tests that kill it or outlive it.
class ServerProcess {
public:
    // `env` is added to a test base (port, key file, low PBKDF2 cost, warnings only).
    explicit ServerProcess(std::map<std::string, std::string> env);
    ~ServerProcess();

    void start();          // returns once /health answers (or throws)
    void kill9();          // SIGKILL, and reaps the process
    int terminate();       // SIGTERM; the exit code
    std::uint16_t port() const { return port_; }

private:
    std::map<std::string, std::string> env_;
    std::uint16_t port_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
};

std::uint16_t freePort();

}  // namespace registry::test
