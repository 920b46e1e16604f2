#pragma once

#include "server/core/caller.h"
#include "server/core/errors.h"
#include "server/http/request.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace registry::http {

core::Caller callerOf(const Request& request);

// ?limit= within 1..500 (default `fallback`); 400 otherwise.
int pageLimit(const Request& request, int fallback = 100);

// Strictly typed reading of a small JSON request object (login, users, ...): wrong types are
// field errors, unknown members are refused, and all problems are reported together.
class JsonFields {
public:
    JsonFields(Poco::JSON::Object::Ptr object, std::set<std::string> allowed);

    std::optional<std::string> string(const std::string& name, bool required, std::size_t maxLength = 1024);
    std::optional<bool> boolean(const std::string& name, bool required);
    // A string member whose JSON null means "clear" (returned as an empty string).
    std::optional<std::string> nullableString(const std::string& name, std::size_t maxLength = 1024);
    void add(const std::vector<FieldError>& errors) { errors_.insert(errors_.end(), errors.begin(), errors.end()); }
    // Throws ValidationFailed (422) listing every problem seen so far.
    void finish() const;

private:
    Poco::JSON::Object::Ptr object_;
    std::vector<FieldError> errors_;
};

}  // namespace registry::http
