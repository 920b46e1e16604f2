#include <boost/test/unit_test.hpp>

#include "server/core/form_definition.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using registry::core::FieldType;
using registry::core::FormDefinition;
using registry::core::RuleKind;
using registry::core::fieldTypeName;
using registry::core::ruleKindName;

namespace {

std::string definition(const std::string& fields, const std::string& rules = "") {
    return R"({"form": "exam", "version": 3, "label_nl": "Proef", "label_en": "Trial",
               "sections": [{"number": 1, "code": "one", "label_nl": "Een", "label_en": "One"}],
               "fields": [)" + fields + R"(], "rules": [)" + rules + "]}";
}

const std::string kColour = R"({"code": "colour", "section": 1, "type": "enum", "label_nl": "Kleur",
    "label_en": "Colour", "required": true, "codes": [{"code": "red", "label_nl": "Rood", "label_en": "Red"},
    {"code": "blue", "label_nl": "Blauw", "label_en": "Blue"}]})";
const std::string kSeenAt = R"({"code": "seen_at", "section": 1, "type": "timestamp", "label_nl": "Gezien",
    "label_en": "Seen"})";
const std::string kSeenOn = R"({"code": "seen_on", "section": 1, "type": "date", "label_nl": "Gezien op",
    "label_en": "Seen on"})";

FormDefinition realDefinition() {
    return FormDefinition::fromFile(std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json");
}

void expectInvalid(const std::string& text, const std::string& fragment) {
    BOOST_TEST_CONTEXT("expecting an error mentioning: " << fragment) {
        BOOST_CHECK_EXCEPTION(FormDefinition::fromJson(text), std::invalid_argument,
                              [&](const std::invalid_argument& e) {
                                  const std::string what = e.what();
                                  return what.find(fragment) != std::string::npos;
                              });
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_definition)

BOOST_AUTO_TEST_CASE(parses_a_small_definition) {
    const std::string text = definition(kColour + "," + kSeenAt);
    const auto def = FormDefinition::fromJson(text);
    BOOST_TEST(def.form() == "exam");
    BOOST_TEST(def.version() == 3);
    BOOST_TEST(def.json() == text);
    BOOST_TEST(def.fields().size() == 2u);
    BOOST_TEST(def.field("unknown") == nullptr);
    const auto* colour = def.field("colour");
    BOOST_REQUIRE(colour);
    BOOST_TEST(fieldTypeName(colour->type) == std::string("enum"));
    BOOST_TEST(colour->required);
    BOOST_TEST(colour->codes.size() == 2u);
    BOOST_TEST(colour->codes[1].labelNl == "Blauw");
    // Defaults of the optional properties.
    BOOST_TEST(colour->recordedBy == "doctor");
    BOOST_TEST(colour->researchExport);
    BOOST_TEST(!colour->column);
    BOOST_TEST(!colour->identifying);
    BOOST_TEST(def.identifyingFields().empty());
}

BOOST_AUTO_TEST_CASE(reads_conditions_rules_and_nested_items) {
    const auto def = FormDefinition::fromJson(definition(
        kColour + "," + kSeenAt + "," + R"(
        {"code": "seen_at_precision", "section": 1, "type": "enum", "label_nl": "P", "label_en": "P",
         "precision_of": "seen_at", "codes": [{"code": "exact", "label_nl": "Exact", "label_en": "Exact"}]},
        {"code": "shade", "section": 1, "type": "string", "label_nl": "Tint", "label_en": "Shade",
         "max_length": 10, "required_if": {"field": "colour", "in": ["red", "blue"]}},
        {"code": "spots", "section": 1, "type": "list", "label_nl": "Vlekken", "label_en": "Spots", "max_items": 5,
         "item": {"type": "object", "fields": [
            {"code": "size_mm", "type": "list", "label_nl": "Maat", "label_en": "Size", "min_items": 2,
             "max_items": 2, "item": {"type": "integer", "min": 0, "max": 9}}]}})",
        R"({"kind": "not_in_future", "fields": ["seen_at"], "tolerance_s": 60})"));
    const auto* shade = def.field("shade");
    BOOST_REQUIRE(shade && shade->requiredIf);
    BOOST_TEST(shade->requiredIf->field == "colour");
    BOOST_TEST((shade->requiredIf->values == std::vector<std::string>{"red", "blue"}));
    BOOST_TEST(def.precisionField("seen_at")->code == "seen_at_precision");
    BOOST_TEST(def.precisionField("colour") == nullptr);
    const auto* spots = def.field("spots");
    BOOST_REQUIRE(spots->item);
    BOOST_TEST(fieldTypeName(spots->item->type) == std::string("object"));
    const auto* size = spots->item->member("size_mm");
    BOOST_REQUIRE(size);
    BOOST_TEST(*size->minItems == 2u);
    BOOST_TEST(*size->item->max == 9);
    BOOST_REQUIRE(def.rules().size() == 1u);
    BOOST_TEST(ruleKindName(def.rules()[0].kind) == std::string("not_in_future"));
    BOOST_TEST(def.rules()[0].toleranceS == 60);
}

BOOST_AUTO_TEST_CASE(rejects_inconsistent_definitions) {
    const std::string colour = kColour;
    const auto withColour = [&](const std::string& other) { return definition(colour + "," + other); };
    expectInvalid("{\"form\": ", "invalid JSON");
    expectInvalid("[]", "must be an object");
    expectInvalid(R"({"form": "exam", "label_nl": "a", "label_en": "a", "sections": [], "fields": []})", "version");
    expectInvalid(R"({"form": "exam", "version": "1", "label_nl": "a", "label_en": "a", "sections": [], "fields": []})",
                  "\"version\" must be an integer");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "float", "label_nl": "X", "label_en": "X"})"),
                  "unknown type \"float\"");
    expectInvalid(definition(colour + "," + colour), "duplicate field code \"colour\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "enum", "label_nl": "X", "label_en": "X",
        "codes": [{"code": "a", "label_nl": "A", "label_en": "A"}, {"code": "a", "label_nl": "B", "label_en": "B"}]})"),
                  "duplicate code \"a\"");
    expectInvalid(withColour(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "required_if": {"field": "nope", "equals": true}})"), "names unknown field \"nope\"");
    expectInvalid(withColour(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "required_if": {"field": "colour", "equals": "green"}})"), "\"green\" is not a code of \"colour\"");
    expectInvalid(withColour(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "required_if": {"field": "colour", "equals": "red", "present": true}})"), "exactly one of");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "bool", "label_en": "X"})"), "missing \"label_nl\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "requried": true})"), "unknown property \"requried\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "max_length": 3})"), "\"max_length\" does not apply to type \"bool\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "integer", "label_nl": "X", "label_en": "X",
        "min": 5, "max": 1})"), "\"min\" is above \"max\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "integer", "label_nl": "X", "label_en": "X"})"),
                  "needs \"min\" and \"max\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "string", "label_nl": "X", "label_en": "X"})"),
                  "needs \"max_length\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "enum", "label_nl": "X", "label_en": "X"})"),
                  "\"codes\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "string", "label_nl": "X", "label_en": "X",
        "max_length": 9, "identifying": true})"), "research_export");
    expectInvalid(definition(R"({"code": "x", "section": 2, "type": "bool", "label_nl": "X", "label_en": "X"})"),
                  "section 2 is not declared");
    expectInvalid(definition(R"({"code": "X y", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X"})"),
                  "invalid field code");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "bool", "label_nl": "X", "label_en": "X",
        "recorded_by": "judge"})"), "recorded_by");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "multi_enum", "label_nl": "X", "label_en": "X",
        "codes": [{"code": "<18", "label_nl": "A", "label_en": "A"}]})"), "invalid code \"<18\"");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "enum", "label_nl": "X", "label_en": "X",
        "codes": [{"code": "a", "label_nl": "A", "label_en": "A"}],
        "from_number": [{"max": 10, "code": "b"}]})"), "\"b\" is not a code");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "enum", "label_nl": "X", "label_en": "X",
        "precision_of": "nope", "codes": [{"code": "a", "label_nl": "A", "label_en": "A"}]})"),
                  "\"precision_of\" names unknown field");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "object", "label_nl": "X", "label_en": "X",
        "fields": [{"code": "y", "type": "bool", "label_nl": "Y", "label_en": "Y"}]})"), "only allowed as a list item");
    expectInvalid(definition(kSeenAt, R"({"kind": "order", "before": "seen_at", "after": "nope"})"),
                  "names unknown field \"nope\"");
    expectInvalid(definition(kSeenAt + "," + kSeenOn, R"({"kind": "order", "before": "seen_on", "after": "seen_at"})"),
                  "compares a timestamp with a date");
    expectInvalid(definition(kSeenAt, R"({"kind": "sometimes", "field": "seen_at"})"), "unknown rule kind");
    expectInvalid(definition(kColour, R"({"kind": "exclusive_code", "field": "colour", "code": "red"})"),
                  "wrong type");
    expectInvalid(definition(R"({"code": "x", "section": 1, "type": "multi_enum", "label_nl": "X", "label_en": "X",
        "codes": [{"code": "a", "label_nl": "A", "label_en": "A"}]})",
                             R"({"kind": "exclusive_code", "field": "x", "code": "normal"})"),
                  "\"normal\" is not a code of \"x\"");
    expectInvalid(definition(kSeenAt + "," + R"({"code": "seen_by_police_at", "section": 1, "type": "timestamp",
        "label_nl": "P", "label_en": "P", "recorded_by": "police"})",
                             R"({"kind": "order", "before": "seen_at", "after": "seen_by_police_at"})"),
                  "mixes fields recorded by doctor and police");
}

BOOST_AUTO_TEST_CASE(comments_and_extensions_are_allowed) {
    const auto def = FormDefinition::fromJson(definition(
        R"({"$comment": "why", "x_redcap_type": "yesno", "code": "x", "section": 1, "type": "bool",
            "label_nl": "X", "label_en": "X"})"));
    BOOST_TEST(def.field("x") != nullptr);
}

BOOST_AUTO_TEST_CASE(the_exam_form_holds_every_field_of_exam_form_md) {
    const auto def = realDefinition();
    BOOST_TEST(def.version() == 1);
    BOOST_TEST(def.form() == "exam");
    BOOST_TEST(def.sections().size() == 13u);

    const std::vector<std::string> expected = {
        "region", "referral_source", "police_reference", "victim_reference", "interpreter_used",
        "incident_at", "reported_at", "exam_requested_at", "exam_at", "report_delivered_at",
        "consent_exam", "consent_exam_date", "consent_photography", "consent_photography_date",
        "consent_laryngoscopy_imaging", "consent_laryngoscopy_imaging_date", "consent_share_with_justice",
        "consent_share_with_justice_date", "consent_research_use", "consent_research_use_date",
        "age_band", "sex", "pregnant", "relationship",
        "mechanism", "ligature_material", "position", "episodes", "duration_s", "duration_estimated",
        "threats_to_kill", "sexual_assault", "head_struck", "victim_feared_death",
        "loss_of_consciousness", "loc_seconds", "near_loss_of_consciousness", "visual_disturbance", "amnesia",
        "headache", "dizziness", "dyspnoea", "dysphonia", "dysphagia", "neck_pain", "sore_throat", "cough",
        "stridor", "nausea_vomiting", "urinary_incontinence", "faecal_incontinence", "seizure",
        "neurological_deficit", "behavioural_change",
        "petechiae", "subconjunctival_haemorrhage", "neck_bruising", "fingertip_bruises", "abrasions",
        "fingernail_marks", "scratch_marks", "ligature_mark", "swelling", "tenderness", "subcutaneous_emphysema",
        "lip_tongue_injury", "no_visible_injury", "body_map",
        "laryngoscopy_done", "laryngoscopy_findings", "imaging_done", "imaging_modalities", "imaging_findings",
        "imaging_red_flags",
        "photos_taken", "photo_count", "forensic_camera", "scale_used", "photo_storage_ref",
        "prior_strangulation_by_suspect", "prior_strangulation_count", "prior_domestic_violence",
        "prior_police_reports", "recent_separation", "children_present", "risk_assessment_done",
        "veilig_thuis_notified",
        "evidential_value", "danger_to_life", "internal_injury_shown", "external_injury_visible", "notes",
        "aangifte", "aangifte_date", "arrest", "arrest_date", "custody", "custody_date", "pretrial_detention",
        "pretrial_detention_date", "restraining_order", "restraining_order_date", "om_decision",
        "om_decision_date", "dismissal_code", "charges", "verdict", "verdict_date", "proven_offence"};
    for (const auto& code : expected) BOOST_TEST(def.field(code) != nullptr, "missing field " << code);

    for (const char* ts : {"incident_at", "reported_at", "exam_requested_at", "exam_at", "report_delivered_at"}) {
        BOOST_TEST(fieldTypeName(def.field(ts)->type) == std::string("timestamp"));
        const auto* precision = def.precisionField(ts);
        BOOST_REQUIRE_MESSAGE(precision, "no precision for " << ts);
        BOOST_TEST(precision->code == std::string(ts) + "_precision");
        BOOST_TEST(precision->codes.size() == 4u);
    }

    for (const auto& f : def.fields()) {
        BOOST_TEST_CONTEXT("field " << f.code) {
            BOOST_TEST(!f.labelNl.empty());
            BOOST_TEST(!f.labelEn.empty());
            BOOST_TEST(f.section >= 1);
            BOOST_TEST(f.section <= 13);
            BOOST_TEST((f.recordedBy == "doctor") == (f.section < 13));
            if (f.type == FieldType::Text) BOOST_TEST(!f.researchExport);
            for (const auto& c : f.codes) BOOST_TEST(!c.labelNl.empty());
        }
    }

    BOOST_TEST((def.identifyingFields() == std::vector<std::string>{"police_reference", "victim_reference"}));
    BOOST_TEST(def.field("referral_source")->labelNl == "Verwijzer");
    BOOST_TEST(def.field("incident_at")->labelNl == "Tijdstip incident");
    BOOST_TEST(def.field("exam_at")->labelNl == "Onderzoek verricht op");
    BOOST_TEST(def.field("aangifte")->recordedBy == "police");
    BOOST_TEST(def.field("om_decision")->recordedBy == "prosecutor");
    BOOST_TEST(def.field("dismissal_code")->codeListRef == "dismissal_codes");
    BOOST_TEST(def.field("dismissal_code")->requiredIf->field == "om_decision");
    BOOST_TEST(def.field("ligature_material")->requiredIf->field == "mechanism");
    BOOST_TEST(def.field("episodes")->allowCodes.at(0).code == "unknown");
    BOOST_TEST(*def.field("notes")->maxLength == 4000u);
    BOOST_TEST(*def.field("body_map")->maxItems == 200u);
    BOOST_TEST(def.field("age_band")->fromNumber.size() == 7u);

    std::set<std::string> columns;
    for (const auto& f : def.fields())
        if (f.column) columns.insert(f.code);
    for (const char* code :
         {"region", "referral_source", "incident_at", "reported_at", "exam_at", "report_delivered_at", "age_band",
          "sex", "relationship", "internal_injury_shown", "external_injury_visible", "no_visible_injury",
          "laryngoscopy_done", "imaging_done", "evidential_value", "danger_to_life", "consent_research_use",
          "aangifte", "om_decision", "verdict", "proven_offence"})
        BOOST_TEST(columns.count(code) == 1u, "not a column: " << code);

    std::set<RuleKind> kinds;
    for (const auto& rule : def.rules()) kinds.insert(rule.kind);
    BOOST_TEST(kinds.size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
