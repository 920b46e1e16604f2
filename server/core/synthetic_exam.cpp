#include "server/core/synthetic_exam.h"

#include "server/core/timestamp.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace registry::core {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Random = SyntheticExamGenerator::Random;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

// ---------------------------------------------------------------------------------------------
// Time: seconds since the epoch, written with the Europe/Amsterdam offset of the moment.

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t floorMod(std::int64_t a, std::int64_t b) { return a - floorDiv(a, b) * b; }

std::int64_t yearOfDays(std::int64_t z) { return civilFromDays(z).year; }

// The last Sunday of a 31-day month, in days since the epoch (1970-01-01 was a Thursday).
std::int64_t lastSunday(std::int64_t year, unsigned month) {
    const std::int64_t last = daysFromCivil(year, month, 31);
    return last - floorMod(last + 4, 7);
}

// CET (+1 h); CEST (+2 h) from the last Sunday of March to the last Sunday of October, 01:00 UTC.
std::int64_t amsterdamOffset(std::int64_t t) {
    const std::int64_t year = yearOfDays(floorDiv(t, kDay));
    const std::int64_t start = lastSunday(year, 3) * kDay + kHour;
    const std::int64_t end = lastSunday(year, 10) * kDay + kHour;
    return t >= start && t < end ? 2 * kHour : kHour;
}

std::int64_t localDays(std::int64_t t) { return floorDiv(t + amsterdamOffset(t), kDay); }

std::string localDate(std::int64_t t) { return formatDate(localDays(t)); }

std::int64_t localYear(std::int64_t t) { return yearOfDays(localDays(t)); }

// Local midnight of the day holding `t` (the clock changes at 01:00 UTC, never around midnight).
std::int64_t localMidnight(std::int64_t t) {
    const std::int64_t days = localDays(t);
    return days * kDay - amsterdamOffset(days * kDay - 2 * kHour);
}

std::string isoLocal(std::int64_t t) {
    const std::int64_t offset = amsterdamOffset(t);
    const std::int64_t local = t + offset;
    const std::int64_t days = floorDiv(local, kDay);
    const auto sod = static_cast<long long>(local - days * kDay);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld+%02lld:00", formatDate(days).c_str(), sod / 3600,
                  sod / 60 % 60, sod % 60, static_cast<long long>(offset / kHour));
    return buf;
}

std::int64_t toSeconds(std::chrono::system_clock::time_point tp) {
    return std::chrono::floor<std::chrono::seconds>(tp).time_since_epoch().count();
}

// The moment a doctor writes down for an event at `t` with the given precision: never later
// than `t`, so that the form's order rules hold whatever the precision.
std::int64_t recorded(std::int64_t t, const std::string& precision) {
    if (precision == "exact") return t;
    if (precision == "day") return localMidnight(t);
    return t - floorMod(t, kHour);  // estimate, unknown: the hour
}

// ---------------------------------------------------------------------------------------------
// Drawing codes.

struct Option {
    const char* code;
    double weight;
};

std::size_t weightedIndex(Random& r, std::initializer_list<double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = r.uniform() * total;
    std::size_t i = 0;
    for (double w : weights) {
        if (x < w) return i;
        x -= w;
        ++i;
    }
    return weights.size() - 1;
}

std::string pick(Random& r, std::initializer_list<Option> options) {
    double total = 0;
    for (const auto& o : options) total += o.weight;
    double x = r.uniform() * total;
    const Option* chosen = options.begin();
    for (const auto& o : options) {
        if (o.weight <= 0) continue;
        chosen = &o;
        if (x < o.weight) break;
        x -= o.weight;
    }
    return chosen->code;
}

template <std::size_t N>
const char* pickFrom(Random& r, const char* const (&items)[N]) {
    return items[static_cast<std::size_t>(r.between(0, static_cast<std::int64_t>(N) - 1))];
}

std::string yesNoUnknown(Random& r, double yes, double no, double unknown) {
    return pick(r, {{"yes", yes}, {"no", no}, {"unknown", unknown}});
}

Array::Ptr array(const std::vector<std::string>& codes) {
    Array::Ptr a = new Array;
    for (const auto& c : codes) a->add(c);
    return a;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

void addDistinct(std::vector<std::string>& v, const std::string& s) {
    if (!contains(v, s)) v.push_back(s);
}

const char* policeUnit(const std::string& region) {
    if (region == "midden_nederland") return "PL0900";
    if (region == "oost_nederland") return "PL0600";
    if (region == "oost_brabant") return "PL2100";
    throw std::invalid_argument("synthetic exam: unknown region " + region);
}

const char* regionShort(const std::string& region) {
    if (region == "midden_nederland") return "MN";
    if (region == "oost_nederland") return "ON";
    return "OB";
}

const char* const kLigatures[] = {"sjaal", "riem", "oplaadkabel van een telefoon", "touw", "elektriciteitssnoer",
                                  "handdoek", "stropdas", "koord van een capuchon", "kabelbinder", "hondenriem"};

// Symptoms in form order, with a base "yes" rate scaled by the case's severity.
struct SymptomRate {
    const char* code;
    double yes;
};
const SymptomRate kSymptoms[] = {
    {"loss_of_consciousness", 0.18}, {"near_loss_of_consciousness", 0.30}, {"visual_disturbance", 0.15},
    {"amnesia", 0.12},               {"headache", 0.40},                   {"dizziness", 0.30},
    {"dyspnoea", 0.25},              {"dysphonia", 0.35},                  {"dysphagia", 0.33},
    {"neck_pain", 0.60},             {"sore_throat", 0.45},                {"cough", 0.15},
    {"stridor", 0.02},               {"nausea_vomiting", 0.10},            {"urinary_incontinence", 0.06},
    {"faecal_incontinence", 0.01},   {"seizure", 0.01},                    {"neurological_deficit", 0.02},
    {"behavioural_change", 0.05},
};

// Signs that count for the no_visible_injury / external_injury_visible rules (petechiae aside).
struct SignRate {
    const char* code;
    double yes;
    const char* mapType;      // body-map type, or nullptr when not drawn on the map
    const char* regions[5];   // body-map regions, nullptr-terminated
};

std::size_t regionCount(const SignRate& s) {
    std::size_t n = 0;
    while (n < std::size(s.regions) && s.regions[n]) ++n;
    return n;
}

const char* const kStrongFlags[] = {"loss_of_consciousness", "near_loss_of_consciousness", "visual_disturbance",
                                    "dyspnoea", "dysphonia", "dysphagia", "stridor", "urinary_incontinence",
                                    "faecal_incontinence", "seizure", "neurological_deficit",
                                    "subconjunctival_haemorrhage", "ligature_mark", "subcutaneous_emphysema"};

}  // namespace

// ---------------------------------------------------------------------------------------------

SyntheticExamGenerator::Random::Random(std::uint64_t seed) {
    for (auto& word : s_) {  // splitmix64
        seed += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word = z ^ (z >> 31);
    }
}

std::uint64_t SyntheticExamGenerator::Random::next() {
    const auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double SyntheticExamGenerator::Random::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::int64_t SyntheticExamGenerator::Random::between(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    const auto range = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % range);
}

bool SyntheticExamGenerator::Random::chance(double p) { return uniform() < p; }

SyntheticExamGenerator::SyntheticExamGenerator(std::uint64_t seed, std::vector<std::string> dismissalCodes,
                                               std::optional<std::chrono::system_clock::time_point> now)
    : random_(seed), dismissalCodes_(std::move(dismissalCodes)) {
    const std::int64_t nowS = toSeconds(now ? *now : std::chrono::system_clock::now());
    cutoff_ = nowS - floorMod(nowS, kMinute) - kMinute;
    victimOffset_ = random_.next() % 10'000'000;
    policeOffset_ = random_.next() % 1'000'000;
}

std::string SyntheticExamGenerator::newVictimReference(std::int64_t examAt) {
    // A bijection of the counter modulo 10^7: unique, but not visibly sequential.
    const std::uint64_t n = victimCounter_++;
    const std::uint64_t value = (n % 10'000'000 * 7'368'787 + victimOffset_) % 10'000'000 + n / 10'000'000 * 10'000'000;
    char buf[48];
    std::snprintf(buf, sizeof buf, "LOEF-%lld-%07llu", static_cast<long long>(localYear(examAt)),
                  static_cast<unsigned long long>(value));
    return buf;
}

std::string SyntheticExamGenerator::newPoliceReference(const std::string& region, std::int64_t reportedAt) {
    const std::string unit = policeUnit(region);
    const std::string year = std::to_string(localYear(reportedAt));
    const std::string key = unit + "-" + year;
    const std::uint64_t n = policeCounters_[key]++;
    std::uint64_t salt = 1469598103934665603ULL;  // FNV-1a: each unit and year starts elsewhere
    for (unsigned char c : key) salt = (salt ^ c) * 1099511628211ULL;
    const std::uint64_t value =
        (n % 1'000'000 * 387'419 + policeOffset_ + salt % 1'000'000) % 1'000'000 + n / 1'000'000 * 1'000'000;
    char buf[24];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(value));
    return unit + "-" + year + "-" + buf;
}

SyntheticExam SyntheticExamGenerator::next(const std::string& region, std::chrono::system_clock::time_point examAt) {
    policeUnit(region);  // throws for an unknown region
    // Each exam draws from its own streams, so that a branch taken (or a moment clamped) in one
    // exam never shifts the draws of the next ones.
    Random r(random_.next());
    Random o(random_.next());
    const bool repeatDraw = r.chance(0.08);
    const std::uint64_t poolDraw = r.next();

    std::int64_t exam = toSeconds(examAt);
    exam -= floorMod(exam, kMinute);
    exam = std::min(exam, cutoff_);

    // ---- Timeline --------------------------------------------------------------------------
    const std::string referral = pick(r, {{"police", 78},
                                          {"om", 5},
                                          {"veilig_thuis", 6},
                                          {"emergency_dept_gp", 6},
                                          {"sexual_violence_centre", 3},
                                          {"other", 2}});
    const bool hasReport = referral == "police" || referral == "om" || r.chance(0.3);
    std::optional<std::int64_t> reported;
    std::optional<std::int64_t> requested;
    std::int64_t incident = 0;
    if (hasReport) {
        std::int64_t delay = 0;  // report to exam
        if (r.chance(0.80))
            delay = 4 * kHour + static_cast<std::int64_t>(44.0 * kHour * (r.uniform() + r.uniform()) / 2.0);
        else
            delay = 48 * kHour + kMinute + r.between(0, 22 * kHour - kMinute);
        delay -= floorMod(delay, kMinute);
        reported = exam - delay;
        const std::int64_t untilReport = r.chance(0.6) ? r.between(0, 3 * kHour) : r.between(3 * kHour, 24 * kHour);
        incident = *reported - untilReport;
        if (r.chance(0.75)) requested = *reported + static_cast<std::int64_t>(r.uniform() * 0.7 * static_cast<double>(delay));
    } else {
        incident = exam - r.between(6 * kHour, 96 * kHour);
        if (r.chance(0.6))
            requested = incident + static_cast<std::int64_t>((0.3 + 0.6 * r.uniform()) * static_cast<double>(exam - incident));
    }
    incident -= floorMod(incident, kMinute);
    if (requested) *requested -= floorMod(*requested, kMinute);
    std::optional<std::int64_t> delivered;
    {
        // 2 to 20 days later (median about a week), during office hours.
        const auto days = 2 + static_cast<std::int64_t>(19.0 * std::pow(r.uniform(), 1.6));
        std::int64_t t = localMidnight(exam + std::min<std::int64_t>(days, 20) * kDay) + r.between(8 * kHour, 17 * kHour);
        t -= floorMod(t, kMinute);
        if (r.chance(0.97) && t <= cutoff_) delivered = t;
    }
    const std::string incidentPrecision =
        pick(r, {{"exact", 70}, {"estimate", 20}, {"day", 8}, {"unknown", 2}});
    const std::string reportedPrecision = pick(r, {{"exact", 92}, {"estimate", 5}, {"day", 3}});
    const std::string requestedPrecision = pick(r, {{"exact", 90}, {"estimate", 6}, {"day", 4}});
    const std::string examPrecision = pick(r, {{"exact", 98}, {"estimate", 2}});
    const std::string deliveredPrecision = pick(r, {{"exact", 80}, {"day", 20}});

    const bool hasPoliceReference =
        referral == "police" || (referral == "om" && r.chance(0.9)) || (hasReport && r.chance(0.6));

    // ---- Victim ----------------------------------------------------------------------------
    Victim victim;
    bool repeat = false;
    if (repeatDraw && !victimPool_.empty()) {
        // Mostly the same region, sometimes another: the registry links victims across regions.
        std::size_t index = poolDraw % victimPool_.size();
        for (int attempt = 1; attempt < 4 && victimPool_[index].region != region; ++attempt)
            index = (poolDraw >> (16 * attempt)) % victimPool_.size();
        victim = victimPool_[index];
        repeat = true;
    } else {
        victim.reference = newVictimReference(exam);
        victim.region = region;
        victim.sex = pick(r, {{"female", 92}, {"male", 7}, {"other", 0.5}, {"unknown", 0.5}});
        victim.ageBand = pick(r, {{"<18", 3},
                                  {"18-24", 22},
                                  {"25-34", 33},
                                  {"35-44", 24},
                                  {"45-54", 11},
                                  {"55-64", 5},
                                  {"65+", 1.5},
                                  {"unknown", 0.5}});
        const std::size_t poolLimit = 256;
        if (victimPool_.size() < poolLimit)
            victimPool_.push_back(victim);
        else
            victimPool_[poolDraw % poolLimit] = victim;
    }

    Object::Ptr f = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    f->set("region", region);
    f->set("referral_source", referral);
    if (hasPoliceReference) f->set("police_reference", newPoliceReference(region, reported ? *reported : exam));
    f->set("victim_reference", victim.reference);
    const bool interpreter = r.chance(0.08);
    f->set("interpreter_used", interpreter);

    f->set("incident_at", isoLocal(recorded(incident, incidentPrecision)));
    f->set("incident_at_precision", incidentPrecision);
    if (reported) {
        f->set("reported_at", isoLocal(recorded(*reported, reportedPrecision)));
        f->set("reported_at_precision", reportedPrecision);
    }
    if (requested) {
        f->set("exam_requested_at", isoLocal(recorded(*requested, requestedPrecision)));
        f->set("exam_requested_at_precision", requestedPrecision);
    }
    f->set("exam_at", isoLocal(recorded(exam, examPrecision)));
    f->set("exam_at_precision", examPrecision);
    if (delivered) {
        f->set("report_delivered_at", isoLocal(recorded(*delivered, deliveredPrecision)));
        f->set("report_delivered_at_precision", deliveredPrecision);
    }

    // ---- Consent ---------------------------------------------------------------------------
    const std::string consentDate = localDate(exam);
    const bool consentPhotography = r.chance(0.93);
    const bool consentLaryngoscopy = r.chance(0.92);
    const bool consentShare = r.chance(0.90);
    const bool consentResearch = r.chance(0.85);
    const std::pair<const char*, bool> consents[] = {{"consent_exam", true},
                                                     {"consent_photography", consentPhotography},
                                                     {"consent_laryngoscopy_imaging", consentLaryngoscopy},
                                                     {"consent_share_with_justice", consentShare},
                                                     {"consent_research_use", consentResearch}};
    for (const auto& [code, given] : consents) {
        f->set(code, given);
        f->set(std::string(code) + "_date", consentDate);
    }

    // ---- Victim, relationship --------------------------------------------------------------
    f->set("age_band", victim.ageBand);
    f->set("sex", victim.sex);
    if (victim.sex == "female") {
        if (victim.ageBand == "<18" || victim.ageBand == "18-24" || victim.ageBand == "25-34" || victim.ageBand == "35-44")
            f->set("pregnant", pick(r, {{"yes", 4}, {"no", 86}, {"unknown", 10}}));
        else if (r.chance(0.6))
            f->set("pregnant", std::string("no"));
    }
    const std::string relationship =
        victim.ageBand == "<18" ? pick(r, {{"parent", 35},
                                           {"other_family", 15},
                                           {"partner_not_cohabiting", 25},
                                           {"ex_partner", 10},
                                           {"acquaintance", 10},
                                           {"stranger", 3},
                                           {"unknown", 2}})
                                : pick(r, {{"partner_cohabiting", 38},
                                           {"partner_not_cohabiting", 14},
                                           {"ex_partner", 28},
                                           {"parent", 1},
                                           {"child", 3},
                                           {"other_family", 5},
                                           {"housemate", 2},
                                           {"acquaintance", 5},
                                           {"stranger", 2},
                                           {"unknown", 2}});
    f->set("relationship", relationship);
    const bool partner =
        relationship == "partner_cohabiting" || relationship == "partner_not_cohabiting" || relationship == "ex_partner";

    // ---- Mechanism -------------------------------------------------------------------------
    const auto drawMechanism = [&r]() {
        return pick(r, {{"two_hands", 42},
                        {"one_hand", 25},
                        {"forearm_chokehold", 15},
                        {"ligature", 6},
                        {"smothering", 4},
                        {"knee_foot", 3},
                        {"hanging", 1},
                        {"other", 4}});
    };
    std::vector<std::string> mechanism{drawMechanism()};
    if (r.chance(0.22))
        addDistinct(mechanism, pick(r, {{"two_hands", 25},
                                        {"one_hand", 25},
                                        {"forearm_chokehold", 20},
                                        {"smothering", 15},
                                        {"knee_foot", 10},
                                        {"other", 5}}));
    f->set("mechanism", array(mechanism));
    const bool ligature = contains(mechanism, "ligature");
    if (ligature) f->set("ligature_material", std::string(pickFrom(r, kLigatures)));
    f->set("position", contains(mechanism, "knee_foot")
                           ? pick(r, {{"lying", 70}, {"straddled", 30}})
                           : pick(r, {{"against_wall", 30},
                                      {"lying", 28},
                                      {"straddled", 15},
                                      {"standing", 20},
                                      {"other", 4},
                                      {"unknown", 3}}));
    switch (weightedIndex(r, {52, 20, 10, 10, 8})) {
    case 0: f->set("episodes", Poco::Int64(1)); break;
    case 1: f->set("episodes", Poco::Int64(2)); break;
    case 2: f->set("episodes", Poco::Int64(3)); break;
    case 3: f->set("episodes", Poco::Int64(r.between(4, 10))); break;
    default: f->set("episodes", std::string("unknown")); break;
    }
    if (r.chance(0.75)) {
        const bool estimated = r.chance(0.85);
        auto seconds = static_cast<std::int64_t>(4.0 * std::pow(60.0, r.uniform()));
        if (estimated) seconds = std::max<std::int64_t>(5, (seconds + 2) / 5 * 5);
        f->set("duration_s", Poco::Int64(seconds));
        f->set("duration_estimated", estimated);
    }
    const std::string threats = yesNoUnknown(r, 45, 40, 15);
    f->set("threats_to_kill", threats);
    f->set("sexual_assault", yesNoUnknown(r, 10, 78, 12));
    f->set("head_struck", yesNoUnknown(r, 32, 55, 13));
    f->set("victim_feared_death", yesNoUnknown(r, 62, 25, 13));

    // ---- Symptoms (correlated through one severity per case) -------------------------------
    const double severity = r.uniform();
    const double scale = 0.4 + 1.2 * severity;
    std::vector<std::string> yes;  // every symptom and sign answered yes
    for (const auto& s : kSymptoms) {
        std::string answer = "no";
        if (r.chance(0.03))
            answer = "not_asked";
        else if (r.chance(std::min(0.95, s.yes * scale)))
            answer = "yes";
        f->set(s.code, answer);
        if (answer == "yes") yes.push_back(s.code);
        if (std::string(s.code) == "loss_of_consciousness" && answer == "yes") {
            if (r.chance(0.6))
                f->set("loc_seconds", Poco::Int64(r.between(3, 120)));
            else
                f->set("loc_seconds", std::string("unknown"));
        }
    }

    // ---- Signs -----------------------------------------------------------------------------
    const bool noVisibleInjury = r.chance(0.50 - 0.2 * (severity - 0.5));
    const SignRate signs[] = {
        {"subconjunctival_haemorrhage", 0.08, "other", {"conjunctiva"}},
        {"neck_bruising", 0.55, "bruise", {"neck_anterior", "neck_lateral", "submandibular"}},
        {"fingertip_bruises", 0.25, "bruise", {"neck_lateral", "upper_arm", "forearm"}},
        {"abrasions", 0.35, "abrasion", {"neck_anterior", "neck_lateral", "chin", "forearm", "knee"}},
        {"fingernail_marks", 0.15, "scratch", {"neck_anterior", "neck_lateral"}},
        {"scratch_marks", 0.30, "scratch", {"neck_anterior", "neck_lateral", "chest", "face"}},
        {"ligature_mark", ligature ? 0.70 : 0.01, "ligature_mark", {"neck_circumferential", "neck_anterior"}},
        {"swelling", 0.15, "swelling", {"neck_anterior", "face", "lip"}},
        {"tenderness", 0.50, nullptr, {}},
        {"subcutaneous_emphysema", 0.005, nullptr, {}},
        {"lip_tongue_injury", 0.07, "laceration", {"lip", "tongue"}},
    };
    std::vector<std::string> petechiae;
    Array::Ptr bodyMap = new Array;
    const auto mapEntry = [&](const char* regionCode, const char* type) {
        Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        const std::string rc = regionCode;
        e->set("region_code", rc);
        e->set("type", std::string(type));
        e->set("side", rc == "neck_anterior" || rc == "chin" || rc == "neck_circumferential"
                           ? pick(r, {{"midline", 70}, {"bilateral", 25}, {"unknown", 5}})
                           : pick(r, {{"left", 38}, {"right", 38}, {"bilateral", 18}, {"unknown", 6}}));
        Array::Ptr size = new Array;
        size->add(Poco::Int64(r.between(2, 60)));
        size->add(Poco::Int64(r.between(2, 40)));
        e->set("size_mm", size);
        bodyMap->add(e);
    };
    if (!noVisibleInjury && r.chance(std::min(0.9, 0.22 * (0.5 + severity)))) {
        const std::size_t count = static_cast<std::size_t>(r.between(1, 3));
        for (std::size_t i = 0; i < count; ++i)
            addDistinct(petechiae, pick(r, {{"conjunctivae", 30},
                                            {"face", 25},
                                            {"eyelids", 20},
                                            {"neck_above_compression", 15},
                                            {"oral_mucosa", 5},
                                            {"behind_ears", 4},
                                            {"scalp", 1}}));
    }
    if (!petechiae.empty()) {
        f->set("petechiae", array(petechiae));
        yes.push_back("petechiae");
        for (const auto& p : petechiae)
            if (r.chance(0.8)) mapEntry(p == "conjunctivae" ? "conjunctiva" : p == "behind_ears" ? "ear" : p.c_str(), "petechiae");
    }
    std::vector<std::string> signAnswers(std::size(signs), "no");
    if (!noVisibleInjury) {
        bool any = !petechiae.empty();
        for (std::size_t i = 0; i < std::size(signs); ++i) {
            if (r.chance(0.01))
                signAnswers[i] = "not_examined";
            else if (r.chance(std::min(0.95, signs[i].yes * (0.6 + 0.8 * severity)))) {
                signAnswers[i] = "yes";
                any = true;
            }
        }
        if (!any) signAnswers[r.chance(0.6) ? 1 : 8] = "yes";  // neck bruising or tenderness
    }
    for (std::size_t i = 0; i < std::size(signs); ++i) {
        f->set(signs[i].code, signAnswers[i]);
        if (signAnswers[i] != "yes") continue;
        yes.push_back(signs[i].code);
        if (!signs[i].mapType) continue;
        const std::int64_t entries = r.between(1, 3);
        for (std::int64_t k = 0; k < entries; ++k) {
            const auto at = static_cast<std::size_t>(r.between(0, static_cast<std::int64_t>(regionCount(signs[i])) - 1));
            mapEntry(signs[i].regions[at], signs[i].mapType);
        }
    }
    f->set("no_visible_injury", noVisibleInjury);
    if (bodyMap->size() > 0 && r.chance(0.9)) f->set("body_map", bodyMap);

    // ---- Laryngoscopy and imaging ----------------------------------------------------------
    const bool laryngoscopyDone = consentLaryngoscopy && r.chance(0.92);
    bool laryngoscopyAbnormal = false;
    f->set("laryngoscopy_done", laryngoscopyDone);
    if (laryngoscopyDone) {
        laryngoscopyAbnormal = r.chance((noVisibleInjury ? 0.10 : 0.22) * (0.6 + 0.8 * severity));
        std::vector<std::string> findings;
        if (!laryngoscopyAbnormal) findings.push_back("normal");
        else
            for (std::int64_t k = r.between(1, 2); k > 0; --k)
                addDistinct(findings, pick(r, {{"petechiae_haemorrhage", 40},
                                               {"oedema", 35},
                                               {"mucosal_injury", 15},
                                               {"vocal_cord_haematoma", 10}}));
        f->set("laryngoscopy_findings", array(findings));
    }
    std::vector<std::string> redFlags;
    for (const char* flag : kStrongFlags)
        if (contains(yes, flag)) redFlags.push_back(flag);
    if (!petechiae.empty()) redFlags.push_back("petechiae");
    const bool imagingDone =
        consentLaryngoscopy && r.chance(std::min(0.9, 0.15 + 0.15 * static_cast<double>(redFlags.size())));
    bool imagingAbnormal = false;
    f->set("imaging_done", imagingDone);
    if (imagingDone) {
        std::vector<std::string> modalities{pick(r, {{"cta_neck_brain", 60},
                                                     {"mri_neck", 22},
                                                     {"ct_neck_contrast", 10},
                                                     {"duplex", 5},
                                                     {"mra", 3}})};
        if (r.chance(0.2))
            addDistinct(modalities, contains(yes, "neurological_deficit") || contains(yes, "loss_of_consciousness")
                                        ? "mri_brain"
                                        : "mri_neck");
        f->set("imaging_modalities", array(modalities));
        imagingAbnormal = r.chance(std::min(0.6, 0.10 + 0.03 * static_cast<double>(redFlags.size())));
        std::vector<std::string> findings;
        if (!imagingAbnormal) findings.push_back("normal");
        else
            for (std::int64_t k = r.between(1, 2); k > 0; --k)
                addDistinct(findings, pick(r, {{"soft_tissue_haemorrhage", 35},
                                               {"perilaryngeal_fluid", 15},
                                               {"airway_oedema", 15},
                                               {"intimal_injury", 10},
                                               {"carotid_dissection", 8},
                                               {"vertebral_dissection", 4},
                                               {"hyoid_fracture", 5},
                                               {"larynx_cartilage_fracture", 5},
                                               {"hypoxic_brain_injury", 3}}));
        f->set("imaging_findings", array(findings));
        f->set("imaging_red_flags", array(redFlags.empty() ? std::vector<std::string>{"other"} : redFlags));
    }

    // ---- Documentation ---------------------------------------------------------------------
    const bool photos = consentPhotography && r.chance(0.96);
    f->set("photos_taken", photos);
    if (photos) {
        f->set("photo_count", Poco::Int64(noVisibleInjury ? r.between(3, 20) : r.between(8, 60)));
        f->set("forensic_camera", r.chance(0.9));
        f->set("scale_used", r.chance(noVisibleInjury ? 0.6 : 0.9));
        char ref[64];
        std::snprintf(ref, sizeof ref, "LOEF-beeldbank/%s/%lld/%06lld", regionShort(region),
                      static_cast<long long>(localYear(exam)), static_cast<long long>(r.between(0, 999999)));
        f->set("photo_storage_ref", std::string(ref));
    }

    // ---- History and risk ------------------------------------------------------------------
    const std::string priorStrangulation =
        repeat ? yesNoUnknown(r, 85, 5, 10) : partner ? yesNoUnknown(r, 42, 40, 18) : yesNoUnknown(r, 10, 70, 20);
    f->set("prior_strangulation_by_suspect", priorStrangulation);
    if (priorStrangulation == "yes") {
        if (r.chance(0.75))
            f->set("prior_strangulation_count", Poco::Int64(1 + static_cast<std::int64_t>(9.0 * std::pow(r.uniform(), 2.0))));
        else
            f->set("prior_strangulation_count", std::string("unknown"));
    }
    f->set("prior_domestic_violence", partner ? yesNoUnknown(r, 68, 20, 12) : yesNoUnknown(r, 25, 60, 15));
    f->set("prior_police_reports", repeat ? std::string("yes") : yesNoUnknown(r, 38, 47, 15));
    f->set("recent_separation", relationship == "ex_partner" ? yesNoUnknown(r, 65, 25, 10)
                                : partner                    ? yesNoUnknown(r, 15, 75, 10)
                                                             : yesNoUnknown(r, 0, 70, 30));
    f->set("children_present", pick(r, {{"in_room", 12}, {"in_house", 25}, {"no", 55}, {"unknown", 8}}));
    f->set("risk_assessment_done", r.chance(0.72));
    f->set("veilig_thuis_notified", referral == "veilig_thuis" || r.chance(0.55));

    // ---- Conclusion ------------------------------------------------------------------------
    const bool internalShown = laryngoscopyAbnormal || imagingAbnormal;
    const std::string internal = internalShown                          ? "yes"
                                 : (laryngoscopyDone || imagingDone) ? "no"
                                                                     : "not_examined";
    const std::string evidential =
        internalShown      ? pick(r, {{"about_equal", 2},
                                      {"slightly_more_probable", 5},
                                      {"more_probable", 18},
                                      {"much_more_probable", 32},
                                      {"very_much_more_probable", 28},
                                      {"extremely_more_probable", 10},
                                      {"not_assessable", 5}})
        : !noVisibleInjury ? pick(r, {{"about_equal", 5},
                                      {"slightly_more_probable", 12},
                                      {"more_probable", 30},
                                      {"much_more_probable", 30},
                                      {"very_much_more_probable", 12},
                                      {"extremely_more_probable", 3},
                                      {"not_assessable", 8}})
                           : pick(r, {{"about_equal", 20},
                                      {"slightly_more_probable", 25},
                                      {"more_probable", 20},
                                      {"much_more_probable", 8},
                                      {"very_much_more_probable", 2},
                                      {"not_assessable", 25}});
    f->set("evidential_value", evidential);
    const bool grave = internalShown || !petechiae.empty() || contains(yes, "loss_of_consciousness") ||
                       contains(yes, "urinary_incontinence") || contains(yes, "faecal_incontinence");
    const std::string danger = grave ? pick(r, {{"concrete", 55}, {"potential", 35}, {"none_found", 3}, {"not_assessable", 7}})
                                     : pick(r, {{"concrete", 8}, {"potential", 55}, {"none_found", 20}, {"not_assessable", 17}});
    f->set("danger_to_life", danger);
    f->set("internal_injury_shown", internal);
    f->set("external_injury_visible", !noVisibleInjury);

    if (r.chance(0.85)) {
        std::string notes = referral == "police"                   ? "Onderzoek verricht op verzoek van de politie."
                            : referral == "om"                     ? "Onderzoek verricht op verzoek van het Openbaar Ministerie."
                            : referral == "veilig_thuis"           ? "Verwezen door Veilig Thuis."
                            : referral == "emergency_dept_gp"      ? "Verwezen door de spoedeisende hulp of de huisarts."
                            : referral == "sexual_violence_centre" ? "Verwezen door het Centrum Seksueel Geweld."
                                                                   : "Verwezen via een andere instantie.";
        if (interpreter) notes += " Anamnese afgenomen met behulp van een tolk.";
        if (noVisibleInjury)
            notes += " Bij uitwendig onderzoek geen zichtbaar letsel in het hals- en aangezichtsgebied.";
        else
            notes += r.chance(0.5) ? " Uitwendig letsel in de hals passend bij de beschreven verwurging."
                                   : " Letsel beschreven en vastgelegd op de lichaamskaart.";
        if (!petechiae.empty()) notes += " Petechiën waargenomen boven het niveau van de compressie.";
        if (laryngoscopyDone)
            notes += laryngoscopyAbnormal ? " Bij laryngoscopie afwijkingen van de larynx gezien." : " Laryngoscopie zonder afwijkingen.";
        else
            notes += " Laryngoscopie niet verricht.";
        if (imagingDone)
            notes += imagingAbnormal ? " Aanvullende beeldvorming toont inwendig letsel in de hals."
                                     : " Aanvullende beeldvorming zonder afwijkingen.";
        if (r.chance(0.4)) notes += " Geadviseerd bij toename van klachten direct contact op te nemen met de huisarts.";
        f->set("notes", notes);
    }

    SyntheticExam out;
    out.fields = f;

    // ---- Justice outcome (own stream `o`) --------------------------------------------------
    // Dates are local calendar dates; an event within days of the exam is clamped to the
    // cut-off, a decision that would only come later is left out (or pending).
    const auto clampedDate = [this](std::int64_t t) { return localDate(std::min(t, cutoff_)); };
    const auto daysAfter = [&o](std::int64_t from, std::int64_t lo, std::int64_t hi) {
        return from + o.between(lo, hi) * kDay + o.between(0, 10 * kHour);
    };
    if (!o.chance(hasPoliceReference ? 0.76 : 0.35)) return out;
    Object::Ptr police = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const std::string aangifte = pick(o, {{"yes", 74}, {"no", 14}, {"later", 12}});
    if (aangifte == "yes") {
        const std::int64_t days = static_cast<std::int64_t>(weightedIndex(o, {55, 30, 15}));
        police->set("aangifte", aangifte);
        police->set("aangifte_date", clampedDate(days < 2 ? daysAfter(exam, days, days) : daysAfter(exam, 2, 6)));
    } else if (aangifte == "later") {
        const std::int64_t t = daysAfter(exam, 7, 60);
        if (t <= cutoff_) {
            police->set("aangifte", aangifte);
            police->set("aangifte_date", localDate(t));
        }
    } else {
        police->set("aangifte", aangifte);
    }
    const bool arrest = o.chance(aangifte == "no" ? 0.3 : 0.55);
    police->set("arrest", arrest);
    std::int64_t arrestAt = exam;
    if (arrest) {
        const auto d = static_cast<std::int64_t>(weightedIndex(o, {60, 25, 15}));
        arrestAt = d < 2 ? daysAfter(exam, d, d) : daysAfter(exam, 2, 5);
        police->set("arrest_date", clampedDate(arrestAt));
    }
    const bool custody = arrest && o.chance(0.65);
    police->set("custody", custody);
    if (custody) {
        const std::int64_t custodyAt = arrestAt + o.between(0, 1) * kDay;
        police->set("custody_date", clampedDate(custodyAt));
        if (o.chance(0.45)) {
            const std::int64_t detentionAt = custodyAt + 3 * kDay;
            if (detentionAt <= cutoff_) {  // not yet decided otherwise
                police->set("pretrial_detention", true);
                police->set("pretrial_detention_date", localDate(detentionAt));
            }
        } else {
            police->set("pretrial_detention", false);
        }
    } else {
        police->set("pretrial_detention", false);
    }
    const bool restraining =
        o.chance(relationship == "partner_cohabiting" ? 0.35 : partner ? 0.2 : 0.05);
    police->set("restraining_order", restraining);
    if (restraining) police->set("restraining_order_date", clampedDate(daysAfter(exam, 0, 2)));
    out.policeOutcome = police;

    if (!o.chance(0.5)) return out;
    Object::Ptr om = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    std::string decision = pick(o, {{"pending", 18},
                                    {"summons", 32},
                                    {"penalty_order", 10},
                                    {"conditional_dismissal", 14},
                                    {"dismissal", dismissalCodes_.empty() ? 0.0 : 14.0},
                                    {"joinder", 5}});
    std::int64_t decidedAt = 0;
    if (decision == "summons") decidedAt = daysAfter(exam, 30, 150);
    else if (decision == "penalty_order") decidedAt = daysAfter(exam, 20, 120);
    else if (decision == "conditional_dismissal") decidedAt = daysAfter(exam, 20, 150);
    else if (decision == "dismissal") decidedAt = daysAfter(exam, 14, 150);
    else if (decision == "joinder") decidedAt = daysAfter(exam, 30, 200);
    if (decision != "pending" && decidedAt > cutoff_) decision = "pending";
    om->set("om_decision", decision);
    if (decision == "pending") {
        out.omOutcome = om;
        return out;
    }
    om->set("om_decision_date", localDate(decidedAt));
    if (decision == "dismissal") {
        double total = 0;
        std::vector<double> cumulative;
        for (const auto& code : dismissalCodes_) {
            total += code == "02" ? 5.0 : code == "41" ? 3.0 : code == "20" ? 2.0 : code == "62" ? 1.5 : code == "70" ? 0.3 : 1.0;
            cumulative.push_back(total);
        }
        const double x = o.uniform() * total;
        std::size_t i = 0;
        while (i + 1 < cumulative.size() && x >= cumulative[i]) ++i;
        om->set("dismissal_code", dismissalCodes_[i]);
    }
    std::vector<std::string> charges;
    if (decision == "summons") {
        charges.push_back(pick(o, {{"art_287_45_attempted_manslaughter", danger == "concrete" ? 50.0 : 25.0},
                                   {"art_300_304_assault", 40},
                                   {"art_302_grievous_assault", 15},
                                   {"art_289_45_attempted_murder", 3},
                                   {"other", 2}}));
        if ((charges[0] == "art_287_45_attempted_manslaughter" || charges[0] == "art_289_45_attempted_murder") && o.chance(0.5))
            addDistinct(charges, "art_300_304_assault");
        if (threats == "yes" && o.chance(0.7)) addDistinct(charges, "art_285_threat");
    } else if (decision == "penalty_order") {
        charges.push_back("art_300_304_assault");
        if (threats == "yes" && o.chance(0.3)) charges.push_back("art_285_threat");
    }
    if (!charges.empty()) om->set("charges", array(charges));
    if (decision == "summons") {
        const std::int64_t verdictAt = daysAfter(decidedAt, 60, 240);
        if (verdictAt <= cutoff_) {
            const std::string verdict = pick(o, {{"conviction", 72},
                                                 {"acquittal", 12},
                                                 {"guilty_no_sentence", 3},
                                                 {"discharge", 3},
                                                 {"om_inadmissible", 2}});
            om->set("verdict", verdict);
            om->set("verdict_date", localDate(verdictAt));
            if (verdict == "conviction" || verdict == "guilty_no_sentence") {
                const std::string& main = charges.front();
                std::string proven;
                if (main == "art_287_45_attempted_manslaughter" || main == "art_289_45_attempted_murder")
                    proven = pick(o, {{"attempted_manslaughter", 45}, {"grievous_assault", 20}, {"assault", 35}});
                else if (main == "art_302_grievous_assault")
                    proven = pick(o, {{"grievous_assault", 50}, {"assault", 50}});
                else if (main == "art_300_304_assault")
                    proven = pick(o, {{"assault", 90}, {"threat", 10}});
                else
                    proven = "other";
                om->set("proven_offence", proven);
            }
        } else if (o.chance(0.5)) {
            om->set("verdict", std::string("pending"));
        }
    }
    out.omOutcome = om;
    return out;
}

}  // namespace registry::core
