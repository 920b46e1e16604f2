#pragma once

#include "server/services/report_service.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace registry::services {

// Keeps report chunks ready: shortly after start and then every reports.warm_interval_seconds,
// ReportService::warm aggregates every kind over the last ten years, computing only the months
// whose records changed since the last round and storing them in report_chunks. So the first
// report after a bulk import, a restart or a new instance reads stored months instead of
// aggregating years of records while its reader waits.
class ReportWarmer {
public:
    ReportWarmer(ReportService& reports, std::chrono::seconds interval, std::chrono::seconds firstDelay);
    ~ReportWarmer();
    void start();  // no thread when the interval is 0
    void stop();   // waits for the round in progress to finish its current kind

private:
    void run();
    void round();

    ReportService& reports_;
    std::chrono::seconds interval_, firstDelay_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace registry::services
