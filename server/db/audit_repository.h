#pragma once

#include "server/core/audit_event.h"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace registry::db {

struct AuditFilter {
    std::string userId;
    std::string objectId;
    std::string action;
    std::string from;  // ISO 8601 timestamps, inclusive / exclusive
    std::string to;
    std::optional<std::int64_t> beforeSeq;  // cursor: events older than this
    int limit = 100;
};

struct StoredAuditEvent {
    std::int64_t seq = 0;
    core::AuditEvent event;
    std::string prevHash;
    std::string hash;
};

struct AuditVerification {
    std::int64_t checked = 0;
    bool intact = true;
    std::int64_t brokenSeq = 0;
    std::string brokenId;
    std::string reason;
    std::string headHash;
    std::int64_t checkpointSeq = 0;  // the chain was proven from this checkpoint (0: from genesis)
};

// The prefix of the chain that a retention purge would remove: every event up to and including
// `throughSeq` is older than the cut-off (and the newest event is always kept).
struct AuditPurgePlan {
    std::int64_t throughSeq = 0;
    std::string throughHash;
    std::string throughOccurredAt;
    std::int64_t count = 0;
};

class AuditRepository {
public:
    // Appends in the caller's transaction, so the event commits or rolls back with the change it
    // records. A transaction-scoped advisory lock serialises appends to keep the chain linear.
    static void append(pqxx::transaction_base& tx, const core::AuditEvent& event);
    // Appends several events in order with one COPY: the same chain, lock and columns as
    // append(), for bulk work such as an import batch.
    static void appendMany(pqxx::transaction_base& tx, const std::vector<core::AuditEvent>& events);
    // The newest event's seq and hash (seq 0 and the genesis hash for an empty log).
    static std::pair<std::int64_t, std::string> head(pqxx::transaction_base& tx);
    static std::vector<StoredAuditEvent> list(pqxx::transaction_base& tx, const AuditFilter& filter);
    // Walks the whole chain in order, recomputing every hash. After a purge it starts from the
    // newest checkpoint, which an audit.purge event in the remaining chain must vouch for.
    static AuditVerification verify(pqxx::connection& connection);

    // Retention (owner role only: the service role may not delete events). purgeThrough takes
    // the chain lock, records the checkpoint and deletes the prefix; returns the checkpoint id.
    // The caller appends the audit.purge event that vouches for it in the same transaction.
    static void lockChain(pqxx::transaction_base& tx);
    static AuditPurgePlan planPurge(pqxx::transaction_base& tx, int retentionYears);
    static std::int64_t purgeThrough(pqxx::transaction_base& tx, const AuditPurgePlan& plan);
    // The text an audit.purge event carries so that verify can match it to its checkpoint.
    static std::string checkpointDetail(std::int64_t checkpointId, const AuditPurgePlan& plan);
};

}  // namespace registry::db
