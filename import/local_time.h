#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace registry::import {

// A calendar date written dd-mm-jjjj (Dutch Excel), checked against the calendar: 31-02-2026
// is refused. Days since 1970-01-01.
std::optional<std::int64_t> parseDutchDate(const std::string& text);

// A clock time written HH:MM (H:MM accepted), 00:00 to 23:59. Minutes since midnight.
std::optional<int> parseClockTime(const std::string& text);

// How a local Europe/Amsterdam wall-clock time maps to an instant.
struct AmsterdamInstant {
    enum class Kind { Unique, Nonexistent, Ambiguous } kind = Kind::Unique;
    int offsetMinutes = 60;  // +60 CET, +120 CEST; for Ambiguous the rule's choice
    std::string iso;         // e.g. 2026-03-13T22:15:00+01:00; empty when Nonexistent
};

// The EU rule (in force since 1996): summer time from the last Sunday of March 01:00 UTC to the
// last Sunday of October 01:00 UTC. On the March day 02:00-02:59 local does not exist (an
// error for the caller to report). On the October day 02:00-02:59 happens twice; the rule
// chosen here, and documented in the README, is the FIRST occurrence, i.e. still summer time
// (+02:00): the earlier of the two instants.
AmsterdamInstant amsterdamToInstant(std::int64_t days, int minutesOfDay);

}  // namespace registry::import
