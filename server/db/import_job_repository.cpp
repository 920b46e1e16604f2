#include "server/db/import_job_repository.h"

#include "server/core/crypto.h"
#include "server/db/query.h"

namespace registry::db {
namespace {

const Query kInsert{"import_job_insert", R"SQL(
INSERT INTO import_jobs (id, owner_id, owner_region, status, mapping, source_name, on_error, dry_run, created_at,
                         phase, key_version)
VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9::timestamptz, $10, $11))SQL"};

const Query kProgress{"import_job_progress", R"SQL(
UPDATE import_jobs
   SET status = $2, phase = $3, total = $4, done = $5, imported = $6, already_present = $7, rejected = $8,
       updated_at = now()
 WHERE id = $1 AND finished_at IS NULL)SQL"};

const Query kFinish{"import_job_finish", R"SQL(
UPDATE import_jobs
   SET status = $2, phase = $3, total = $4, done = $5, imported = $6, already_present = $7, rejected = $8,
       sha256 = NULLIF($9, ''), encoding = NULLIF($10, ''), delimiter = NULLIF($11, ''),
       read = CASE WHEN $9 = '' THEN NULL ELSE $12::bigint END, aborted = CASE WHEN $9 = '' THEN NULL ELSE $13::boolean END,
       failure_code = NULLIF($14, ''), failure_message = NULLIF($15, ''), finished_at = $16::timestamptz,
       updated_at = now()
 WHERE id = $1)SQL"};

#define IMPORT_JOB_COLUMNS                                                                                    \
    "id::text, owner_id::text, coalesce(owner_region, ''), status, mapping, source_name, on_error, dry_run, "  \
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "                           \
    "coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''), phase, total, " \
    "done, imported, already_present, rejected, coalesce(sha256, ''), coalesce(encoding, ''), "                \
    "coalesce(delimiter, ''), coalesce(read, 0), coalesce(aborted, false), coalesce(failure_code, ''), "        \
    "coalesce(failure_message, ''), key_version"

const Query kFind{"import_job_find", "SELECT " IMPORT_JOB_COLUMNS " FROM import_jobs WHERE id = $1 AND owner_id = $2"};

const Query kErrors{"import_job_errors", R"SQL(
SELECT record, encode(dossier_sealed, 'hex'), column_name, value, code, message_nl, message_en
  FROM import_job_errors WHERE job_id = $1 ORDER BY record)SQL"};

const Query kTouch{"import_job_touch",
                   "UPDATE import_jobs SET updated_at = now() WHERE id = ANY($1::uuid[]) AND finished_at IS NULL"};

const Query kExpire{"import_job_expire", R"SQL(
UPDATE import_jobs
   SET status = 'failed', failure_code = 'interrupted', failure_message = $3,
       finished_at = now(), updated_at = now()
 WHERE id = $1 AND finished_at IS NULL AND updated_at < now() - make_interval(secs => $2))SQL"};

const Query kPrune{"import_job_prune", R"SQL(
DELETE FROM import_jobs
 WHERE finished_at IS NOT NULL
   AND id NOT IN (SELECT id FROM import_jobs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id LIMIT $1))SQL"};

}  // namespace

void ImportJobRepository::insert(pqxx::transaction_base& tx, const StoredImportJob& j) {
    exec(tx, kInsert, j.id, j.ownerId, j.ownerRegion, j.status, j.mapping, j.sourceName, j.onError, j.dryRun, j.createdAt,
         j.phase, j.keyVersion);
}

void ImportJobRepository::progress(pqxx::transaction_base& tx, const std::string& id, const std::string& status,
                                   const std::string& phase, std::int64_t total, std::int64_t done,
                                   std::int64_t imported, std::int64_t alreadyPresent, std::int64_t rejected) {
    exec(tx, kProgress, id, status, phase, total, done, imported, alreadyPresent, rejected);
}

void ImportJobRepository::finish(pqxx::transaction_base& tx, const StoredImportJob& j,
                                 const std::vector<StoredImportError>& errors) {
    const std::string digest = j.hasSummary ? j.sha256 : std::string();
    exec(tx, kFinish, j.id, j.status, j.phase, j.total, j.done, j.imported, j.alreadyPresent, j.rejected, digest,
         j.encoding, j.delimiter, j.read, j.aborted, j.failureCode, j.failureMessage, j.finishedAt);
    if (errors.empty()) return;
    // bytea as hex text ("\x..."), the COPY text form.
    pqxx::stream_to copy(tx, "import_job_errors",
                         std::vector<std::string>{"job_id", "record", "dossier_sealed", "column_name", "value", "code",
                                                  "message_nl", "message_en"});
    for (const auto& e : errors) {
        const std::string record = std::to_string(e.record);
        const std::string sealed = e.dossierSealed ? "\\x" + crypto::toHex(*e.dossierSealed) : std::string();
        copy << std::make_tuple(j.id.c_str(), record.c_str(), e.dossierSealed ? sealed.c_str() : nullptr,
                                e.column.c_str(), e.value ? e.value->c_str() : nullptr, e.code.c_str(),
                                e.messageNl.c_str(), e.messageEn.c_str());
    }
    copy.complete();
}

std::optional<StoredImportJob> ImportJobRepository::find(pqxx::transaction_base& tx, const std::string& id,
                                                         const std::string& ownerId) {
    const auto rows = exec(tx, kFind, id, ownerId);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    StoredImportJob j;
    j.id = r[0].as<std::string>();
    j.ownerId = r[1].as<std::string>();
    j.ownerRegion = r[2].as<std::string>();
    j.status = r[3].as<std::string>();
    j.mapping = r[4].as<std::string>();
    j.sourceName = r[5].as<std::string>();
    j.onError = r[6].as<std::string>();
    j.dryRun = r[7].as<bool>();
    j.createdAt = r[8].as<std::string>();
    j.finishedAt = r[9].as<std::string>();
    j.phase = r[10].as<std::string>();
    j.total = r[11].as<std::int64_t>();
    j.done = r[12].as<std::int64_t>();
    j.imported = r[13].as<std::int64_t>();
    j.alreadyPresent = r[14].as<std::int64_t>();
    j.rejected = r[15].as<std::int64_t>();
    j.sha256 = r[16].as<std::string>();
    j.hasSummary = !j.sha256.empty();
    j.encoding = r[17].as<std::string>();
    j.delimiter = r[18].as<std::string>();
    j.read = r[19].as<std::int64_t>();
    j.aborted = r[20].as<bool>();
    j.failureCode = r[21].as<std::string>();
    j.failureMessage = r[22].as<std::string>();
    j.keyVersion = r[23].as<int>();
    return j;
}

std::vector<StoredImportError> ImportJobRepository::errors(pqxx::transaction_base& tx, const std::string& id) {
    std::vector<StoredImportError> out;
    for (const auto& r : exec(tx, kErrors, id)) {
        StoredImportError e;
        e.record = r[0].as<std::int64_t>();
        if (!r[1].is_null()) e.dossierSealed = crypto::fromHex(r[1].as<std::string>());
        e.column = r[2].as<std::string>();
        if (!r[3].is_null()) e.value = r[3].as<std::string>();
        e.code = r[4].as<std::string>();
        e.messageNl = r[5].as<std::string>();
        e.messageEn = r[6].as<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

void ImportJobRepository::touch(pqxx::transaction_base& tx, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    std::string array = "{";
    for (const auto& id : ids) array += (array.size() > 1 ? "," : "") + id;  // uuids: nothing to quote
    exec(tx, kTouch, array + "}");
}

void ImportJobRepository::expireIfStale(pqxx::transaction_base& tx, const std::string& id, int staleSeconds,
                                        const std::string& message) {
    exec(tx, kExpire, id, static_cast<double>(staleSeconds), message);
}

void ImportJobRepository::pruneFinished(pqxx::transaction_base& tx, std::size_t keep) {
    exec(tx, kPrune, static_cast<std::int64_t>(keep));
}

}  // namespace registry::db
