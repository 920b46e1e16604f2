#include "server/services/read_audit.h"

#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include <vector>

namespace registry::services {

void ReadAudit::record(core::AuditEvent event) {
    auto mine = std::make_shared<Pending>();
    mine->event = std::move(event);
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(mine);
    // Whoever finds no batch in flight writes the next one, for everybody queued; the others wait.
    while (!mine->done) {
        if (writing_) {
            written_.wait(lock);
        } else {
            writeBatch(lock);
        }
    }
    if (mine->error) std::rethrow_exception(mine->error);
}

void ReadAudit::writeBatch(std::unique_lock<std::mutex>& lock) {
    writing_ = true;
    std::vector<std::shared_ptr<Pending>> batch;
    while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    lock.unlock();
    std::exception_ptr error;
    try {
        std::vector<core::AuditEvent> events;
        events.reserve(batch.size());
        for (const auto& pending : batch) events.push_back(pending->event);
        db::inTransaction(pool_, [&](pqxx::work& tx) { db::AuditRepository::appendMany(tx, events); });
    } catch (...) {
        error = std::current_exception();
    }
    lock.lock();
    for (const auto& pending : batch) {
        pending->done = true;
        pending->error = error;
    }
    writing_ = false;
    written_.notify_all();
}

}  // namespace registry::services
