#include "server/app/registry_server.h"

#include "server/app/build_info.h"
#include "server/app/settings.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/http/handler_support.h"
#include "server/http/handlers/dashboard_handlers.h"
#include "server/http/handlers/exam_handlers.h"
#include "server/http/handlers/identity_handlers.h"
#include "server/http/handlers/import_handlers.h"
#include "server/http/handlers/openapi_handlers.h"
#include "server/http/handlers/report_handlers.h"
#include "server/http/handlers/session_handlers.h"
#include "server/http/handlers/system_handlers.h"
#include "server/http/session_cookie.h"
#include "server/http/static_site.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace registry::app {
namespace {

std::string bearerToken(const http::Request& request) {
    auto header = request.header("Authorization");
    if (!header) {
        // The web app's session cookie stands in for the header, with its CSRF token.
        if (auto cookie = http::sessionCookieToken(request)) return *cookie;
        throw Error(ErrorKind::Unauthorized, "Authentication is required: send Authorization: Bearer <token>.");
    }
    const std::string value = Poco::trim(*header);
    if (value.size() < 8 || Poco::icompare(value.substr(0, 7), "bearer ") != 0) {
        throw Error(ErrorKind::Unauthorized, "Authentication is required: send Authorization: Bearer <token>.");
    }
    return Poco::trim(value.substr(7));
}

// What a session that still has to enrol a second factor may do.
bool allowedBeforeEnrolment(const std::string& action) {
    // me.read: the web app learns from GET /api/v1/me that the session must enrol, and a reloaded
    // page gets its CSRF token back; it tells the caller nothing but who they are.
    return action == "second_factor.enrol" || action == "session.delete" || action == "me.read";
}

// Enrolments made before secrets were sealed (schema/045) hold a clear secret that SQL could not
// seal, as the key is not in the database: the first start with auth.totp_key_file seals them.
void sealClearTotpSecrets(services::TwoFactorService& twoFactor) {
    core::Caller startUp;
    startUp.clientAddress = "local";
    startUp.onBehalfOf = "registry serve (start-up)";
    try {
        if (const int sealed = twoFactor.sealClearSecrets(startUp)) {
            Poco::Logger::get("registry").information(std::to_string(sealed) + " clear TOTP secret(s) sealed at rest");
        }
    } catch (const std::exception& e) {
        // The server still serves (the database may be back in a moment); until a start that
        // succeeds here, a user whose secret is still clear cannot finish the code step.
        Poco::Logger::get("registry").error(std::string("cannot seal clear TOTP secrets: ") + e.what());
    }
}

}  // namespace

RegistryServer::RegistryServer(const Config& config) {
    auto httpSettings = serverSettings(config);
    const auto auth = authSettings(config);
    const auto jsonDepth = maxJsonDepth(config);
    pool_ = std::make_shared<db::ConnectionPool>(poolSettings(config, "db.url"));
    metrics_ = std::make_shared<http::Metrics>();
    auto pseudonymiser = loadPseudonymiser(config);
    const auto totpSecrets = loadTotpSecretBox(config);
    auth_ = std::make_unique<services::AuthService>(*pool_, auth, totpSecrets);
    twoFactor_ = std::make_unique<services::TwoFactorService>(*pool_, auth.totpIssuer, totpSecrets);
    const auto limits = rateLimitSettings(config);
    rateLimiter_ = std::make_unique<core::RateLimiter>(limits.perSecond, limits.burst);
    users_ = std::make_unique<services::UserService>(*pool_, auth.pbkdf2Iterations);
    audit_ = std::make_unique<services::AuditService>(*pool_);
    anchor_ = std::make_unique<services::AuditAnchor>(
        *pool_, std::chrono::seconds(config.getInt("audit.anchor_interval_seconds", 0, 7 * 24 * 3600)));
    forms_ = std::make_unique<services::FormCatalog>(*pool_);
    exams_ = std::make_unique<services::ExamService>(*pool_, *forms_, std::move(pseudonymiser));
    outcomes_ = std::make_unique<services::OutcomeService>(*exams_);
    const auto importing = importSettings(config);
    imports_ = std::make_unique<services::ImportJobs>(
        *pool_, *forms_, exams_->pseudonymiser(),
        services::ImportJobSettings{importing.mappingDir, importing.batchSize, importing.threads, importing.maxRecordBytes,
                                    4, 50, importing.jobStaleSeconds});
    // Reports and exports read from db.report_url (a streaming replica) when it is set.
    reportPool_ = config.getString("db.report_url").empty()
                      ? pool_
                      : std::make_shared<db::ConnectionPool>(poolSettings(config, "db.report_url"));
    reports_ = std::make_unique<services::ReportService>(
        *pool_, *reportPool_, static_cast<int>(config.getInt("reports.min_cell", 2, 1000)), kVersion,
        static_cast<int>(config.getInt("reports.max_concurrent", 1, 64)));
    warmer_ = std::make_unique<services::ReportWarmer>(
        *reports_, std::chrono::seconds(config.getInt("reports.warm_interval_seconds", 0, 7 * 24 * 3600)),
        std::chrono::seconds(config.getInt("reports.warm_delay_seconds", 0, 24 * 3600)));

    routes_ = std::make_shared<http::RouteTable>();
    http::addSystemRoutes(routes_->router, {pool_.get(), metrics_.get(), kVersion, kGitCommit});
    http::addIdentityRoutes(routes_->router, {auth_.get(), users_.get(), audit_.get(), pool_.get(), jsonDepth,
                                              !httpSettings.tlsCertificate.empty()});
    http::addSessionRoutes(routes_->router,
                           {auth_.get(), twoFactor_.get(), jsonDepth, !httpSettings.tlsCertificate.empty()});
    http::addExamRoutes(routes_->router, {exams_.get(), outcomes_.get(), forms_.get(), pool_.get(), jsonDepth});
    http::addImportRoutes(routes_->router, {imports_.get(), importing.maxUploadBytes});
    exports_ = std::make_unique<services::ExportService>(*pool_, *reportPool_, reports_->engine(), loadPseudonymiser(config));
    http::addReportRoutes(routes_->router, {reports_.get(), exports_.get(), jsonDepth});
    http::addDashboardRoutes(routes_->router, {reports_.get()});
    http::addOpenApiRoute(routes_->router, kOpenApiDocument);
    routes_->authenticate = [this](http::Request& request) {
        const std::string token = bearerToken(request);
        const std::string tokenKey = crypto::sha256Hex(token);
        const auto refuse = [this](int retryAfter) {
            metrics_->countRateLimited();
            return Error(ErrorKind::TooManyRequests, "Too many requests; slow down and retry later.")
                .withHeader("Retry-After", std::to_string(retryAfter));
        };
        // A token refused a moment ago is refused again without a database round trip.
        if (const auto early = rateLimiter_->refusedEarlier(tokenKey); !early.allowed) throw refuse(early.retryAfterSeconds);
        Principal principal = auth_->authenticate(token);
        if (!request.header("Authorization")) http::requireCsrf(request, token);
        // Per user, not per connection or address: many clerks behind one NAT are not one user,
        // and one user cannot escape the limit by opening more connections.
        const auto decision = rateLimiter_->take(principal.userId);
        if (!decision.allowed) {
            rateLimiter_->rememberRefusal(tokenKey, decision.retryAfterSeconds);
            throw refuse(decision.retryAfterSeconds);
        }
        if (principal.enrolmentOnly) {
            const std::string action = routes_->router.match(request.method, request.path).action;
            if (!allowedBeforeEnrolment(action)) {
                request.user = principal;
                try {
                    auth_->recordDenied(http::callerOf(request), action, "route", request.path,
                                        "second-factor enrolment required");
                } catch (const std::exception& e) {
                    Poco::Logger::get("registry.audit").error(std::string("cannot record refused access: ") + e.what());
                }
                throw Error(ErrorKind::Forbidden,
                            "Your role must sign in with a second factor: enrol first (POST /api/v1/me/second-factor, "
                            "then POST /api/v1/me/second-factor/confirm).");
            }
        }
        return principal;
    };
    auto site = std::make_shared<const http::StaticSite>(webRoot(config));
    if (site->fileCount() > 0) {
        routes_->staticFiles = [site](const http::Request& request) { return site->serve(request); };
    }
    routes_->recordDenied = [this](const http::Request& request, const std::string& action) {
        try {
            auth_->recordDenied(http::callerOf(request), action, "route", request.path, "role not permitted");
        } catch (const std::exception& e) {
            // The refusal stands even if it cannot be logged; the operator must hear about it.
            Poco::Logger::get("registry.audit").error(std::string("cannot record refused access: ") + e.what());
        }
    };
    server_ = std::make_unique<http::HttpServer>(std::move(httpSettings), routes_, metrics_);
}

RegistryServer::~RegistryServer() { stop(); }

void RegistryServer::start() {
    // After migration (db.migrate_on_start), before the first request.
    sealClearTotpSecrets(*twoFactor_);
    server_->start();
    anchor_->start();
    warmer_->start();
}

std::uint16_t RegistryServer::port() const { return server_->port(); }

void RegistryServer::stop() {
    if (server_) {
        server_->stop();
        server_.reset();
    }
    // A running import finishes its file first (each batch is whole either way).
    imports_.reset();
    if (warmer_) warmer_->stop();
    // After the last request, so that the final anchor covers every event this process wrote.
    if (anchor_) anchor_->stop();
    if (reportPool_ && reportPool_ != pool_) reportPool_->close();
    if (pool_) pool_->close();
}

}  // namespace registry::app
