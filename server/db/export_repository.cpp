#include "server/db/export_repository.h"

#include "server/db/query.h"

namespace registry::db {

static const Query kInsertExport{"export_insert", R"SQL(
INSERT INTO research_exports (id, requested_by, region, date_from, date_to, status, record_count, form_versions)
VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8))SQL"};
void ExportRepository::insert(pqxx::transaction_base& tx, const ExportRow& r) {
    exec(tx, kInsertExport, r.id, r.requestedBy, r.region, r.from, r.to, r.status, r.recordCount, r.formVersions);
}

static const Query kFindExport{"export_find", R"SQL(
SELECT id::text, requested_by::text, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), region,
       date_from, date_to, status, record_count, form_versions
  FROM research_exports WHERE id = $1::uuid AND requested_by = $2::uuid)SQL"};
std::optional<ExportRow> ExportRepository::find(pqxx::transaction_base& tx, const std::string& id, const std::string& userId) {
    auto rows = exec(tx, kFindExport, id, userId);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    ExportRow r;
    r.id = row[0].as<std::string>();
    r.requestedBy = row[1].as<std::string>();
    r.requestedAt = row[2].as<std::string>();
    r.region = row[3].as<std::string>();
    r.from = row[4].as<std::string>();
    r.to = row[5].as<std::string>();
    r.status = row[6].as<std::string>();
    r.recordCount = row[7].as<long long>();
    r.formVersions = row[8].as<std::string>();
    return r;
}

}  // namespace registry::db
