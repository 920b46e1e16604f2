#include "import/local_time.h"

#include "server/core/timestamp.h"

#include <cstdio>

namespace registry::import {
namespace {

bool digits(const std::string& s, std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

int number(const std::string& s, std::size_t from, std::size_t count) {
    int n = 0;
    for (std::size_t i = from; i < from + count; ++i) n = n * 10 + (s[i] - '0');
    return n;
}

// Days since the epoch of the last Sunday of `month` (31-day months only: March, October).
std::int64_t lastSunday(std::int64_t year, unsigned month) {
    const std::int64_t last = core::daysFromCivil(year, month, 31);
    // 1970-01-01 was a Thursday: weekday 4 when Sunday is 0.
    const std::int64_t weekday = ((last + 4) % 7 + 7) % 7;
    return last - weekday;
}

}  // namespace

std::optional<std::int64_t> parseDutchDate(const std::string& text) {
    if (text.size() != 10 || text[2] != '-' || text[5] != '-') return std::nullopt;
    if (!digits(text, 0, 2) || !digits(text, 3, 2) || !digits(text, 6, 4)) return std::nullopt;
    const int day = number(text, 0, 2), month = number(text, 3, 2), year = number(text, 6, 4);
    if (month < 1 || month > 12 || day < 1 || year < 1900) return std::nullopt;
    const std::int64_t days = core::daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const auto back = core::civilFromDays(days);
    if (back.year != year || back.month != static_cast<unsigned>(month) || back.day != static_cast<unsigned>(day)) {
        return std::nullopt;
    }
    return days;
}

std::optional<int> parseClockTime(const std::string& text) {
    std::size_t colon = text.find(':');
    if (colon != 1 && colon != 2) return std::nullopt;
    if (text.size() != colon + 3 || !digits(text, 0, colon) || !digits(text, colon + 1, 2)) return std::nullopt;
    const int hour = number(text, 0, colon), minute = number(text, colon + 1, 2);
    if (hour > 23 || minute > 59) return std::nullopt;
    return hour * 60 + minute;
}

AmsterdamInstant amsterdamToInstant(std::int64_t days, int minutesOfDay) {
    const auto civil = core::civilFromDays(days);
    const std::int64_t local = days * 1440 + minutesOfDay;  // local wall clock, in minutes
    const std::int64_t springDay = lastSunday(civil.year, 3), autumnDay = lastSunday(civil.year, 10);
    AmsterdamInstant out;
    if (local >= springDay * 1440 + 120 && local < springDay * 1440 + 180) {
        out.kind = AmsterdamInstant::Kind::Nonexistent;
        return out;
    }
    if (local >= autumnDay * 1440 + 120 && local < autumnDay * 1440 + 180) {
        out.kind = AmsterdamInstant::Kind::Ambiguous;
        out.offsetMinutes = 120;
    } else {
        const bool summer = local >= springDay * 1440 + 180 && local < autumnDay * 1440 + 120;
        out.offsetMinutes = summer ? 120 : 60;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s-%02u-%02uT%02d:%02d:00+%02d:00",
                  core::formatDate(days).substr(0, 4).c_str(), civil.month, civil.day, minutesOfDay / 60,
                  minutesOfDay % 60, out.offsetMinutes / 60);
    out.iso = buf;
    return out;
}

}  // namespace registry::import
