#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"

namespace registry::app {

// `registry retention purge-drafts|purge-audit|cleanup [--dry-run]`: the audited retention
// procedures of SECURITY.md.
int runRetentionCommand(const CommandLine& cl, const Config& config);

}  // namespace registry::app
