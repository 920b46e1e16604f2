#include "server/app/registry_app.h"

#include "server/app/build_info.h"
#include "server/app/demo_commands.h"
#include "server/app/key_commands.h"
#include "server/app/logging.h"
#include "server/app/operator_commands.h"
#include "server/app/registry_server.h"
#include "server/app/report_commands.h"
#include "server/app/retention_commands.h"
#include "server/app/settings.h"
#include "server/db/migrator.h"
#include "server/db/schema_setup.h"

#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>
#include <pqxx/pqxx>

#include <iostream>

namespace registry::app {

std::string usageText() {
    return "usage: registry [--config FILE]... COMMAND [OPTIONS]\n"
           "\n"
           "Strangulation-pilot registry " + std::string(kVersion) + ".\n"
           "\n"
           "commands:\n"
           "  serve                 serve the REST API (and migrate first when db.migrate_on_start)\n"
           "  migrate [--status]    apply pending schema migrations, or list them\n"
           "  user add --username U --role R [--region CODE] [--organisation ORG]\n"
           "           [--display-name NAME] --password-stdin\n"
           "                        create a user (roles: forensic_doctor, police, prosecutor, loef,\n"
           "                        researcher, pilot_lead, admin; password read from standard input)\n"
           "  user disable|enable U  lock a user out at once, or let them in again\n"
           "  user passwd U --password-stdin\n"
           "                        set a new password (ends the user's sessions)\n"
           "  user reset-2fa U      remove a user's second factor (lost phone); ends their sessions\n"
           "  user list             list users\n"
           "  audit verify          walk the audit hash chain; names the first broken event\n"
           "  exam erase ID --reason TEXT\n"
           "                        erase a record and all its versions (AVG request, consent\n"
           "                        withdrawn); audited, without clinical content\n"
           "  import FILE --mapping NAME [--dry-run] [--on-error=skip|abort] [--errors OUT.csv]\n"
           "                        import a legacy spreadsheet export (CSV); exit 0 all imported or\n"
           "                        already present, 65 records rejected, 66 file refused (nothing\n"
           "                        imported)\n"
           "  report KIND [--region R] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
           "         [--granularity month|quarter] [--format json|csv|xlsx|html] [--delimiter ,|;]\n"
           "         --out FILE     run a report (evaluation, om, police, loef) with disclosure\n"
           "                        control, audited; reads db.report_url when set\n"
           "  retention purge-drafts [--dry-run]\n"
           "                        remove drafts unchanged for retention.draft_days (audited)\n"
           "  retention purge-audit [--dry-run]\n"
           "                        remove audit events older than audit.retention_years, leaving a\n"
           "                        checkpoint that audit verify proves the rest from (owner role)\n"
           "  retention cleanup [--dry-run]\n"
           "                        remove old failed logins, ended sessions, expired sign-in steps\n"
           "  keys rotate [--batch-size N] [--pause-ms N]\n"
           "                        re-key every stored pseudonym to pseudonym.key_version through\n"
           "                        the key chain (pseudonym.previous_key_files); audited, resumable\n"
           "  demo seed             demo accounts for a local trial (./run.sh), passwords printed\n"
           "  help                  show this text\n"
           "\n"
           "--config FILE layers a properties file over the defaults (repeatable); every key can\n"
           "also be set as REGISTRY_<KEY>, e.g. REGISTRY_DB_URL.\n"
           "exit codes: 0 ok, 64 usage, 65 data error, 69 database unavailable, 70 internal, 73 cannot write output, 78 configuration\n";
}

int RegistryApp::main(const std::vector<std::string>& args) {
    try {
        return dispatch(CommandLine::parse(args, {"status", "password-stdin", "dry-run"}));
    } catch (const UsageError& e) {
        std::cerr << "registry: " << e.what() << "\n(see registry --help)\n";
        return kUsage;
    } catch (const ConfigError& e) {
        std::cerr << "registry: configuration error: " << e.what() << "\n";
        return kConfig;
    } catch (const db::MigrationError& e) {
        std::cerr << "registry: migration refused: " << e.what() << "\n";
        return kDataError;
    } catch (const pqxx::broken_connection& e) {
        std::string text = e.what();
        std::cerr << "registry: database unavailable: " << text.substr(0, text.find('\n')) << "\n";
        return kUnavailable;
    } catch (const Poco::Net::NetException& e) {
        std::cerr << "registry: cannot serve: " << e.displayText() << "\n";
        return kUnavailable;
    } catch (const std::exception& e) {
        std::cerr << "registry: " << e.what() << "\n";
        return kSoftware;
    }
}

int RegistryApp::dispatch(const CommandLine& cl) {
    if (cl.help || cl.words.empty() || cl.words[0] == "help") {
        std::cout << usageText();
        return cl.words.empty() && !cl.help ? kUsage : kOk;
    }
    Config config = Config::load(cl.configFiles, Config::processEnvironment());
    configureLogging(config.getString("log.level"), config.getString("log.format"));
    const std::string& command = cl.words[0];
    if (command == "serve") return serve(cl, config);
    if (command == "migrate") return migrate(cl, config);
    if (command == "user") return runUserCommand(cl, config);
    if (command == "audit") return runAuditCommand(cl, config);
    if (command == "exam") return runExamCommand(cl, config);
    if (command == "retention") return runRetentionCommand(cl, config);
    if (command == "keys") return runKeysCommand(cl, config);
    if (command == "demo") return runDemoCommand(cl, config);
    if (command == "import") return runImportCommand(cl, config);
    if (command == "report") return runReportCommand(cl, config);
    throw UsageError("unknown command '" + command + "'");
}

int RegistryApp::serve(const CommandLine& cl, const Config& config) {
    cl.allowOnly({});
    if (cl.words.size() > 1) throw UsageError("serve takes no arguments");
    auto& log = Poco::Logger::get("registry");
    // Building the server validates the whole configuration before anything touches the database.
    RegistryServer server(config);
    if (config.getBool("db.migrate_on_start")) {
        for (const auto& change : db::setUpSchema(ownerUrl(config), schemaDir(config))) log.information("applied " + change);
    }
    server.start();
    log.information("registry " + std::string(kVersion) + " serving on " + config.getString("http.address") + ":" +
                    std::to_string(server.port()));
    waitForTerminationRequest();
    log.information("shutting down: finishing requests in flight");
    server.stop();
    log.information("stopped");
    return kOk;
}

int RegistryApp::migrate(const CommandLine& cl, const Config& config) {
    cl.allowOnly({"status"});
    if (cl.words.size() > 1) throw UsageError("migrate takes no arguments");
    db::Migrator migrator(ownerUrl(config), schemaDir(config));
    if (cl.flag("status")) {
        const auto pending = migrator.pending();
        std::cout << pending.size() << " pending migration(s)\n";
        for (const auto& name : pending) std::cout << "  " << name << "\n";
        return kOk;
    }
    const auto applied = db::setUpSchema(ownerUrl(config), schemaDir(config));
    std::cout << "applied " << applied.size() << " change(s)\n";
    for (const auto& name : applied) std::cout << "  " << name << "\n";
    return kOk;
}

}  // namespace registry::app
