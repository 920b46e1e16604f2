#pragma once

#include <Poco/JSON/Object.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace registry::core {

// One synthetic exam as the three recorders would send it (form v1 codes).
struct SyntheticExam {
    // The exam's "fields" object as a forensic doctor would send it, including the clear
    // victim_reference and police_reference (the service pseudonymises them on arrival).
    // Timestamps carry the Europe/Amsterdam offset of their moment.
    Poco::JSON::Object::Ptr fields;
    // Null, or the police part of the justice outcome (fields recorded_by police).
    Poco::JSON::Object::Ptr policeOutcome;
    // Null, or the prosecutor part (fields recorded_by prosecutor); only set with a police part.
    Poco::JSON::Object::Ptr omOutcome;
};

// Deterministic generator of plausible (not uniform) exams for the demo (`registry demo seed`)
// and for bench/. Same seed, same dismissal codes, same `now` and same sequence of calls ⇒
// identical output, on every platform (own PRNG and distributions, no std:: distributions).
//
// Every exam passes validate(..., ValidationMode::Submit, ...) as "doctor"; every outcome part
// passes it as "police" / "prosecutor" with ExternalCodeLists{{"dismissal_codes", codes}}.
// No generated moment is later than the cut-off, `now` floored to the minute minus one
// minute: later events are clamped to the cut-off when they would happen within days
// (aangifte, arrest, ...) and left out when they would only happen in the future (a delivered
// report, an OM decision, a verdict).
class SyntheticExamGenerator {
public:
    // `dismissalCodes`: the sepotgronden the database holds (e.g. "01", "02", "41"); an empty
    // list means no unconditional dismissals are generated. `now` (default: the system clock
    // at construction) anchors the cut-off; pass a fixed value for byte-identical reruns.
    SyntheticExamGenerator(std::uint64_t seed, std::vector<std::string> dismissalCodes,
                           std::optional<std::chrono::system_clock::time_point> now = std::nullopt);

    // `examAt` is the exam moment (floored to the minute, and to the cut-off if later);
    // `region` one of midden_nederland, oost_nederland, oost_brabant (else std::invalid_argument).
    SyntheticExam next(const std::string& region, std::chrono::system_clock::time_point examAt);

    // xoshiro256**, seeded through splitmix64: identical streams everywhere.
    class Random {
    public:
        explicit Random(std::uint64_t seed);
        std::uint64_t next();
        double uniform();                                  // [0, 1)
        std::int64_t between(std::int64_t lo, std::int64_t hi);  // inclusive
        bool chance(double p);

    private:
        std::array<std::uint64_t, 4> s_{};
    };

private:
    struct Victim {
        std::string reference;
        std::string region;
        std::string sex;
        std::string ageBand;
    };

    std::string newVictimReference(std::int64_t examAt);
    std::string newPoliceReference(const std::string& region, std::int64_t reportedAt);

    Random random_;
    std::vector<std::string> dismissalCodes_;
    std::int64_t cutoff_ = 0;  // seconds since the epoch
    std::uint64_t victimCounter_ = 0;
    std::uint64_t victimOffset_ = 0;
    std::uint64_t policeOffset_ = 0;
    std::map<std::string, std::uint64_t> policeCounters_;  // by "PL0900-2026"
    std::vector<Victim> victimPool_;                       // earlier victims, for repeat exams
};

}  // namespace registry::core
