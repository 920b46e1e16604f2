#pragma once

// The dashboard's figures (GET /api/v1/dashboard), taken from an evaluation Report after its
// disclosure control, never from SQL of their own: a suppressed cell stays suppressed, and a
// figure derived from cells (a rate, a sum) is shown only when it could be worked out from
// what the report publishes anyway. No HTTP here.

#include "reports/report_model.h"

#include <string>

namespace registry::reports {

// The dashboard as JSON: every figure is a number, null (nothing to compute, e.g. no exams in
// the period) or {"suppressed": true}, which carries no value of any kind.
std::string renderDashboardJson(const Report& report);

}  // namespace registry::reports
