#include <boost/test/unit_test.hpp>

#include "server/core/derived.h"
#include "server/core/form_definition.h"
#include "server/core/synthetic_exam.h"
#include "server/core/timestamp.h"
#include "server/core/validator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using registry::core::ExternalCodeLists;
using registry::core::FormDefinition;
using registry::core::SyntheticExam;
using registry::core::SyntheticExamGenerator;
using registry::core::ValidationMode;
using registry::core::ValidationOutcome;

namespace {

using TimePoint = std::chrono::system_clock::time_point;

const std::vector<std::string> kDismissalCodes{"01", "02", "03", "04", "05", "06", "20", "31", "41", "51", "62", "70"};
const char* const kRegions[] = {"midden_nederland", "oost_nederland", "oost_brabant"};
constexpr int kExams = 2000;

const FormDefinition& definition() {
    static const FormDefinition def =
        FormDefinition::fromFile(std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json");
    return def;
}

ExternalCodeLists codeLists() {
    return {{"dismissal_codes", std::set<std::string>(kDismissalCodes.begin(), kDismissalCodes.end())}};
}

// Exam moments spread evenly from 15 September 2025 (the pilot's start) to `now`.
std::vector<TimePoint> examMoments(TimePoint now) {
    const TimePoint start = *registry::core::parseTimestamp("2025-09-15T06:00:00+02:00");
    const auto span = now - start;
    std::vector<TimePoint> moments;
    // Divided first: span (nanoseconds) times 2i+1 overflowed 64 bits past i = 120 (UBSan).
    for (int i = 0; i < kExams; ++i) moments.push_back(start + span / (2 * kExams) * (2 * i + 1));
    return moments;
}

std::vector<SyntheticExam> generate(SyntheticExamGenerator& gen, const std::vector<TimePoint>& moments) {
    std::vector<SyntheticExam> exams;
    for (std::size_t i = 0; i < moments.size(); ++i) exams.push_back(gen.next(kRegions[i % 3], moments[i]));
    return exams;
}

std::string text(const Poco::JSON::Object::Ptr& o) {
    if (!o) return "null";
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

std::string describe(const ValidationOutcome& v, const Poco::JSON::Object::Ptr& doc) {
    std::string out;
    for (std::size_t i = 0; i < v.errors.size() && i < 5; ++i)
        out += "\n  " + v.errors[i].field + " [" + v.errors[i].code + "] " + v.errors[i].message;
    return out + "\n  in " + text(doc);
}

std::string str(const Poco::JSON::Object& o, const std::string& key) {
    return o.has(key) && o.get(key).isString() ? o.getValue<std::string>(key) : "";
}

bool flag(const Poco::JSON::Object& o, const std::string& key) {
    return o.has(key) && o.get(key).isBoolean() && o.getValue<bool>(key);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(synthetic_exam)

BOOST_AUTO_TEST_CASE(every_exam_and_outcome_passes_the_real_validator) {
    const auto now = std::chrono::system_clock::now();
    SyntheticExamGenerator gen(20260315, kDismissalCodes);
    const auto exams = generate(gen, examMoments(now));
    const auto lists = codeLists();
    const auto validateAt = std::chrono::system_clock::now();

    int failedExams = 0, failedPolice = 0, failedOm = 0, police = 0, om = 0;
    for (const auto& exam : exams) {
        BOOST_REQUIRE(exam.fields);
        const auto v = registry::core::validate(definition(), *exam.fields, ValidationMode::Submit, validateAt, lists, "doctor");
        if (!v.ok() && failedExams++ < 3) BOOST_ERROR("exam does not validate:" << describe(v, exam.fields));
        BOOST_CHECK(exam.fields->has("victim_reference"));
        if (str(*exam.fields, "referral_source") == "police") BOOST_CHECK(!str(*exam.fields, "police_reference").empty());
        if (exam.policeOutcome) {
            ++police;
            const auto p = registry::core::validate(definition(), *exam.policeOutcome, ValidationMode::Submit, validateAt,
                                                    lists, "police");
            if (!p.ok() && failedPolice++ < 3) BOOST_ERROR("police outcome does not validate:" << describe(p, exam.policeOutcome));
        }
        if (exam.omOutcome) {
            ++om;
            BOOST_CHECK(exam.policeOutcome);
            const auto o = registry::core::validate(definition(), *exam.omOutcome, ValidationMode::Submit, validateAt, lists,
                                                    "prosecutor");
            if (!o.ok() && failedOm++ < 3) BOOST_ERROR("OM outcome does not validate:" << describe(o, exam.omOutcome));
        }
    }
    BOOST_TEST(failedExams == 0);
    BOOST_TEST(failedPolice == 0);
    BOOST_TEST(failedOm == 0);
    // Police part for about 70 %, OM part for about half of those.
    BOOST_TEST(police > kExams * 55 / 100);
    BOOST_TEST(police < kExams * 85 / 100);
    BOOST_TEST(om > police * 35 / 100);
    BOOST_TEST(om < police * 65 / 100);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_identical_output) {
    const auto now = std::chrono::system_clock::now();
    const auto moments = examMoments(now);
    SyntheticExamGenerator a(7, kDismissalCodes, now);
    SyntheticExamGenerator b(7, kDismissalCodes, now);
    SyntheticExamGenerator c(8, kDismissalCodes, now);
    const auto first = generate(a, moments);
    const auto second = generate(b, moments);
    const auto other = generate(c, moments);
    int differing = 0;
    for (std::size_t i = 0; i < first.size(); ++i) {
        if (text(first[i].fields) != text(second[i].fields) || text(first[i].policeOutcome) != text(second[i].policeOutcome) ||
            text(first[i].omOutcome) != text(second[i].omOutcome)) {
            if (differing++ == 0) BOOST_ERROR("exam " << i << " differs:\n" << text(first[i].fields) << "\n" << text(second[i].fields));
        }
    }
    BOOST_TEST(differing == 0);
    BOOST_TEST(text(first[0].fields) != text(other[0].fields));
}

BOOST_AUTO_TEST_CASE(distributions_are_plausible) {
    const auto now = std::chrono::system_clock::now();
    SyntheticExamGenerator gen(20260315, kDismissalCodes);
    const auto exams = generate(gen, examMoments(now));

    int timed = 0, within48 = 0, internalOnly = 0, internalYes = 0, female = 0, noVisible = 0, laryngoscopy = 0,
        imaging = 0, research = 0;
    std::map<std::string, int> victims;
    std::set<std::string> policeReferences;
    int policeReferenceCount = 0;
    for (const auto& exam : exams) {
        const auto& f = *exam.fields;
        const auto derived = registry::core::derive(f);
        if (derived->get("within_48h").isBoolean()) {
            ++timed;
            if (derived->getValue<bool>("within_48h")) ++within48;
        }
        if (derived->get("internal_only").isBoolean() && derived->getValue<bool>("internal_only")) {
            ++internalOnly;
            BOOST_CHECK(str(f, "internal_injury_shown") == "yes" && !flag(f, "external_injury_visible"));
        }
        internalYes += str(f, "internal_injury_shown") == "yes";
        female += str(f, "sex") == "female";
        noVisible += flag(f, "no_visible_injury");
        laryngoscopy += flag(f, "laryngoscopy_done");
        imaging += flag(f, "imaging_done");
        research += flag(f, "consent_research_use");
        ++victims[str(f, "victim_reference")];
        if (f.has("police_reference")) {
            ++policeReferenceCount;
            policeReferences.insert(str(f, "police_reference"));
        }
    }
    int repeatExams = 0;
    for (const auto& [reference, count] : victims) repeatExams += count - 1;
    BOOST_TEST_MESSAGE("within_48h " << within48 << "/" << timed << ", internal_only " << internalOnly
                                     << ", internal yes " << internalYes << ", female " << female << ", no visible injury "
                                     << noVisible << ", laryngoscopy " << laryngoscopy << ", imaging " << imaging
                                     << ", research consent " << research << ", repeat exams " << repeatExams);

    BOOST_REQUIRE(timed > 0);
    const double share48 = static_cast<double>(within48) / timed;
    BOOST_TEST(share48 >= 0.60);
    BOOST_TEST(share48 <= 0.95);
    BOOST_TEST(repeatExams > 0);
    BOOST_TEST(repeatExams < kExams * 15 / 100);
    BOOST_TEST(internalOnly > 0);
    BOOST_TEST(female > kExams * 85 / 100);
    BOOST_TEST(noVisible > kExams * 35 / 100);
    BOOST_TEST(noVisible < kExams * 65 / 100);
    // Police references identify one incident each: never reused.
    BOOST_TEST(static_cast<int>(policeReferences.size()) == policeReferenceCount);
}

BOOST_AUTO_TEST_CASE(no_moment_is_later_than_the_cut_off) {
    // Exams right up to `now`: later events are clamped or left out, never in the future.
    const auto now = std::chrono::system_clock::now();
    SyntheticExamGenerator gen(99, kDismissalCodes, now);
    const auto lists = codeLists();
    int failures = 0;
    for (int i = 0; i < 300; ++i) {
        const auto exam = gen.next(kRegions[i % 3], now - std::chrono::hours(i % 72));
        const auto v = registry::core::validate(definition(), *exam.fields, ValidationMode::Submit, now, lists, "doctor");
        if (!v.ok() && failures++ < 3) BOOST_ERROR("recent exam does not validate:" << describe(v, exam.fields));
        BOOST_CHECK(*registry::core::parseTimestamp(str(*exam.fields, "exam_at")) <= now);
        if (exam.policeOutcome) {
            const auto p = registry::core::validate(definition(), *exam.policeOutcome, ValidationMode::Submit, now, lists, "police");
            if (!p.ok() && failures++ < 3) BOOST_ERROR("recent police outcome does not validate:" << describe(p, exam.policeOutcome));
        }
        if (exam.omOutcome) {
            const auto o = registry::core::validate(definition(), *exam.omOutcome, ValidationMode::Submit, now, lists, "prosecutor");
            if (!o.ok() && failures++ < 3) BOOST_ERROR("recent OM outcome does not validate:" << describe(o, exam.omOutcome));
            BOOST_TEST(str(*exam.omOutcome, "om_decision") == "pending");
        }
    }
    BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(an_unknown_region_is_refused) {
    SyntheticExamGenerator gen(1, kDismissalCodes);
    BOOST_CHECK_THROW(gen.next("noord_holland", std::chrono::system_clock::now()), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
