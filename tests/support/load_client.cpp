#include "tests/support/load_client.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace registry::test {

LoadClient::LoadClient(std::uint16_t port, int timeoutSeconds) : session_("127.0.0.1", port) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(timeoutSeconds, 0));
}

LoadClient::Result LoadClient::post(const std::string& path, const std::string& json, const std::string& token) {
    return exchange("POST", path, json, token);
}

LoadClient::Result LoadClient::get(const std::string& path, const std::string& token) { return exchange("GET", path, "", token); }

LoadClient::Result LoadClient::exchange(const std::string& method, const std::string& path, const std::string& json,
                                        const std::string& token) {
    Result result;
    try {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        if (!token.empty()) request.set("Authorization", "Bearer " + token);
        if (!json.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(json.size()));
        }
        auto& out = session_.sendRequest(request);
        if (!json.empty()) out << json;
        Poco::Net::HTTPResponse response;
        auto& in = session_.receiveResponse(response);
        Poco::StreamCopier::copyToString(in, result.body);
        result.status = response.getStatus();
        result.contentType = response.getContentType();
    } catch (const std::exception&) {
        session_.reset();  // a fresh connection next time
        result.status = 0;
    }
    return result;
}

}  // namespace registry::test
