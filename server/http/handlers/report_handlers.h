#pragma once

#include "server/http/router.h"
#include "server/services/export_service.h"
#include "server/services/report_service.h"

#include <cstddef>

namespace registry::http {

struct ReportDeps {
    services::ReportService* reports;
    services::ExportService* exports;
    std::size_t maxJsonDepth;
};

// GET /api/v1/reports and /api/v1/reports/{kind} in json, csv (zip), xlsx and html; the research
// export (/api/v1/exports...) and the codebook.
void addReportRoutes(Router& router, ReportDeps deps);

}  // namespace registry::http
