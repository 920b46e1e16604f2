#pragma once

#include "server/http/router.h"
#include "server/services/report_service.h"

namespace registry::http {

struct ReportDeps {
    services::ReportService* reports;
};

// GET /api/v1/reports and /api/v1/reports/{kind} in json, csv (zip), xlsx and html.
void addReportRoutes(Router& router, ReportDeps deps);

}  // namespace registry::http
