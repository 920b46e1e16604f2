#pragma once

#include "server/core/principal.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>

#include <functional>
#include <map>
#include <ostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace registry::http {

// What a handler sees of a request: the body is already read (within the size limit) and the
// path parameters are already matched.
struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> pathParams;
    std::vector<std::pair<std::string, std::string>> query;
    std::string body;
    std::string contentType;
    std::string requestId;
    std::string clientAddress;
    const Poco::Net::HTTPServerRequest* raw = nullptr;
    // Set by the authentication step for routes that require a session.
    std::optional<Principal> user;

    std::optional<std::string> header(const std::string& name) const;
    std::optional<std::string> queryParam(const std::string& name) const;
    const std::string& pathParam(const std::string& name) const;
};

struct Response {
    int status = 200;
    std::string contentType;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // Set for a streamed body (large exports): written to the connection as it is produced,
    // with chunked transfer encoding, instead of `body`.
    std::function<void(std::ostream&)> writer;

    static Response json(int status, const Poco::JSON::Object::Ptr& object);
    static Response text(int status, std::string contentType, std::string body);
    static Response noContent();
    Response& withHeader(std::string name, std::string value);
};

std::string toJson(const Poco::JSON::Object::Ptr& object);

}  // namespace registry::http
