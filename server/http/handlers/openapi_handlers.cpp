#include "server/http/handlers/openapi_handlers.h"

#include <memory>

namespace registry::http {

void addOpenApiRoute(Router& router, std::string document) {
    auto text = std::make_shared<const std::string>(std::move(document));
    router.add("GET", "/api/v1/openapi.json", [text](Request&) {
        return Response::text(200, "application/json; charset=utf-8", *text);
    });
}

}  // namespace registry::http
