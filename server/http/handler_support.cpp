#include "server/http/handler_support.h"

#include "server/http/json_body.h"

#include <Poco/NumberParser.h>

namespace registry::http {

core::Caller callerOf(const Request& request) {
    core::Caller caller;
    if (request.user) caller.user = *request.user;
    caller.clientAddress = request.clientAddress;
    caller.requestId = request.requestId;
    return caller;
}

int pageLimit(const Request& request, int fallback) {
    auto text = request.queryParam("limit");
    if (!text) return fallback;
    int value = 0;
    if (!Poco::NumberParser::tryParse(*text, value) || value < 1 || value > 500) {
        throw Error(ErrorKind::BadRequest, "limit must be a whole number from 1 to 500.");
    }
    return value;
}

JsonFields::JsonFields(Poco::JSON::Object::Ptr object, std::set<std::string> allowed) : object_(std::move(object)) {
    for (const auto& name : object_->getNames()) {
        if (!allowed.count(name)) errors_.push_back({name, "unknown_field", name + " is not a recognised field"});
    }
}

std::optional<std::string> JsonFields::string(const std::string& name, bool required, std::size_t maxLength) {
    if (!object_->has(name) || object_->isNull(name)) {
        if (required) errors_.push_back({name, "required", name + " is required"});
        return std::nullopt;
    }
    const auto value = object_->get(name);
    if (!value.isString()) {
        errors_.push_back({name, "type", name + " must be a string"});
        return std::nullopt;
    }
    auto text = value.extract<std::string>();
    if (text.size() > maxLength) {
        errors_.push_back({name, "length", name + " must be at most " + std::to_string(maxLength) + " bytes"});
        return std::nullopt;
    }
    if (required && text.empty()) {
        errors_.push_back({name, "required", name + " must not be empty"});
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> JsonFields::nullableString(const std::string& name, std::size_t maxLength) {
    if (object_->has(name) && object_->isNull(name)) return std::string();
    return string(name, false, maxLength);
}

std::optional<bool> JsonFields::boolean(const std::string& name, bool required) {
    if (!object_->has(name) || object_->isNull(name)) {
        if (required) errors_.push_back({name, "required", name + " is required"});
        return std::nullopt;
    }
    const auto value = object_->get(name);
    if (!value.isBoolean()) {
        errors_.push_back({name, "type", name + " must be true or false"});
        return std::nullopt;
    }
    return value.extract<bool>();
}

void JsonFields::finish() const {
    if (errors_.empty()) return;
    // One error per field: the first (e.g. "required") says what matters.
    std::vector<FieldError> unique;
    std::set<std::string> seen;
    for (const auto& e : errors_) {
        if (seen.insert(e.field).second) unique.push_back(e);
    }
    throw validationFailed(unique);
}

}  // namespace registry::http
