#include "tests/support/exam_fixtures.h"

#include "tests/support/test_database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace registry::test {

std::string completeExamFields(const std::string& region, const std::string& policeReference,
                               const std::string& victimReference) {
    return R"({
        "region": ")" + region + R"(", "referral_source": "police", "police_reference": ")" + policeReference + R"(",
        "victim_reference": ")" + victimReference + R"(", "interpreter_used": false,
        "incident_at": "2026-03-13T22:15:00+01:00", "incident_at_precision": "exact",
        "reported_at": "2026-03-13T23:40:00+01:00", "reported_at_precision": "exact",
        "exam_requested_at": "2026-03-14T08:05:00+01:00", "exam_requested_at_precision": "exact",
        "exam_at": "2026-03-14T10:30:00+01:00", "exam_at_precision": "exact",
        "report_delivered_at": "2026-03-17T16:00:00+01:00", "report_delivered_at_precision": "day",
        "consent_exam": true, "consent_exam_date": "2026-03-14",
        "consent_photography": true, "consent_photography_date": "2026-03-14",
        "consent_laryngoscopy_imaging": true, "consent_laryngoscopy_imaging_date": "2026-03-14",
        "consent_share_with_justice": true, "consent_share_with_justice_date": "2026-03-14",
        "consent_research_use": true, "consent_research_use_date": "2026-03-14",
        "age_band": "25-34", "sex": "female", "pregnant": "no", "relationship": "ex_partner",
        "mechanism": ["two_hands"], "position": "against_wall", "episodes": 2, "duration_s": 45,
        "duration_estimated": true, "threats_to_kill": "yes", "sexual_assault": "no", "head_struck": "unknown",
        "victim_feared_death": "yes", "loss_of_consciousness": "no", "near_loss_of_consciousness": "yes",
        "visual_disturbance": "no", "amnesia": "not_asked", "headache": "yes", "dizziness": "no",
        "dyspnoea": "yes", "dysphonia": "yes", "dysphagia": "no", "neck_pain": "yes", "sore_throat": "yes",
        "cough": "no", "stridor": "no", "nausea_vomiting": "no", "urinary_incontinence": "no",
        "faecal_incontinence": "no", "seizure": "no", "neurological_deficit": "no", "behavioural_change": "not_asked",
        "petechiae": [], "subconjunctival_haemorrhage": "no", "neck_bruising": "no",
        "fingertip_bruises": "no", "abrasions": "no", "fingernail_marks": "no", "scratch_marks": "no",
        "ligature_mark": "no", "swelling": "no", "tenderness": "no", "subcutaneous_emphysema": "not_examined",
        "lip_tongue_injury": "no", "no_visible_injury": true,
        "laryngoscopy_done": true, "laryngoscopy_findings": ["oedema"],
        "imaging_done": false,
        "photos_taken": true, "photo_count": 12, "forensic_camera": true, "scale_used": true,
        "prior_strangulation_by_suspect": "yes", "prior_strangulation_count": 2, "prior_domestic_violence": "yes",
        "prior_police_reports": "unknown", "recent_separation": "yes", "children_present": "in_house",
        "risk_assessment_done": true, "veilig_thuis_notified": true,
        "evidential_value": "more_probable", "danger_to_life": "potential", "internal_injury_shown": "yes",
        "external_injury_visible": false, "notes": "Heesheid bij onderzoek; stembanden oedemateus."})";
}

std::string examBody(const std::string& region, const std::string& extraFields, const std::string& policeReference) {
    std::string fields = completeExamFields(region, policeReference);
    if (!extraFields.empty()) {
        // The extra members replace those of the complete exam: the server refuses a member sent
        // twice. They stay text, since some are numbers no JSON library would parse.
        Poco::JSON::Object::Ptr base = Poco::JSON::Parser().parse(fields).extract<Poco::JSON::Object::Ptr>();
        static const std::regex name("\"([A-Za-z0-9_.]+)\"\\s*:");
        for (std::sregex_iterator it(extraFields.begin(), extraFields.end(), name), end; it != end; ++it) {
            base->remove((*it)[1].str());
        }
        std::ostringstream text;
        base->stringify(text);
        fields = text.str();
        fields.pop_back();  // the closing brace
        fields += (base->size() ? ", " : "") + extraFields + "}";
    }
    return "{\"fields\": " + fields + "}";
}

Poco::JSON::Object::Ptr formVersionTwo() {
    std::ifstream in(TestDatabase::schemaDir() + "/forms/exam-v1.json");
    std::stringstream text;
    text << in.rdbuf();
    auto def = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    def->set("version", 2);
    Poco::JSON::Object::Ptr field = new Poco::JSON::Object;
    field->set("code", "strangulation_app_used");
    field->set("section", 1);
    field->set("type", "bool");
    field->set("label_nl", "Verwurgingsapp gebruikt");
    field->set("label_en", "Strangulation app used");
    def->getArray("fields")->add(field);
    return def;
}

}  // namespace registry::test
