#pragma once

#include "server/http/router.h"

#include <string>

namespace registry::http {

// GET /api/v1/openapi.json (public): the OpenAPI 3 description of the API, `document` being
// server/web/openapi.json as compiled into the binary.
void addOpenApiRoute(Router& router, std::string document);

}  // namespace registry::http
