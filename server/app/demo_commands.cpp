#include "server/app/demo_commands.h"

#include "server/app/settings.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/core/synthetic_exam.h"
#include "server/db/transaction.h"
#include "server/services/exam_service.h"
#include "server/services/outcome_service.h"
#include "server/services/user_service.h"

#include <cmath>
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
    {"demo.doctor.on", "Dr. E. Hendriks (forensisch arts)", "forensic_doctor", "oost_nederland", "ggd_ijsselland_fg"},
    {"demo.doctor.ob", "Dr. S. Bakker (forensisch arts)", "forensic_doctor", "oost_brabant", "ggd_hvb_fg"},
    {"demo.police.mn", "J. Visser (politie)", "police", "midden_nederland", "politie_midden_nederland"},
    {"demo.police", "T. Meijer (politie, landelijk)", "police", "", ""},
    {"demo.prosecutor.mn", "mr. K. Smit (OM)", "prosecutor", "midden_nederland", "om_midden_nederland"},
    {"demo.prosecutor", "mr. W. de Groot (OM, landelijk)", "prosecutor", "", ""},
    {"demo.loef", "L. Mulder (LOEF)", "loef", "", "loef"},
    {"demo.researcher", "Dr. R. de Boer (evaluatie)", "researcher", "", "evaluation_team"},
    {"demo.lead", "P. Janssen (projectleider)", "pilot_lead", "", "pilot_programme"},
    {"demo.admin", "A. Dekker (functioneel beheer)", "admin", "", "registry_operations"},
};

constexpr int kDemoExams = 400;

core::Caller callerFor(const db::UserRecord& user) {
    core::Caller caller;
    caller.user = Principal{user.id, user.username, user.displayName, user.role, user.region, user.organisation, ""};
    caller.clientAddress = "local";
    caller.onBehalfOf = "registry demo seed";
    return caller;
}

// A few hundred synthetic exams from the pilot's start until now, made through the same
// services (validation, pseudonyms, versions, audit) as real ones.
void seedExams(const Config& config, db::ConnectionPool& pool, const std::map<std::string, db::UserRecord>& users) {
    services::FormCatalog forms(pool);
    services::ExamService exams(pool, forms, loadPseudonymiser(config));
    services::OutcomeService outcomes(exams);
    const auto existing = db::inTransaction(pool, [](pqxx::work& tx) { return db::ExamRepository::count(tx); });
    if (existing > 0) {
        std::cout << "demo exams: " << existing << " already present\n";
        return;
    }
    const auto& codes = forms.codeLists().at("dismissal_codes");
    core::SyntheticExamGenerator generator(20250915, {codes.begin(), codes.end()});
    core::SyntheticExamGenerator::Random random(7513);
    const auto start = std::chrono::system_clock::from_time_t(1757894400);  // 2025-09-15T00:00:00Z
    const auto span = std::chrono::system_clock::now() - std::chrono::hours(6) - start;
    const std::map<std::string, std::string> doctors = {
        {"midden_nederland", "demo.doctor.mn"}, {"oost_nederland", "demo.doctor.on"}, {"oost_brabant", "demo.doctor.ob"}};
    int made = 0, drafts = 0, withOutcome = 0;
    for (int i = 0; i < kDemoExams; ++i) {
        // Midden-Nederland started first and is the largest region; referrals grow over time.
        const double r = random.uniform();
        const std::string region = r < 0.42 ? "midden_nederland" : r < 0.72 ? "oost_nederland" : "oost_brabant";
        const double position = std::sqrt(random.uniform());
        const auto examAt = start + std::chrono::duration_cast<std::chrono::system_clock::duration>(span * position);
        auto synthetic = generator.next(region, examAt);
        const auto doctor = callerFor(users.at(doctors.at(region)));
        Poco::JSON::Object body;
        body.set("fields", synthetic.fields);
        const bool draft = random.chance(0.04);
        auto view = exams.create(doctor, body, !draft);
        ++made;
        if (draft) {
            ++drafts;
            continue;
        }
        if (synthetic.policeOutcome) {
            Poco::JSON::Object part;
            part.set("fields", synthetic.policeOutcome);
            outcomes.record(callerFor(users.at("demo.police")), view.row.id, part);
            ++withOutcome;
        }
        if (synthetic.omOutcome) {
            Poco::JSON::Object part;
            part.set("fields", synthetic.omOutcome);
            outcomes.record(callerFor(users.at("demo.prosecutor")), view.row.id, part);
        }
    }
    std::cout << "demo exams: " << made << " created (" << drafts << " drafts), " << withOutcome
              << " with justice outcomes\n";
}

}  // namespace

int runDemoCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 2 || cl.words[1] != "seed") throw UsageError("demo needs a subcommand: seed");
    cl.allowOnly({});
    // It resets (and prints) the passwords of the demo accounts, an admin among them, and adds
    // synthetic exams: never against a database that was not set up for a demo.
    if (!config.getBool("demo.enabled")) {
        throw ConfigError("demo.enabled", "demo seed resets the demo accounts' passwords and adds synthetic exams; "
                                          "it runs only where demo.enabled = true (run.sh sets it for its private database)");
    }
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::UserService users(pool, authSettings(config).pbkdf2Iterations);
    core::Caller caller;
    caller.user.username = "registry-demo-seed";
    caller.user.role = "admin";
    caller.clientAddress = "local";
    std::map<std::string, db::UserRecord> accounts;
    std::cout << "demo accounts (passwords are new on every start):\n";
    for (const auto& a : kAccounts) {
        const std::string password = crypto::base64UrlEncode(crypto::randomBytes(12));
        services::UserUpdate update;
        update.password = password;
        update.disabled = false;
        db::UserRecord record;
        try {
            record = users.update(a.username, update, caller);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound) throw;
            record = users.create({a.username, a.displayName, a.role, a.region, a.organisation, password}, caller);
        }
        accounts[a.username] = record;
        std::cout << "  " << a.username << std::string(22 - std::string(a.username).size(), ' ') << password << "  "
                  << a.role << (*a.region ? std::string(" (") + a.region + ")" : std::string(" (national)")) << "\n";
    }
    seedExams(config, pool, accounts);
    return 0;
}

}  // namespace registry::app
