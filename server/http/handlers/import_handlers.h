#pragma once

#include "server/http/router.h"
#include "server/services/import_jobs.h"

#include <cstddef>

namespace registry::http {

struct ImportDeps {
    services::ImportJobs* jobs;
    std::size_t maxUploadBytes;  // import.max_upload_bytes: a CSV file, not a JSON document
};

// POST /api/v1/imports (a text/csv upload) and GET /api/v1/imports/{id}. The upload's size
// limit is the server's per-route setting import.max_upload_bytes, not the JSON body limit.
void addImportRoutes(Router& router, ImportDeps deps);

}  // namespace registry::http
