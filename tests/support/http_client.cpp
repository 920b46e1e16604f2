#include "tests/support/http_client.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <memory>
#include <mutex>

namespace registry::test {

Poco::JSON::Object::Ptr HttpResult::json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string HttpResult::header(const std::string& name) const {
    auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(std::uint16_t port, bool tls) : port_(port), tls_(tls) {}

HttpResult HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                               const std::map<std::string, std::string>& headers) const {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (tls_) {
        static std::once_flag once;
        std::call_once(once, [] { Poco::Net::initializeSSL(); });
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE);
        session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port_, context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port_);
    }
    session->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    auto& out = session->sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    auto& in = session->receiveResponse(response);
    HttpResult result;
    result.status = response.getStatus();
    for (const auto& [name, value] : response) result.headers[Poco::toLower(name)] = value;
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

HttpResult HttpClient::get(const std::string& path, const std::string& token) const {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return request("GET", path, "", headers);
}

HttpResult HttpClient::send(const std::string& method, const std::string& path, const std::string& json,
                            const std::string& token, std::map<std::string, std::string> headers) const {
    headers.emplace("Content-Type", "application/json");
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return request(method, path, json, headers);
}

}  // namespace registry::test
