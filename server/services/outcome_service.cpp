#include "server/services/outcome_service.h"

#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/json_merge.h"
#include "server/core/validator.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include <Poco/JSON/Parser.h>

namespace registry::services {
namespace {

const Poco::JSON::Object& fieldsOf(const Poco::JSON::Object& body, const std::set<std::string>& allowed) {
    std::vector<FieldError> errors;
    for (const auto& name : body.getNames()) {
        if (!allowed.count(name)) errors.push_back({name, "unknown_field", name + " is not a recognised member"});
    }
    if (!body.has("fields") || !body.isObject("fields")) {
        errors.push_back({"fields", body.has("fields") ? "type" : "required", "fields must be an object"});
    }
    if (!errors.empty()) throw validationFailed(errors);
    return *body.getObject("fields");
}

std::string partOf(const Principal& user) { return user.role == "police" ? "police" : "prosecutor"; }

}  // namespace

OutcomeView OutcomeService::write(pqxx::transaction_base& tx, const core::Caller& caller, const db::ExamRow& exam,
                                  const Poco::JSON::Object& fields) {
    if (exam.status == "draft") throw Error(ErrorKind::Conflict, "The exam has not been submitted yet.");
    const std::string part = partOf(caller.user);
    auto def = exams_.forms().get(tx, exam.formVersion);
    auto outcome = core::validate(*def, fields, core::ValidationMode::Submit, std::chrono::system_clock::now(),
                                  exams_.forms().codeLists(tx), part);
    if (!outcome.ok()) throw validationFailed(outcome.errors);
    auto stored = db::ExamRepository::outcome(tx, exam.id, true).value_or(db::OutcomeRow{exam.id, 0, "{}", "{}", ""});
    const std::string json = core::jsonText(outcome.fields);
    (part == "police" ? stored.policeJson : stored.omJson) = json;
    stored.version += 1;
    db::ExamRepository::saveOutcome(tx, stored, exams_.forms().dismissalListVersion(tx));
    db::ExamRepository::insertOutcomeVersion(tx, exam.id, stored.version, part, json, caller.user.userId);
    auto event = core::newAuditEvent(caller, "outcome.record", "success", "exam", exam.id);
    event.subjectPseudonym = exam.victimPseudonym;
    event.detail = part + " part, outcome version " + std::to_string(stored.version);
    db::AuditRepository::append(tx, event);
    auto saved = db::ExamRepository::outcome(tx, exam.id, false);
    return OutcomeView{exam.id, saved->version, part, outcome.fields, saved->updatedAt};
}

OutcomeView OutcomeService::record(const core::Caller& caller, const std::string& examId, const Poco::JSON::Object& body) {
    return exams_.inScope([&](pqxx::work& tx) {
        auto exam = exams_.requireInScope(tx, caller, examId, "outcome.record", true);
        return write(tx, caller, exam, fieldsOf(body, {"fields"}));
    });
}

OutcomeView OutcomeService::recordByPoliceReference(const core::Caller& caller, const Poco::JSON::Object& body) {
    const auto& fields = fieldsOf(body, {"fields", "police_reference"});
    if (!body.has("police_reference") || !body.get("police_reference").isString()) {
        throw validationFailed({{"police_reference", body.has("police_reference") ? "type" : "required",
                        "police_reference must be the police registration number as a string"}});
    }
    const std::string clear = body.getValue<std::string>("police_reference");
    if (clear.size() > 64) throw validationFailed({{"police_reference", "length", "police_reference must be at most 64 characters"}});
    // Every key version the chain holds: records not yet reached by a rotation still match.
    std::vector<std::string> pseudonyms;
    try {
        pseudonyms = exams_.pseudonymiser().pseudonymsAllVersions(clear);
    } catch (const std::invalid_argument&) {
        throw validationFailed({{"police_reference", "type", "police_reference must contain letters or digits"}});
    }
    return exams_.inScope([&](pqxx::work& tx) {
        auto ids = db::ExamRepository::findByPolicePseudonym(tx, pseudonyms, ExamService::scopeOf(caller.user));
        if (ids.empty()) throw Error(ErrorKind::NotFound, "No submitted exam in your region has this police reference.");
        if (ids.size() > 1) {
            throw Error(ErrorKind::Conflict, "This police reference belongs to " + std::to_string(ids.size()) +
                                                 " exams; record the outcome by exam id.");
        }
        auto exam = exams_.requireInScope(tx, caller, ids.front(), "outcome.record", true);
        return write(tx, caller, exam, fields);
    });
}

}  // namespace registry::services
