#include "server/services/report_warmer.h"

#include <Poco/Logger.h>

#include <exception>

namespace registry::services {

ReportWarmer::ReportWarmer(ReportService& reports, std::chrono::seconds interval, std::chrono::seconds firstDelay)
    : reports_(reports), interval_(interval), firstDelay_(firstDelay) {}

ReportWarmer::~ReportWarmer() { stop(); }

void ReportWarmer::start() {
    if (interval_.count() <= 0 || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void ReportWarmer::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ReportWarmer::round() {
    auto& log = Poco::Logger::get("registry.reports");
    const auto started = std::chrono::steady_clock::now();
    try {
        const auto computed = reports_.warm([this] {
            std::lock_guard<std::mutex> lock(mutex_);
            return stopping_;
        });
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        if (!computed) {
            log.information("report chunks: reports busy, warming skipped until the next round");
        } else if (*computed > 0) {
            log.information("report chunks: " + std::to_string(*computed) + " aggregated and stored in " + std::to_string(ms) + " ms");
        }
    } catch (const std::exception& e) {
        // A database outage or a timeout: the reports compute what they need themselves.
        log.warning(std::string("report chunks not warmed: ") + e.what());
    }
}

void ReportWarmer::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    auto wait = firstDelay_;
    while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
        lock.unlock();
        round();
        lock.lock();
        wait = interval_;
    }
}

}  // namespace registry::services
