#pragma once

#include <string>

namespace registry::app {

// Sends every logger to stderr in `format` (text or json) at `level`. Throws ConfigError.
void configureLogging(const std::string& level, const std::string& format);

}  // namespace registry::app
