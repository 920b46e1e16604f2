#pragma once

#include "server/http/router.h"
#include "server/services/report_service.h"

namespace registry::http {

struct DashboardDeps {
    services::ReportService* reports;
};

// GET /api/v1/dashboard: the web app's KPIs and chart series, from the evaluation report with
// its region scope, disclosure control and audit event (the report service), as JSON.
void addDashboardRoutes(Router& router, DashboardDeps deps);

}  // namespace registry::http
