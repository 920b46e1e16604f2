#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"

namespace registry::app {

// `registry report KIND [--region R] [--from D] [--to D] [--granularity month|quarter]
//  [--format json|csv|xlsx|html] [--delimiter ,|;] --out FILE`: the same engine, disclosure
// control and audit event as GET /api/v1/reports/{kind}, for scheduled runs.
int runReportCommand(const CommandLine& cl, const Config& config);

}  // namespace registry::app
