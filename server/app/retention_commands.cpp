#include "server/app/retention_commands.h"

#include "server/app/operator_commands.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/services/retention_service.h"

#include <iostream>

namespace registry::app {

int runRetentionCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 2) throw UsageError("retention needs a subcommand: purge-drafts, purge-audit, cleanup");
    cl.allowOnly({"dry-run"});
    const std::string& sub = cl.words[1];
    const bool dryRun = cl.flag("dry-run");
    const std::string verb = dryRun ? "would remove " : "removed ";
    try {
        if (sub == "purge-drafts") {
            const int days = static_cast<int>(config.getInt("retention.draft_days", 1, 36500));
            db::ConnectionPool pool(poolSettings(config, "db.url"));
            services::RetentionService retention(pool);
            const auto count = retention.purgeDrafts(operatorCaller(), days, dryRun);
            std::cout << verb << count << " draft(s) unchanged for more than " << days << " days\n";
            return 0;
        }
        if (sub == "cleanup") {
            const auto auth = authSettings(config);
            const int sessionDays = static_cast<int>(config.getInt("retention.session_days", 1, 3650));
            db::ConnectionPool pool(poolSettings(config, "db.url"));
            services::RetentionService retention(pool);
            const auto c = retention.cleanup(operatorCaller(), auth.lockoutWindowMinutes, sessionDays,
                                             auth.sessionIdleMinutes, dryRun);
            std::cout << verb << c.loginFailures << " failed-login record(s) older than "
                      << auth.lockoutWindowMinutes << " minutes, " << c.sessions << " session(s) ended more than "
                      << sessionDays << " days ago, " << c.challenges << " expired sign-in challenge(s)\n";
            return 0;
        }
        if (sub == "purge-audit") {
            // SECURITY.md: at least five years.
            const int years = static_cast<int>(config.getInt("audit.retention_years", 5, 100));
            // Only the owner role may delete audit events; the service role cannot, by design.
            auto settings = poolSettings(config, "db.url");
            settings.url = ownerUrl(config);
            settings.size = 1;
            db::ConnectionPool pool(settings);
            services::RetentionService retention(pool);
            const auto plan = retention.purgeAudit(operatorCaller(), years, dryRun);
            std::cout << verb << plan.count << " audit event(s) older than " << years << " years";
            if (plan.count) std::cout << " (through seq " << plan.throughSeq << ", the last of " << plan.throughOccurredAt << ")";
            std::cout << "\n";
            if (!dryRun && plan.count) {
                std::cout << "checkpoint through seq " << plan.throughSeq << " hash " << plan.throughHash
                          << "; registry audit verify proves the remaining chain from it\n";
            }
            return 0;
        }
    } catch (const Error& e) {
        std::cerr << "registry: " << e.detail() << "\n";
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    }
    throw UsageError("unknown retention subcommand '" + sub + "'");
}

}  // namespace registry::app
