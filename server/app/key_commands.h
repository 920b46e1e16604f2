#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"

namespace registry::app {

// `registry keys rotate [--batch-size N] [--pause-ms N]`: brings every stored pseudonym to the
// current key version of the configured chain; audited, resumable.
int runKeysCommand(const CommandLine& cl, const Config& config);

}  // namespace registry::app
