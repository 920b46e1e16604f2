#pragma once

namespace registry::app {

extern const char* const kVersion;
extern const char* const kGitCommit;
// The text of config/registry.properties at build time: the defaults of every key.
extern const char* const kDefaultProperties;
// The text of server/web/openapi.json at build time: served at GET /api/v1/openapi.json.
extern const char* const kOpenApiDocument;

}  // namespace registry::app
