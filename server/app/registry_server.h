#pragma once

#include "server/app/config.h"
#include "server/db/pool.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/services/audit_anchor.h"
#include "server/services/audit_service.h"
#include "server/services/auth_service.h"
#include "server/services/exam_service.h"
#include "server/services/form_catalog.h"
#include "server/services/import_jobs.h"
#include "server/services/outcome_service.h"
#include "server/services/export_service.h"
#include "server/services/report_service.h"
#include "server/services/report_warmer.h"
#include "server/services/two_factor_service.h"
#include "server/services/user_service.h"
#include "server/core/rate_limiter.h"

#include <cstdint>
#include <memory>

namespace registry::app {

// The composition root: builds the pool, services and routes from configuration and runs the
// HTTP server. The `registry serve` command and the integration tests both use it.
class RegistryServer {
public:
    explicit RegistryServer(const Config& config);
    ~RegistryServer();

    void start();
    std::uint16_t port() const;
    void stop();

    // The routes this server answers (the access-matrix test walks them).
    std::vector<http::Router::RouteInfo> routes() const { return routes_->router.routes(); }

private:
    std::shared_ptr<db::ConnectionPool> pool_;
    std::shared_ptr<http::Metrics> metrics_;
    std::unique_ptr<services::AuthService> auth_;
    std::unique_ptr<services::TwoFactorService> twoFactor_;
    std::unique_ptr<core::RateLimiter> rateLimiter_;
    std::unique_ptr<services::UserService> users_;
    std::unique_ptr<services::AuditService> audit_;
    std::unique_ptr<services::AuditAnchor> anchor_;
    std::unique_ptr<services::FormCatalog> forms_;
    std::unique_ptr<services::ExamService> exams_;
    std::unique_ptr<services::OutcomeService> outcomes_;
    std::unique_ptr<services::ImportJobs> imports_;
    std::shared_ptr<db::ConnectionPool> reportPool_;  // pool_ itself when db.report_url is empty
    std::unique_ptr<services::ReportService> reports_;
    std::unique_ptr<services::ReportWarmer> warmer_;
    std::unique_ptr<services::ExportService> exports_;
    std::shared_ptr<http::RouteTable> routes_;
    std::unique_ptr<http::HttpServer> server_;
};

}  // namespace registry::app
