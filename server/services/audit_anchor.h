#pragma once

#include "server/db/pool.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace registry::services {

// Writes the audit chain's head (seq and hash) to the log at start, periodically and at stop. The
// log lives apart from the database, so deleting the newest events (truncation, which the hash
// chain alone cannot reveal) shows up as a head older than an anchor already logged.
class AuditAnchor {
public:
    AuditAnchor(db::ConnectionPool& pool, std::chrono::seconds interval);
    ~AuditAnchor();
    void start();
    void stop();

    // Logs one anchor line now; false when the database could not be read.
    bool writeAnchor();

private:
    void run();

    db::ConnectionPool& pool_;
    std::chrono::seconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace registry::services
