#include "server/services/audit_anchor.h"

#include "server/db/audit_repository.h"

#include <Poco/Logger.h>
#include <pqxx/pqxx>

namespace registry::services {

AuditAnchor::AuditAnchor(db::ConnectionPool& pool, std::chrono::seconds interval) : pool_(pool), interval_(interval) {}

AuditAnchor::~AuditAnchor() { stop(); }

void AuditAnchor::start() {
    if (interval_.count() <= 0 || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void AuditAnchor::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
        writeAnchor();
    }
}

bool AuditAnchor::writeAnchor() {
    try {
        auto lease = pool_.acquire();
        pqxx::read_transaction tx(*lease);
        const auto [seq, hash] = db::AuditRepository::head(tx);
        Poco::Logger::get("registry.audit").notice("audit anchor seq=" + std::to_string(seq) + " hash=" + hash);
        return true;
    } catch (const std::exception& e) {
        Poco::Logger::get("registry.audit").warning(std::string("audit anchor not written: ") + e.what());
        return false;
    }
}

void AuditAnchor::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        writeAnchor();
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace registry::services
