#include <boost/test/unit_test.hpp>

#include "server/core/rate_limiter.h"

using registry::core::RateLimiter;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rate_limiter)

BOOST_AUTO_TEST_CASE(a_burst_then_the_steady_rate) {
    RateLimiter limiter(2.0, 5);
    const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 5; ++i) BOOST_TEST(limiter.take("u1", t0).allowed);
    auto refused = limiter.take("u1", t0);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retryAfterSeconds == 1);
    // Two tokens a second: after 500 ms one request more, not two.
    BOOST_TEST(limiter.take("u1", t0 + 500ms).allowed);
    BOOST_TEST(!limiter.take("u1", t0 + 500ms).allowed);
    // Refill stops at the burst size.
    for (int i = 0; i < 5; ++i) BOOST_TEST(limiter.take("u1", t0 + 100s).allowed);
    BOOST_TEST(!limiter.take("u1", t0 + 100s).allowed);
}

BOOST_AUTO_TEST_CASE(users_have_their_own_buckets) {
    RateLimiter limiter(1.0, 2);
    const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
    BOOST_TEST(limiter.take("noisy", t0).allowed);
    BOOST_TEST(limiter.take("noisy", t0).allowed);
    BOOST_TEST(!limiter.take("noisy", t0).allowed);
    BOOST_TEST(limiter.take("quiet", t0).allowed);
    BOOST_TEST(limiter.take("quiet", t0).allowed);
}

BOOST_AUTO_TEST_CASE(retry_after_covers_a_slow_rate) {
    RateLimiter limiter(0.25, 1);  // one request per four seconds
    const auto t0 = RateLimiter::Clock::time_point{} + 1000s;
    BOOST_TEST(limiter.take("u", t0).allowed);
    auto refused = limiter.take("u", t0 + 1s);
    BOOST_TEST(!refused.allowed);
    BOOST_TEST(refused.retryAfterSeconds == 3);
    BOOST_TEST(limiter.take("u", t0 + 4s).allowed);
}

BOOST_AUTO_TEST_CASE(a_zero_rate_disables_the_limit) {
    RateLimiter limiter(0, 1);
    BOOST_TEST(!limiter.enabled());
    for (int i = 0; i < 100; ++i) BOOST_TEST(limiter.take("u").allowed);
}

BOOST_AUTO_TEST_SUITE_END()
