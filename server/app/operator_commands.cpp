#include "server/app/operator_commands.h"

#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/db/audit_repository.h"
#include "server/services/exam_service.h"
#include "server/services/two_factor_service.h"
#include "server/services/user_service.h"

#include <pqxx/pqxx>

#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace registry::app {

core::Caller operatorCaller() {
    core::Caller caller;
    caller.user.username = "registry-cli";
    caller.user.role = "admin";
    const passwd* pw = ::getpwuid(::getuid());
    caller.onBehalfOf = std::string("os-user:") + (pw ? pw->pw_name : std::to_string(::getuid()));
    caller.clientAddress = "local";
    return caller;
}

namespace {

std::string readPassword() {
    std::string password;
    if (!std::getline(std::cin, password)) throw UsageError("--password-stdin: no password on standard input");
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

void printErrors(const Error& e) {
    std::cerr << "registry: " << e.detail() << "\n";
    for (const auto& f : e.errors()) std::cerr << "  " << f.field << ": " << f.message << "\n";
}

}  // namespace

int runUserCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() < 2) throw UsageError("user needs a subcommand: add, disable, enable, passwd, reset-2fa, list");
    const std::string& sub = cl.words[1];
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::UserService users(pool, authSettings(config).pbkdf2Iterations);
    const auto caller = operatorCaller();
    try {
        if (sub == "add") {
            cl.allowOnly({"username", "role", "region", "organisation", "display-name", "password-stdin"});
            if (!cl.flag("password-stdin")) throw UsageError("user add needs --password-stdin (never a password argument)");
            services::NewUser user;
            user.username = cl.requiredOption("username");
            user.role = cl.requiredOption("role");
            user.region = cl.option("region");
            user.organisation = cl.option("organisation");
            user.displayName = cl.option("display-name", user.username);
            user.password = readPassword();
            auto created = users.create(user, caller);
            std::cout << "created user " << created.username << " (" << created.role
                      << (created.region.empty() ? "" : ", " + created.region) << ") id " << created.id << "\n";
            return 0;
        }
        if (sub == "disable" || sub == "enable") {
            cl.allowOnly({});
            if (cl.words.size() != 3) throw UsageError("user " + sub + " USERNAME");
            services::UserUpdate update;
            update.disabled = sub == "disable";
            users.update(cl.words[2], update, caller);
            std::cout << "user " << cl.words[2] << " " << sub << "d\n";
            return 0;
        }
        if (sub == "passwd") {
            cl.allowOnly({"password-stdin"});
            if (cl.words.size() != 3) throw UsageError("user passwd USERNAME --password-stdin");
            if (!cl.flag("password-stdin")) throw UsageError("user passwd needs --password-stdin");
            services::UserUpdate update;
            update.password = readPassword();
            users.update(cl.words[2], update, caller);
            std::cout << "password of " << cl.words[2] << " changed; their sessions were ended\n";
            return 0;
        }
        if (sub == "reset-2fa") {
            cl.allowOnly({});
            if (cl.words.size() != 3) throw UsageError("user reset-2fa USERNAME");
            // Removing a factor needs no key: it must work even when the key file is lost.
            services::TwoFactorService twoFactor(pool, authSettings(config).totpIssuer, nullptr);
            twoFactor.resetByUsername(cl.words[2], caller);
            std::cout << "second factor of " << cl.words[2]
                      << " removed and their sessions ended; they sign in by password and enrol again\n";
            return 0;
        }
        if (sub == "list") {
            cl.allowOnly({});
            std::string after;
            while (true) {
                auto page = users.list(after, 500, caller);
                for (const auto& u : page) {
                    std::cout << u.username << "\t" << u.role << "\t" << (u.region.empty() ? "-" : u.region) << "\t"
                              << (u.organisation.empty() ? "-" : u.organisation) << "\t"
                              << (u.disabled ? "disabled" : "active") << "\t" << u.displayName << "\n";
                }
                if (page.size() < 500) break;
                after = page.back().username;
            }
            return 0;
        }
    } catch (const Error& e) {
        printErrors(e);
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    }
    throw UsageError("unknown user subcommand '" + sub + "'");
}

int runExamCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 3 || cl.words[1] != "erase") throw UsageError("exam erase EXAM_ID --reason TEXT");
    cl.allowOnly({"reason"});
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::FormCatalog forms(pool);
    services::ExamService exams(pool, forms, loadPseudonymiser(config));
    try {
        const int versions = exams.erase(operatorCaller(), cl.words[2], cl.requiredOption("reason"));
        std::cout << "erased exam " << cl.words[2] << " (" << versions << " version(s)); the audit log keeps the event\n";
        return 0;
    } catch (const Error& e) {
        printErrors(e);
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    }
}

int runAuditCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 2 || cl.words[1] != "verify") throw UsageError("audit needs a subcommand: verify");
    cl.allowOnly({});
    pqxx::connection connection(poolSettings(config, "db.url").url);
    auto result = db::AuditRepository::verify(connection);
    if (!result.intact) {
        std::cerr << "registry: audit chain broken at event seq " << result.brokenSeq
                  << (result.brokenId.empty() ? "" : " id " + result.brokenId) << ": " << result.reason << " ("
                  << std::max<std::int64_t>(0, result.checked - 1) << " events before it are intact)\n";
        return 65;
    }
    std::cout << "audit chain intact: " << result.checked << " events checked"
              << (result.checkpointSeq ? " from the purge checkpoint after seq " + std::to_string(result.checkpointSeq)
                                       : std::string())
              << "; head " << result.headHash << "\n";
    return 0;
}

}  // namespace registry::app
