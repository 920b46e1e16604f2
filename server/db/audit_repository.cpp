#include "server/db/audit_repository.h"

#include "server/db/query.h"

namespace registry::db {
namespace {

constexpr long long kAuditLockKey = 7513002;

const Query kLockChain{"audit_lock_chain", "SELECT pg_advisory_xact_lock($1)"};

const Query kChainHead{"audit_chain_head", "SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1"};

// Lock, head and insert in one round trip (schema/046_audit_append.sql); the hash is computed
// there over the canonical encoding given, and returned.
const Query kAppendEvent{"audit_append", R"SQL(
SELECT audit_append($1, $2, $3::timestamptz, $4, NULLIF($5, '')::uuid, NULLIF($6, ''), NULLIF($7, ''), NULLIF($8, ''),
                    NULLIF($9, ''), NULLIF($10, ''), NULLIF($11, ''), NULLIF($12, ''), NULLIF($13, ''), NULLIF($14, ''),
                    $15, NULLIF($16, ''), $17, $18, $19))SQL"};

// The columns in the order readEvent expects; occurred_at rendered exactly as it was hashed.
#define AUDIT_COLUMNS                                                                                              \
    "seq, id::text, action, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "      \
    "outcome, coalesce(user_id::text, ''), coalesce(username, ''), coalesce(role, ''), coalesce(region, ''), "     \
    "coalesce(on_behalf_of, ''), coalesce(client_address, ''), coalesce(request_id, ''), "                         \
    "coalesce(object_type, ''), coalesce(object_id, ''), coalesce(subject_pseudonym, ''), purpose, "               \
    "coalesce(detail, ''), prev_hash, hash"

const Query kList{"audit_list", "SELECT " AUDIT_COLUMNS R"SQL(
  FROM audit_events
 WHERE ($1 = '' OR user_id = NULLIF($1, '')::uuid)
   AND ($2 = '' OR object_id = $2)
   AND ($3 = '' OR action = $3)
   AND ($4 = '' OR occurred_at >= NULLIF($4, '')::timestamptz)
   AND ($5 = '' OR occurred_at < NULLIF($5, '')::timestamptz)
   AND ($6::bigint IS NULL OR seq < $6::bigint)
 ORDER BY seq DESC
 LIMIT $7)SQL"};


// Run on a connection that may not come from the pool (the CLI), so by its text.
const char* const kChainBatchSql = "SELECT " AUDIT_COLUMNS " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2";

StoredAuditEvent readEvent(const pqxx::row& row) {
    StoredAuditEvent s;
    s.seq = row[0].as<std::int64_t>();
    auto& e = s.event;
    std::string* fields[] = {&e.id,        &e.action,       &e.occurredAt, &e.outcome,  &e.userId,
                             &e.username,  &e.role,         &e.region,     &e.onBehalfOf, &e.clientAddress,
                             &e.requestId, &e.objectType,   &e.objectId,   &e.subjectPseudonym, &e.purpose,
                             &e.detail};
    int i = 1;
    for (std::string* field : fields) *field = row[i++].as<std::string>();
    s.prevHash = row[17].as<std::string>();
    s.hash = row[18].as<std::string>();
    return s;
}

}  // namespace

void AuditRepository::append(pqxx::transaction_base& tx, const core::AuditEvent& e) {
    exec(tx, kAppendEvent, e.id, e.action, e.occurredAt, e.outcome, e.userId, e.username, e.role, e.region,
         e.onBehalfOf, e.clientAddress, e.requestId, e.objectType, e.objectId, e.subjectPseudonym, e.purpose, e.detail,
         core::canonicalEncoding(e), kAuditLockKey, core::genesisHash());
}

void AuditRepository::appendMany(pqxx::transaction_base& tx, const std::vector<core::AuditEvent>& events) {
    if (events.empty()) return;
    exec(tx, kLockChain, kAuditLockKey);
    auto head = exec(tx, kChainHead);
    std::string prev = head.empty() ? core::genesisHash() : head[0][0].as<std::string>();
    pqxx::stream_to copy(tx, "audit_events",
                         std::vector<std::string>{"id", "action", "occurred_at", "outcome", "user_id", "username", "role",
                                                  "region", "on_behalf_of", "client_address", "request_id",
                                                  "object_type", "object_id", "subject_pseudonym", "purpose", "detail",
                                                  "prev_hash", "hash"});
    // As in kInsertEvent, an empty element is stored as NULL (the purpose is never empty).
    const auto cell = [](const std::string& v) -> const char* { return v.empty() ? nullptr : v.c_str(); };
    for (const auto& e : events) {
        const std::string hash = core::chainHash(prev, e);
        copy << std::make_tuple(e.id.c_str(), e.action.c_str(), e.occurredAt.c_str(), e.outcome.c_str(), cell(e.userId),
                                cell(e.username), cell(e.role), cell(e.region), cell(e.onBehalfOf),
                                cell(e.clientAddress), cell(e.requestId), cell(e.objectType), cell(e.objectId),
                                cell(e.subjectPseudonym), e.purpose.c_str(), cell(e.detail), prev.c_str(), hash.c_str());
        prev = hash;
    }
    copy.complete();
}

static const Query kHead{"audit_head", "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"};
std::pair<std::int64_t, std::string> AuditRepository::head(pqxx::transaction_base& tx) {
    auto rows = exec(tx, kHead);
    if (rows.empty()) return {0, core::genesisHash()};
    return {rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>()};
}

std::vector<StoredAuditEvent> AuditRepository::list(pqxx::transaction_base& tx, const AuditFilter& f) {
    std::optional<std::int64_t> before = f.beforeSeq;
    auto rows = exec(tx, kList, f.userId, f.objectId, f.action, f.from, f.to, before, f.limit);
    std::vector<StoredAuditEvent> events;
    events.reserve(rows.size());
    for (const auto& row : rows) events.push_back(readEvent(row));
    return events;
}

void AuditRepository::lockChain(pqxx::transaction_base& tx) { exec(tx, kLockChain, kAuditLockKey); }

// The newest event is never part of the prefix, so the chain keeps a head to append to.
static const Query kPlanPurge{"audit_plan_purge", R"SQL(
WITH first_kept AS (
    SELECT least(coalesce((SELECT min(seq) FROM audit_events WHERE occurred_at >= now() - make_interval(years => $1)),
                          9223372036854775807),
                 (SELECT max(seq) FROM audit_events)) AS seq
)
SELECT e.seq, e.hash, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       (SELECT count(*) FROM audit_events WHERE seq <= e.seq)
  FROM audit_events e, first_kept
 WHERE e.seq < first_kept.seq
 ORDER BY e.seq DESC
 LIMIT 1)SQL"};
AuditPurgePlan AuditRepository::planPurge(pqxx::transaction_base& tx, int retentionYears) {
    AuditPurgePlan plan;
    auto rows = exec(tx, kPlanPurge, retentionYears);
    if (rows.empty()) return plan;
    plan.throughSeq = rows[0][0].as<std::int64_t>();
    plan.throughHash = rows[0][1].as<std::string>();
    plan.throughOccurredAt = rows[0][2].as<std::string>();
    plan.count = rows[0][3].as<std::int64_t>();
    return plan;
}

static const Query kInsertCheckpoint{"audit_insert_checkpoint", R"SQL(
INSERT INTO audit_checkpoints (through_seq, through_hash, through_occurred_at, events_removed)
VALUES ($1, $2, $3::timestamptz, $4) RETURNING id)SQL"};
static const Query kDeletePrefix{"audit_delete_prefix", "DELETE FROM audit_events WHERE seq <= $1"};
std::int64_t AuditRepository::purgeThrough(pqxx::transaction_base& tx, const AuditPurgePlan& plan) {
    lockChain(tx);
    const auto id = exec(tx, kInsertCheckpoint, plan.throughSeq, plan.throughHash, plan.throughOccurredAt, plan.count)[0][0]
                        .as<std::int64_t>();
    exec(tx, kDeletePrefix, plan.throughSeq);
    return id;
}

std::string AuditRepository::checkpointDetail(std::int64_t checkpointId, const AuditPurgePlan& plan) {
    return "removed " + std::to_string(plan.count) + " event(s) through seq " + std::to_string(plan.throughSeq) +
           " (the last of " + plan.throughOccurredAt + "); checkpoint " + std::to_string(checkpointId) + " hash " +
           plan.throughHash;
}

AuditVerification AuditRepository::verify(pqxx::connection& connection) {
    AuditVerification result;
    std::string prev = core::genesisHash();
    std::int64_t lastSeq = 0;
    // After a purge the chain starts at the newest checkpoint.
    std::int64_t checkpointId = 0;
    std::string checkpointDetailText;
    {
        pqxx::read_transaction tx(connection);
        auto rows = tx.exec(
            "SELECT id, through_seq, through_hash, events_removed, "
            "to_char(through_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            "FROM audit_checkpoints ORDER BY through_seq DESC LIMIT 1");
        if (!rows.empty()) {
            checkpointId = rows[0][0].as<std::int64_t>();
            AuditPurgePlan plan{rows[0][1].as<std::int64_t>(), rows[0][2].as<std::string>(),
                                rows[0][4].as<std::string>(), rows[0][3].as<std::int64_t>()};
            checkpointDetailText = checkpointDetail(checkpointId, plan);
            result.checkpointSeq = plan.throughSeq;
            prev = plan.throughHash;
        }
    }
    bool vouched = checkpointId == 0;
    constexpr int kBatch = 5000;
    while (true) {
        pqxx::read_transaction tx(connection);
        auto rows = tx.exec_params(kChainBatchSql, lastSeq, kBatch);
        for (const auto& row : rows) {
            auto stored = readEvent(row);
            ++result.checked;
            std::string reason;
            if (stored.seq <= result.checkpointSeq) {
                reason = "event at or before the purge checkpoint (seq " + std::to_string(result.checkpointSeq) +
                         ") is still or again present";
            } else if (stored.prevHash != prev) {
                reason = "prev_hash does not match the hash of the event before it (an event was removed or reordered)";
            } else if (core::chainHash(stored.prevHash, stored.event) != stored.hash) {
                reason = "content does not match its hash (the event was altered)";
            }
            if (!reason.empty()) {
                result.intact = false;
                result.brokenSeq = stored.seq;
                result.brokenId = stored.event.id;
                result.reason = reason;
                return result;
            }
            if (!vouched && stored.event.action == "audit.purge" && stored.event.detail == checkpointDetailText) {
                vouched = true;
            }
            prev = stored.hash;
            lastSeq = stored.seq;
        }
        if (rows.size() < static_cast<std::size_t>(kBatch)) break;
    }
    if (!vouched) {
        result.intact = false;
        result.brokenSeq = result.checkpointSeq;
        result.reason = "the purge checkpoint through seq " + std::to_string(result.checkpointSeq) +
                        " is not vouched for by an audit.purge event in the chain (checkpoint forged or altered)";
        return result;
    }
    result.headHash = prev;
    return result;
}

}  // namespace registry::db
