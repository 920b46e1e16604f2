#include "server/http/handlers/system_handlers.h"

#include "server/core/errors.h"


namespace registry::http {

void addSystemRoutes(Router& router, SystemDeps deps) {
    router.add("GET", "/health", [](Request&) {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("status", "ok");
        return Response::json(200, body);
    });

    router.add("GET", "/ready", [deps](Request&) {
        if (!deps.pool->ping()) throw Error(ErrorKind::ServiceUnavailable, "The database does not answer.");
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("status", "ready");
        return Response::json(200, body);
    });

    router.add("GET", "/metrics", [deps](Request&) {
        const auto stats = deps.pool->stats();
        Metrics::Gauges gauges{stats.inUse, stats.idle, stats.capacity, deps.version, deps.commit};
        return Response::text(200, "text/plain; version=0.0.4; charset=utf-8", deps.metrics->render(gauges));
    });
}

}  // namespace registry::http
