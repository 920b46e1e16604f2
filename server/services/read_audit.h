#pragma once

#include "server/core/audit_event.h"
#include "server/db/pool.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

namespace registry::services {

// Records the events of accesses that change nothing (record reads, lists) in shared batches: the
// events that concurrent readers hand in while one batch is being written go into the chain
// together, under one chain lock and one commit. So reads do not queue one by one on the audit
// chain, and each read still waits until its own event is committed: no read is answered without
// its event (record() throws, and the read fails, if the event cannot be written).
class ReadAudit {
public:
    explicit ReadAudit(db::ConnectionPool& pool, std::size_t maxBatch = 256) : pool_(pool), maxBatch_(maxBatch) {}
    ReadAudit(const ReadAudit&) = delete;
    ReadAudit& operator=(const ReadAudit&) = delete;

    // Returns once `event` is committed to the audit chain; rethrows the error of its batch.
    void record(core::AuditEvent event);

private:
    struct Pending {
        core::AuditEvent event;
        bool done = false;
        std::exception_ptr error;
    };
    void writeBatch(std::unique_lock<std::mutex>& lock);

    db::ConnectionPool& pool_;
    const std::size_t maxBatch_;
    std::mutex mutex_;
    std::condition_variable written_;
    std::deque<std::shared_ptr<Pending>> queue_;
    bool writing_ = false;
};

}  // namespace registry::services
