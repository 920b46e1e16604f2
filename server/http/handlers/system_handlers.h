#pragma once

#include "server/db/pool.h"
#include "server/http/metrics.h"
#include "server/http/router.h"

#include <string>

namespace registry::http {

struct SystemDeps {
    db::ConnectionPool* pool;
    Metrics* metrics;
    std::string version;
    std::string commit;
};

// GET /health, /ready, /metrics.
void addSystemRoutes(Router& router, SystemDeps deps);

}  // namespace registry::http
