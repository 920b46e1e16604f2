#pragma once

#include "server/core/caller.h"
#include "server/db/audit_repository.h"
#include "server/db/pool.h"
#include "server/db/retention_repository.h"

namespace registry::services {

// The retention procedures of SECURITY.md, run by an operator (`registry retention ...`). Each
// run, dry or real, is an audit event; a real run removes data and records it in the same
// transaction. A dry run changes nothing else and reports what a real run would remove.
class RetentionService {
public:
    explicit RetentionService(db::ConnectionPool& pool) : pool_(pool) {}

    // Drafts not changed for `days` days; each removed draft is an exam.purge event.
    long long purgeDrafts(const core::Caller& caller, int days, bool dryRun);
    // Old failed-login records, ended sessions and expired sign-in challenges.
    db::CleanupCounts cleanup(const core::Caller& caller, int lockoutWindowMinutes, int sessionDays, int idleMinutes,
                              bool dryRun);
    // Audit events older than `years` (a prefix of the chain; the newest event always stays).
    // Needs a pool on the owner role. A real run leaves a checkpoint, vouched for by the
    // audit.purge event it appends, so that `registry audit verify` proves the rest.
    db::AuditPurgePlan purgeAudit(const core::Caller& caller, int years, bool dryRun);

private:
    db::ConnectionPool& pool_;
};

}  // namespace registry::services
