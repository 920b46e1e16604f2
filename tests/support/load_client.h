#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <string>

namespace registry::test {

// One keep-alive HTTP/1.1 connection, as a hospital client behind one proxy would hold it, for
// load and failure tests. A failed exchange (connection reset, timeout) is status 0.
class LoadClient {
public:
    explicit LoadClient(std::uint16_t port, int timeoutSeconds = 10);

    struct Result {
        int status = 0;
        std::string body;
        std::string contentType;
    };
    Result post(const std::string& path, const std::string& json, const std::string& token);
    Result get(const std::string& path, const std::string& token = "");

private:
    Result exchange(const std::string& method, const std::string& path, const std::string& json, const std::string& token);
    Poco::Net::HTTPClientSession session_;
};

}  // namespace registry::test
