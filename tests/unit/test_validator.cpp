#include <boost/test/unit_test.hpp>

#include "server/core/derived.h"
#include "server/core/form_definition.h"
#include "server/core/timestamp.h"
#include "server/core/validator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

using Poco::JSON::Object;
using registry::core::ExternalCodeLists;
using registry::core::FormDefinition;
using registry::core::ValidationMode;
using registry::core::ValidationOutcome;

namespace {

// A small form exercising every type and rule kind; the real form is tested at the end.
const char* const kSmallForm = R"({
  "form": "exam", "version": 7, "label_nl": "Proef", "label_en": "Trial",
  "sections": [{"number": 1, "code": "one", "label_nl": "Een", "label_en": "One"},
               {"number": 2, "code": "two", "label_nl": "Twee", "label_en": "Two"}],
  "fields": [
    {"code": "colour", "section": 1, "type": "enum", "label_nl": "Kleur", "label_en": "Colour", "required": true,
     "codes": [{"code": "red", "label_nl": "Rood", "label_en": "Red"}, {"code": "blue", "label_nl": "Blauw", "label_en": "Blue"}]},
    {"code": "source", "section": 1, "type": "enum", "label_nl": "Bron", "label_en": "Source", "required": true,
     "codes": [{"code": "police", "label_nl": "Politie", "label_en": "Police"}, {"code": "other", "label_nl": "Anders", "label_en": "Other"}]},
    {"code": "police_ref", "section": 1, "type": "string", "label_nl": "Nummer", "label_en": "Number", "max_length": 12,
     "identifying": true, "research_export": false, "required_if": {"field": "source", "equals": "police"}},
    {"code": "count", "section": 1, "type": "integer", "label_nl": "Aantal", "label_en": "Count", "min": 1, "max": 10,
     "allow_codes": [{"code": "unknown", "label_nl": "Onbekend", "label_en": "Unknown"}]},
    {"code": "size", "section": 1, "type": "integer", "label_nl": "Maat", "label_en": "Size", "min": 0, "max": 100},
    {"code": "flag", "section": 1, "type": "bool", "label_nl": "Vlag", "label_en": "Flag"},
    {"code": "note", "section": 1, "type": "text", "label_nl": "Notitie", "label_en": "Note", "max_length": 10,
     "research_export": false},
    {"code": "age", "section": 1, "type": "enum", "label_nl": "Leeftijd", "label_en": "Age",
     "codes": [{"code": "<18", "label_nl": "Jong", "label_en": "Young"}, {"code": "18-64", "label_nl": "Volwassen", "label_en": "Adult"},
               {"code": "65+", "label_nl": "Oud", "label_en": "Old"}, {"code": "unknown", "label_nl": "Onbekend", "label_en": "Unknown"}],
     "from_number": [{"min": 0, "max": 17, "code": "<18"}, {"max": 64, "code": "18-64"}, {"max": 130, "code": "65+"}]},
    {"code": "seen_at", "section": 1, "type": "timestamp", "label_nl": "Gezien", "label_en": "Seen"},
    {"code": "seen_at_precision", "section": 1, "type": "enum", "label_nl": "Nauwkeurigheid", "label_en": "Precision",
     "precision_of": "seen_at", "codes": [{"code": "exact", "label_nl": "Exact", "label_en": "Exact"},
     {"code": "day", "label_nl": "Dag", "label_en": "Day"}, {"code": "unknown", "label_nl": "Onbekend", "label_en": "Unknown"}]},
    {"code": "done_at", "section": 1, "type": "timestamp", "label_nl": "Klaar", "label_en": "Done"},
    {"code": "signed_on", "section": 1, "type": "date", "label_nl": "Getekend", "label_en": "Signed"},
    {"code": "tools", "section": 1, "type": "multi_enum", "label_nl": "Middelen", "label_en": "Tools", "max_items": 3,
     "codes": [{"code": "hand", "label_nl": "Hand", "label_en": "Hand"}, {"code": "rope", "label_nl": "Touw", "label_en": "Rope"},
               {"code": "knee", "label_nl": "Knie", "label_en": "Knee"}, {"code": "foot", "label_nl": "Voet", "label_en": "Foot"}]},
    {"code": "rope_kind", "section": 1, "type": "text", "label_nl": "Soort touw", "label_en": "Rope kind", "max_length": 50,
     "research_export": false, "required_if": {"field": "tools", "contains": "rope"}},
    {"code": "done", "section": 1, "type": "bool", "label_nl": "Gedaan", "label_en": "Done"},
    {"code": "findings", "section": 1, "type": "multi_enum", "label_nl": "Bevindingen", "label_en": "Findings",
     "required_if": {"field": "done", "equals": true},
     "codes": [{"code": "normal", "label_nl": "Normaal", "label_en": "Normal"}, {"code": "a", "label_nl": "A", "label_en": "A"},
               {"code": "b", "label_nl": "B", "label_en": "B"}]},
    {"code": "sign_a", "section": 1, "type": "enum", "label_nl": "Teken A", "label_en": "Sign A",
     "codes": [{"code": "yes", "label_nl": "Ja", "label_en": "Yes"}, {"code": "no", "label_nl": "Nee", "label_en": "No"}]},
    {"code": "spots", "section": 1, "type": "multi_enum", "label_nl": "Vlekken", "label_en": "Spots",
     "codes": [{"code": "face", "label_nl": "Gelaat", "label_en": "Face"}]},
    {"code": "none_visible", "section": 1, "type": "bool", "label_nl": "Niets zichtbaar", "label_en": "Nothing visible"},
    {"code": "visible", "section": 1, "type": "bool", "label_nl": "Zichtbaar", "label_en": "Visible"},
    {"code": "map", "section": 1, "type": "list", "label_nl": "Kaart", "label_en": "Map", "max_items": 4,
     "item": {"type": "object", "fields": [
       {"code": "region", "type": "string", "label_nl": "Regio", "label_en": "Region", "required": true, "max_length": 5},
       {"code": "kind", "type": "enum", "label_nl": "Soort", "label_en": "Kind", "required": true,
        "codes": [{"code": "bruise", "label_nl": "Kneuzing", "label_en": "Bruise"}, {"code": "other", "label_nl": "Anders", "label_en": "Other"}]},
       {"code": "size_mm", "type": "list", "label_nl": "Maat", "label_en": "Size", "min_items": 2, "max_items": 2,
        "item": {"type": "integer", "min": 0, "max": 1000}}]}},
    {"code": "arrested", "section": 2, "type": "bool", "label_nl": "Aangehouden", "label_en": "Arrested", "recorded_by": "police"},
    {"code": "decision", "section": 2, "type": "enum", "label_nl": "Beslissing", "label_en": "Decision", "recorded_by": "prosecutor",
     "codes": [{"code": "dismissal", "label_nl": "Sepot", "label_en": "Dismissal"}, {"code": "summons", "label_nl": "Dagvaarding", "label_en": "Summons"}]},
    {"code": "ground", "section": 2, "type": "enum", "label_nl": "Sepotgrond", "label_en": "Ground", "recorded_by": "prosecutor",
     "code_list_ref": "grounds", "required_if": {"field": "decision", "equals": "dismissal"}}
  ],
  "rules": [
    {"kind": "order", "before": "seen_at", "after": "done_at", "precision_slack_s": {"exact": 0, "day": 86400}},
    {"kind": "not_in_future", "fields": ["seen_at", "done_at", "signed_on"], "tolerance_s": 300},
    {"kind": "false_if_any_yes", "field": "none_visible", "any_of": ["sign_a", "spots"]},
    {"kind": "true_if_any_yes", "field": "visible", "any_of": ["sign_a", "spots"]},
    {"kind": "exclusive_code", "field": "findings", "code": "normal"}
  ]
})";

const FormDefinition& smallForm() {
    static const FormDefinition def = FormDefinition::fromJson(kSmallForm);
    return def;
}

const ExternalCodeLists& codeLists() {
    static const ExternalCodeLists lists = {{"grounds", {"01", "02"}}, {"dismissal_codes", {"01", "02", "03"}}};
    return lists;
}

std::chrono::system_clock::time_point now() { return *registry::core::parseTimestamp("2026-03-20T12:00:00Z"); }

Object::Ptr json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Object::Ptr>();
}

ValidationOutcome run(const FormDefinition& def, const std::string& fields, ValidationMode mode = ValidationMode::Submit,
                      const std::string& recordedBy = "doctor") {
    return registry::core::validate(def, *json(fields), mode, now(), codeLists(), recordedBy);
}

ValidationOutcome run(const std::string& fields, ValidationMode mode = ValidationMode::Submit,
                      const std::string& recordedBy = "doctor") {
    return run(smallForm(), fields, mode, recordedBy);
}

// The minimal complete record of the small form, with `extra` members appended.
std::string base(const std::string& extra = "") {
    return R"({"colour": "red", "source": "other")" + (extra.empty() ? "" : ", " + extra) + "}";
}

std::string dump(const ValidationOutcome& outcome) {
    std::ostringstream out;
    for (const auto& e : outcome.errors) out << "\n  " << e.field << " [" << e.code << "] " << e.message;
    return out.str();
}

bool has(const ValidationOutcome& outcome, const std::string& field, const std::string& code) {
    return std::any_of(outcome.errors.begin(), outcome.errors.end(),
                       [&](const registry::FieldError& e) { return e.field == field && e.code == code; });
}

const registry::FieldError* find(const ValidationOutcome& outcome, const std::string& field) {
    for (const auto& e : outcome.errors)
        if (e.field == field) return &e;
    return nullptr;
}

// Each macro evaluates its outcome expression once.
#define EXPECT_ERROR(expr, field, code)                                                                    \
    do {                                                                                                   \
        const auto& outcome_ = (expr);                                                                     \
        BOOST_TEST(has(outcome_, field, code), "expected " << field << " [" << code << "], got:" << dump(outcome_)); \
    } while (false)
#define EXPECT_ONLY_ERROR(expr, field, code)                                                               \
    do {                                                                                                   \
        const auto& only_ = (expr);                                                                        \
        BOOST_TEST(only_.errors.size() == 1u, "expected one error, got:" << dump(only_));                  \
        EXPECT_ERROR(only_, field, code);                                                                  \
    } while (false)
#define EXPECT_OK(expr)                                                                                    \
    do {                                                                                                   \
        const auto& ok_ = (expr);                                                                          \
        BOOST_TEST(ok_.ok(), "unexpected errors:" << dump(ok_));                                           \
    } while (false)

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validator)

BOOST_AUTO_TEST_CASE(accepts_a_complete_record) {
    const auto outcome = run(base(R"("count": 3, "flag": false, "note": "ok", "tools": ["hand"], "signed_on": "2026-03-14")"));
    EXPECT_OK(outcome);
    BOOST_TEST(outcome.fields->getValue<int>("count") == 3);
    BOOST_TEST(outcome.fields->getValue<std::string>("signed_on") == "2026-03-14");
}

BOOST_AUTO_TEST_CASE(required_fields_are_reported_on_submit) {
    const auto outcome = run("{}");
    BOOST_TEST(outcome.errors.size() == 2u, dump(outcome));
    EXPECT_ERROR(outcome, "colour", "required");
    EXPECT_ERROR(outcome, "source", "required");
    BOOST_TEST(find(outcome, "colour")->message == "colour is required");
}

BOOST_AUTO_TEST_CASE(required_if_follows_its_condition) {
    auto outcome = run(R"({"colour": "red", "source": "police"})");
    EXPECT_ONLY_ERROR(outcome, "police_ref", "required");
    BOOST_TEST(find(outcome, "police_ref")->message == "police_ref is required when source is police");
    EXPECT_OK(run(R"({"colour": "red", "source": "police", "police_ref": "PL-1"})"));

    EXPECT_ONLY_ERROR(run(base(R"("tools": ["hand", "rope"])")), "rope_kind", "required");
    EXPECT_OK(run(base(R"("tools": ["hand", "rope"], "rope_kind": "electric cable")")));

    EXPECT_ONLY_ERROR(run(base(R"("done": true)")), "findings", "required");
    EXPECT_OK(run(base(R"("done": false)")));
    EXPECT_OK(run(base(R"("done": true, "findings": ["a"])")));
}

BOOST_AUTO_TEST_CASE(empty_values_and_null_count_as_missing) {
    auto outcome = run(R"({"colour": "", "source": null, "tools": [], "note": "   "})");
    BOOST_TEST(outcome.errors.size() == 2u, dump(outcome));
    EXPECT_ERROR(outcome, "colour", "required");
    EXPECT_ERROR(outcome, "source", "required");
    // A required field that is "unknown" is answered; only empty is missing.
    EXPECT_OK(run(R"({"colour": "red", "source": "other", "count": "unknown"})"));

    outcome = run(R"({"colour": null, "tools": [], "note": ""})", ValidationMode::Draft);
    EXPECT_OK(outcome);
    BOOST_TEST(outcome.fields->size() == 0u);
}

BOOST_AUTO_TEST_CASE(types_are_strict) {
    const char* cases[][2] = {
        {R"("count": "12")", "count"},     {R"("count": 3.5)", "count"},   {R"("count": 3.0)", "count"},
        {R"("count": true)", "count"},     {R"("count": 1e2)", "count"},   {R"("count": [1])", "count"},
        {R"("size": "unknown")", "size"},  {R"("size": "")", "size"},      {R"("flag": 1)", "flag"},
        {R"("flag": "true")", "flag"},     {R"("note": 5)", "note"},       {R"("colour": 1)", "colour"},
        {R"("colour": ["red"])", "colour"}, {R"("tools": "hand")", "tools"}, {R"("map": {})", "map"},
        {R"("seen_at": 1773835200)", "seen_at"}, {R"("signed_on": true)", "signed_on"},
        {R"("police_ref": "PL\n1")", "police_ref"}, {R"("note": "a\u0000b")", "note"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c[0]) {
            const auto outcome = run(base(c[0]), ValidationMode::Draft);
            EXPECT_ONLY_ERROR(outcome, c[1], "type");
            BOOST_TEST(!outcome.fields->has(c[1]));
        }
    }
    // Line breaks are fine in free text, not in a single-line string.
    EXPECT_OK(run(base(R"("note": "a\nb\tc")")));
}

BOOST_AUTO_TEST_CASE(integers_beyond_64_bits_are_errors_not_crashes) {
    for (const char* literal : {"9223372036854775807", "9223372036854775808", "18446744073709551615",
                                "18446744073709551616", "-9223372036854775808", "-9223372036854775809"}) {
        BOOST_TEST_CONTEXT(literal) {
            EXPECT_ONLY_ERROR(run(base(std::string(R"("size": )") + literal), ValidationMode::Draft), "size", "range");
        }
    }
    Object fields;
    fields.set("size", 1e300);
    const auto outcome = registry::core::validate(smallForm(), fields, ValidationMode::Draft, now(), codeLists());
    EXPECT_ONLY_ERROR(outcome, "size", "type");
}

BOOST_AUTO_TEST_CASE(values_built_in_code_are_accepted_like_parsed_ones) {
    Object fields;
    fields.set("colour", std::string("red"));
    fields.set("source", "other");
    fields.set("size", 7);
    fields.set("count", 2u);
    fields.set("flag", true);
    Poco::JSON::Array::Ptr tools = new Poco::JSON::Array;
    tools->add("hand");
    fields.set("tools", tools);
    EXPECT_OK(registry::core::validate(smallForm(), fields, ValidationMode::Submit, now(), codeLists()));
}

BOOST_AUTO_TEST_CASE(codes_come_from_the_code_list) {
    const auto outcome = run(base(R"("sign_a": "maybe")"));
    EXPECT_ONLY_ERROR(outcome, "sign_a", "code_list");
    BOOST_TEST(find(outcome, "sign_a")->message == "sign_a must be one of: yes, no");
    EXPECT_ONLY_ERROR(run(base(R"("sign_a": "YES")")), "sign_a", "code_list");
    // A string for an integer is a type error unless it is one of allow_codes.
    EXPECT_ONLY_ERROR(run(base(R"("count": "many")")), "count", "type");
}

BOOST_AUTO_TEST_CASE(integers_are_range_checked) {
    EXPECT_ONLY_ERROR(run(base(R"("size": -1)")), "size", "range");
    EXPECT_ONLY_ERROR(run(base(R"("size": 101)")), "size", "range");
    EXPECT_ONLY_ERROR(run(base(R"("count": 0)")), "count", "range");
    EXPECT_OK(run(base(R"("size": 0, "count": 10)")));
    const auto outcome = run(base(R"("size": 101)"));
    BOOST_TEST(find(outcome, "size")->message == "size must be an integer from 0 to 100");
}

BOOST_AUTO_TEST_CASE(lengths_count_characters_not_bytes) {
    EXPECT_ONLY_ERROR(run(base(R"("note": "12345678901")")), "note", "length");
    EXPECT_OK(run(base(R"("note": "éééééééééé")")));
}

BOOST_AUTO_TEST_CASE(identifying_values_are_never_echoed) {
    const auto outcome = run(R"({"colour": "red", "source": "police", "police_ref": "PL0912-2026-123456"})");
    EXPECT_ONLY_ERROR(outcome, "police_ref", "length");
    const auto& message = find(outcome, "police_ref")->message;
    BOOST_TEST(message.find("PL0912") == std::string::npos);
    BOOST_TEST(message == "police_ref must be at most 12 characters");
}

BOOST_AUTO_TEST_CASE(multi_enum_rejects_duplicates_unknown_codes_and_too_many_items) {
    const auto outcome = run(base(R"("tools": ["hand", "hand", 3])"), ValidationMode::Draft);
    BOOST_TEST(outcome.errors.size() == 2u, dump(outcome));
    EXPECT_ERROR(outcome, "tools[1]", "code_list");
    EXPECT_ERROR(outcome, "tools[2]", "type");
    BOOST_TEST(find(outcome, "tools[1]")->message == "tools[1] repeats a code already given in tools");
    EXPECT_ONLY_ERROR(run(base(R"("tools": ["rope", "saw"])"), ValidationMode::Draft), "tools[1]", "code_list");
    EXPECT_ONLY_ERROR(run(base(R"("tools": ["hand", "rope", "knee", "foot"])"), ValidationMode::Draft), "tools", "length");
}

BOOST_AUTO_TEST_CASE(body_map_errors_carry_nested_paths) {
    const auto outcome = run(base(R"("map": [
        {"region": "neck", "kind": "bruise", "size_mm": [12, 30]},
        {"region": "neck", "kind": "bite", "size_mm": [12]},
        {"region": "cheek", "colour": "red"},
        {"region": "chin", "kind": "other", "size_mm": [-1, "2"]},
        5])"));
    EXPECT_ERROR(outcome, "map", "length");
    BOOST_TEST(outcome.errors.size() == 1u, "too many items stop element checks:" << dump(outcome));

    const auto nested = run(base(R"("map": [
        {"region": "neck", "kind": "bruise", "size_mm": [12, 30]},
        {"region": "neck", "kind": "bite", "size_mm": [12]},
        {"region": "cheek", "colour": "red"},
        {"region": "chin-and-jaw", "kind": "other", "size_mm": [-1, "2"]}])"));
    BOOST_TEST(nested.errors.size() == 7u, dump(nested));
    EXPECT_ERROR(nested, "map[1].kind", "code_list");
    EXPECT_ERROR(nested, "map[1].size_mm", "length");
    EXPECT_ERROR(nested, "map[2].colour", "unknown_field");
    EXPECT_ERROR(nested, "map[2].kind", "required");
    EXPECT_ERROR(nested, "map[3].region", "length");
    EXPECT_ERROR(nested, "map[3].size_mm[0]", "range");
    EXPECT_ERROR(nested, "map[3].size_mm[1]", "type");

    // Draft: a body-map entry may still be incomplete, never ill-typed.
    const auto draft = run(base(R"("map": [{"region": "cheek"}, 5])"), ValidationMode::Draft);
    EXPECT_ONLY_ERROR(draft, "map[1]", "type");
}

BOOST_AUTO_TEST_CASE(timestamps_need_an_offset_and_a_real_calendar_date) {
    for (const char* value : {"2026-02-31T10:00:00+01:00", "2026-13-01T10:00:00Z", "2026-03-13T24:00:00Z",
                              "2026-03-13T22:15:00", "13-03-2026 22:15"}) {
        BOOST_TEST_CONTEXT(value) {
            const auto outcome = run(base(std::string(R"("seen_at": ")") + value + "\""), ValidationMode::Draft);
            EXPECT_ONLY_ERROR(outcome, "seen_at", "type");
            BOOST_TEST(find(outcome, "seen_at")->message.find("YYYY-MM-DDThh:mm:ss") != std::string::npos);
        }
    }
    EXPECT_ONLY_ERROR(run(base(R"("signed_on": "2026-02-30")"), ValidationMode::Draft), "signed_on", "type");
}

BOOST_AUTO_TEST_CASE(the_normalised_copy_is_canonical) {
    const auto outcome = run(base(R"("seen_at": "2026-03-13T22:15:00.250+01:00", "age": 17, "size": 4, "zzz": 1)"),
                             ValidationMode::Draft);
    EXPECT_ONLY_ERROR(outcome, "zzz", "unknown_field");
    BOOST_TEST(outcome.fields->getValue<std::string>("seen_at") == "2026-03-13T21:15:00.250Z");
    BOOST_TEST(outcome.fields->getValue<std::string>("age") == "<18");
    BOOST_TEST(!outcome.fields->has("zzz"));
    std::ostringstream text;
    outcome.fields->stringify(text);
    // Exactly the known members, with canonical values (stored as jsonb, so in no particular order).
    BOOST_TEST(text.str() == R"({"age":"<18","colour":"red","seen_at":"2026-03-13T21:15:00.250Z","size":4,"source":"other"})");
}

BOOST_AUTO_TEST_CASE(an_age_number_becomes_its_band) {
    const std::pair<const char*, const char*> bands[] = {{"0", "<18"}, {"17", "<18"}, {"18", "18-64"},
                                                         {"64", "18-64"}, {"65", "65+"}, {"130", "65+"}};
    for (const auto& band : bands) {
        const auto outcome = run(base(std::string(R"("age": )") + band.first));
        EXPECT_OK(outcome);
        BOOST_TEST(outcome.fields->getValue<std::string>("age") == band.second);
    }
    EXPECT_ONLY_ERROR(run(base(R"("age": 131)")), "age", "range");
    EXPECT_ONLY_ERROR(run(base(R"("age": -1)")), "age", "range");
    EXPECT_ONLY_ERROR(run(base(R"("age": 17.5)")), "age", "type");
    EXPECT_ONLY_ERROR(run(base(R"("age": "17")")), "age", "code_list");
    EXPECT_ONLY_ERROR(run(base(R"("age": true)")), "age", "type");
    EXPECT_OK(run(base(R"("age": "unknown")")));
}

BOOST_AUTO_TEST_CASE(order_rule_compares_instants_and_respects_precision) {
    const auto outcome = run(base(R"("seen_at": "2026-03-14T10:00:00+01:00", "done_at": "2026-03-14T08:59:00Z")"));
    EXPECT_ONLY_ERROR(outcome, "done_at", "rule");
    BOOST_TEST(find(outcome, "done_at")->message == "done_at must not be earlier than seen_at");
    // Same instants in different offsets are in order.
    EXPECT_OK(run(base(R"("seen_at": "2026-03-14T10:00:00+01:00", "done_at": "2026-03-14T09:00:00Z")")));
    // Only the day is known: an earlier time on the same day is no contradiction.
    EXPECT_OK(run(base(R"("seen_at": "2026-03-14T18:00:00Z", "seen_at_precision": "day",
                          "done_at": "2026-03-14T09:00:00Z")")));
    EXPECT_ONLY_ERROR(run(base(R"("seen_at": "2026-03-16T18:00:00Z", "seen_at_precision": "day",
                                  "done_at": "2026-03-14T09:00:00Z")")), "done_at", "rule");
    // An unknown precision is not listed in precision_slack_s, so the rule says nothing.
    EXPECT_OK(run(base(R"("seen_at": "2026-03-16T18:00:00Z", "seen_at_precision": "unknown",
                          "done_at": "2026-03-14T09:00:00Z")")));
}

BOOST_AUTO_TEST_CASE(not_in_future_allows_clock_skew_only) {
    EXPECT_ONLY_ERROR(run(base(R"("seen_at": "2026-03-20T13:00:01Z")")), "seen_at", "rule");
    EXPECT_OK(run(base(R"("seen_at": "2026-03-20T12:04:00Z")")));
    // A date is accepted while it is already that day somewhere (UTC+14).
    EXPECT_OK(run(base(R"("signed_on": "2026-03-21")")));
    const auto outcome = run(base(R"("signed_on": "2026-03-22")"));
    EXPECT_ONLY_ERROR(outcome, "signed_on", "rule");
    BOOST_TEST(find(outcome, "signed_on")->message == "signed_on must not be in the future");
}

// Found by tests/fuzz/fuzz_json_body (UBSan: signed overflow): dates past 2262 overflowed
// system_clock's nanoseconds and wrapped into the past, so a date in 4052 passed the rule.
BOOST_AUTO_TEST_CASE(not_in_future_holds_for_dates_beyond_the_clock_range) {
    EXPECT_ONLY_ERROR(run(base(R"("signed_on": "4052-01-01")")), "signed_on", "rule");
    EXPECT_ONLY_ERROR(run(base(R"("signed_on": "9999-12-31")")), "signed_on", "rule");
    EXPECT_OK(run(base(R"("signed_on": "0001-01-01")")));
}

BOOST_AUTO_TEST_CASE(false_if_any_yes) {
    const auto outcome = run(base(R"("sign_a": "yes", "none_visible": true)"));
    EXPECT_ONLY_ERROR(outcome, "none_visible", "rule");
    BOOST_TEST(find(outcome, "none_visible")->message.find("sign_a") != std::string::npos);
    // A multi-enum counts as "yes" when it holds any code.
    EXPECT_ONLY_ERROR(run(base(R"("spots": ["face"], "none_visible": true)")), "none_visible", "rule");
    EXPECT_OK(run(base(R"("sign_a": "no", "none_visible": true)")));
    EXPECT_OK(run(base(R"("sign_a": "yes", "none_visible": false)")));
}

BOOST_AUTO_TEST_CASE(true_if_any_yes) {
    EXPECT_ONLY_ERROR(run(base(R"("sign_a": "yes", "visible": false)")), "visible", "rule");
    EXPECT_OK(run(base(R"("sign_a": "yes", "visible": true)")));
    EXPECT_OK(run(base(R"("sign_a": "no", "visible": false)")));
}

BOOST_AUTO_TEST_CASE(exclusive_code) {
    const auto outcome = run(base(R"("done": true, "findings": ["a", "normal"])"));
    EXPECT_ONLY_ERROR(outcome, "findings", "rule");
    BOOST_TEST(find(outcome, "findings")->message == "findings cannot combine normal with other codes");
    EXPECT_OK(run(base(R"("done": true, "findings": ["normal"])")));
    EXPECT_OK(run(base(R"("done": true, "findings": ["a", "b"])")));
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_rejected_not_dropped) {
    for (const auto mode : {ValidationMode::Draft, ValidationMode::Submit}) {
        const auto outcome = run(base(R"("colour_typo": "red", "hours_report_to_exam": 3)"), mode);
        BOOST_TEST(outcome.errors.size() == 2u, dump(outcome));
        EXPECT_ERROR(outcome, "colour_typo", "unknown_field");
        EXPECT_ERROR(outcome, "hours_report_to_exam", "unknown_field");
    }
}

BOOST_AUTO_TEST_CASE(each_recorder_sends_only_its_own_fields) {
    auto outcome = run(base(R"("arrested": true, "decision": null)"));
    BOOST_TEST(outcome.errors.size() == 2u, dump(outcome));
    EXPECT_ERROR(outcome, "arrested", "forbidden_field");
    EXPECT_ERROR(outcome, "decision", "forbidden_field");
    BOOST_TEST(find(outcome, "arrested")->message == "arrested is recorded by police, not by doctor");

    // The police submit their outcome without the doctor's required fields.
    outcome = run(R"({"arrested": true})", ValidationMode::Submit, "police");
    EXPECT_OK(outcome);
    BOOST_TEST(outcome.fields->getValue<bool>("arrested"));
    EXPECT_ONLY_ERROR(run(R"({"arrested": true, "colour": "red"})", ValidationMode::Submit, "police"), "colour",
                      "forbidden_field");
    EXPECT_ONLY_ERROR(run(R"({"arrested": true, "decision": "summons"})", ValidationMode::Submit, "police"), "decision",
                      "forbidden_field");
}

BOOST_AUTO_TEST_CASE(external_code_lists_are_checked) {
    EXPECT_ONLY_ERROR(run(R"({"decision": "dismissal"})", ValidationMode::Submit, "prosecutor"), "ground", "required");
    EXPECT_ONLY_ERROR(run(R"({"decision": "dismissal", "ground": "99"})", ValidationMode::Submit, "prosecutor"),
                      "ground", "code_list");
    EXPECT_OK(run(R"({"decision": "dismissal", "ground": "02"})", ValidationMode::Submit, "prosecutor"));
    EXPECT_OK(run(R"({"decision": "summons"})", ValidationMode::Submit, "prosecutor"));
    BOOST_CHECK_THROW(registry::core::validate(smallForm(), *json(R"({"ground": "01"})"), ValidationMode::Draft, now(),
                                               ExternalCodeLists{}, "prosecutor"),
                      std::logic_error);
}

BOOST_AUTO_TEST_CASE(draft_checks_values_submit_also_completeness_and_rules) {
    const std::string fields = R"({"source": "police", "size": 500, "sign_a": "yes", "none_visible": true,
                                   "seen_at": "2030-01-01T00:00:00Z"})";
    const auto draft = run(fields, ValidationMode::Draft);
    EXPECT_ONLY_ERROR(draft, "size", "range");

    const auto submit = run(fields, ValidationMode::Submit);
    BOOST_TEST(submit.errors.size() == 5u, dump(submit));
    EXPECT_ERROR(submit, "size", "range");
    EXPECT_ERROR(submit, "colour", "required");
    EXPECT_ERROR(submit, "police_ref", "required");
    EXPECT_ERROR(submit, "none_visible", "rule");
    EXPECT_ERROR(submit, "seen_at", "rule");
}

BOOST_AUTO_TEST_CASE(every_failing_field_is_reported_at_once) {
    const auto outcome = run(R"({"colour": "green", "count": "12", "size": 101, "note": "far too long text",
                                 "tools": ["hand", "hand"], "seen_at": "yesterday", "bogus": 1, "arrested": false})");
    BOOST_TEST(outcome.errors.size() == 9u, dump(outcome));
    EXPECT_ERROR(outcome, "colour", "code_list");
    EXPECT_ERROR(outcome, "count", "type");
    EXPECT_ERROR(outcome, "size", "range");
    EXPECT_ERROR(outcome, "note", "length");
    EXPECT_ERROR(outcome, "tools[1]", "code_list");
    EXPECT_ERROR(outcome, "seen_at", "type");
    EXPECT_ERROR(outcome, "bogus", "unknown_field");
    EXPECT_ERROR(outcome, "arrested", "forbidden_field");
    EXPECT_ERROR(outcome, "source", "required");
}

BOOST_AUTO_TEST_CASE(the_exam_form_accepts_a_complete_realistic_exam) {
    const auto def = FormDefinition::fromFile(std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json");
    const std::string exam = R"({
        "region": "oost_brabant", "referral_source": "police", "police_reference": "PL0912-2026-123456",
        "victim_reference": "LOEF-2026-10412", "interpreter_used": false,
        "incident_at": "2026-03-13T22:15:00+01:00", "incident_at_precision": "exact",
        "reported_at": "2026-03-13T23:40:00+01:00", "reported_at_precision": "exact",
        "exam_requested_at": "2026-03-14T08:05:00+01:00", "exam_requested_at_precision": "exact",
        "exam_at": "2026-03-14T10:30:00+01:00", "exam_at_precision": "exact",
        "report_delivered_at": "2026-03-17T16:00:00+01:00", "report_delivered_at_precision": "day",
        "consent_exam": true, "consent_exam_date": "2026-03-14",
        "consent_photography": true, "consent_photography_date": "2026-03-14",
        "consent_laryngoscopy_imaging": true, "consent_laryngoscopy_imaging_date": "2026-03-14",
        "consent_share_with_justice": true, "consent_share_with_justice_date": "2026-03-14",
        "consent_research_use": false, "consent_research_use_date": "2026-03-14",
        "age_band": 29, "sex": "female", "pregnant": "no", "relationship": "ex_partner",
        "mechanism": ["two_hands", "ligature"], "ligature_material": "phone charger cable",
        "position": "against_wall", "episodes": "unknown", "duration_s": 45, "duration_estimated": true,
        "threats_to_kill": "yes", "sexual_assault": "no", "head_struck": "unknown", "victim_feared_death": "yes",
        "loss_of_consciousness": "yes", "loc_seconds": "unknown", "near_loss_of_consciousness": "no",
        "visual_disturbance": "yes", "amnesia": "not_asked", "headache": "yes", "dizziness": "no",
        "dyspnoea": "yes", "dysphonia": "yes", "dysphagia": "yes", "neck_pain": "yes", "sore_throat": "yes",
        "cough": "no", "stridor": "no", "nausea_vomiting": "no", "urinary_incontinence": "yes",
        "faecal_incontinence": "no", "seizure": "no", "neurological_deficit": "no", "behavioural_change": "not_asked",
        "petechiae": ["conjunctivae", "eyelids"], "subconjunctival_haemorrhage": "no", "neck_bruising": "yes",
        "fingertip_bruises": "yes", "abrasions": "no", "fingernail_marks": "yes", "scratch_marks": "no",
        "ligature_mark": "yes", "swelling": "no", "tenderness": "yes", "subcutaneous_emphysema": "not_examined",
        "lip_tongue_injury": "no", "no_visible_injury": false,
        "body_map": [{"region_code": "neck_anterior", "type": "ligature_mark", "side": "bilateral", "size_mm": [180, 4]},
                     {"region_code": "neck_left", "type": "bruise", "side": "left", "size_mm": [12, 15]},
                     {"region_code": "eyelid_upper", "type": "petechiae", "side": "right"}],
        "laryngoscopy_done": true, "laryngoscopy_findings": ["oedema", "petechiae_haemorrhage"],
        "imaging_done": true, "imaging_modalities": ["cta_neck_brain"], "imaging_findings": ["normal"],
        "imaging_red_flags": ["loss_of_consciousness", "urinary_incontinence", "petechiae"],
        "photos_taken": true, "photo_count": 42, "forensic_camera": true, "scale_used": true,
        "photo_storage_ref": "LOEF-BEELD-2026-0412",
        "prior_strangulation_by_suspect": "yes", "prior_strangulation_count": 2, "prior_domestic_violence": "yes",
        "prior_police_reports": "unknown", "recent_separation": "yes", "children_present": "in_house",
        "risk_assessment_done": true, "veilig_thuis_notified": true,
        "evidential_value": "much_more_probable", "danger_to_life": "concrete", "internal_injury_shown": "yes",
        "external_injury_visible": true, "notes": "Heesheid bij onderzoek; stembanden oedemateus."})";
    const auto outcome = run(def, exam);
    EXPECT_OK(outcome);
    BOOST_TEST(outcome.fields->getValue<std::string>("age_band") == "25-34");
    BOOST_TEST(outcome.fields->getValue<std::string>("exam_at") == "2026-03-14T09:30:00Z");
    BOOST_TEST(outcome.fields->size() == json(exam)->size());

    const auto derived = registry::core::derive(*outcome.fields);
    BOOST_TEST(derived->getValue<double>("hours_report_to_exam") == 10.8);
    BOOST_TEST(derived->getValue<bool>("within_24h"));
    BOOST_TEST(derived->getValue<bool>("internal_only") == false);

    // The same exam as a draft missing half its fields is fine; submitting it is not.
    const auto partial = R"({"region": "oost_brabant", "referral_source": "police", "mechanism": ["ligature"],
                             "imaging_done": true, "imaging_findings": ["normal", "hyoid_fracture"]})";
    EXPECT_OK(run(def, partial, ValidationMode::Draft));
    const auto incomplete = run(def, partial);
    for (const char* code : {"victim_reference", "incident_at", "exam_at", "age_band", "sex", "police_reference",
                             "reported_at", "ligature_material", "imaging_modalities"})
        EXPECT_ERROR(incomplete, code, "required");
    EXPECT_ERROR(incomplete, "imaging_findings", "rule");

    EXPECT_OK(run(def, R"({"aangifte": "yes", "aangifte_date": "2026-03-14", "arrest": true, "arrest_date": "2026-03-14",
                          "restraining_order": true, "restraining_order_date": "2026-03-15"})",
                  ValidationMode::Submit, "police"));
    EXPECT_OK(run(def, R"({"om_decision": "dismissal", "om_decision_date": "2026-03-19", "dismissal_code": "02",
                          "charges": ["art_285_threat"]})",
                  ValidationMode::Submit, "prosecutor"));
    EXPECT_ONLY_ERROR(run(def, R"({"om_decision": "dismissal"})", ValidationMode::Submit, "prosecutor"), "dismissal_code",
                      "required");
    EXPECT_ONLY_ERROR(run(def, R"({"region": "oost_brabant", "arrest": true})", ValidationMode::Draft, "police"),
                      "region", "forbidden_field");
}

BOOST_AUTO_TEST_CASE(a_field_added_to_the_definition_needs_no_code_change) {
    const std::string text = readFile(std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json");
    Poco::JSON::Parser parser;
    auto root = parser.parse(text).extract<Object::Ptr>();
    root->set("version", 2);
    root->getArray("fields")->add(json(R"({"code": "strangulation_video", "section": 10, "type": "enum",
        "label_nl": "Videobeelden van de verwurging", "label_en": "Video of the strangulation", "required": true,
        "codes": [{"code": "yes", "label_nl": "Ja", "label_en": "Yes"}, {"code": "no", "label_nl": "Nee", "label_en": "No"}]})"));
    std::ostringstream extended;
    root->stringify(extended);
    const auto v1 = FormDefinition::fromJson(text);
    const auto v2 = FormDefinition::fromJson(extended.str());
    BOOST_TEST(v2.version() == 2);

    const std::string draft = R"({"region": "midden_nederland", "strangulation_video": "yes"})";
    EXPECT_ONLY_ERROR(run(v1, draft, ValidationMode::Draft), "strangulation_video", "unknown_field");
    const auto accepted = run(v2, draft, ValidationMode::Draft);
    EXPECT_OK(accepted);
    BOOST_TEST(accepted.fields->getValue<std::string>("strangulation_video") == "yes");
    EXPECT_ONLY_ERROR(run(v2, R"({"strangulation_video": "perhaps"})", ValidationMode::Draft), "strangulation_video",
                      "code_list");
    EXPECT_ERROR(run(v2, R"({"region": "midden_nederland"})"), "strangulation_video", "required");
}

BOOST_AUTO_TEST_SUITE_END()
