#include "server/db/exam_repository.h"

#include "server/db/query.h"

namespace registry::db {
namespace {

#define TS(col) "coalesce(to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '')"

#define EXAM_COLUMNS                                                                                         \
    "e.id::text, e.form_version, e.status, e.version, e.region, e.author_id::text, u.display_name, "       \
    "e.fields::text, coalesce(e.victim_pseudonym, ''), coalesce(e.police_pseudonym, ''), "                 \
    "e.pseudonym_key_version, " TS("e.created_at") ", " TS("e.updated_at") ", " TS("e.submitted_at") ", " \
    TS("e.locked_at") " FROM exams e JOIN users u ON u.id = e.author_id "

// $2 region scope (NULL = all), $3 draft owner, $4 all drafts visible.
#define EXAM_SCOPE \
    " AND ($2::text IS NULL OR e.region = $2::text) AND (e.status <> 'draft' OR $4::boolean OR e.author_id = NULLIF($3, '')::uuid) "

ExamRow readExam(const pqxx::row& r) {
    ExamRow e;
    e.id = r[0].as<std::string>();
    e.formVersion = r[1].as<int>();
    e.status = r[2].as<std::string>();
    e.version = r[3].as<int>();
    e.region = r[4].as<std::string>();
    e.authorId = r[5].as<std::string>();
    e.authorName = r[6].as<std::string>();
    e.fieldsJson = r[7].as<std::string>();
    e.victimPseudonym = r[8].as<std::string>();
    e.policePseudonym = r[9].as<std::string>();
    e.keyVersion = r[10].as<int>();
    e.createdAt = r[11].as<std::string>();
    e.updatedAt = r[12].as<std::string>();
    e.submittedAt = r[13].as<std::string>();
    e.lockedAt = r[14].as<std::string>();
    return e;
}

}  // namespace

static const Query kInsert{"exam_insert", R"SQL(
INSERT INTO exams (id, form_version, status, version, region, author_id, fields, victim_pseudonym, police_pseudonym,
                   pseudonym_key_version, hours_report_to_exam, hours_incident_to_exam, within_24h, within_48h,
                   within_72h, internal_only, submitted_at)
VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16,
        CASE WHEN $3 = 'submitted' THEN now() END)
RETURNING )SQL" TS("created_at") ", " TS("updated_at") ", " TS("submitted_at")};
ExamRow ExamRepository::insert(pqxx::transaction_base& tx, const ExamWrite& e) {
    const auto stamps = exec(tx, kInsert, e.id, e.formVersion, e.status, e.version, e.region, e.authorId, e.fieldsJson,
                             e.victimPseudonym, e.policePseudonym, e.keyVersion, e.hoursReportToExam,
                             e.hoursIncidentToExam, e.within24h, e.within48h, e.within72h, e.internalOnly)[0];
    ExamRow row;
    row.id = e.id;
    row.formVersion = e.formVersion;
    row.status = e.status;
    row.version = e.version;
    row.region = e.region;
    row.authorId = e.authorId;
    row.fieldsJson = e.fieldsJson;
    row.victimPseudonym = e.victimPseudonym.value_or("");
    row.policePseudonym = e.policePseudonym.value_or("");
    row.keyVersion = e.keyVersion;
    row.createdAt = stamps[0].as<std::string>();
    row.updatedAt = stamps[1].as<std::string>();
    row.submittedAt = stamps[2].as<std::string>();
    return row;
}

static const Query kUpdate{"exam_update", R"SQL(
UPDATE exams SET status = $3, version = $4, fields = $5::jsonb, victim_pseudonym = $6, police_pseudonym = $7,
       pseudonym_key_version = $8, hours_report_to_exam = $9, hours_incident_to_exam = $10, within_24h = $11,
       within_48h = $12, within_72h = $13, internal_only = $14, updated_at = now(),
       submitted_at = CASE WHEN $3 = 'submitted' AND submitted_at IS NULL THEN now() ELSE submitted_at END
 WHERE id = $1::uuid AND version = $2)SQL"};
bool ExamRepository::update(pqxx::transaction_base& tx, const ExamWrite& e, int expectedVersion) {
    auto result = exec(tx, kUpdate, e.id, expectedVersion, e.status, e.version, e.fieldsJson, e.victimPseudonym,
                       e.policePseudonym, e.keyVersion, e.hoursReportToExam, e.hoursIncidentToExam, e.within24h,
                       e.within48h, e.within72h, e.internalOnly);
    return result.affected_rows() == 1;
}

static const Query kSetStatus{"exam_set_status", R"SQL(
UPDATE exams SET status = $2, version = $3, updated_at = now(),
       locked_at = CASE WHEN $2 = 'locked' THEN now() ELSE NULL END
 WHERE id = $1::uuid)SQL"};
void ExamRepository::setStatus(pqxx::transaction_base& tx, const std::string& id, const std::string& status, int version) {
    exec(tx, kSetStatus, id, status, version);
}

static const Query kFind{"exam_find", "SELECT " EXAM_COLUMNS "WHERE e.id = $1::uuid" EXAM_SCOPE};
static const Query kFindForUpdate{"exam_find_for_update",
                                  "SELECT " EXAM_COLUMNS "WHERE e.id = $1::uuid" EXAM_SCOPE "FOR UPDATE OF e"};
std::optional<ExamRow> ExamRepository::find(pqxx::transaction_base& tx, const std::string& id, const ExamScope& scope,
                                            bool forUpdate) {
    auto rows = exec(tx, forUpdate ? kFindForUpdate : kFind, id, scope.region, scope.draftOwner, scope.allDrafts);
    if (rows.empty()) return std::nullopt;
    return readExam(rows[0]);
}

static const Query kExists{"exam_exists", "SELECT 1 FROM exams WHERE id = $1::uuid"};
bool ExamRepository::exists(pqxx::transaction_base& tx, const std::string& id) { return !exec(tx, kExists, id).empty(); }

static const Query kList{"exam_list", "SELECT " EXAM_COLUMNS "WHERE true" EXAM_SCOPE R"SQL(
   AND ($1 = '' OR e.region = $1)
   AND ($5 = '' OR e.status = $5)
   AND ($6 = '' OR e.exam_at >= NULLIF($6, '')::timestamptz)
   AND ($7 = '' OR e.exam_at < NULLIF($7, '')::timestamptz)
   AND ($8 = '' OR (e.created_at, e.id) < (NULLIF($8, '')::timestamptz, $9::uuid))
 ORDER BY e.created_at DESC, e.id DESC
 LIMIT $10)SQL"};
std::vector<ExamRow> ExamRepository::list(pqxx::transaction_base& tx, const ExamScope& scope, const ExamListFilter& f) {
    std::vector<ExamRow> out;
    const std::string afterId = f.afterId.empty() ? "00000000-0000-0000-0000-000000000000" : f.afterId;
    for (const auto& row : exec(tx, kList, f.region, scope.region, scope.draftOwner, scope.allDrafts, f.status, f.from,
                                f.to, f.afterCreatedAt, afterId, f.limit)) {
        out.push_back(readExam(row));
    }
    return out;
}

static const Query kRemove{"exam_remove", "DELETE FROM exams WHERE id = $1::uuid"};
void ExamRepository::remove(pqxx::transaction_base& tx, const std::string& id) { exec(tx, kRemove, id); }

static const Query kCount{"exam_count", "SELECT count(*) FROM exams"};
long long ExamRepository::count(pqxx::transaction_base& tx) { return exec(tx, kCount)[0][0].as<long long>(); }

static const Query kByPolice{"exam_by_police_pseudonym",
                             "SELECT e.id::text FROM exams e WHERE e.police_pseudonym = ANY($1::text[])" EXAM_SCOPE
                             " AND e.status <> 'draft' ORDER BY e.created_at"};
std::vector<std::string> ExamRepository::findByPolicePseudonym(pqxx::transaction_base& tx,
                                                               const std::vector<std::string>& pseudonyms,
                                                               const ExamScope& scope) {
    // Pseudonyms are lower-case hex, so this array literal needs no quoting; it is still passed
    // as a parameter, never spliced into the SQL.
    std::string array = "{";
    for (const auto& p : pseudonyms) array += (array.size() > 1 ? "," : "") + p;
    array += "}";
    std::vector<std::string> ids;
    for (const auto& row : exec(tx, kByPolice, array, scope.region, scope.draftOwner, scope.allDrafts)) {
        ids.push_back(row[0].as<std::string>());
    }
    return ids;
}

static const Query kInsertVersion{"exam_version_insert", R"SQL(
INSERT INTO exam_versions (exam_id, version, kind, status, fields, victim_pseudonym, police_pseudonym, changed_by, reason,
                           pseudonym_key_version)
SELECT $1::uuid, $2, $3, $4, $5::jsonb, $6, $7, $8::uuid, NULLIF($9, ''), e.pseudonym_key_version
  FROM exams e WHERE e.id = $1::uuid)SQL"};
void ExamRepository::insertVersion(pqxx::transaction_base& tx, const std::string& examId, int version,
                                   const std::string& kind, const std::string& status, const std::string& fieldsJson,
                                   const std::optional<std::string>& victimPseudonym,
                                   const std::optional<std::string>& policePseudonym, const std::string& changedBy,
                                   const std::string& reason) {
    exec(tx, kInsertVersion, examId, version, kind, status, fieldsJson, victimPseudonym, policePseudonym, changedBy, reason);
}

static const Query kVersions{"exam_versions", R"SQL(
SELECT v.version, v.kind, v.status, v.fields::text, coalesce(v.victim_pseudonym, ''), coalesce(v.police_pseudonym, ''),
       v.changed_by::text, u.display_name,
       to_char(v.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), coalesce(v.reason, '')
  FROM exam_versions v JOIN users u ON u.id = v.changed_by
 WHERE v.exam_id = $1::uuid ORDER BY v.version)SQL"};
std::vector<VersionRow> ExamRepository::versions(pqxx::transaction_base& tx, const std::string& examId) {
    std::vector<VersionRow> out;
    for (const auto& r : exec(tx, kVersions, examId)) {
        VersionRow v;
        v.version = r[0].as<int>();
        v.kind = r[1].as<std::string>();
        v.status = r[2].as<std::string>();
        v.fieldsJson = r[3].as<std::string>();
        v.victimPseudonym = r[4].as<std::string>();
        v.policePseudonym = r[5].as<std::string>();
        v.changedBy = r[6].as<std::string>();
        v.changedByName = r[7].as<std::string>();
        v.changedAt = r[8].as<std::string>();
        v.reason = r[9].as<std::string>();
        out.push_back(v);
    }
    return out;
}

static const Query kOutcome{"outcome_find", R"SQL(
SELECT exam_id::text, version, police_fields::text, om_fields::text,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  FROM exam_outcomes WHERE exam_id = $1::uuid)SQL"};
static const Query kOutcomeForUpdate{"outcome_find_for_update", R"SQL(
SELECT exam_id::text, version, police_fields::text, om_fields::text,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  FROM exam_outcomes WHERE exam_id = $1::uuid FOR UPDATE)SQL"};
std::optional<OutcomeRow> ExamRepository::outcome(pqxx::transaction_base& tx, const std::string& examId, bool forUpdate) {
    auto rows = exec(tx, forUpdate ? kOutcomeForUpdate : kOutcome, examId);
    if (rows.empty()) return std::nullopt;
    OutcomeRow o;
    o.examId = rows[0][0].as<std::string>();
    o.version = rows[0][1].as<int>();
    o.policeJson = rows[0][2].as<std::string>();
    o.omJson = rows[0][3].as<std::string>();
    o.updatedAt = rows[0][4].as<std::string>();
    return o;
}

static const Query kSaveOutcome{"outcome_save", R"SQL(
INSERT INTO exam_outcomes (exam_id, version, police_fields, om_fields, dismissal_list_version)
VALUES ($1::uuid, $2, $3::jsonb, $4::jsonb, $5)
ON CONFLICT (exam_id) DO UPDATE SET version = EXCLUDED.version, police_fields = EXCLUDED.police_fields,
    om_fields = EXCLUDED.om_fields, dismissal_list_version = EXCLUDED.dismissal_list_version, updated_at = now())SQL"};
void ExamRepository::saveOutcome(pqxx::transaction_base& tx, const OutcomeRow& o, int dismissalListVersion) {
    exec(tx, kSaveOutcome, o.examId, o.version, o.policeJson, o.omJson, dismissalListVersion);
}

static const Query kOutcomeVersion{"outcome_version_insert", R"SQL(
INSERT INTO outcome_versions (exam_id, version, part, fields, changed_by) VALUES ($1::uuid, $2, $3, $4::jsonb, $5::uuid))SQL"};
void ExamRepository::insertOutcomeVersion(pqxx::transaction_base& tx, const std::string& examId, int version,
                                          const std::string& part, const std::string& fieldsJson,
                                          const std::string& changedBy) {
    exec(tx, kOutcomeVersion, examId, version, part, fieldsJson, changedBy);
}

}  // namespace registry::db
