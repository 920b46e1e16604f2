#pragma once

#include "server/core/errors.h"
#include "server/core/form_definition.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace registry::core {

// Draft: each value present must be well-typed (type, code list, range, length); Submit adds
// completeness (required, required_if) and the definition's cross-field rules.
enum class ValidationMode { Draft, Submit };

// Code lists that live in the database, by the definition's `code_list_ref`
// (e.g. "dismissal_codes" → {"01", "02", ...}).
using ExternalCodeLists = std::map<std::string, std::set<std::string>>;

struct ValidationOutcome {
    // Every failing field, not just the first; codes: required, type, code_list, range,
    // length, rule, unknown_field, forbidden_field.
    std::vector<registry::FieldError> errors;
    // Normalised copy of the valid fields, in definition order: an age sent as a number
    // becomes its band, timestamps are rewritten in canonical UTC. Null, empty strings and
    // empty lists (all "missing") are left out, so validate the merged document, not a patch.
    Poco::JSON::Object::Ptr fields;

    bool ok() const { return errors.empty(); }
};

// Validates `fields` (the "fields" object of an exam, or an outcome) against `def` alone.
// `recordedBy` is doctor, police or prosecutor: only fields the definition gives to that
// recorder may be sent, other known fields are `forbidden_field`; required fields and rules
// apply to that recorder's fields only. `now` anchors not_in_future.
// Throws std::logic_error if a value must be checked against a code list that
// `codeLists` does not hold (a server set-up error, not the client's).
ValidationOutcome validate(const FormDefinition& def, const Poco::JSON::Object& fields, ValidationMode mode,
                           std::chrono::system_clock::time_point now, const ExternalCodeLists& codeLists,
                           const std::string& recordedBy = "doctor");

}  // namespace registry::core
