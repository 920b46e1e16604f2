#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace registry::core {

// RFC 7396 JSON merge patch: members of `patch` replace those of `target`, null removes one,
// nested objects merge recursively. Neither input is changed.
Poco::JSON::Object::Ptr applyMergePatch(const Poco::JSON::Object& target, const Poco::JSON::Object& patch);

// A member's JSON text (compact), used to compare values.
std::string jsonText(const Poco::Dynamic::Var& value);

struct FieldChange {
    std::string field;
    Poco::Dynamic::Var before;  // empty Var: absent
    Poco::Dynamic::Var after;
};

// Members that differ between two objects, in the order of `after` then those only in `before`.
std::vector<FieldChange> diffFields(const Poco::JSON::Object& before, const Poco::JSON::Object& after);

}  // namespace registry::core
