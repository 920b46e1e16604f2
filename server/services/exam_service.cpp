#include "server/services/exam_service.h"

#include "server/core/audit_event.h"
#include "server/core/crypto.h"
#include "server/core/derived.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/core/json_merge.h"
#include "server/core/policy.h"
#include "server/core/timestamp.h"
#include "server/core/validator.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/UUIDGenerator.h>

#include <regex>
#include <set>

namespace registry::services {
namespace {

// Stands in for a stored reference while a document is validated: the clear value is gone, but
// "present" must still satisfy `required`.
const char* const kStoredReference = "STORED-REFERENCE";

const char* const kVictimReference = "victim_reference";
const char* const kPoliceReference = "police_reference";

// Stored fields (jsonb keeps no key order; view() restores the form's order).
Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The body of a create/patch: {"form_version"?, "fields": {...}}; `derived` is refused.
struct ExamBody {
    std::optional<int> formVersion;
    Poco::JSON::Object::Ptr fields;
};

// `alsoAllowed`: other members the caller reads itself (an amendment's reason).
ExamBody readBody(const Poco::JSON::Object& body, const char* fieldsMember, bool requireFields,
                  const std::set<std::string>& alsoAllowed = {}) {
    std::vector<FieldError> errors;
    ExamBody out;
    for (const auto& name : body.getNames()) {
        if (name == "form_version") {
            const auto v = body.get(name);
            if (!v.isInteger() || v.isBoolean()) {
                errors.push_back({"form_version", "type", "form_version must be an integer"});
            } else {
                out.formVersion = static_cast<int>(v.convert<Poco::Int64>());
            }
        } else if (name == fieldsMember) {
            if (!body.isObject(name)) {
                errors.push_back({name, "type", std::string(fieldsMember) + " must be an object"});
            } else {
                out.fields = body.getObject(name);
            }
        } else if (name == "derived") {
            errors.push_back({"derived", "rule", "derived values are computed by the registry and cannot be sent"});
        } else if (!alsoAllowed.count(name)) {
            errors.push_back({name, "unknown_field", name + " is not a recognised member"});
        }
    }
    if (!out.fields) {
        if (requireFields && errors.empty()) errors.push_back({fieldsMember, "required", std::string(fieldsMember) + " is required"});
        out.fields = new Poco::JSON::Object;
    }
    if (!errors.empty()) throw validationFailed(errors);
    return out;
}

// What a request does to one identifying field.
struct ReferenceChange {
    enum class Kind { Keep, Set, Clear } kind = Kind::Keep;
    std::string clear;
};

// The record state a change produces, ready to store.
struct PreparedExam {
    Poco::JSON::Object::Ptr fields;  // normalised, no identifying fields
    std::optional<std::string> victimPseudonym;
    std::optional<std::string> policePseudonym;
    Poco::JSON::Object::Ptr derived;
    std::string region;
};

std::optional<double> number(const Poco::JSON::Object& o, const std::string& name) {
    if (!o.has(name) || o.get(name).isEmpty()) return std::nullopt;
    return o.get(name).convert<double>();
}

std::optional<bool> flag(const Poco::JSON::Object& o, const std::string& name) {
    if (!o.has(name) || o.get(name).isEmpty()) return std::nullopt;
    return o.get(name).convert<bool>();
}

class Preparer {
public:
    Preparer(const core::FormDefinition& def, const core::ExternalCodeLists& codeLists,
             const core::Pseudonymiser& pseudonymiser)
        : def_(def), codeLists_(codeLists), pseudonymiser_(pseudonymiser) {}

    // `current`: stored fields (may be empty); `patch`: the request's fields as a merge patch.
    PreparedExam prepare(const Poco::JSON::Object& current, const std::string& storedVictim,
                         const std::string& storedPolice, const Poco::JSON::Object& patch, core::ValidationMode mode,
                         const Principal& user) {
        auto document = core::applyMergePatch(current, patch);
        std::map<std::string, ReferenceChange> refs;
        for (const char* code : {kVictimReference, kPoliceReference}) {
            ReferenceChange change;
            if (patch.has(code)) {
                const auto v = patch.get(code);
                if (v.isEmpty()) {
                    change.kind = ReferenceChange::Kind::Clear;
                } else if (v.isString()) {
                    change.kind = ReferenceChange::Kind::Set;
                    change.clear = v.extract<std::string>();
                }
            }
            refs[code] = change;
            // Only a reference the request leaves alone stands in as "present"; anything the
            // request sent (a wrong type included) is validated as sent.
            const std::string& stored = std::string(code) == kVictimReference ? storedVictim : storedPolice;
            if (!patch.has(code) && !stored.empty()) document->set(code, kStoredReference);
        }
        // A doctor records exams for their own region; a national doctor must say which.
        std::vector<FieldError> errors;
        if (user.role == "forensic_doctor" && !user.region.empty()) {
            if (!document->has("region")) document->set("region", user.region);
            const auto region = document->get("region");
            if (region.isString() && region.extract<std::string>() != user.region) {
                errors.push_back({"region", "rule", "you can record exams only for your own region (" + user.region + ")"});
            }
        }
        auto outcome = core::validate(def_, *document, mode, std::chrono::system_clock::now(), codeLists_);
        errors.insert(errors.end(), outcome.errors.begin(), outcome.errors.end());
        PreparedExam prepared;
        const auto& fields = outcome.fields;
        if (!fields || !fields->has("region") || !fields->get("region").isString()) {
            if (std::none_of(errors.begin(), errors.end(), [](const FieldError& e) { return e.field == "region"; })) {
                errors.push_back({"region", "required", "region is required to store a record"});
            }
        }
        for (const char* code : {kVictimReference, kPoliceReference}) {
            const auto& change = refs[code];
            std::optional<std::string> pseudonym;
            const std::string& stored = std::string(code) == kVictimReference ? storedVictim : storedPolice;
            if (change.kind == ReferenceChange::Kind::Keep && !stored.empty()) pseudonym = stored;
            if (change.kind == ReferenceChange::Kind::Set) {
                try {
                    pseudonym = pseudonymiser_.pseudonymise(change.clear);
                } catch (const std::invalid_argument&) {
                    if (std::none_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == code; })) {
                        errors.push_back({code, "type", std::string(code) + " must contain letters or digits"});
                    }
                }
            }
            (std::string(code) == kVictimReference ? prepared.victimPseudonym : prepared.policePseudonym) = pseudonym;
        }
        if (!errors.empty()) throw validationFailed(errors);
        // Stored as jsonb, which keeps no key order: an unordered object saves Poco's linear
        // search per member of an ordered one.
        prepared.fields = new Poco::JSON::Object();
        for (const auto& name : fields->getNames()) {
            if (name != kVictimReference && name != kPoliceReference) prepared.fields->set(name, fields->get(name));
        }
        prepared.region = fields->getValue<std::string>("region");
        prepared.derived = core::derive(*prepared.fields);
        return prepared;
    }

private:
    const core::FormDefinition& def_;
    const core::ExternalCodeLists& codeLists_;
    const core::Pseudonymiser& pseudonymiser_;
};

void setDerivedValues(db::ExamWrite& w, const Poco::JSON::Object& derived) {
    w.hoursReportToExam = number(derived, "hours_report_to_exam");
    w.hoursIncidentToExam = number(derived, "hours_incident_to_exam");
    w.within24h = flag(derived, "within_24h");
    w.within48h = flag(derived, "within_48h");
    w.within72h = flag(derived, "within_72h");
    w.internalOnly = flag(derived, "internal_only");
}

db::ExamWrite toWrite(const std::string& id, int formVersion, const std::string& status, int version,
                      const std::string& authorId, const PreparedExam& p, int keyVersion) {
    db::ExamWrite w;
    w.id = id;
    w.formVersion = formVersion;
    w.status = status;
    w.version = version;
    w.region = p.region;
    w.authorId = authorId;
    w.fieldsJson = core::jsonText(p.fields);
    w.victimPseudonym = p.victimPseudonym;
    w.policePseudonym = p.policePseudonym;
    w.keyVersion = keyVersion;
    setDerivedValues(w, *p.derived);
    return w;
}

void audit(pqxx::transaction_base& tx, const core::Caller& caller, const std::string& action, const std::string& id,
           const std::string& subject, const std::string& detail = "") {
    auto event = core::newAuditEvent(caller, action, "success", "exam", id);
    event.subjectPseudonym = subject;
    event.detail = detail;
    db::AuditRepository::append(tx, event);
}

void checkIfMatch(const db::ExamRow& row, std::optional<int> ifMatch, bool required) {
    if (!ifMatch) {
        if (required) {
            throw Error(ErrorKind::PreconditionRequired, "Send If-Match with the record's ETag to change it.");
        }
        return;
    }
    if (*ifMatch != row.version) {
        throw Error(ErrorKind::PreconditionFailed, "The record has changed since you read it (now version " +
                                                       std::to_string(row.version) + "); reload and try again.");
    }
}

}  // namespace

void setDerived(db::ExamWrite& write, const Poco::JSON::Object& fields) {
    setDerivedValues(write, *core::derive(fields));
}

ExamService::ExamService(db::ConnectionPool& pool, FormCatalog& forms, core::Pseudonymiser pseudonymiser)
    : pool_(pool), forms_(forms), pseudonymiser_(std::move(pseudonymiser)) {}

std::string ExamService::forwarded(const std::string& pseudonym, int keyVersion) const {
    // A record not yet reached by a key rotation keeps its references when it is changed: they
    // are brought to the current key version, like the rest of the record.
    return pseudonym.empty() ? pseudonym : pseudonymiser_.forward(pseudonym, keyVersion);
}

db::ExamScope ExamService::scopeOf(const Principal& user) {
    db::ExamScope scope;
    scope.region = core::Policy::regionScope(user);
    scope.draftOwner = user.userId;
    scope.allDrafts = user.role == "loef";
    return scope;
}

ExamView ExamService::view(pqxx::transaction_base& tx, const db::ExamRow& row) {
    return view(*forms_.get(tx, row.formVersion), row, *parseObject(row.fieldsJson));
}

ExamView ExamService::view(const core::FormDefinition& def, db::ExamRow row, const Poco::JSON::Object& stored) {
    ExamView v;
    v.row = std::move(row);
    // Answered in the order of the form definition.
    v.fields = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& field : def.fields()) {
        if (stored.has(field.code)) v.fields->set(field.code, stored.get(field.code));
    }
    v.derived = core::derive(*v.fields);
    return v;
}

db::ExamRow ExamService::requireInScope(pqxx::transaction_base& tx, const core::Caller& caller, const std::string& id,
                                        const std::string& action, bool forUpdate) {
    if (!core::isUuid(id)) throw Error(ErrorKind::NotFound, "No such exam.");
    auto row = db::ExamRepository::find(tx, id, scopeOf(caller.user), forUpdate);
    if (row) return *row;
    if (db::ExamRepository::exists(tx, id)) {
        // Recorded by inScope() once this transaction has rolled back and its lease is free.
        auto event = core::newAuditEvent(caller, action, "denied", "exam", id);
        event.detail = "outside the caller's scope";
        throw ScopeRefusal(std::move(event));
    }
    throw Error(ErrorKind::NotFound, "No such exam.");
}

void ExamService::recordRefusal(const core::AuditEvent& event) {
    try {
        db::inTransaction(pool_, [&](pqxx::work& tx) { db::AuditRepository::append(tx, event); });
    } catch (const std::exception& e) {
        // The 404 stands even if the refusal cannot be logged; the operator must hear about it.
        Poco::Logger::get("registry.audit").error(std::string("cannot record refused access: ") + e.what());
    }
}

ExamView ExamService::create(const core::Caller& caller, const Poco::JSON::Object& body, bool submit) {
    const auto input = readBody(body, "fields", true);
    // One transaction, from choosing the form version to the audit event: the newest version is
    // read on the connection that writes (a lease and a read-only transaction of its own cost a
    // submission four round trips), and a validation error rolls back a transaction that has
    // written nothing.
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        const int formVersion = input.formVersion ? *input.formVersion : forms_.latestVersion(tx);
        std::shared_ptr<const core::FormDefinition> def;
        try {
            def = forms_.get(tx, formVersion);
        } catch (const Error&) {
            throw validationFailed({{"form_version", "code_list", "there is no form version " + std::to_string(formVersion)}});
        }
        Poco::JSON::Object empty;
        auto prepared = Preparer(*def, forms_.codeLists(tx), pseudonymiser_)
                            .prepare(empty, "", "", *input.fields,
                                     submit ? core::ValidationMode::Submit : core::ValidationMode::Draft, caller.user);
        const std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        const std::string status = submit ? "submitted" : "draft";
        const auto write = toWrite(id, formVersion, status, 1, caller.user.userId, prepared, pseudonymiser_.keyVersion());
        auto row = db::ExamRepository::insert(tx, write);
        row.authorName = caller.user.displayName;
        db::ExamRepository::insertVersion(tx, id, 1, "create", status, write.fieldsJson, write.victimPseudonym,
                                          write.policePseudonym, caller.user.userId, "");
        // The answer is built from what was written (no read-back), and the audit event goes last:
        // its chain lock is held from here to the commit, so every other submission waits only
        // for this one's last insert and its commit.
        auto answer = view(*def, std::move(row), *prepared.fields);
        audit(tx, caller, "exam.create", id, write.victimPseudonym.value_or(""), submit ? "created and submitted" : "draft");
        return answer;
    });
}

ExamView ExamService::get(const core::Caller& caller, const std::string& id) {
    auto shown = inScope([&](pqxx::work& tx) { return view(tx, requireInScope(tx, caller, id, "exam.read", false)); });
    // A read changes nothing, so its event need not share the read's transaction; it is committed
    // (in a batch with other readers' events) before the record is answered.
    auto event = core::newAuditEvent(caller, "exam.read", "success", "exam", id);
    event.subjectPseudonym = shown.row.victimPseudonym;
    readAudit_.record(std::move(event));
    return shown;
}

ExamPage ExamService::list(const core::Caller& caller, const ExamListQuery& q) {
    db::ExamListFilter filter;
    filter.region = q.region;
    filter.status = q.status;
    filter.limit = q.limit;
    std::vector<FieldError> errors;
    if (!q.status.empty() && q.status != "draft" && q.status != "submitted" && q.status != "locked") {
        errors.push_back({"status", "code_list", "status must be draft, submitted or locked"});
    }
    if (!q.region.empty() && !std::regex_match(q.region, std::regex("^[a-z_]{1,40}$"))) {
        errors.push_back({"region", "code_list", "region is not a region code"});
    }
    for (const auto& [name, value, target] :
         {std::tuple<std::string, std::string, std::string*>{"from", q.from, &filter.from}, {"to", q.to, &filter.to}}) {
        if (value.empty()) continue;
        if (auto ts = core::parseTimestamp(value)) {
            *target = core::formatTimestampUtc(*ts);
        } else if (auto day = core::parseDate(value)) {
            *target = core::formatDate(*day) + "T00:00:00Z";
        } else {
            errors.push_back({name, "type", name + " must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset"});
        }
    }
    if (!q.cursor.empty()) {
        std::string decoded;
        try {
            decoded = crypto::base64Decode(q.cursor);
        } catch (const std::exception&) {
        }
        const auto bar = decoded.find('|');
        if (bar == std::string::npos || !core::isUuid(decoded.substr(bar + 1)) || !core::parseTimestamp(decoded.substr(0, bar))) {
            errors.push_back({"cursor", "type", "cursor is not one this server issued"});
        } else {
            filter.afterCreatedAt = decoded.substr(0, bar);
            filter.afterId = decoded.substr(bar + 1);
        }
    }
    if (!errors.empty()) throw Error(ErrorKind::BadRequest, "The list parameters are invalid.", errors);
    auto page = db::inTransaction(pool_, [&](pqxx::work& tx) {
        ExamPage page;
        for (const auto& row : db::ExamRepository::list(tx, scopeOf(caller.user), filter)) page.items.push_back(view(tx, row));
        if (static_cast<int>(page.items.size()) == filter.limit) {
            const auto& last = page.items.back().row;
            page.nextCursor = crypto::base64Encode(last.createdAt + "|" + last.id);
        }
        return page;
    });
    auto event = core::newAuditEvent(caller, "exam.list", "success", "exam");
    event.detail = "region=" + q.region + " status=" + q.status + " from=" + q.from + " to=" + q.to +
                   " count=" + std::to_string(page.items.size());
    readAudit_.record(std::move(event));
    return page;
}

ExamView ExamService::patch(const core::Caller& caller, const std::string& id, const Poco::JSON::Object& body,
                            std::optional<int> ifMatch) {
    return inScope([&](pqxx::work& tx) {
        // Scope first: a record outside it is 404 whatever the body holds.
        auto row = requireInScope(tx, caller, id, "exam.update", true);
        const auto input = readBody(body, "fields", true);
        core::Policy::requireAuthor(caller.user, row.authorId, "exam.update");
        if (row.status != "draft") {
            throw Error(ErrorKind::Conflict, "This record is " + row.status + "; change it through an amendment.");
        }
        checkIfMatch(row, ifMatch, true);
        if (input.formVersion && *input.formVersion != row.formVersion) {
            throw validationFailed({{"form_version", "rule", "a record keeps the form version it was created with"}});
        }
        auto def = forms_.get(tx, row.formVersion);
        auto current = parseObject(row.fieldsJson);
        auto prepared = Preparer(*def, forms_.codeLists(tx), pseudonymiser_)
                            .prepare(*current, forwarded(row.victimPseudonym, row.keyVersion), forwarded(row.policePseudonym, row.keyVersion), *input.fields,
                                     core::ValidationMode::Draft, caller.user);
        auto write = toWrite(id, row.formVersion, "draft", row.version + 1, row.authorId, prepared, pseudonymiser_.keyVersion());
        if (!db::ExamRepository::update(tx, write, row.version)) {
            throw Error(ErrorKind::PreconditionFailed, "The record has changed since you read it; reload and try again.");
        }
        db::ExamRepository::insertVersion(tx, id, write.version, "update", "draft", write.fieldsJson,
                                          write.victimPseudonym, write.policePseudonym, caller.user.userId, "");
        audit(tx, caller, "exam.update", id, write.victimPseudonym.value_or(""));
        return view(tx, *db::ExamRepository::find(tx, id, scopeOf(caller.user), false));
    });
}

ExamView ExamService::submit(const core::Caller& caller, const std::string& id, std::optional<int> ifMatch) {
    return inScope([&](pqxx::work& tx) {
        auto row = requireInScope(tx, caller, id, "exam.submit", true);
        core::Policy::requireAuthor(caller.user, row.authorId, "exam.submit");
        if (row.status != "draft") throw Error(ErrorKind::Conflict, "This record is already " + row.status + ".");
        checkIfMatch(row, ifMatch, false);
        auto def = forms_.get(tx, row.formVersion);
        Poco::JSON::Object noChange;
        auto prepared = Preparer(*def, forms_.codeLists(tx), pseudonymiser_)
                            .prepare(*parseObject(row.fieldsJson), forwarded(row.victimPseudonym, row.keyVersion), forwarded(row.policePseudonym, row.keyVersion), noChange,
                                     core::ValidationMode::Submit, caller.user);
        auto write = toWrite(id, row.formVersion, "submitted", row.version + 1, row.authorId, prepared,
                             pseudonymiser_.keyVersion());
        if (!db::ExamRepository::update(tx, write, row.version)) {
            throw Error(ErrorKind::PreconditionFailed, "The record has changed since you read it; reload and try again.");
        }
        db::ExamRepository::insertVersion(tx, id, write.version, "submit", "submitted", write.fieldsJson,
                                          write.victimPseudonym, write.policePseudonym, caller.user.userId, "");
        audit(tx, caller, "exam.submit", id, write.victimPseudonym.value_or(""));
        return view(tx, *db::ExamRepository::find(tx, id, scopeOf(caller.user), false));
    });
}

ExamView ExamService::amend(const core::Caller& caller, const std::string& id, const Poco::JSON::Object& body,
                            std::optional<int> ifMatch) {
    return inScope([&](pqxx::work& tx) {
        auto row = requireInScope(tx, caller, id, "exam.amend", true);
        const auto input = readBody(body, "changes", true, {"reason"});
        if (!body.has("reason") || body.get("reason").isEmpty()) {
            throw validationFailed({{"reason", "required", "an amendment needs a reason"}});
        }
        if (!body.get("reason").isString()) throw validationFailed({{"reason", "type", "reason must be a string"}});
        const std::string reason = body.getValue<std::string>("reason");
        if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
            throw validationFailed({{"reason", "required", "an amendment needs a reason"}});
        }
        if (reason.size() > 2000) throw validationFailed({{"reason", "length", "reason must be at most 2000 bytes"}});
        if (input.formVersion) throw validationFailed({{"form_version", "rule", "an amendment cannot change the form version"}});
        if (row.status == "locked") throw Error(ErrorKind::Conflict, "This record is locked; ask LOEF to unlock it.");
        if (row.status == "draft") throw Error(ErrorKind::Conflict, "A draft is changed with PATCH, not amended.");
        checkIfMatch(row, ifMatch, true);  // an amendment changes a medical record: never blind
        auto def = forms_.get(tx, row.formVersion);
        // An amendment is validated as a submission: a submitted record stays complete.
        auto prepared = Preparer(*def, forms_.codeLists(tx), pseudonymiser_)
                            .prepare(*parseObject(row.fieldsJson), forwarded(row.victimPseudonym, row.keyVersion), forwarded(row.policePseudonym, row.keyVersion),
                                     *input.fields, core::ValidationMode::Submit, caller.user);
        auto write = toWrite(id, row.formVersion, row.status, row.version + 1, row.authorId, prepared,
                             pseudonymiser_.keyVersion());
        if (!db::ExamRepository::update(tx, write, row.version)) {
            throw Error(ErrorKind::PreconditionFailed, "The record has changed since you read it; reload and try again.");
        }
        db::ExamRepository::insertVersion(tx, id, write.version, "amend", row.status, write.fieldsJson,
                                          write.victimPseudonym, write.policePseudonym, caller.user.userId, reason);
        audit(tx, caller, "exam.amend", id, write.victimPseudonym.value_or(""));
        return view(tx, *db::ExamRepository::find(tx, id, scopeOf(caller.user), false));
    });
}

ExamView ExamService::setLocked(const core::Caller& caller, const std::string& id, bool locked) {
    const std::string action = locked ? "exam.lock" : "exam.unlock";
    return inScope([&](pqxx::work& tx) {
        auto row = requireInScope(tx, caller, id, action, true);
        if (locked && row.status != "submitted") {
            throw Error(ErrorKind::Conflict, "Only a submitted record can be locked; this one is " + row.status + ".");
        }
        if (!locked && row.status != "locked") throw Error(ErrorKind::Conflict, "This record is not locked.");
        const std::string status = locked ? "locked" : "submitted";
        db::ExamRepository::setStatus(tx, id, status, row.version + 1);
        db::ExamRepository::insertVersion(tx, id, row.version + 1, locked ? "lock" : "unlock", status, row.fieldsJson,
                                          row.victimPseudonym.empty() ? std::nullopt : std::optional(row.victimPseudonym),
                                          row.policePseudonym.empty() ? std::nullopt : std::optional(row.policePseudonym),
                                          caller.user.userId, "");
        audit(tx, caller, action, id, row.victimPseudonym);
        return view(tx, *db::ExamRepository::find(tx, id, scopeOf(caller.user), false));
    });
}

void ExamService::removeDraft(const core::Caller& caller, const std::string& id) {
    inScope([&](pqxx::work& tx) {
        auto row = requireInScope(tx, caller, id, "exam.delete", true);
        core::Policy::requireAuthor(caller.user, row.authorId, "exam.delete");
        if (row.status != "draft") {
            throw Error(ErrorKind::Conflict, "Submitted records are never deleted through the API.");
        }
        db::ExamRepository::remove(tx, id);
        audit(tx, caller, "exam.delete", id, row.victimPseudonym, "draft deleted by its author");
    });
}

int ExamService::erase(const core::Caller& caller, const std::string& id, const std::string& reason) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw validationFailed({{"reason", "required", "an erasure needs a reason (e.g. the request's reference)"}});
    }
    if (reason.size() > 500) throw validationFailed({{"reason", "length", "reason must be at most 500 bytes"}});
    if (!core::isUuid(id)) throw Error(ErrorKind::NotFound, "No such exam.");
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        db::ExamScope everything;
        everything.allDrafts = true;
        auto row = db::ExamRepository::find(tx, id, everything, true);
        if (!row) throw Error(ErrorKind::NotFound, "No such exam.");
        const int versions = static_cast<int>(db::ExamRepository::versions(tx, id).size());
        db::ExamRepository::remove(tx, id);
        auto event = core::newAuditEvent(caller, "exam.erase", "success", "exam", id);
        event.subjectPseudonym = row->victimPseudonym;
        event.purpose = "administration";
        event.detail = "erased " + std::to_string(versions) + " version(s) of a " + row->status + " record; reason: " + reason;
        db::AuditRepository::append(tx, event);
        return versions;
    });
}

std::vector<HistoryEntry> ExamService::history(const core::Caller& caller, const std::string& id) {
    return inScope([&](pqxx::work& tx) {
        auto row = requireInScope(tx, caller, id, "exam.history", false);
        std::vector<HistoryEntry> entries;
        Poco::JSON::Object::Ptr previous = new Poco::JSON::Object;
        std::string previousVictim, previousPolice;
        for (const auto& v : db::ExamRepository::versions(tx, id)) {
            HistoryEntry entry;
            entry.row = v;
            auto fields = parseObject(v.fieldsJson);
            for (const auto& change : core::diffFields(*previous, *fields)) {
                entry.changes.push_back({change.field, change.before, change.after});
            }
            // Identifying fields: only whether a reference was added, replaced or removed.
            for (const auto& [code, before, after] :
                 {std::tuple<std::string, std::string, std::string>{kVictimReference, previousVictim, v.victimPseudonym},
                  {kPoliceReference, previousPolice, v.policePseudonym}}) {
                if (before == after) continue;
                entry.changes.push_back({code, before.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var("present"),
                                         after.empty() ? Poco::Dynamic::Var()
                                                       : Poco::Dynamic::Var(before.empty() ? "present" : "replaced")});
            }
            previous = fields;
            previousVictim = v.victimPseudonym;
            previousPolice = v.policePseudonym;
            entries.push_back(std::move(entry));
        }
        audit(tx, caller, "exam.history", id, row.victimPseudonym);
        return entries;
    });
}

}  // namespace registry::services
