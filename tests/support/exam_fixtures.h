#pragma once

#include <Poco/JSON/Object.h>

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

// Version 2 of the exam form for tests of form versions: schema/forms/exam-v1.json with
// "version": 2 and one new bool field, strangulation_app_used (section 1).
Poco::JSON::Object::Ptr formVersionTwo();

}  // namespace registry::test
