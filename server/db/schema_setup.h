#pragma once

#include <string>
#include <vector>

namespace registry::db {

// Everything `registry migrate` does: the numbered migrations, then the published form
// definitions of schema/forms/. Returns a line per change made.
std::vector<std::string> setUpSchema(const std::string& ownerUrl, const std::string& schemaDir);

}  // namespace registry::db
