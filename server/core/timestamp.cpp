#include "server/core/timestamp.h"

#include <cstdio>

namespace registry::core {

std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

namespace {

bool isLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(std::int64_t y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// Reads exactly `width` ASCII digits at `pos`; std::isdigit would accept locale digits.
bool digits(const std::string& s, std::size_t pos, std::size_t width, unsigned& out) {
    if (pos + width > s.size()) return false;
    unsigned value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + static_cast<unsigned>(s[i] - '0');
    }
    out = value;
    return true;
}

// Parses YYYY-MM-DD at the start of `s` and returns days since the epoch.
std::optional<std::int64_t> datePart(const std::string& s) {
    unsigned y = 0, m = 0, d = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
        !digits(s, 8, 2, d))
        return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
    return daysFromCivil(y, m, d);
}

}  // namespace

std::optional<std::int64_t> parseDate(const std::string& text) {
    if (text.size() != 10) return std::nullopt;
    return datePart(text);
}

std::string formatDate(std::int64_t daysSinceEpoch) {
    const CivilDate c = civilFromDays(daysSinceEpoch);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
    return buf;
}

std::optional<std::chrono::system_clock::time_point> parseTimestamp(const std::string& text) {
    const auto days = datePart(text);
    unsigned hh = 0, mi = 0, ss = 0;
    if (!days || text.size() < 20 || text[10] != 'T' || !digits(text, 11, 2, hh) || text[13] != ':' ||
        !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, ss))
        return std::nullopt;
    if (hh > 23 || mi > 59 || ss > 59) return std::nullopt;

    std::size_t pos = 19;
    std::int64_t nanos = 0;
    if (text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        const std::size_t count = pos - start;
        if (count == 0 || count > 9) return std::nullopt;
        for (std::size_t i = 0; i < 9; ++i)
            nanos = nanos * 10 + (i < count ? text[start + i] - '0' : 0);
    }

    std::int64_t offsetSeconds = 0;
    if (pos < text.size() && text[pos] == 'Z') {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        unsigned oh = 0, om = 0;
        if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offsetSeconds = (text[pos] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t seconds = *days * 86400 + hh * 3600 + mi * 60 + ss - offsetSeconds;
    // system_clock counts nanoseconds in 64 bits (about 1678-2262); beyond that a conversion
    // would overflow silently.
    using Clock = std::chrono::system_clock;
    const auto limit = std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
    if (seconds > limit || seconds < -limit) return std::nullopt;
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds)) +
                             std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(nanos)));
}

Instant Instant::of(std::chrono::system_clock::time_point tp) {
    const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
    Instant instant{ns / 1000000000, ns % 1000000000};
    if (instant.nanos < 0) {
        instant.nanos += 1000000000;
        --instant.seconds;
    }
    return instant;
}

Instant Instant::ofDate(std::int64_t daysSinceEpoch) { return {daysSinceEpoch * 86400, 0}; }

std::string formatTimestampUtc(std::chrono::system_clock::time_point tp) {
    const std::int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
    std::int64_t seconds = ns / 1000000000;
    std::int64_t fraction = ns % 1000000000;
    if (fraction < 0) {
        fraction += 1000000000;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t secondOfDay = seconds % 86400;
    if (secondOfDay < 0) {
        secondOfDay += 86400;
        --days;
    }
    std::string out = formatDate(days);
    char buf[32];
    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(secondOfDay / 3600),
                  static_cast<int>(secondOfDay / 60 % 60), static_cast<int>(secondOfDay % 60));
    out += buf;
    if (fraction != 0) {
        if (fraction % 1000000 == 0)
            std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(fraction / 1000000));
        else if (fraction % 1000 == 0)
            std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(fraction / 1000));
        else
            std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(fraction));
        out += buf;
    }
    out += 'Z';
    return out;
}

}  // namespace registry::core
