#include "server/http/request.h"

#include "server/core/json_writer.h"

namespace registry::http {

std::optional<std::string> Request::header(const std::string& name) const {
    if (raw && raw->has(name)) return raw->get(name);
    return std::nullopt;
}

std::optional<std::string> Request::queryParam(const std::string& name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return std::nullopt;
}

const std::string& Request::pathParam(const std::string& name) const { return pathParams.at(name); }

std::string toJson(const Poco::JSON::Object::Ptr& object) { return core::writeJson(object); }

Response Response::json(int status, const Poco::JSON::Object::Ptr& object) {
    return text(status, "application/json; charset=utf-8", toJson(object));
}

Response Response::text(int status, std::string contentType, std::string body) {
    Response response;
    response.status = status;
    response.contentType = std::move(contentType);
    response.body = std::move(body);
    return response;
}

Response Response::noContent() {
    Response response;
    response.status = 204;
    return response;
}

Response& Response::withHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

}  // namespace registry::http
