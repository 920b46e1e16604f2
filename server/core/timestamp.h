#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace registry::core {

// Strict ISO 8601 (RFC 3339 profile): YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm), 1 to 9 fractional
// digits, upper-case T and Z. Returns nullopt for anything else: a missing offset (a local
// time is ambiguous), impossible dates (2026-02-31), hour 24, leap second 60, surrounding
// spaces, or an instant system_clock cannot represent.
std::optional<std::chrono::system_clock::time_point> parseTimestamp(const std::string& text);

// Canonical UTC form, e.g. 2026-03-13T21:15:00Z. Sub-seconds are written only when present,
// as 3, 6 or 9 digits (the fewest that lose nothing).
std::string formatTimestampUtc(std::chrono::system_clock::time_point tp);

// Strict calendar date YYYY-MM-DD; the result counts days since 1970-01-01.
std::optional<std::int64_t> parseDate(const std::string& text);

// Proleptic Gregorian calendar arithmetic (Howard Hinnant's algorithms), valid for any year.
struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day);
CivilDate civilFromDays(std::int64_t daysSinceEpoch);

// Inverse of parseDate.
std::string formatDate(std::int64_t daysSinceEpoch);

// An instant as whole seconds and nanoseconds since the epoch, for comparing and subtracting
// dates and timestamps: system_clock counts 64-bit nanoseconds, which overflow beyond about
// 1678-2262 (dates here go from 0001 to 9999) and in the difference of two instants more than
// 292 years apart. Overflow there is undefined behaviour, in practice a wrapped, wrong answer.
struct Instant {
    std::int64_t seconds = 0;
    std::int64_t nanos = 0;  // 0 to 999,999,999

    static Instant of(std::chrono::system_clock::time_point tp);
    static Instant ofDate(std::int64_t daysSinceEpoch);  // its UTC midnight
    Instant plusSeconds(std::int64_t s) const { return {seconds + s, nanos}; }
    // later - earlier, in seconds (exact to well under a millisecond for any two instants here).
    double secondsSince(const Instant& earlier) const {
        return static_cast<double>(seconds - earlier.seconds) + static_cast<double>(nanos - earlier.nanos) / 1e9;
    }
    bool operator<(const Instant& o) const { return seconds != o.seconds ? seconds < o.seconds : nanos < o.nanos; }
    bool operator>(const Instant& o) const { return o < *this; }
    bool operator<=(const Instant& o) const { return !(o < *this); }
};

}  // namespace registry::core
