#include <boost/test/unit_test.hpp>

#include "server/core/derived.h"

#include <Poco/JSON/Object.h>

using Poco::JSON::Object;
using registry::core::derive;

namespace {

Object::Ptr exam(const char* reported, const char* examAt) {
    Object::Ptr fields = new Object;
    fields->set("incident_at", "2026-03-13T22:15:00+01:00");
    if (reported) fields->set("reported_at", reported);
    if (examAt) fields->set("exam_at", examAt);
    return fields;
}

bool isNull(const Object& o, const char* key) { return o.has(key) && o.get(key).isEmpty(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(derived)

BOOST_AUTO_TEST_CASE(hours_are_rounded_to_one_decimal) {
    const auto d = derive(*exam("2026-03-14T00:00:00+01:00", "2026-03-14T20:31:00+01:00"));
    BOOST_TEST(d->getValue<double>("hours_report_to_exam") == 20.5);
    // 22:15 +01:00 → next day 20:31 +01:00 is 22 h 16 min.
    BOOST_TEST(d->getValue<double>("hours_incident_to_exam") == 22.3);
    BOOST_TEST(d->getValue<bool>("within_24h") == true);
    BOOST_TEST(d->getValue<bool>("within_48h") == true);
    BOOST_TEST(d->getValue<bool>("within_72h") == true);
}

BOOST_AUTO_TEST_CASE(offsets_are_honoured) {
    // The same instant written in two offsets is zero hours apart.
    const auto d = derive(*exam("2026-03-14T10:00:00+01:00", "2026-03-14T09:00:00Z"));
    BOOST_TEST(d->getValue<double>("hours_report_to_exam") == 0.0);
}

BOOST_AUTO_TEST_CASE(window_boundaries_are_inclusive_and_exact) {
    auto d = derive(*exam("2026-03-14T10:00:00Z", "2026-03-16T10:00:00Z"));
    BOOST_TEST(d->getValue<bool>("within_24h") == false);
    BOOST_TEST(d->getValue<bool>("within_48h") == true);
    d = derive(*exam("2026-03-14T10:00:00Z", "2026-03-16T10:00:01Z"));
    BOOST_TEST(d->getValue<double>("hours_report_to_exam") == 48.0);
    BOOST_TEST(d->getValue<bool>("within_48h") == false);
    BOOST_TEST(d->getValue<bool>("within_72h") == true);
    d = derive(*exam("2026-03-14T10:00:00Z", "2026-03-18T10:00:00Z"));
    BOOST_TEST(d->getValue<bool>("within_72h") == false);
}

BOOST_AUTO_TEST_CASE(an_exam_before_the_report_counts_as_within) {
    const auto d = derive(*exam("2026-03-15T10:00:00Z", "2026-03-14T10:00:00Z"));
    BOOST_TEST(d->getValue<double>("hours_report_to_exam") == -24.0);
    BOOST_TEST(d->getValue<bool>("within_24h") == true);
}

// Both instants are valid, but 584 years apart: their difference in system_clock's nanoseconds
// overflowed (found by fuzzing the validator and derived values).
BOOST_AUTO_TEST_CASE(intervals_longer_than_the_clock_can_count_are_exact) {
    const auto d = derive(*exam("1678-01-01T00:00:00Z", "2262-01-01T00:00:00Z"));
    BOOST_TEST(d->getValue<double>("hours_report_to_exam") == 5119224.0);
    BOOST_TEST(d->getValue<bool>("within_72h") == false);
    const auto back = derive(*exam("2262-01-01T00:00:00Z", "1678-01-01T00:00:00Z"));
    BOOST_TEST(back->getValue<double>("hours_report_to_exam") == -5119224.0);
    BOOST_TEST(back->getValue<bool>("within_24h") == true);
}

BOOST_AUTO_TEST_CASE(missing_or_invalid_timestamps_give_null) {
    auto d = derive(*exam(nullptr, "2026-03-14T10:00:00Z"));
    BOOST_TEST(isNull(*d, "hours_report_to_exam"));
    BOOST_TEST(isNull(*d, "within_24h"));
    BOOST_TEST(isNull(*d, "within_48h"));
    BOOST_TEST(isNull(*d, "within_72h"));
    BOOST_TEST(d->getValue<double>("hours_incident_to_exam") == 12.8);
    d = derive(*exam("2026-03-14T10:00:00", nullptr));
    BOOST_TEST(isNull(*d, "hours_report_to_exam"));
    BOOST_TEST(isNull(*d, "hours_incident_to_exam"));
    d = derive(Object());
    BOOST_TEST(d->size() == 6u);
    BOOST_TEST(isNull(*d, "internal_only"));
}

BOOST_AUTO_TEST_CASE(internal_only_needs_internal_injury_without_visible_injury) {
    Object fields;
    fields.set("internal_injury_shown", "yes");
    fields.set("external_injury_visible", false);
    BOOST_TEST(derive(fields)->getValue<bool>("internal_only") == true);
    fields.set("external_injury_visible", true);
    BOOST_TEST(derive(fields)->getValue<bool>("internal_only") == false);
    fields.set("internal_injury_shown", "not_examined");
    fields.set("external_injury_visible", false);
    BOOST_TEST(derive(fields)->getValue<bool>("internal_only") == false);
    fields.remove("external_injury_visible");
    BOOST_TEST(isNull(*derive(fields), "internal_only"));
}

BOOST_AUTO_TEST_SUITE_END()
