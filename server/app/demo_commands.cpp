#include "server/app/demo_commands.h"

#include "server/app/settings.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/services/user_service.h"

#include <iostream>

namespace registry::app {
namespace {

struct DemoAccount {
    const char* username;
    const char* displayName;
    const char* role;
    const char* region;
    const char* organisation;
};

const DemoAccount kAccounts[] = {
    {"demo.doctor.mn", "Dr. M. de Vries (forensisch arts)", "forensic_doctor", "midden_nederland", "ggd_regio_utrecht_fg"},
    {"demo.doctor.ob", "Dr. S. Bakker (forensisch arts)", "forensic_doctor", "oost_brabant", "ggd_hvb_fg"},
    {"demo.police.mn", "J. Visser (politie)", "police", "midden_nederland", "politie_midden_nederland"},
    {"demo.prosecutor.mn", "mr. K. Smit (OM)", "prosecutor", "midden_nederland", "om_midden_nederland"},
    {"demo.loef", "L. Mulder (LOEF)", "loef", "", "loef"},
    {"demo.researcher", "Dr. R. de Boer (evaluatie)", "researcher", "", "evaluation_team"},
    {"demo.lead", "P. Janssen (projectleider)", "pilot_lead", "", "pilot_programme"},
    {"demo.admin", "A. Dekker (functioneel beheer)", "admin", "", "registry_operations"},
};

}  // namespace

int runDemoCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 2 || cl.words[1] != "seed") throw UsageError("demo needs a subcommand: seed");
    cl.allowOnly({});
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::UserService users(pool, authSettings(config).pbkdf2Iterations);
    core::Caller caller;
    caller.user.username = "registry-demo-seed";
    caller.user.role = "admin";
    caller.clientAddress = "local";
    std::cout << "demo accounts (passwords are new on every start):\n";
    for (const auto& a : kAccounts) {
        const std::string password = crypto::base64UrlEncode(crypto::randomBytes(12));
        services::UserUpdate update;
        update.password = password;
        update.disabled = false;
        try {
            users.update(a.username, update, caller);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound) throw;
            users.create({a.username, a.displayName, a.role, a.region, a.organisation, password}, caller);
        }
        std::cout << "  " << a.username << std::string(22 - std::string(a.username).size(), ' ') << password << "  "
                  << a.role << (*a.region ? std::string(" (") + a.region + ")" : std::string()) << "\n";
    }
    return 0;
}

}  // namespace registry::app
