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

    // A memo of refusals by a second key (a session token's hash): once a user is refused, the
    // same token is refused again until its Retry-After has passed without asking the database
    // who it belongs to, so a client hammering past its limit costs one map lookup per request.
    // Only tokens that were refused are remembered, so a flood of made-up tokens adds nothing.
    void rememberRefusal(const std::string& memoKey, int retryAfterSeconds, Clock::time_point now = Clock::now());
    Decision refusedEarlier(const std::string& memoKey, Clock::time_point now = Clock::now());

private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    double rate_;
    double burst_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::unordered_map<std::string, Clock::time_point> refusedUntil_;
    Clock::time_point lastSweep_{};
};

}  // namespace registry::core
