#pragma once

#include <Poco/JSON/Object.h>

namespace registry::core {

// The values EXAM-FORM.md derives from an exam's fields; computed, never entered:
//   hours_report_to_exam, hours_incident_to_exam: hours to one decimal (negative when the exam
//     came first), null when a timestamp is missing;
//   within_24h, within_48h, within_72h: exam_at − reported_at at most 24/48/72 h (an exam
//     before the report counts as within), null when either is missing;
//   internal_only: internal_injury_shown = yes and external_injury_visible = false, null when
//     either is missing.
// Missing or unparsable inputs give null; `fields` may be a draft.
Poco::JSON::Object::Ptr derive(const Poco::JSON::Object& fields);

}  // namespace registry::core
