#pragma once

#include <string>

namespace registry::test {

// A complete, realistic exam (form v1) as the JSON text of its "fields" object.
std::string completeExamFields(const std::string& region = "oost_brabant",
                               const std::string& policeReference = "PL0912-2026-123456",
                               const std::string& victimReference = "LOEF-2026-10412");

// {"fields": <complete exam>} with extra members merged into fields (a JSON members text such as
// "\"notes\": \"x\"", or empty).
std::string examBody(const std::string& region = "oost_brabant", const std::string& extraFields = "",
                     const std::string& policeReference = "PL0912-2026-123456");

}  // namespace registry::test
