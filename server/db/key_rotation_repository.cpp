#include "server/db/key_rotation_repository.h"

#include "server/db/query.h"

namespace registry::db {
namespace {

// A PostgreSQL array literal of uuids, hex pseudonyms or integers: none of them can contain a
// character that needs quoting, and an absent pseudonym is NULL. Passed as a parameter.
std::string arrayLiteral(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
    return out + "}";
}

std::string orNull(const std::optional<std::string>& value) { return value ? *value : "NULL"; }

std::optional<std::string> optionalText(const pqxx::field& f) {
    if (f.is_null()) return std::nullopt;
    return f.as<std::string>();
}

}  // namespace

static const Query kStart{"rotation_start", R"SQL(
INSERT INTO key_rotations (target_version) VALUES ($1) ON CONFLICT (target_version) DO NOTHING)SQL"};
static const Query kProgress{"rotation_progress", R"SQL(
SELECT finished_at IS NOT NULL, coalesce(last_exam_id::text, ''), exams_rekeyed, versions_rekeyed
  FROM key_rotations WHERE target_version = $1 FOR UPDATE)SQL"};
RotationProgress KeyRotationRepository::startOrResume(pqxx::transaction_base& tx, int targetVersion) {
    exec(tx, kStart, targetVersion);
    auto r = exec(tx, kProgress, targetVersion)[0];
    return {targetVersion, r[0].as<bool>(), r[1].as<std::string>(), r[2].as<long long>(), r[3].as<long long>()};
}

static const Query kRestart{"rotation_restart",
                            "UPDATE key_rotations SET finished_at = NULL, last_exam_id = NULL, updated_at = now() "
                            "WHERE target_version = $1"};
void KeyRotationRepository::restart(pqxx::transaction_base& tx, int targetVersion) { exec(tx, kRestart, targetVersion); }

static const Query kSave{"rotation_save", R"SQL(
UPDATE key_rotations
   SET last_exam_id = $2::uuid, exams_rekeyed = exams_rekeyed + $3, versions_rekeyed = versions_rekeyed + $4,
       updated_at = now()
 WHERE target_version = $1)SQL"};
void KeyRotationRepository::saveProgress(pqxx::transaction_base& tx, int targetVersion, const std::string& lastExamId,
                                         long long exams, long long versions) {
    exec(tx, kSave, targetVersion, lastExamId, exams, versions);
}

static const Query kFinish{"rotation_finish",
                           "UPDATE key_rotations SET finished_at = now(), updated_at = now() WHERE target_version = $1"};
void KeyRotationRepository::finish(pqxx::transaction_base& tx, int targetVersion) { exec(tx, kFinish, targetVersion); }

static const Query kNextIds{"rotation_next_ids", R"SQL(
SELECT id::text FROM exams WHERE ($1 = '' OR id > NULLIF($1, '')::uuid) ORDER BY id LIMIT $2)SQL"};
std::vector<std::string> KeyRotationRepository::nextExamIds(pqxx::transaction_base& tx, const std::string& afterId,
                                                            int limit) {
    std::vector<std::string> ids;
    for (const auto& r : exec(tx, kNextIds, afterId, limit)) ids.push_back(r[0].as<std::string>());
    return ids;
}

static const Query kStaleExams{"rotation_stale_exams", R"SQL(
SELECT id::text, victim_pseudonym, police_pseudonym, pseudonym_key_version
  FROM exams WHERE id = ANY($1::uuid[]) AND pseudonym_key_version < $2
 ORDER BY id FOR UPDATE)SQL"};
std::vector<PseudonymRow> KeyRotationRepository::staleExams(pqxx::transaction_base& tx,
                                                            const std::vector<std::string>& ids, int targetVersion) {
    std::vector<PseudonymRow> rows;
    for (const auto& r : exec(tx, kStaleExams, arrayLiteral(ids), targetVersion)) {
        rows.push_back({r[0].as<std::string>(), 0, optionalText(r[1]), optionalText(r[2]), r[3].as<int>()});
    }
    return rows;
}

static const Query kStaleVersions{"rotation_stale_versions", R"SQL(
SELECT exam_id::text, version, victim_pseudonym, police_pseudonym, pseudonym_key_version
  FROM exam_versions WHERE exam_id = ANY($1::uuid[]) AND pseudonym_key_version < $2
 ORDER BY exam_id, version FOR UPDATE)SQL"};
std::vector<PseudonymRow> KeyRotationRepository::staleVersions(pqxx::transaction_base& tx,
                                                               const std::vector<std::string>& ids, int targetVersion) {
    std::vector<PseudonymRow> rows;
    for (const auto& r : exec(tx, kStaleVersions, arrayLiteral(ids), targetVersion)) {
        rows.push_back({r[0].as<std::string>(), r[1].as<int>(), optionalText(r[2]), optionalText(r[3]), r[4].as<int>()});
    }
    return rows;
}

static const Query kUpdateExams{"rotation_update_exams", R"SQL(
UPDATE exams e SET victim_pseudonym = u.victim, police_pseudonym = u.police, pseudonym_key_version = $4
  FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, victim, police)
 WHERE e.id = u.id)SQL"};
void KeyRotationRepository::updateExams(pqxx::transaction_base& tx, const std::vector<PseudonymRow>& rows,
                                        int targetVersion) {
    if (rows.empty()) return;
    std::vector<std::string> ids, victims, police;
    for (const auto& r : rows) {
        ids.push_back(r.examId);
        victims.push_back(orNull(r.victim));
        police.push_back(orNull(r.police));
    }
    exec(tx, kUpdateExams, arrayLiteral(ids), arrayLiteral(victims), arrayLiteral(police), targetVersion);
}

static const Query kUpdateVersions{"rotation_update_versions", R"SQL(
UPDATE exam_versions v SET victim_pseudonym = u.victim, police_pseudonym = u.police, pseudonym_key_version = $5
  FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS u(exam_id, version, victim, police)
 WHERE v.exam_id = u.exam_id AND v.version = u.version)SQL"};
void KeyRotationRepository::updateVersions(pqxx::transaction_base& tx, const std::vector<PseudonymRow>& rows,
                                           int targetVersion) {
    if (rows.empty()) return;
    std::vector<std::string> ids, versions, victims, police;
    for (const auto& r : rows) {
        ids.push_back(r.examId);
        versions.push_back(std::to_string(r.version));
        victims.push_back(orNull(r.victim));
        police.push_back(orNull(r.police));
    }
    exec(tx, kUpdateVersions, arrayLiteral(ids), arrayLiteral(versions), arrayLiteral(victims), arrayLiteral(police),
         targetVersion);
}

static const Query kCountStale{"rotation_count_stale", R"SQL(
SELECT (SELECT count(*) FROM exams WHERE pseudonym_key_version < $1)
     + (SELECT count(*) FROM exam_versions WHERE pseudonym_key_version < $1))SQL"};
long long KeyRotationRepository::countStale(pqxx::transaction_base& tx, int targetVersion) {
    return exec(tx, kCountStale, targetVersion)[0][0].as<long long>();
}

static const Query kOldest{"rotation_oldest_version", R"SQL(
SELECT coalesce(least((SELECT min(pseudonym_key_version) FROM exams),
                      (SELECT min(pseudonym_key_version) FROM exam_versions)), 0))SQL"};
int KeyRotationRepository::oldestKeyVersion(pqxx::transaction_base& tx) { return exec(tx, kOldest)[0][0].as<int>(); }

}  // namespace registry::db
