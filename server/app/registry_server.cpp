#include "server/app/registry_server.h"

#include "server/app/build_info.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/http/handler_support.h"
#include "server/http/handlers/exam_handlers.h"
#include "server/http/handlers/identity_handlers.h"
#include "server/http/handlers/import_handlers.h"
#include "server/http/handlers/openapi_handlers.h"
#include "server/http/handlers/system_handlers.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace registry::app {
namespace {

std::string bearerToken(const http::Request& request) {
    auto header = request.header("Authorization");
    if (!header) throw Error(ErrorKind::Unauthorized, "Authentication is required: send Authorization: Bearer <token>.");
    const std::string value = Poco::trim(*header);
    if (value.size() < 8 || Poco::icompare(value.substr(0, 7), "bearer ") != 0) {
        throw Error(ErrorKind::Unauthorized, "Authentication is required: send Authorization: Bearer <token>.");
    }
    return Poco::trim(value.substr(7));
}

}  // namespace

RegistryServer::RegistryServer(const Config& config) {
    auto httpSettings = serverSettings(config);
    const auto auth = authSettings(config);
    const auto jsonDepth = maxJsonDepth(config);
    pool_ = std::make_shared<db::ConnectionPool>(poolSettings(config, "db.url"));
    metrics_ = std::make_shared<http::Metrics>();
    auto pseudonymiser = loadPseudonymiser(config);
    auth_ = std::make_unique<services::AuthService>(*pool_, auth);
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
        services::ImportJobSettings{importing.mappingDir, importing.batchSize, importing.threads, importing.maxRecordBytes});

    routes_ = std::make_shared<http::RouteTable>();
    http::addSystemRoutes(routes_->router, {pool_.get(), metrics_.get(), kVersion, kGitCommit});
    http::addIdentityRoutes(routes_->router, {auth_.get(), users_.get(), audit_.get(), pool_.get(), jsonDepth});
    http::addExamRoutes(routes_->router, {exams_.get(), outcomes_.get(), forms_.get(), pool_.get(), jsonDepth});
    http::addImportRoutes(routes_->router, {imports_.get(), importing.maxUploadBytes});
    http::addOpenApiRoute(routes_->router, kOpenApiDocument);
    routes_->authenticate = [this](http::Request& request) { return auth_->authenticate(bearerToken(request)); };
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
    server_->start();
    anchor_->start();
}

std::uint16_t RegistryServer::port() const { return server_->port(); }

void RegistryServer::stop() {
    if (server_) {
        server_->stop();
        server_.reset();
    }
    // A running import finishes its file first (each batch is whole either way).
    imports_.reset();
    // After the last request, so that the final anchor covers every event this process wrote.
    if (anchor_) anchor_->stop();
    if (pool_) pool_->close();
}

}  // namespace registry::app
