#include "server/core/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace registry::core {

RateLimiter::RateLimiter(double ratePerSecond, double burst) : rate_(ratePerSecond), burst_(std::max(1.0, burst)) {}

RateLimiter::Decision RateLimiter::take(const std::string& key, Clock::time_point now) {
    if (rate_ <= 0) return {};
    std::lock_guard<std::mutex> lock(mutex_);
    // A bucket that has been full for a while carries no information: dropping those now and
    // then keeps the map as small as the set of recently active users.
    const auto refillTime = std::chrono::duration<double>(burst_ / rate_);
    if (now - lastSweep_ > std::max<Clock::duration>(std::chrono::seconds(60),
                                                     std::chrono::duration_cast<Clock::duration>(refillTime))) {
        for (auto it = buckets_.begin(); it != buckets_.end();) {
            it = now - it->second.updated > refillTime ? buckets_.erase(it) : std::next(it);
        }
        lastSweep_ = now;
    }
    auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& bucket = it->second;
    if (!inserted && now > bucket.updated) {
        const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
        bucket.updated = now;
    }
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return {};
    }
    const double wait = (1.0 - bucket.tokens) / rate_;
    return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

}  // namespace registry::core
