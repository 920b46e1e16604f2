#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace registry::core {

// Per-key token buckets: each key (a user id) may make `burst` requests at once and then
// `ratePerSecond` on average. One short critical section per request and no I/O, so a caller
// over its limit is refused in microseconds and cannot hold up anyone else. Thread-safe.
class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // ratePerSecond <= 0 disables the limit (every request is allowed).
    RateLimiter(double ratePerSecond, double burst);

    struct Decision {
        bool allowed = true;
        int retryAfterSeconds = 0;  // when refused: whole seconds until one token is back (>= 1)
    };
    Decision take(const std::string& key) { return take(key, Clock::now()); }
    // The same with an explicit time, for tests.
    Decision take(const std::string& key, Clock::time_point now);

    bool enabled() const { return rate_ > 0; }

private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    double rate_;
    double burst_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point lastSweep_{};
};

}  // namespace registry::core
