#include "server/db/import_repository.h"

#include "server/db/query.h"

#include <cstdio>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace registry::db {

const char* const kLegacyImportUserId = "00000000-0000-4000-8000-00000000e001";

namespace {

const Query kTryLockRun{"import_try_lock_run", "SELECT pg_try_advisory_lock($1)"};
const Query kUnlockRun{"import_unlock_run", "SELECT pg_advisory_unlock($1)"};
// An erased record's key counts as present, so that an import never brings it back.
const Query kExistingKeys{"import_existing_keys", R"SQL(
SELECT import_key FROM exams WHERE import_key = ANY($1::text[])
UNION ALL
SELECT import_key FROM import_erased_keys WHERE import_key = ANY($1::text[]))SQL"};

// The `import` version row of each exam just copied, from the stored row itself: the document
// is not sent and parsed a second time.
const Query kVersionsFromExams{"import_versions_from_exams", R"SQL(
INSERT INTO exam_versions (exam_id, version, kind, status, fields, victim_pseudonym, police_pseudonym, changed_by,
                           reason, pseudonym_key_version)
SELECT id, version, 'import', status, fields, victim_pseudonym, police_pseudonym, author_id,
       'imported from ' || import_source_file || ' record ' || import_record_number, pseudonym_key_version
  FROM exams
 WHERE id = ANY($1::uuid[]))SQL"};

// A text[] literal; every element quoted, quotes and backslashes escaped.
std::string arrayLiteral(const std::vector<std::string>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string decimal(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// COPY cells are C strings; nullptr is NULL.
struct Cells {
    std::vector<std::string> owned;
    std::vector<const char*> cells;
    std::vector<bool> isNull;
    void add(const std::string& v) { owned.push_back(v), isNull.push_back(false); }
    void add(const std::optional<std::string>& v) { owned.push_back(v.value_or("")), isNull.push_back(!v); }
    void add(const std::optional<double>& v) { owned.push_back(v ? decimal(*v) : ""), isNull.push_back(!v); }
    void add(const std::optional<bool>& v) { owned.push_back(v ? (*v ? "t" : "f") : ""), isNull.push_back(!v); }
    // libpqxx 6.4 streams tuples only: the cells as a tuple of N C strings.
    template <std::size_t N>
    auto row() {
        cells.clear();
        for (std::size_t i = 0; i < owned.size(); ++i) cells.push_back(isNull[i] ? nullptr : owned[i].c_str());
        if (cells.size() != N) throw std::logic_error("COPY row has the wrong number of cells");
        return asTuple(cells, std::make_index_sequence<N>{});
    }
    template <std::size_t... I>
    static auto asTuple(const std::vector<const char*>& v, std::index_sequence<I...>) {
        return std::make_tuple(v[I]...);
    }
    void clear() { owned.clear(), isNull.clear(); }
};

}  // namespace

bool ImportRepository::tryLockRun(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return exec(tx, kTryLockRun, ImportRepository::kRunLockKey)[0][0].as<bool>();
}

void ImportRepository::unlockRun(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    exec(tx, kUnlockRun, ImportRepository::kRunLockKey);
}

std::set<std::string> ImportRepository::existingKeys(pqxx::transaction_base& tx, const std::vector<std::string>& keys) {
    std::set<std::string> found;
    if (keys.empty()) return found;
    for (const auto& row : exec(tx, kExistingKeys, arrayLiteral(keys))) found.insert(row[0].as<std::string>());
    return found;
}

void ImportRepository::copyExams(pqxx::transaction_base& tx, const std::vector<const ImportedExam*>& exams,
                                 const ImportProvenance& p) {
    if (exams.empty()) return;
    Cells cells;
    {
        pqxx::stream_to copy(tx, "exams",
                             std::vector<std::string>{"id", "form_version", "status", "version", "region", "author_id",
                                                      "fields", "victim_pseudonym", "police_pseudonym",
                                                      "pseudonym_key_version", "hours_report_to_exam",
                                                      "hours_incident_to_exam", "within_24h", "within_48h",
                                                      "within_72h", "internal_only", "import_key",
                                                      "import_source_file", "import_source_digest",
                                                      "import_record_number", "import_job_id"});
        for (const auto* e : exams) {
            const auto& w = e->write;
            cells.clear();
            cells.add(w.id);
            cells.add(std::to_string(w.formVersion));
            cells.add(w.status);
            cells.add(std::to_string(w.version));
            cells.add(w.region);
            cells.add(w.authorId);
            cells.add(w.fieldsJson);
            cells.add(w.victimPseudonym);
            cells.add(w.policePseudonym);
            cells.add(std::to_string(w.keyVersion));
            cells.add(w.hoursReportToExam);
            cells.add(w.hoursIncidentToExam);
            cells.add(w.within24h);
            cells.add(w.within48h);
            cells.add(w.within72h);
            cells.add(w.internalOnly);
            cells.add(e->importKey);
            cells.add(p.sourceFile);
            cells.add(p.sourceDigest);
            cells.add(std::to_string(e->recordNumber));
            cells.add(p.jobId.empty() ? std::optional<std::string>() : std::optional<std::string>(p.jobId));
            copy << cells.row<21>();
        }
        copy.complete();
    }
    std::vector<std::string> ids;
    ids.reserve(exams.size());
    for (const auto* e : exams) ids.push_back(e->write.id);
    exec(tx, kVersionsFromExams, arrayLiteral(ids));
}

}  // namespace registry::db
