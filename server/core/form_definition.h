#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace registry::core {

enum class FieldType { Enum, MultiEnum, Bool, Integer, String, Text, Timestamp, Date, List, Object };

// The type's name as written in the definition ("multi_enum", "timestamp", ...).
const char* fieldTypeName(FieldType type);

struct CodeDef {
    std::string code;
    std::string labelNl;
    std::string labelEn;
};

// `required_if`: a condition on another top-level field of the same form.
struct Condition {
    enum class Op { Equals, In, Contains, Present };
    std::string field;
    Op op = Op::Equals;
    // Expected values in canonical text form: a code, "true"/"false", or a decimal integer,
    // matching the type of `field`. Empty for Present.
    std::vector<std::string> values;
};

// `from_number`: an integer in [min, max] sent for an enum is stored as `code`.
struct NumberBand {
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::string code;
};

struct FieldDef {
    std::string code;
    int section = 0;  // 0 for list items and object members
    FieldType type = FieldType::String;
    std::string labelNl;
    std::string labelEn;
    std::string unit;                  // e.g. "s", "mm"; informative only
    std::vector<CodeDef> codes;        // enum, multi_enum
    std::string codeListRef;           // enum, multi_enum whose codes come from the database
    std::vector<CodeDef> allowCodes;   // integer: string codes accepted instead of a number
    bool required = false;             // to submit
    std::optional<Condition> requiredIf;
    std::optional<std::int64_t> min;   // integer
    std::optional<std::int64_t> max;
    std::optional<std::size_t> maxLength;  // string, text: in Unicode code points
    std::optional<std::size_t> minItems;   // list
    std::optional<std::size_t> maxItems;   // multi_enum, list
    bool identifying = false;          // pseudonymised on arrival, never returned
    bool researchExport = true;        // false: never in a record-level research export
    std::string recordedBy = "doctor"; // doctor | police | prosecutor
    bool column = false;               // stored as a typed column for reports
    std::string precisionOf;           // set on `<code>_precision`: the timestamp it qualifies
    std::vector<NumberBand> fromNumber;
    std::shared_ptr<const FieldDef> item;  // list: schema of each element
    std::vector<FieldDef> members;         // object (list item): its fields

    const CodeDef* findCode(const std::string& code) const;
    const CodeDef* findAllowCode(const std::string& code) const;
    const FieldDef* member(const std::string& code) const;
};

struct SectionDef {
    int number = 0;
    std::string code;
    std::string labelNl;
    std::string labelEn;
};

enum class RuleKind { Order, NotInFuture, FalseIfAnyYes, TrueIfAnyYes, ExclusiveCode };

const char* ruleKindName(RuleKind kind);

// A cross-field rule, checked on submit. Every field named is a top-level field.
struct RuleDef {
    RuleKind kind = RuleKind::Order;
    std::string field;                // reported on: order → "after"; *_if_any_yes → the bool;
                                      // exclusive_code → the multi_enum
    std::string before;               // order: must not be later than `field`
    std::vector<std::string> fields;  // not_in_future: checked; *_if_any_yes: "any_of"
    std::string code;                 // exclusive_code: the exclusive code; *_if_any_yes: yes code
    std::int64_t toleranceS = 0;      // not_in_future: allowed clock skew
    // order: extra seconds allowed per precision code of either side's `_precision`
    // companion; a precision not listed (e.g. unknown) skips the rule. Empty: strict.
    std::map<std::string, std::int64_t> precisionSlackS;
};

// The machine-readable form definition (schema/forms/exam-v<N>.json). Format: schema/forms/README.md.
class FormDefinition {
public:
    // Throws std::invalid_argument naming the offending part of an inconsistent definition.
    static FormDefinition fromJson(const std::string& text);
    static FormDefinition fromFile(const std::string& path);

    const std::string& form() const { return form_; }
    int version() const { return version_; }
    const std::vector<SectionDef>& sections() const { return sections_; }
    const std::vector<FieldDef>& fields() const { return fields_; }
    const std::vector<RuleDef>& rules() const { return rules_; }
    // nullptr if the form has no such top-level field.
    const FieldDef* field(const std::string& code) const;
    // The `_precision` companion of a timestamp, or nullptr.
    const FieldDef* precisionField(const std::string& code) const;
    std::vector<std::string> identifyingFields() const;
    // The definition text as loaded, to serve over the API.
    std::string json() const { return text_; }

private:
    std::string text_;
    std::string form_;
    int version_ = 0;
    std::vector<SectionDef> sections_;
    std::vector<FieldDef> fields_;
    std::vector<RuleDef> rules_;
    // Hashed: the validator looks every field up several times per record.
    std::unordered_map<std::string, std::size_t> index_;
    std::unordered_map<std::string, std::size_t> precisionIndex_;
};

}  // namespace registry::core
