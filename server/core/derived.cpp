#include "server/core/derived.h"

#include "server/core/timestamp.h"

#include <Poco/JSONString.h>

#include <chrono>
#include <cmath>
#include <optional>

namespace registry::core {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

std::optional<TimePoint> timestampOf(const Poco::JSON::Object& fields, const std::string& code) {
    const Poco::Dynamic::Var v = fields.get(code);
    if (!v.isString()) return std::nullopt;
    return parseTimestamp(v.convert<std::string>());
}

// Intervals are taken on Instants: two valid timestamps can lie further apart than
// system_clock's nanoseconds can count (292 years), and that subtraction would overflow.
Poco::Dynamic::Var hoursBetween(const std::optional<TimePoint>& from, const std::optional<TimePoint>& to) {
    if (!from || !to) return {};
    const double hours = Instant::of(*to).secondsSince(Instant::of(*from)) / 3600.0;
    return std::round(hours * 10.0) / 10.0;
}

Poco::Dynamic::Var within(const std::optional<TimePoint>& reported, const std::optional<TimePoint>& exam, int hours) {
    if (!reported || !exam) return {};
    // Compared on the exact interval, not the rounded hours: 48 h 2 min is not within 48 h.
    return Instant::of(*exam) <= Instant::of(*reported).plusSeconds(std::int64_t{hours} * 3600);
}

}  // namespace

Poco::JSON::Object::Ptr derive(const Poco::JSON::Object& fields) {
    const auto incident = timestampOf(fields, "incident_at");
    const auto reported = timestampOf(fields, "reported_at");
    const auto exam = timestampOf(fields, "exam_at");

    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("hours_report_to_exam", hoursBetween(reported, exam));
    out->set("hours_incident_to_exam", hoursBetween(incident, exam));
    out->set("within_24h", within(reported, exam, 24));
    out->set("within_48h", within(reported, exam, 48));
    out->set("within_72h", within(reported, exam, 72));

    const Poco::Dynamic::Var internal = fields.get("internal_injury_shown");
    const Poco::Dynamic::Var external = fields.get("external_injury_visible");
    Poco::Dynamic::Var internalOnly;
    if (internal.isString() && external.isBoolean())
        internalOnly = internal.convert<std::string>() == "yes" && !external.convert<bool>();
    out->set("internal_only", internalOnly);
    return out;
}

}  // namespace registry::core
