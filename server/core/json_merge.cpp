#include "server/core/json_merge.h"

#include "server/core/json_writer.h"


#include <set>

namespace registry::core {

std::string jsonText(const Poco::Dynamic::Var& value) { return writeJson(value); }

Poco::JSON::Object::Ptr applyMergePatch(const Poco::JSON::Object& target, const Poco::JSON::Object& patch) {
    // Unordered, as the parser's objects are: member order carries no meaning in the exam JSON.
    Poco::JSON::Object::Ptr result = new Poco::JSON::Object();
    for (const auto& name : target.getNames()) result->set(name, target.get(name));
    for (const auto& name : patch.getNames()) {
        const auto value = patch.get(name);
        if (value.isEmpty()) {
            result->remove(name);
        } else if (patch.isObject(name)) {
            // RFC 7396 merges an object into whatever is there, an absent or non-object member
            // counting as {}: so the nulls inside it remove, rather than being stored, and a
            // patch applied twice gives what it gave once.
            const Poco::JSON::Object none;
            const bool mergeable = target.has(name) && target.isObject(name);
            result->set(name, applyMergePatch(mergeable ? *target.getObject(name) : none, *patch.getObject(name)));
        } else {
            result->set(name, value);
        }
    }
    return result;
}

std::vector<FieldChange> diffFields(const Poco::JSON::Object& before, const Poco::JSON::Object& after) {
    std::vector<FieldChange> changes;
    for (const auto& name : after.getNames()) {
        const auto now = after.get(name);
        if (!before.has(name) || before.get(name).isEmpty()) {
            if (!now.isEmpty()) changes.push_back({name, Poco::Dynamic::Var(), now});
        } else if (jsonText(before.get(name)) != jsonText(now)) {
            changes.push_back({name, before.get(name), now});
        }
    }
    for (const auto& name : before.getNames()) {
        if (!before.get(name).isEmpty() && (!after.has(name) || after.get(name).isEmpty())) {
            changes.push_back({name, before.get(name), Poco::Dynamic::Var()});
        }
    }
    return changes;
}

}  // namespace registry::core
