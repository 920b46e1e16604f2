#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"
#include "server/core/caller.h"

namespace registry::app {

// The caller of an operator command: the system, on behalf of the OS account that ran it.
core::Caller operatorCaller();

// `registry user add|disable|enable|passwd|list` and `registry audit verify`: the operator's
// commands, run through the same services (and audit log) as the API.
int runUserCommand(const CommandLine& cl, const Config& config);
int runAuditCommand(const CommandLine& cl, const Config& config);
// `registry exam erase ID --reason TEXT`: the audited erasure procedure.
int runExamCommand(const CommandLine& cl, const Config& config);
// `registry import FILE --mapping NAME ...`: the legacy import (import_command.cpp).
int runImportCommand(const CommandLine& cl, const Config& config);

// Operators act as the system; the OS account that ran the command is recorded on whose behalf.
core::Caller operatorCaller();

}  // namespace registry::app
