#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>

namespace registry::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    Poco::JSON::Object::Ptr json() const;  // throws when the body is not a JSON object
    std::string header(const std::string& name) const;
};

// A real HTTP client over loopback (Poco HTTPClientSession).
class HttpClient {
public:
    explicit HttpClient(std::uint16_t port, bool tls = false);

    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) const;
    HttpResult get(const std::string& path, const std::string& token = "") const;
    // JSON body with Content-Type application/json and an optional bearer token.
    HttpResult send(const std::string& method, const std::string& path, const std::string& json,
                    const std::string& token = "", std::map<std::string, std::string> headers = {}) const;

private:
    std::uint16_t port_;
    bool tls_;
};

}  // namespace registry::test
