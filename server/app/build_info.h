#pragma once

namespace registry::app {

extern const char* const kVersion;
extern const char* const kGitCommit;
// The text of config/registry.properties at build time: the defaults of every key.
extern const char* const kDefaultProperties;

}  // namespace registry::app
