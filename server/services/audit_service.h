#pragma once

#include "server/core/caller.h"
#include "server/db/audit_repository.h"
#include "server/db/pool.h"

#include <vector>

namespace registry::services {

// Reading the audit log, which is itself an audited access.
class AuditService {
public:
    explicit AuditService(db::ConnectionPool& pool) : pool_(pool) {}
    std::vector<db::StoredAuditEvent> list(const db::AuditFilter& filter, const core::Caller& caller);

private:
    db::ConnectionPool& pool_;
};

}  // namespace registry::services
