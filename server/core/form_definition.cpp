#include "server/core/form_definition.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace registry::core {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::invalid_argument("form definition: " + where + ": " + what);
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

Object::Ptr asObject(const Var& v) {
    return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : Object::Ptr();
}

Array::Ptr asArray(const Var& v) {
    return v.type() == typeid(Array::Ptr) ? v.extract<Array::Ptr>() : Array::Ptr();
}

// Poco reports booleans as integers too, and integers beyond Int64 arrive as (wrapped) UInt64.
bool isInt(const Var& v) { return v.isInteger() && !v.isBoolean() && v.type() != typeid(Poco::UInt64); }

bool present(const Object& o, const std::string& key) { return o.has(key) && !o.isNull(key); }

std::string getString(const Object& o, const std::string& key, const std::string& where, bool required) {
    if (!present(o, key)) {
        if (required) fail(where, "missing " + quoted(key));
        return {};
    }
    const Var v = o.get(key);
    if (!v.isString()) fail(where, quoted(key) + " must be a string");
    auto s = v.convert<std::string>();
    if (s.empty()) fail(where, quoted(key) + " must not be empty");
    return s;
}

std::optional<std::int64_t> getInt(const Object& o, const std::string& key, const std::string& where) {
    if (!present(o, key)) return std::nullopt;
    const Var v = o.get(key);
    if (!isInt(v)) fail(where, quoted(key) + " must be an integer");
    return v.convert<Poco::Int64>();
}

std::optional<bool> getBool(const Object& o, const std::string& key, const std::string& where) {
    if (!present(o, key)) return std::nullopt;
    const Var v = o.get(key);
    if (!v.isBoolean()) fail(where, quoted(key) + " must be true or false");
    return v.convert<bool>();
}

Array::Ptr getArray(const Object& o, const std::string& key, const std::string& where, bool required) {
    if (!present(o, key)) {
        if (required) fail(where, "missing " + quoted(key));
        return nullptr;
    }
    auto a = asArray(o.get(key));
    if (!a) fail(where, quoted(key) + " must be an array");
    return a;
}

std::size_t getCount(const Object& o, const std::string& key, const std::string& where, std::int64_t least) {
    const auto n = getInt(o, key, where);
    if (*n < least) fail(where, quoted(key) + " must be at least " + std::to_string(least));
    return static_cast<std::size_t>(*n);
}

// Keys a reader may add freely: a comment, or an extension prefixed x_.
bool isExtensionKey(const std::string& key) { return key == "$comment" || key.rfind("x_", 0) == 0; }

void checkKeys(const Object& o, const std::set<std::string>& allowed, const std::string& where) {
    for (const auto& member : o)
        if (!isExtensionKey(member.first) && !allowed.count(member.first))
            fail(where, "unknown property " + quoted(member.first));
}

// Field codes become column names, so they keep to PostgreSQL's unquoted identifier limits.
bool isFieldCode(const std::string& s) {
    if (s.empty() || s.size() > 63 || s[0] < 'a' || s[0] > 'z') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Choice codes appear in CSV cells and REDCap choice lists ("code, Label | ..."), so no
// spaces, commas, pipes or quotes; codes such as "<18" and "65+" are allowed.
bool isChoiceCode(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-' || c == '+' || c == '<' || c == '>' || c == '.';
    });
}

// Multi-enum codes become export column names (`field___code`, the REDCap convention).
bool isMultiChoiceCode(const std::string& s) {
    return !s.empty() && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

const std::map<std::string, FieldType>& typeNames() {
    static const std::map<std::string, FieldType> names = {
        {"enum", FieldType::Enum},           {"multi_enum", FieldType::MultiEnum},
        {"bool", FieldType::Bool},           {"integer", FieldType::Integer},
        {"string", FieldType::String},       {"text", FieldType::Text},
        {"timestamp", FieldType::Timestamp}, {"date", FieldType::Date},
        {"list", FieldType::List},           {"object", FieldType::Object}};
    return names;
}

// Properties that only make sense for some types; anything else is an authoring mistake.
const std::map<std::string, std::set<FieldType>>& typedKeys() {
    using T = FieldType;
    static const std::map<std::string, std::set<FieldType>> keys = {
        {"codes", {T::Enum, T::MultiEnum}},   {"code_list_ref", {T::Enum, T::MultiEnum}},
        {"from_number", {T::Enum}},           {"precision_of", {T::Enum}},
        {"allow_codes", {T::Integer}},        {"min", {T::Integer}},
        {"max", {T::Integer}},                {"unit", {T::Integer, T::List}},
        {"max_length", {T::String, T::Text}}, {"min_items", {T::List}},
        {"max_items", {T::MultiEnum, T::List}}, {"item", {T::List}},
        {"fields", {T::Object}}};
    return keys;
}

enum class Level { Top, Member, Item };

std::vector<CodeDef> parseCodes(const Array& a, const std::string& where, bool multi) {
    std::vector<CodeDef> codes;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = where + " code #" + std::to_string(i + 1);
        auto o = asObject(a.get(static_cast<unsigned>(i)));
        if (!o) fail(at, "must be an object");
        checkKeys(*o, {"code", "label_nl", "label_en"}, at);
        CodeDef c{getString(*o, "code", at, true), getString(*o, "label_nl", at, true),
                  getString(*o, "label_en", at, true)};
        if (multi ? !isMultiChoiceCode(c.code) : !isChoiceCode(c.code))
            fail(at, "invalid code " + quoted(c.code));
        if (!seen.insert(c.code).second) fail(where, "duplicate code " + quoted(c.code));
        codes.push_back(std::move(c));
    }
    return codes;
}

std::vector<NumberBand> parseBands(const Array& a, const FieldDef& f, const std::string& where) {
    std::vector<NumberBand> bands;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = where + " from_number #" + std::to_string(i + 1);
        auto o = asObject(a.get(static_cast<unsigned>(i)));
        if (!o) fail(at, "must be an object");
        checkKeys(*o, {"min", "max", "code"}, at);
        NumberBand b;
        b.code = getString(*o, "code", at, true);
        if (!f.findCode(b.code)) fail(at, quoted(b.code) + " is not a code of the field");
        const auto max = getInt(*o, "max", at);
        if (!max) fail(at, "missing \"max\"");
        b.max = *max;
        const auto min = getInt(*o, "min", at);
        if (bands.empty())
            b.min = min ? *min : std::numeric_limits<std::int64_t>::min();
        else if (min && *min <= bands.back().max)
            fail(at, "bands must ascend without overlap");
        else
            b.min = min ? *min : bands.back().max + 1;
        if (b.min > b.max) fail(at, "\"min\" is above \"max\"");
        bands.push_back(std::move(b));
    }
    if (bands.empty()) fail(where, "\"from_number\" must not be empty");
    return bands;
}

FieldDef parseField(const Object& o, Level level, const std::string& where) {
    FieldDef f;
    const std::string typeName = getString(o, "type", where, true);
    const auto type = typeNames().find(typeName);
    if (type == typeNames().end()) fail(where, "unknown type " + quoted(typeName));
    f.type = type->second;
    if (f.type == FieldType::Object && level != Level::Item)
        fail(where, "type \"object\" is only allowed as a list item");

    std::set<std::string> allowed = {"code", "type", "label_nl", "label_en"};
    if (level != Level::Item) allowed.insert("required");
    if (level == Level::Top)
        allowed.insert({"section", "required_if", "identifying", "research_export", "recorded_by", "column"});
    for (const auto& member : o) {
        const auto typed = typedKeys().find(member.first);
        if (typed != typedKeys().end() && !typed->second.count(f.type))
            fail(where, quoted(member.first) + " does not apply to type " + quoted(typeName));
        if (typed != typedKeys().end()) continue;
        if (!isExtensionKey(member.first) && !allowed.count(member.first))
            fail(where, "unknown property " + quoted(member.first));
    }

    f.code = getString(o, "code", where, level != Level::Item);
    if (!f.code.empty() && !isFieldCode(f.code)) fail(where, "invalid field code " + quoted(f.code));
    f.labelNl = getString(o, "label_nl", where, level != Level::Item);
    f.labelEn = getString(o, "label_en", where, level != Level::Item);
    f.unit = getString(o, "unit", where, false);
    f.required = getBool(o, "required", where).value_or(false);

    if (level == Level::Top) {
        const auto section = getInt(o, "section", where);
        if (!section || *section < 1 || *section > std::numeric_limits<int>::max())
            fail(where, "\"section\" must be a section number");
        f.section = static_cast<int>(*section);
        f.identifying = getBool(o, "identifying", where).value_or(false);
        f.researchExport = getBool(o, "research_export", where).value_or(true);
        f.column = getBool(o, "column", where).value_or(false);
        f.recordedBy = getString(o, "recorded_by", where, false);
        if (f.recordedBy.empty()) f.recordedBy = "doctor";
        if (f.recordedBy != "doctor" && f.recordedBy != "police" && f.recordedBy != "prosecutor")
            fail(where, "\"recorded_by\" must be doctor, police or prosecutor");
        if (f.identifying && f.type != FieldType::String) fail(where, "only a string can be identifying");
        if (f.identifying && f.researchExport)
            fail(where, "an identifying field must declare \"research_export\": false");
        if (f.column && (f.type == FieldType::List || f.type == FieldType::Object))
            fail(where, "a list cannot be a column");
        if (f.required && present(o, "required_if")) fail(where, "both \"required\" and \"required_if\"");
    }

    switch (f.type) {
    case FieldType::Enum:
    case FieldType::MultiEnum: {
        const bool multi = f.type == FieldType::MultiEnum;
        if (auto codes = getArray(o, "codes", where, false)) f.codes = parseCodes(*codes, where, multi);
        f.codeListRef = getString(o, "code_list_ref", where, false);
        if (!f.codeListRef.empty() && !isFieldCode(f.codeListRef))
            fail(where, "invalid \"code_list_ref\" " + quoted(f.codeListRef));
        if (f.codes.empty() == f.codeListRef.empty())
            fail(where, "needs either a non-empty \"codes\" or a \"code_list_ref\"");
        if (auto bands = getArray(o, "from_number", where, false)) f.fromNumber = parseBands(*bands, f, where);
        f.precisionOf = getString(o, "precision_of", where, false);
        if (present(o, "max_items")) f.maxItems = getCount(o, "max_items", where, 1);
        break;
    }
    case FieldType::Integer: {
        f.min = getInt(o, "min", where);
        f.max = getInt(o, "max", where);
        // A bound on both sides also catches numbers beyond 64 bits, which Poco's parser
        // clamps or wraps instead of rejecting.
        if (!f.min || !f.max) fail(where, "an integer needs \"min\" and \"max\"");
        if (*f.min > *f.max) fail(where, "\"min\" is above \"max\"");
        if (*f.min == std::numeric_limits<std::int64_t>::min()) fail(where, "\"min\" is out of range");
        if (auto codes = getArray(o, "allow_codes", where, false)) f.allowCodes = parseCodes(*codes, where, false);
        break;
    }
    case FieldType::String:
    case FieldType::Text:
        if (!present(o, "max_length")) fail(where, "a string needs \"max_length\"");
        f.maxLength = getCount(o, "max_length", where, 1);
        break;
    case FieldType::List: {
        if (!present(o, "max_items")) fail(where, "a list needs \"max_items\"");
        f.maxItems = getCount(o, "max_items", where, 1);
        if (present(o, "min_items")) f.minItems = getCount(o, "min_items", where, 0);
        if (f.minItems && *f.minItems > *f.maxItems) fail(where, "\"min_items\" is above \"max_items\"");
        if (!present(o, "item")) fail(where, "a list needs \"item\"");
        auto item = asObject(o.get("item"));
        if (!item) fail(where, "\"item\" must be an object");
        f.item = std::make_shared<const FieldDef>(parseField(*item, Level::Item, where + " item"));
        break;
    }
    case FieldType::Object: {
        auto members = getArray(o, "fields", where, true);
        if (members->size() == 0) fail(where, "\"fields\" must not be empty");
        for (std::size_t i = 0; i < members->size(); ++i) {
            auto m = asObject(members->get(static_cast<unsigned>(i)));
            if (!m) fail(where, "member #" + std::to_string(i + 1) + " must be an object");
            FieldDef member = parseField(*m, Level::Member, where + " member #" + std::to_string(i + 1));
            if (f.member(member.code)) fail(where, "duplicate member code " + quoted(member.code));
            f.members.push_back(std::move(member));
        }
        break;
    }
    case FieldType::Bool:
    case FieldType::Timestamp:
    case FieldType::Date:
        break;
    }
    return f;
}

}  // namespace

const char* fieldTypeName(FieldType type) {
    for (const auto& entry : typeNames())
        if (entry.second == type) return entry.first.c_str();
    return "?";
}

const char* ruleKindName(RuleKind kind) {
    switch (kind) {
    case RuleKind::Order: return "order";
    case RuleKind::NotInFuture: return "not_in_future";
    case RuleKind::FalseIfAnyYes: return "false_if_any_yes";
    case RuleKind::TrueIfAnyYes: return "true_if_any_yes";
    case RuleKind::ExclusiveCode: return "exclusive_code";
    }
    return "?";
}

const CodeDef* FieldDef::findCode(const std::string& c) const {
    for (const auto& entry : codes)
        if (entry.code == c) return &entry;
    return nullptr;
}

const CodeDef* FieldDef::findAllowCode(const std::string& c) const {
    for (const auto& entry : allowCodes)
        if (entry.code == c) return &entry;
    return nullptr;
}

const FieldDef* FieldDef::member(const std::string& c) const {
    for (const auto& entry : members)
        if (entry.code == c) return &entry;
    return nullptr;
}

const FieldDef* FormDefinition::field(const std::string& code) const {
    const auto it = index_.find(code);
    return it == index_.end() ? nullptr : &fields_[it->second];
}

const FieldDef* FormDefinition::precisionField(const std::string& code) const {
    const auto it = precisionIndex_.find(code);
    return it == precisionIndex_.end() ? nullptr : &fields_[it->second];
}

std::vector<std::string> FormDefinition::identifyingFields() const {
    std::vector<std::string> codes;
    for (const auto& f : fields_)
        if (f.identifying) codes.push_back(f.code);
    return codes;
}

namespace {

// Canonical text of a value compared against `ref` (see Condition::values).
std::string conditionValue(const Var& v, const FieldDef& ref, const std::string& where) {
    switch (ref.type) {
    case FieldType::Enum:
        if (!v.isString()) fail(where, "expects a code of " + quoted(ref.code));
        if (ref.codeListRef.empty() && !ref.findCode(v.convert<std::string>()))
            fail(where, quoted(v.convert<std::string>()) + " is not a code of " + quoted(ref.code));
        return v.convert<std::string>();
    case FieldType::Bool:
        if (!v.isBoolean()) fail(where, "expects true or false for " + quoted(ref.code));
        return v.convert<bool>() ? "true" : "false";
    case FieldType::Integer:
        if (isInt(v)) return std::to_string(v.convert<Poco::Int64>());
        if (v.isString() && ref.findAllowCode(v.convert<std::string>())) return v.convert<std::string>();
        fail(where, "expects an integer for " + quoted(ref.code));
    default:
        fail(where, "cannot compare a field of type " + std::string(fieldTypeName(ref.type)));
    }
}

}  // namespace

FormDefinition FormDefinition::fromJson(const std::string& text) {
    Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        root = asObject(parser.parse(text));
    } catch (const Poco::Exception& e) {
        fail("invalid JSON", e.displayText());
    }
    if (!root) fail("JSON", "the definition must be an object");

    FormDefinition def;
    def.text_ = text;
    checkKeys(*root, {"form", "version", "label_nl", "label_en", "sections", "fields", "rules"}, "form");
    def.form_ = getString(*root, "form", "form", true);
    if (!isFieldCode(def.form_)) fail("form", "invalid form code " + quoted(def.form_));
    const auto version = getInt(*root, "version", "form");
    if (!version || *version < 1 || *version > std::numeric_limits<int>::max())
        fail("form", "\"version\" must be a positive integer");
    def.version_ = static_cast<int>(*version);
    getString(*root, "label_nl", "form", true);
    getString(*root, "label_en", "form", true);

    auto sections = getArray(*root, "sections", "form", true);
    std::set<int> sectionNumbers;
    for (std::size_t i = 0; i < sections->size(); ++i) {
        const std::string at = "section #" + std::to_string(i + 1);
        auto o = asObject(sections->get(static_cast<unsigned>(i)));
        if (!o) fail(at, "must be an object");
        checkKeys(*o, {"number", "code", "label_nl", "label_en"}, at);
        SectionDef s;
        const auto number = getInt(*o, "number", at);
        if (!number || *number < 1 || *number > std::numeric_limits<int>::max())
            fail(at, "\"number\" must be a positive integer");
        s.number = static_cast<int>(*number);
        s.code = getString(*o, "code", at, true);
        s.labelNl = getString(*o, "label_nl", at, true);
        s.labelEn = getString(*o, "label_en", at, true);
        if (!sectionNumbers.insert(s.number).second) fail(at, "duplicate section number");
        def.sections_.push_back(std::move(s));
    }

    auto fields = getArray(*root, "fields", "form", true);
    if (fields->size() == 0) fail("form", "\"fields\" must not be empty");
    std::vector<Object::Ptr> raw;
    for (std::size_t i = 0; i < fields->size(); ++i) {
        auto o = asObject(fields->get(static_cast<unsigned>(i)));
        std::string at = "field #" + std::to_string(i + 1);
        if (!o) fail(at, "must be an object");
        if (o->has("code") && o->get("code").isString()) at = "field " + quoted(o->get("code").convert<std::string>());
        FieldDef f = parseField(*o, Level::Top, at);
        if (!sectionNumbers.count(f.section)) fail(at, "section " + std::to_string(f.section) + " is not declared");
        if (!def.index_.emplace(f.code, def.fields_.size()).second) fail("form", "duplicate field code " + quoted(f.code));
        def.fields_.push_back(std::move(f));
        raw.push_back(o);
    }

    // References between fields resolve once every field is known.
    for (std::size_t i = 0; i < def.fields_.size(); ++i) {
        FieldDef& f = def.fields_[i];
        const std::string at = "field " + quoted(f.code);
        if (!f.precisionOf.empty()) {
            const FieldDef* target = def.field(f.precisionOf);
            if (!target) fail(at, "\"precision_of\" names unknown field " + quoted(f.precisionOf));
            if (target->type != FieldType::Timestamp && target->type != FieldType::Date)
                fail(at, "\"precision_of\" must name a timestamp or date");
            if (target->recordedBy != f.recordedBy) fail(at, "a precision is recorded by whoever records its timestamp");
            if (!def.precisionIndex_.emplace(f.precisionOf, i).second)
                fail(at, quoted(f.precisionOf) + " already has a precision field");
        }
        if (!present(*raw[i], "required_if")) continue;
        auto c = asObject(raw[i]->get("required_if"));
        const std::string cat = at + " required_if";
        if (!c) fail(cat, "must be an object");
        checkKeys(*c, {"field", "equals", "in", "contains", "present"}, cat);
        Condition cond;
        cond.field = getString(*c, "field", cat, true);
        const FieldDef* ref = def.field(cond.field);
        if (!ref) fail(cat, "names unknown field " + quoted(cond.field));
        if (ref->code == f.code) fail(cat, "refers to the field itself");
        const int ops = present(*c, "equals") + present(*c, "in") + present(*c, "contains") + present(*c, "present");
        if (ops != 1) fail(cat, "needs exactly one of equals, in, contains, present");
        if (present(*c, "equals")) {
            cond.op = Condition::Op::Equals;
            cond.values.push_back(conditionValue(c->get("equals"), *ref, cat));
        } else if (present(*c, "in")) {
            cond.op = Condition::Op::In;
            auto values = getArray(*c, "in", cat, true);
            if (values->size() == 0) fail(cat, "\"in\" must not be empty");
            for (std::size_t k = 0; k < values->size(); ++k)
                cond.values.push_back(conditionValue(values->get(static_cast<unsigned>(k)), *ref, cat));
        } else if (present(*c, "contains")) {
            cond.op = Condition::Op::Contains;
            if (ref->type != FieldType::MultiEnum) fail(cat, "\"contains\" needs a multi_enum field");
            const std::string code = getString(*c, "contains", cat, true);
            if (ref->codeListRef.empty() && !ref->findCode(code))
                fail(cat, quoted(code) + " is not a code of " + quoted(ref->code));
            cond.values.push_back(code);
        } else {
            cond.op = Condition::Op::Present;
            if (getBool(*c, "present", cat) != true) fail(cat, "\"present\" must be true");
        }
        f.requiredIf = std::move(cond);
    }

    auto rules = getArray(*root, "rules", "form", false);
    for (std::size_t i = 0; rules && i < rules->size(); ++i) {
        std::string at = "rule #" + std::to_string(i + 1);
        auto o = asObject(rules->get(static_cast<unsigned>(i)));
        if (!o) fail(at, "must be an object");
        const std::string kind = getString(*o, "kind", at, true);
        at += " (" + kind + ")";
        auto fieldOf = [&](const std::string& code, std::initializer_list<FieldType> types) {
            const FieldDef* f = def.field(code);
            if (!f) fail(at, "names unknown field " + quoted(code));
            if (std::find(types.begin(), types.end(), f->type) == types.end())
                fail(at, quoted(code) + " has the wrong type for this rule");
            return f;
        };
        RuleDef rule;
        std::vector<const FieldDef*> involved;
        if (kind == "order") {
            rule.kind = RuleKind::Order;
            checkKeys(*o, {"kind", "before", "after", "precision_slack_s"}, at);
            rule.before = getString(*o, "before", at, true);
            rule.field = getString(*o, "after", at, true);
            const FieldDef* before = fieldOf(rule.before, {FieldType::Timestamp, FieldType::Date});
            const FieldDef* after = fieldOf(rule.field, {FieldType::Timestamp, FieldType::Date});
            if (before->type != after->type) fail(at, "compares a timestamp with a date");
            if (before == after) fail(at, "compares a field with itself");
            involved = {before, after};
            if (present(*o, "precision_slack_s")) {
                auto slack = asObject(o->get("precision_slack_s"));
                if (!slack) fail(at, "\"precision_slack_s\" must be an object");
                const FieldDef* p1 = def.precisionField(rule.before);
                const FieldDef* p2 = def.precisionField(rule.field);
                if (!p1 && !p2) fail(at, "\"precision_slack_s\" needs a field with a precision companion");
                for (const auto& entry : *slack) {
                    if ((!p1 || !p1->findCode(entry.first)) && (!p2 || !p2->findCode(entry.first)))
                        fail(at, quoted(entry.first) + " is not a precision code");
                    const auto seconds = getInt(*slack, entry.first, at);
                    if (*seconds < 0) fail(at, "a slack cannot be negative");
                    rule.precisionSlackS[entry.first] = *seconds;
                }
            }
        } else if (kind == "not_in_future") {
            rule.kind = RuleKind::NotInFuture;
            checkKeys(*o, {"kind", "fields", "tolerance_s"}, at);
            auto list = getArray(*o, "fields", at, true);
            if (list->size() == 0) fail(at, "\"fields\" must not be empty");
            for (std::size_t k = 0; k < list->size(); ++k) {
                const Var v = list->get(static_cast<unsigned>(k));
                if (!v.isString()) fail(at, "\"fields\" must hold field codes");
                fieldOf(v.convert<std::string>(), {FieldType::Timestamp, FieldType::Date});
                rule.fields.push_back(v.convert<std::string>());
            }
            rule.toleranceS = getInt(*o, "tolerance_s", at).value_or(0);
            if (rule.toleranceS < 0) fail(at, "\"tolerance_s\" cannot be negative");
        } else if (kind == "false_if_any_yes" || kind == "true_if_any_yes") {
            rule.kind = kind == "false_if_any_yes" ? RuleKind::FalseIfAnyYes : RuleKind::TrueIfAnyYes;
            checkKeys(*o, {"kind", "field", "any_of", "yes_code"}, at);
            rule.field = getString(*o, "field", at, true);
            involved.push_back(fieldOf(rule.field, {FieldType::Bool}));
            rule.code = getString(*o, "yes_code", at, false);
            if (rule.code.empty()) rule.code = "yes";
            auto list = getArray(*o, "any_of", at, true);
            if (list->size() == 0) fail(at, "\"any_of\" must not be empty");
            for (std::size_t k = 0; k < list->size(); ++k) {
                const Var v = list->get(static_cast<unsigned>(k));
                if (!v.isString()) fail(at, "\"any_of\" must hold field codes");
                const FieldDef* f = fieldOf(v.convert<std::string>(), {FieldType::Enum, FieldType::MultiEnum});
                if (f->type == FieldType::Enum && !f->findCode(rule.code))
                    fail(at, quoted(f->code) + " has no code " + quoted(rule.code));
                involved.push_back(f);
                rule.fields.push_back(f->code);
            }
        } else if (kind == "exclusive_code") {
            rule.kind = RuleKind::ExclusiveCode;
            checkKeys(*o, {"kind", "field", "code"}, at);
            rule.field = getString(*o, "field", at, true);
            const FieldDef* f = fieldOf(rule.field, {FieldType::MultiEnum});
            rule.code = getString(*o, "code", at, true);
            if (!f->findCode(rule.code)) fail(at, quoted(rule.code) + " is not a code of " + quoted(f->code));
        } else {
            fail(at, "unknown rule kind");
        }
        // The validator sees one recorder's fields at a time, so a rule spanning recorders
        // would silently never run.
        for (const FieldDef* f : involved)
            if (f->recordedBy != involved.front()->recordedBy)
                fail(at, "mixes fields recorded by " + involved.front()->recordedBy + " and " + f->recordedBy);
        def.rules_.push_back(std::move(rule));
    }
    return def;
}

FormDefinition FormDefinition::fromFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("form definition: cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return fromJson(text.str());
}

}  // namespace registry::core
