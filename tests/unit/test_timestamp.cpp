#include <boost/test/unit_test.hpp>

#include "server/core/timestamp.h"

#include <chrono>
#include <string>

using registry::core::formatDate;
using registry::core::formatTimestampUtc;
using registry::core::parseDate;
using registry::core::parseTimestamp;

namespace {

std::string canonical(const std::string& text) {
    const auto tp = parseTimestamp(text);
    BOOST_REQUIRE_MESSAGE(tp, "should parse: " + text);
    return formatTimestampUtc(*tp);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(timestamp)

BOOST_AUTO_TEST_CASE(offsets_denote_the_same_instant) {
    BOOST_TEST(canonical("2026-03-13T22:15:00+01:00") == "2026-03-13T21:15:00Z");
    BOOST_TEST(canonical("2026-03-13T21:15:00Z") == "2026-03-13T21:15:00Z");
    BOOST_TEST(canonical("2026-03-13T16:45:00-04:30") == "2026-03-13T21:15:00Z");
    BOOST_TEST(canonical("2026-01-01T00:30:00+02:00") == "2025-12-31T22:30:00Z");
    BOOST_TEST(canonical("2026-03-13T21:15:00-00:00") == "2026-03-13T21:15:00Z");
}

BOOST_AUTO_TEST_CASE(epoch_is_exact) {
    const auto tp = parseTimestamp("1970-01-01T00:00:00Z");
    BOOST_REQUIRE(tp);
    BOOST_TEST(tp->time_since_epoch().count() == 0);
    BOOST_TEST(formatTimestampUtc(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(fractional_seconds_are_kept_without_padding_noise) {
    BOOST_TEST(canonical("2026-03-13T22:15:00.5+01:00") == "2026-03-13T21:15:00.500Z");
    BOOST_TEST(canonical("2026-03-13T22:15:00.123456Z") == "2026-03-13T22:15:00.123456Z");
    BOOST_TEST(canonical("2026-03-13T22:15:00.000001Z") == "2026-03-13T22:15:00.000001Z");
    BOOST_TEST(canonical("2026-03-13T22:15:00.123456789Z") == "2026-03-13T22:15:00.123456789Z");
    BOOST_TEST(canonical("2026-03-13T22:15:00.000Z") == "2026-03-13T22:15:00Z");
}

BOOST_AUTO_TEST_CASE(instants_before_1970_round_trip) {
    BOOST_TEST(canonical("1969-12-31T23:59:59.250Z") == "1969-12-31T23:59:59.250Z");
    BOOST_TEST(canonical("1900-03-01T12:00:00+01:00") == "1900-03-01T11:00:00Z");
}

BOOST_AUTO_TEST_CASE(leap_days_follow_the_gregorian_calendar) {
    BOOST_TEST(parseTimestamp("2024-02-29T12:00:00Z").has_value());
    BOOST_TEST(parseTimestamp("2000-02-29T12:00:00Z").has_value());
    BOOST_TEST(!parseTimestamp("2026-02-29T12:00:00Z").has_value());
    BOOST_TEST(!parseTimestamp("1900-02-29T12:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_everything_that_is_not_strict_iso_8601_with_offset) {
    const char* invalid[] = {
        "",
        "2026-02-31T10:00:00Z",        // no such day
        "2026-13-01T10:00:00Z",        // month 13
        "2026-00-10T10:00:00Z",        // month 0
        "2026-04-31T10:00:00Z",        // April has 30 days
        "2026-03-13T24:00:00Z",        // hour 24
        "2026-03-13T23:60:00Z",        // minute 60
        "2026-03-13T23:59:60Z",        // leap second
        "2026-03-13T22:15:00",         // no offset: local time is ambiguous
        "2026-03-13T22:15Z",           // no seconds
        "2026-03-13 22:15:00Z",        // space for T
        "2026-03-13t22:15:00z",        // lower case
        "2026-03-13T22:15:00+0100",    // offset without colon
        "2026-03-13T22:15:00+01",      // offset without minutes
        "2026-03-13T22:15:00+1:00",    // one-digit offset
        "2026-03-13T22:15:00+24:00",   // offset hour out of range
        "2026-03-13T22:15:00.Z",       // empty fraction
        "2026-03-13T22:15:00.1234567891Z",  // beyond nanoseconds
        " 2026-03-13T22:15:00Z",       // leading space
        "2026-03-13T22:15:00Z ",       // trailing space
        "2026-03-13T22:15:00ZZ",
        "2026-3-13T22:15:00Z",
        "+2026-03-13T22:15:00Z",
        "2026-03-13",                  // a date is not a timestamp
        "9999-12-31T23:59:59Z",        // beyond what system_clock represents
        "0001-01-01T00:00:00Z",
        "2026-03-13T22:15:00+01:00\n",
        "２０２６-03-13T22:15:00Z",       // non-ASCII digits
    };
    for (const char* text : invalid) BOOST_TEST(!parseTimestamp(text).has_value(), "accepted: " << text);
}

BOOST_AUTO_TEST_CASE(dates_are_strict_calendar_dates) {
    BOOST_TEST(parseDate("1970-01-01").value() == 0);
    BOOST_TEST(parseDate("2026-03-14").value() == 20526);
    BOOST_TEST(parseDate("1969-12-31").value() == -1);
    BOOST_TEST(formatDate(20526) == "2026-03-14");
    BOOST_TEST(formatDate(-1) == "1969-12-31");
    for (const char* text : {"2026-02-31", "2026-13-01", "2026-3-14", "2026-03-14T00:00:00Z", "14-03-2026", "", "2026-03-14 "})
        BOOST_TEST(!parseDate(text).has_value(), "accepted: " << text);
}

BOOST_AUTO_TEST_SUITE_END()
