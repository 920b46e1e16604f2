#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace registry::http {

// Request counters and a latency histogram, rendered in Prometheus text format. Every label is
// bounded: route patterns (never raw paths), a fixed set of methods plus "other", and statuses.
class Metrics {
public:
    static constexpr std::array<double, 12> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    void observe(const std::string& route, const std::string& method, int status, double seconds);
    // Open client connections, and how many of them are being served (the rest wait for a request).
    void connectionOpened() { ++open_; }
    void connectionClosed() { --open_; }
    void connectionBusy(bool busy) { busy ? ++busy_ : --busy_; }
    // A request refused by the per-user rate limit (429).
    void countRateLimited() { rateLimited_.fetch_add(1, std::memory_order_relaxed); }

    struct Gauges {
        std::size_t poolInUse = 0;
        std::size_t poolIdle = 0;
        std::size_t poolCapacity = 0;
        std::string version;
        std::string commit;
    };
    std::string render(const Gauges& gauges) const;

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::atomic<long> open_{0};
    std::atomic<long> busy_{0};
    std::map<std::string, Histogram> latency_;
    std::atomic<std::uint64_t> rateLimited_{0};
};

}  // namespace registry::http
