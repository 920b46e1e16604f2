#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"

namespace registry::app {

// `registry demo seed`: demo accounts (one per role, doctors in two regions) for ./run.sh, with
// fresh random passwords printed on every run. Never for production data.
int runDemoCommand(const CommandLine& cl, const Config& config);

}  // namespace registry::app
