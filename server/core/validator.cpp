#include "server/core/validator.h"

#include "server/core/timestamp.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSONString.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace registry::core {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

enum class Result { Ok, Missing, Invalid };

const char* const kTimestampFormat =
    "an ISO 8601 timestamp with offset, YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm), "
    "e.g. 2026-03-13T22:15:00+01:00";

struct Context {
    ValidationMode mode;
    const ExternalCodeLists& codeLists;
    std::vector<FieldError>& errors;

    void add(const std::string& path, const char* code, const std::string& message) {
        errors.push_back({path, code, message});
    }
};

// Parsed JSON holds Ptrs; objects built in code may hold values.
Object::Ptr asObject(const Var& v) {
    if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    if (v.type() == typeid(Object)) return new Object(v.extract<Object>());
    return nullptr;
}

Array::Ptr asArray(const Var& v) {
    if (v.type() == typeid(Array::Ptr)) return v.extract<Array::Ptr>();
    if (v.type() == typeid(Array)) return new Array(v.extract<Array>());
    return nullptr;
}

// "An empty value is missing" (EXAM-FORM.md): blank strings count as not answered.
bool isBlank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string describeCodes(const FieldDef& f) {
    if (!f.codeListRef.empty()) return "a code from the code list " + f.codeListRef;
    if (f.codes.size() > 12) return "one of the " + std::to_string(f.codes.size()) + " codes of the form definition";
    std::vector<std::string> codes;
    for (const auto& c : f.codes) codes.push_back(c.code);
    return "one of: " + join(codes);
}

std::string describeRange(const FieldDef& f) {
    return "an integer from " + std::to_string(*f.min) + " to " + std::to_string(*f.max);
}

std::string describeAllowCodes(const FieldDef& f) {
    std::vector<std::string> codes;
    for (const auto& c : f.allowCodes) codes.push_back("\"" + c.code + "\"");
    return codes.empty() ? "" : " or " + join(codes);
}

enum class IntKind { NotInteger, OutOfRange, Ok };

IntKind toInt64(const Var& v, std::int64_t& out) {
    if (v.isBoolean() || !v.isInteger()) return IntKind::NotInteger;
    // Poco's parser keeps literals that fit in Int64 as Int64 and turns larger ones, silently
    // wrapped, into UInt64: a UInt64 from JSON is always out of range.
    if (v.type() == typeid(Poco::UInt64)) return IntKind::OutOfRange;
    if (!v.isSigned()) {
        const auto u = v.convert<Poco::UInt64>();
        if (u > static_cast<Poco::UInt64>(std::numeric_limits<std::int64_t>::max())) return IntKind::OutOfRange;
        out = static_cast<std::int64_t>(u);
        return IntKind::Ok;
    }
    out = v.convert<Poco::Int64>();
    return IntKind::Ok;
}

// Counts code points of well-formed UTF-8 and notes control characters.
bool inspectText(const std::string& s, bool allowLineBreaks, std::size_t& length, bool& control) {
    length = 0;
    control = false;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            cp = c;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points beyond Unicode are not text.
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        const bool lineBreak = cp == '\n' || cp == '\r' || cp == '\t';
        if ((cp < 0x20 && !(allowLineBreaks && lineBreak)) || cp == 0x7F) control = true;
        ++length;
        i += extra + 1;
    }
    return true;
}

bool codeAllowed(const FieldDef& f, const std::string& code, const Context& ctx) {
    if (f.codeListRef.empty()) return f.findCode(code) != nullptr;
    const auto list = ctx.codeLists.find(f.codeListRef);
    if (list == ctx.codeLists.end())
        throw std::logic_error("validator: code list " + f.codeListRef + " was not loaded");
    return list->second.count(code) > 0;
}

Result check(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out);

Result checkEnum(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    if (!f.fromNumber.empty() && v.isNumeric() && !v.isBoolean()) {
        std::int64_t n = 0;
        const IntKind kind = toInt64(v, n);
        if (kind == IntKind::NotInteger) {
            ctx.add(path, "type", path + " must be " + describeCodes(f) + ", or a whole number");
            return Result::Invalid;
        }
        if (kind == IntKind::Ok)
            for (const auto& band : f.fromNumber)
                if (n >= band.min && n <= band.max) {
                    out = band.code;
                    return Result::Ok;
                }
        const auto& first = f.fromNumber.front();
        const std::string low = first.min == std::numeric_limits<std::int64_t>::min() ? "" : " from " + std::to_string(first.min);
        ctx.add(path, "range", path + " given as a number must be" + low + " at most " + std::to_string(f.fromNumber.back().max));
        return Result::Invalid;
    }
    if (!v.isString()) {
        ctx.add(path, "type", path + " must be a string code, " + describeCodes(f));
        return Result::Invalid;
    }
    const auto s = v.convert<std::string>();
    if (isBlank(s)) return Result::Missing;
    if (!codeAllowed(f, s, ctx)) {
        ctx.add(path, "code_list", path + " must be " + describeCodes(f));
        return Result::Invalid;
    }
    out = s;
    return Result::Ok;
}

Result checkMultiEnum(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    const auto items = asArray(v);
    if (!items) {
        ctx.add(path, "type", path + " must be a list of codes, each " + describeCodes(f));
        return Result::Invalid;
    }
    if (items->size() == 0) return Result::Missing;
    // Without max_items, codes cannot repeat, so the code list bounds the length.
    const std::size_t limit = f.maxItems ? *f.maxItems : f.codeListRef.empty() ? f.codes.size() : 1000;
    if (items->size() > limit) {
        ctx.add(path, "length", path + " must hold at most " + std::to_string(limit) + " codes");
        return Result::Invalid;
    }
    Result result = Result::Ok;
    Array::Ptr copy = new Array;
    std::vector<std::string> seen;
    for (unsigned i = 0; i < items->size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        const Var item = items->get(i);
        if (!item.isString()) {
            ctx.add(at, "type", at + " must be a string code, " + describeCodes(f));
            result = Result::Invalid;
            continue;
        }
        const auto code = item.convert<std::string>();
        if (!codeAllowed(f, code, ctx)) {
            ctx.add(at, "code_list", at + " must be " + describeCodes(f));
            result = Result::Invalid;
        } else if (std::find(seen.begin(), seen.end(), code) != seen.end()) {
            ctx.add(at, "code_list", at + " repeats a code already given in " + path);
            result = Result::Invalid;
        } else {
            seen.push_back(code);
            copy->add(code);
        }
    }
    if (result == Result::Ok) out = copy;
    return result;
}

Result checkInteger(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    if (v.isString() && !f.allowCodes.empty()) {
        const auto s = v.convert<std::string>();
        if (isBlank(s)) return Result::Missing;
        if (!f.findAllowCode(s)) {
            ctx.add(path, "type", path + " must be " + describeRange(f) + describeAllowCodes(f));
            return Result::Invalid;
        }
        out = s;
        return Result::Ok;
    }
    std::int64_t n = 0;
    const IntKind kind = toInt64(v, n);
    if (kind == IntKind::NotInteger) {
        ctx.add(path, "type", path + " must be " + describeRange(f) + describeAllowCodes(f));
        return Result::Invalid;
    }
    if (kind == IntKind::OutOfRange || n < *f.min || n > *f.max) {
        ctx.add(path, "range", path + " must be " + describeRange(f));
        return Result::Invalid;
    }
    out = Poco::Int64(n);
    return Result::Ok;
}

Result checkText(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    const bool multiline = f.type == FieldType::Text;
    if (!v.isString()) {
        ctx.add(path, "type", path + " must be a string");
        return Result::Invalid;
    }
    const auto s = v.convert<std::string>();
    if (isBlank(s)) return Result::Missing;
    std::size_t length = 0;
    bool control = false;
    if (!inspectText(s, multiline, length, control)) {
        ctx.add(path, "type", path + " must be valid UTF-8 text");
        return Result::Invalid;
    }
    if (control) {
        ctx.add(path, "type", path + (multiline ? " must not contain control characters other than tab and line breaks"
                                                : " must be a single line without control characters"));
        return Result::Invalid;
    }
    if (f.maxLength && length > *f.maxLength) {
        ctx.add(path, "length", path + " must be at most " + std::to_string(*f.maxLength) + " characters");
        return Result::Invalid;
    }
    out = s;
    return Result::Ok;
}

Result checkTemporal(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    const bool timestamp = f.type == FieldType::Timestamp;
    const std::string expected = timestamp ? kTimestampFormat : "a calendar date YYYY-MM-DD, e.g. 2026-03-14";
    if (!v.isString()) {
        ctx.add(path, "type", path + " must be " + expected);
        return Result::Invalid;
    }
    const auto s = v.convert<std::string>();
    if (isBlank(s)) return Result::Missing;
    if (timestamp) {
        if (const auto tp = parseTimestamp(s)) {
            out = formatTimestampUtc(*tp);
            return Result::Ok;
        }
    } else if (parseDate(s)) {
        out = s;
        return Result::Ok;
    }
    ctx.add(path, "type", path + " must be " + expected);
    return Result::Invalid;
}

Result checkList(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    const auto items = asArray(v);
    if (!items) {
        ctx.add(path, "type", path + " must be a list");
        return Result::Invalid;
    }
    if (items->size() == 0) return Result::Missing;
    if (items->size() > *f.maxItems) {
        ctx.add(path, "length", path + " must hold at most " + std::to_string(*f.maxItems) + " items");
        return Result::Invalid;
    }
    Result result = Result::Ok;
    if (f.minItems && items->size() < *f.minItems) {
        const bool exact = *f.minItems == *f.maxItems;
        ctx.add(path, "length", path + " must hold " + (exact ? "exactly " : "at least ") + std::to_string(*f.minItems) + " items");
        result = Result::Invalid;
    }
    Array::Ptr copy = new Array;
    for (unsigned i = 0; i < items->size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        Var item;
        const Var in = items->get(i);
        const Result r = in.isEmpty() ? Result::Missing : check(*f.item, in, at, ctx, item);
        if (r == Result::Missing) ctx.add(at, "type", at + " must not be null or empty");
        if (r != Result::Ok) result = Result::Invalid;
        else copy->add(item);
    }
    if (result == Result::Ok) out = copy;
    return result;
}

Result checkObject(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    const auto object = asObject(v);
    if (!object) {
        ctx.add(path, "type", path + " must be an object");
        return Result::Invalid;
    }
    Result result = Result::Ok;
    for (const auto& member : *object)
        if (!f.member(member.first)) {
            const std::string at = path + "." + member.first;
            ctx.add(at, "unknown_field", at + " is not a member of " + path);
            result = Result::Invalid;
        }
    Object::Ptr copy = new Object(Poco::JSON_PRESERVE_KEY_ORDER);  // few members: kept in the form's order
    for (const FieldDef& m : f.members) {
        const std::string at = path + "." + m.code;
        Var value;
        const Result r = object->isNull(m.code) ? Result::Missing : check(m, object->get(m.code), at, ctx, value);
        if (r == Result::Ok) copy->set(m.code, value);
        if (r == Result::Invalid) result = Result::Invalid;
        if (r == Result::Missing && m.required && ctx.mode == ValidationMode::Submit) {
            ctx.add(at, "required", at + " is required");
            result = Result::Invalid;
        }
    }
    if (result == Result::Ok) out = copy;
    return result;
}

Result check(const FieldDef& f, const Var& v, const std::string& path, Context& ctx, Var& out) {
    switch (f.type) {
    case FieldType::Enum: return checkEnum(f, v, path, ctx, out);
    case FieldType::MultiEnum: return checkMultiEnum(f, v, path, ctx, out);
    case FieldType::Integer: return checkInteger(f, v, path, ctx, out);
    case FieldType::String:
    case FieldType::Text: return checkText(f, v, path, ctx, out);
    case FieldType::Timestamp:
    case FieldType::Date: return checkTemporal(f, v, path, ctx, out);
    case FieldType::List: return checkList(f, v, path, ctx, out);
    case FieldType::Object: return checkObject(f, v, path, ctx, out);
    case FieldType::Bool:
        if (!v.isBoolean()) {
            ctx.add(path, "type", path + " must be true or false");
            return Result::Invalid;
        }
        out = v.convert<bool>();
        return Result::Ok;
    }
    return Result::Invalid;
}

// The canonical text Condition::values are written in.
std::string canonical(const Var& v) {
    if (v.isBoolean()) return v.convert<bool>() ? "true" : "false";
    return v.convert<std::string>();
}

bool conditionHolds(const Condition& c, const Object& values) {
    if (!values.has(c.field)) return false;
    const Var v = values.get(c.field);
    switch (c.op) {
    case Condition::Op::Present: return true;
    case Condition::Op::Contains: {
        const auto items = asArray(v);
        for (unsigned i = 0; items && i < items->size(); ++i)
            if (items->get(i).convert<std::string>() == c.values.front()) return true;
        return false;
    }
    case Condition::Op::Equals:
    case Condition::Op::In:
        return std::find(c.values.begin(), c.values.end(), canonical(v)) != c.values.end();
    }
    return false;
}

std::string describeCondition(const Condition& c) {
    switch (c.op) {
    case Condition::Op::Present: return c.field + " is given";
    case Condition::Op::Contains: return c.field + " includes " + c.values.front();
    case Condition::Op::Equals: return c.field + " is " + c.values.front();
    case Condition::Op::In: return c.field + " is one of " + join(c.values);
    }
    return c.field;
}

using TimePoint = std::chrono::system_clock::time_point;

// A valid value of the normalised copy as an instant; dates count from their UTC midnight.
// Instant, not TimePoint: a date such as 4052-01-01 is valid but beyond system_clock's range.
Instant instant(const FieldDef& f, const Object& values) {
    const auto text = values.get(f.code).convert<std::string>();
    if (f.type == FieldType::Timestamp) return Instant::of(*parseTimestamp(text));
    return Instant::ofDate(*parseDate(text));
}

// Extra seconds an order rule allows for the precision recorded with `code`, or nullopt
// when that precision is not listed (the rule then says nothing).
std::optional<std::int64_t> slackFor(const RuleDef& rule, const FormDefinition& def, const Object& values,
                                      const std::string& code) {
    if (rule.precisionSlackS.empty()) return 0;
    const FieldDef* precision = def.precisionField(code);
    if (!precision || !values.has(precision->code)) return 0;
    const auto it = rule.precisionSlackS.find(values.get(precision->code).convert<std::string>());
    if (it == rule.precisionSlackS.end()) return std::nullopt;
    return it->second;
}

void checkRule(const RuleDef& rule, const FormDefinition& def, const Object& values, TimePoint now,
               const std::string& recordedBy, Context& ctx) {
    const auto mine = [&](const std::string& code) {
        const FieldDef* f = def.field(code);
        return f && f->recordedBy == recordedBy && values.has(code);
    };
    switch (rule.kind) {
    case RuleKind::Order: {
        if (!mine(rule.before) || !mine(rule.field)) return;
        const auto slackBefore = slackFor(rule, def, values, rule.before);
        const auto slackAfter = slackFor(rule, def, values, rule.field);
        if (!slackBefore || !slackAfter) return;
        const auto slack = std::max(*slackBefore, *slackAfter);
        if (instant(*def.field(rule.before), values) > instant(*def.field(rule.field), values).plusSeconds(slack))
            ctx.add(rule.field, "rule", rule.field + " must not be earlier than " + rule.before);
        return;
    }
    case RuleKind::NotInFuture:
        for (const auto& code : rule.fields) {
            if (!mine(code)) continue;
            const FieldDef& f = *def.field(code);
            auto start = instant(f, values);
            // A date is "today" somewhere until the last time zone (UTC+14) has left it.
            if (f.type == FieldType::Date) start = start.plusSeconds(-14 * 3600);
            if (start > Instant::of(now).plusSeconds(rule.toleranceS))
                ctx.add(code, "rule", code + " must not be in the future");
        }
        return;
    case RuleKind::FalseIfAnyYes:
    case RuleKind::TrueIfAnyYes: {
        if (!mine(rule.field)) return;
        const bool expected = rule.kind == RuleKind::TrueIfAnyYes;
        if (values.get(rule.field).convert<bool>() == expected) return;
        std::vector<std::string> yes;
        for (const auto& code : rule.fields) {
            if (!mine(code)) continue;
            const Var v = values.get(code);
            const auto items = asArray(v);
            if (items ? items->size() > 0 : v.convert<std::string>() == rule.code) yes.push_back(code);
        }
        if (!yes.empty())
            ctx.add(rule.field, "rule",
                    rule.field + " must be " + (expected ? "true" : "false") + " when a finding is recorded (" + join(yes) + ")");
        return;
    }
    case RuleKind::ExclusiveCode: {
        if (!mine(rule.field)) return;
        const auto items = asArray(values.get(rule.field));
        if (!items || items->size() < 2) return;
        for (unsigned i = 0; i < items->size(); ++i)
            if (items->get(i).convert<std::string>() == rule.code) {
                ctx.add(rule.field, "rule", rule.field + " cannot combine " + rule.code + " with other codes");
                return;
            }
        return;
    }
    }
}

}  // namespace

ValidationOutcome validate(const FormDefinition& def, const Poco::JSON::Object& fields, ValidationMode mode,
                           std::chrono::system_clock::time_point now, const ExternalCodeLists& codeLists,
                           const std::string& recordedBy) {
    ValidationOutcome outcome;
    // Unordered: the normalised fields are stored as jsonb (which keeps no key order) and answered
    // in the form's order; Poco's ordered object costs a linear search per member set.
    outcome.fields = new Object();
    Context ctx{mode, codeLists, outcome.errors};

    // Names are checked even when null: a null for another recorder's field would clear it.
    // The values given, by the field's position in the definition (null: not given).
    std::vector<const Var*> given(def.fields().size(), nullptr);
    for (const auto& member : fields) {
        const FieldDef* f = def.field(member.first);
        if (!f)
            ctx.add(member.first, "unknown_field",
                    member.first + " is not a field of form " + def.form() + " version " + std::to_string(def.version()));
        else if (f->recordedBy != recordedBy)
            ctx.add(member.first, "forbidden_field", member.first + " is recorded by " + f->recordedBy + ", not by " + recordedBy);
        else if (!member.second.isEmpty())
            given[static_cast<std::size_t>(f - def.fields().data())] = &member.second;
    }

    // By the field's position in the definition.
    std::vector<Result> results(def.fields().size(), Result::Missing);
    for (std::size_t i = 0; i < def.fields().size(); ++i) {
        const FieldDef& f = def.fields()[i];
        if (f.recordedBy != recordedBy) continue;
        if (given[i]) {
            Var value;
            results[i] = check(f, *given[i], f.code, ctx, value);
            if (results[i] == Result::Ok) outcome.fields->set(f.code, value);
        }
    }
    if (mode == ValidationMode::Draft) return outcome;

    for (std::size_t i = 0; i < def.fields().size(); ++i) {
        const FieldDef& f = def.fields()[i];
        if (f.recordedBy != recordedBy || results[i] != Result::Missing) continue;
        if (f.required)
            ctx.add(f.code, "required", f.code + " is required");
        else if (f.requiredIf && conditionHolds(*f.requiredIf, *outcome.fields))
            ctx.add(f.code, "required", f.code + " is required when " + describeCondition(*f.requiredIf));
    }
    for (const RuleDef& rule : def.rules()) checkRule(rule, def, *outcome.fields, now, recordedBy, ctx);
    return outcome;
}

}  // namespace registry::core
