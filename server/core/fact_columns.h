#pragma once

#include "server/core/form_definition.h"

#include <string>
#include <vector>

namespace registry::core {

// One generated column of exam_facts (schema/004_exam_facts.sql), derived from the form
// definitions. Reports, the codebook and exports find a field's storage through this list, so
// a field or code added in a new form version reaches them without a code change.
struct FactColumn {
    enum class Kind {
        Value,     // enum (text), bool, integer (bigint), timestamp (timestamptz), date
        Option,    // one multi-enum option: 1 when chosen, 0 when not, null when unanswered
        Answered,  // string, text, list: whether answered (the content never reaches reports)
    };
    std::string name;    // column name in exam_facts, ≤ 63 characters
    std::string field;   // the form field code
    std::string option;  // Kind::Option: the option code
    Kind kind = Kind::Value;
    FieldType type = FieldType::String;
    std::string sqlType;
    std::string source;  // "fields" (doctor), "police_fields" or "om_fields"
};

// The union of the fields of every definition given (oldest first), merged by code: a field
// keeps its first position, codes added by later versions are appended. Identifying fields are
// left out (only their pseudonyms are stored). Throws std::invalid_argument when two versions
// give one code different types.
std::vector<FactColumn> factColumns(const std::vector<const FormDefinition*>& definitions);

// The merged field definitions in the same order (newest labels win), for codebooks and labels.
std::vector<FieldDef> mergedFields(const std::vector<const FormDefinition*>& definitions);

// Values of an enum that do not count as an answer for form completeness.
bool isNonAnswerCode(const std::string& code);

}  // namespace registry::core
