#include <boost/test/unit_test.hpp>

#include "import/local_time.h"

using registry::import::AmsterdamInstant;
using registry::import::amsterdamToInstant;
using registry::import::parseClockTime;
using registry::import::parseDutchDate;

namespace {
AmsterdamInstant at(const std::string& date, const std::string& time) {
    const auto day = parseDutchDate(date);
    const auto minutes = parseClockTime(time);
    BOOST_REQUIRE(day && minutes);
    return amsterdamToInstant(*day, *minutes);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(import_local_time)

BOOST_AUTO_TEST_CASE(dutch_dates_are_checked_against_the_calendar) {
    BOOST_TEST(parseDutchDate("29-02-2028").has_value());
    BOOST_TEST(!parseDutchDate("29-02-2026").has_value());
    BOOST_TEST(!parseDutchDate("31-02-2026").has_value());
    BOOST_TEST(!parseDutchDate("00-01-2026").has_value());
    BOOST_TEST(!parseDutchDate("01-13-2026").has_value());
    BOOST_TEST(!parseDutchDate("2026-01-01").has_value());
    BOOST_TEST(!parseDutchDate("1-1-2026").has_value());
    BOOST_TEST(!parseDutchDate("01-01-2026 ").has_value());
}

BOOST_AUTO_TEST_CASE(clock_times_are_hours_and_minutes_of_one_day) {
    BOOST_TEST(*parseClockTime("00:00") == 0);
    BOOST_TEST(*parseClockTime("23:59") == 23 * 60 + 59);
    BOOST_TEST(*parseClockTime("7:05") == 7 * 60 + 5);
    BOOST_TEST(!parseClockTime("24:00").has_value());
    BOOST_TEST(!parseClockTime("25:61").has_value());
    BOOST_TEST(!parseClockTime("12:60").has_value());
    BOOST_TEST(!parseClockTime("12.30").has_value());
    BOOST_TEST(!parseClockTime("12:3").has_value());
    BOOST_TEST(!parseClockTime("").has_value());
}

BOOST_AUTO_TEST_CASE(winter_and_summer_offsets) {
    BOOST_TEST(at("15-01-2026", "10:00").iso == "2026-01-15T10:00:00+01:00");
    BOOST_TEST(at("15-07-2026", "10:00").iso == "2026-07-15T10:00:00+02:00");
    BOOST_TEST(at("31-12-2025", "23:59").iso == "2025-12-31T23:59:00+01:00");
}

// 2026: summer time starts Sunday 29 March at 02:00 (clocks jump to 03:00) and ends Sunday
// 25 October at 03:00 (clocks go back to 02:00).
BOOST_AUTO_TEST_CASE(the_hour_skipped_in_march_does_not_exist) {
    BOOST_TEST(at("29-03-2026", "01:59").iso == "2026-03-29T01:59:00+01:00");
    BOOST_TEST((at("29-03-2026", "02:00").kind == AmsterdamInstant::Kind::Nonexistent));
    BOOST_TEST((at("29-03-2026", "02:30").kind == AmsterdamInstant::Kind::Nonexistent));
    BOOST_TEST((at("29-03-2026", "02:59").kind == AmsterdamInstant::Kind::Nonexistent));
    BOOST_TEST(at("29-03-2026", "03:00").iso == "2026-03-29T03:00:00+02:00");
    // The same clock time a week earlier is an ordinary winter time.
    BOOST_TEST(at("22-03-2026", "02:30").iso == "2026-03-22T02:30:00+01:00");
    // 2025: the last Sunday of March was the 30th.
    BOOST_TEST((at("30-03-2025", "02:15").kind == AmsterdamInstant::Kind::Nonexistent));
}

BOOST_AUTO_TEST_CASE(the_hour_repeated_in_october_is_read_as_its_first_occurrence) {
    BOOST_TEST(at("25-10-2026", "01:59").iso == "2026-10-25T01:59:00+02:00");
    const auto twice = at("25-10-2026", "02:30");
    BOOST_TEST((twice.kind == AmsterdamInstant::Kind::Ambiguous));
    BOOST_TEST(twice.iso == "2026-10-25T02:30:00+02:00");  // still summer time: the earlier instant
    BOOST_TEST(at("25-10-2026", "03:00").iso == "2026-10-25T03:00:00+01:00");
    BOOST_TEST(at("26-10-2025", "02:00").iso == "2025-10-26T02:00:00+02:00");
    BOOST_TEST((at("26-10-2025", "02:00").kind == AmsterdamInstant::Kind::Ambiguous));
}

BOOST_AUTO_TEST_SUITE_END()

