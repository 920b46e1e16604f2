#pragma once

#include "server/core/audit_event.h"
#include "server/core/caller.h"
#include "server/core/errors.h"
#include "server/core/pseudonym.h"
#include "server/db/exam_repository.h"
#include "server/db/transaction.h"
#include "server/db/pool.h"
#include "server/services/form_catalog.h"
#include "server/services/read_audit.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace registry::services {

// The values the registry derives from a record's (validated, normalised) fields, set on the
// row to store: the API and the legacy import derive them in exactly the same way.
void setDerived(db::ExamWrite& write, const Poco::JSON::Object& fields);

// A record as the API shows it: non-identifying fields, whether references are present, and the
// values the registry derives.
struct ExamView {
    db::ExamRow row;
    Poco::JSON::Object::Ptr fields;
    Poco::JSON::Object::Ptr derived;
};

struct ExamPage {
    std::vector<ExamView> items;
    std::string nextCursor;  // empty: no more
};

struct FieldChangeView {
    std::string field;
    Poco::Dynamic::Var before;
    Poco::Dynamic::Var after;
};

struct HistoryEntry {
    db::VersionRow row;
    std::vector<FieldChangeView> changes;
};

// A record that exists outside the caller's scope; carries the denied event to record.
struct ScopeRefusal : Error {
    explicit ScopeRefusal(core::AuditEvent e) : Error(ErrorKind::NotFound, "No such exam."), event(std::move(e)) {}
    core::AuditEvent event;
};

struct ExamListQuery {
    std::string region, status, from, to, cursor;
    int limit = 100;
};

// The exam life cycle: drafts, submission, amendments, locking, history. Every call validates
// against the record's own form version, pseudonymises identifying input on arrival, applies the
// caller's region scope inside SQL and writes record, version and audit event in one transaction.
class ExamService {
public:
    ExamService(db::ConnectionPool& pool, FormCatalog& forms, core::Pseudonymiser pseudonymiser);

    ExamView create(const core::Caller& caller, const Poco::JSON::Object& body, bool submit);
    ExamView get(const core::Caller& caller, const std::string& id);
    ExamPage list(const core::Caller& caller, const ExamListQuery& query);
    ExamView patch(const core::Caller& caller, const std::string& id, const Poco::JSON::Object& body,
                   std::optional<int> ifMatch);
    ExamView submit(const core::Caller& caller, const std::string& id, std::optional<int> ifMatch);
    ExamView amend(const core::Caller& caller, const std::string& id, const Poco::JSON::Object& body,
                   std::optional<int> ifMatch);
    ExamView setLocked(const core::Caller& caller, const std::string& id, bool locked);
    void removeDraft(const core::Caller& caller, const std::string& id);
    // Erasure on request (AVG) or withdrawn consent: the operator's procedure, never an API call.
    // Removes the record, every version and its outcome; the audit log keeps an event naming the
    // record and the reason, without clinical content. Returns the number of versions removed.
    int erase(const core::Caller& caller, const std::string& id, const std::string& reason);
    std::vector<HistoryEntry> history(const core::Caller& caller, const std::string& id);

    const core::Pseudonymiser& pseudonymiser() const { return pseudonymiser_; }
    // A stored pseudonym of key version `keyVersion` under the current key version.
    std::string forwarded(const std::string& pseudonym, int keyVersion) const;
    FormCatalog& forms() { return forms_; }
    db::ConnectionPool& pool() { return pool_; }

    // Region scope and draft visibility of a caller.
    static db::ExamScope scopeOf(const Principal& user);
    // A record in scope, locked for update; 404 otherwise. A record that exists outside the
    // caller's scope throws ScopeRefusal: run the transaction through inScope(), which records the
    // refusal after the rollback, so that no request ever holds two pool leases.
    db::ExamRow requireInScope(pqxx::transaction_base& tx, const core::Caller& caller, const std::string& id,
                               const std::string& action, bool forUpdate);
    template <typename Work>
    auto inScope(Work&& work) {
        try {
            return db::inTransaction(pool_, std::forward<Work>(work));
        } catch (const ScopeRefusal& refusal) {
            recordRefusal(refusal.event);
            throw Error(ErrorKind::NotFound, "No such exam.");
        }
    }
    // The record as shown: fields in the order of its form definition (storage does not keep it).
    ExamView view(pqxx::transaction_base& tx, const db::ExamRow& row);
    static ExamView view(const core::FormDefinition& def, db::ExamRow row, const Poco::JSON::Object& stored);

private:
    void recordRefusal(const core::AuditEvent& event);

    db::ConnectionPool& pool_;
    FormCatalog& forms_;
    core::Pseudonymiser pseudonymiser_;
    ReadAudit readAudit_{pool_};
};

}  // namespace registry::services
