#pragma once

#include "server/http/request.h"

#include <Poco/JSON/Object.h>

#include <cstddef>

namespace registry::http {

// Parses a request body that must be one JSON object: checks the content type (415), UTF-8
// validity and JSON syntax (400), and nesting depth (400). Never returns null.
Poco::JSON::Object::Ptr parseJsonObject(const Request& request, std::size_t maxDepth);

bool isValidUtf8(const std::string& text);

}  // namespace registry::http
