#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace registry::db {

struct ExamRow {
    std::string id;
    int formVersion = 0;
    std::string status;
    int version = 0;
    std::string region;
    std::string authorId;
    std::string authorName;
    std::string fieldsJson;  // non-identifying fields
    std::string victimPseudonym;
    std::string policePseudonym;
    int keyVersion = 0;
    std::string createdAt, updatedAt, submittedAt, lockedAt;
};

// Derived values and pseudonyms written with a record (the typed copies of fields are kept by a
// trigger in the schema).
struct ExamWrite {
    std::string id;
    int formVersion = 0;
    std::string status;
    int version = 0;
    std::string region;
    std::string authorId;
    std::string fieldsJson;
    std::optional<std::string> victimPseudonym;
    std::optional<std::string> policePseudonym;
    int keyVersion = 0;
    std::optional<double> hoursReportToExam, hoursIncidentToExam;
    std::optional<bool> within24h, within48h, within72h, internalOnly;
};

// Who may see what, applied inside every query: `region` empty = every region; drafts are
// visible only to `draftOwner` unless `allDrafts`.
struct ExamScope {
    std::optional<std::string> region;
    std::string draftOwner;
    bool allDrafts = false;
};

struct ExamListFilter {
    std::string region, status, from, to;  // from/to: exam_at, ISO 8601
    std::string afterCreatedAt, afterId;   // cursor
    int limit = 100;
};

struct VersionRow {
    int version = 0;
    std::string kind, status, fieldsJson, victimPseudonym, policePseudonym;
    std::string changedBy, changedByName, changedAt, reason;
};

struct OutcomeRow {
    std::string examId;
    int version = 0;
    std::string policeJson = "{}";
    std::string omJson = "{}";
    std::string updatedAt;
};

class ExamRepository {
public:
    // The stored row as written, with the database's timestamps; authorName is left to the caller
    // (it is the signed-in author), so a create needs no read-back.
    static ExamRow insert(pqxx::transaction_base& tx, const ExamWrite& exam);
    // Writes the new state if the stored version is still `expectedVersion`; false otherwise.
    static bool update(pqxx::transaction_base& tx, const ExamWrite& exam, int expectedVersion);
    static void setStatus(pqxx::transaction_base& tx, const std::string& id, const std::string& status, int version);
    static std::optional<ExamRow> find(pqxx::transaction_base& tx, const std::string& id, const ExamScope& scope,
                                       bool forUpdate);
    // Whether a record exists at all, outside any scope: to tell a refused access from a typo.
    static bool exists(pqxx::transaction_base& tx, const std::string& id);
    static std::vector<ExamRow> list(pqxx::transaction_base& tx, const ExamScope& scope, const ExamListFilter& filter);
    static void remove(pqxx::transaction_base& tx, const std::string& id);
    static long long count(pqxx::transaction_base& tx);
    // Submitted exams whose police pseudonym is any of `pseudonyms` (one per key version).
    static std::vector<std::string> findByPolicePseudonym(pqxx::transaction_base& tx,
                                                          const std::vector<std::string>& pseudonyms,
                                                          const ExamScope& scope);

    static void insertVersion(pqxx::transaction_base& tx, const std::string& examId, int version, const std::string& kind,
                              const std::string& status, const std::string& fieldsJson,
                              const std::optional<std::string>& victimPseudonym,
                              const std::optional<std::string>& policePseudonym, const std::string& changedBy,
                              const std::string& reason);
    static std::vector<VersionRow> versions(pqxx::transaction_base& tx, const std::string& examId);

    static std::optional<OutcomeRow> outcome(pqxx::transaction_base& tx, const std::string& examId, bool forUpdate);
    static void saveOutcome(pqxx::transaction_base& tx, const OutcomeRow& outcome, int dismissalListVersion);
    static void insertOutcomeVersion(pqxx::transaction_base& tx, const std::string& examId, int version,
                                     const std::string& part, const std::string& fieldsJson, const std::string& changedBy);
};

}  // namespace registry::db
