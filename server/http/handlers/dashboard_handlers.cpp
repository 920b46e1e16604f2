#include "server/http/handlers/dashboard_handlers.h"

#include "reports/dashboard.h"
#include "server/core/errors.h"
#include "server/http/handler_support.h"

#include <set>

namespace registry::http {

void addDashboardRoutes(Router& router, DashboardDeps d) {
    router.add("GET", "/api/v1/dashboard", [d](Request& req) {
        // The filters of the reports, nothing else: the dashboard is always suppressed.
        static const std::set<std::string> known{"region", "from", "to", "granularity"};
        std::vector<FieldError> errors;
        for (const auto& [name, value] : req.query) {
            if (!known.count(name)) errors.push_back({name, "unknown_field", "unknown query parameter"});
        }
        if (!errors.empty()) throw validationFailed(errors);
        auto params = reports::ReportEngine::parseParams(
            "evaluation", req.queryParam("region").value_or(""), req.queryParam("from").value_or(""),
            req.queryParam("to").value_or(""), req.queryParam("granularity").value_or(""));
        params.kind = "dashboard";
        params.suppress = true;
        const auto report = d.reports->run(callerOf(req), params, "dashboard");
        return Response::text(200, "application/json; charset=utf-8", reports::renderDashboardJson(report));
    }, "dashboard.read");
}

}  // namespace registry::http
