#pragma once

// Small helpers shared by the benchmark programs: option parsing, timing, percentiles, peak RSS
// and the spread of synthetic exams over regions and time. Benchmarks print figures; they
// never assert them.

#include "server/core/synthetic_exam.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace bench {

// --name value or --name=value; a bare --name is a flag. Only the declared names are accepted,
// so that a mistyped option cannot silently fall back to a default.
class Options {
public:
    Options(int argc, char** argv, const std::map<std::string, std::string>& known, const std::set<std::string>& flags = {})
        : values_(known) {
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                usage(argv[0], known, flags);
                std::exit(0);
            }
            if (arg.rfind("--", 0) != 0) fail(argv[0], "unexpected argument '" + arg + "'", known, flags);
            arg = arg.substr(2);
            std::string value;
            bool hasValue = false;
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasValue = true;
            }
            if (flags.count(arg)) {
                if (hasValue) fail(argv[0], "--" + arg + " takes no value", known, flags);
                flags_.insert(arg);
                continue;
            }
            if (!known.count(arg)) fail(argv[0], "unknown option --" + arg, known, flags);
            if (!hasValue) {
                if (i + 1 >= argc) fail(argv[0], "--" + arg + " needs a value", known, flags);
                value = argv[++i];
            }
            values_[arg] = value;
        }
    }

    std::string str(const std::string& name) const { return values_.at(name); }

    long long integer(const std::string& name, long long min, long long max) const {
        const std::string& text = values_.at(name);
        char* end = nullptr;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || v < min || v > max) {
            throw std::invalid_argument("--" + name + " must be an integer from " + std::to_string(min) + " to " +
                                        std::to_string(max) + ", got '" + text + "'");
        }
        return v;
    }

    bool flag(const std::string& name) const { return flags_.count(name) > 0; }

private:
    static void usage(const char* program, const std::map<std::string, std::string>& known,
                      const std::set<std::string>& flags) {
        std::fprintf(stderr, "usage: %s", program);
        for (const auto& [name, def] : known) std::fprintf(stderr, " [--%s VALUE (default '%s')]", name.c_str(), def.c_str());
        for (const auto& name : flags) std::fprintf(stderr, " [--%s]", name.c_str());
        std::fprintf(stderr, "\n");
    }
    [[noreturn]] static void fail(const char* program, const std::string& message,
                                  const std::map<std::string, std::string>& known, const std::set<std::string>& flags) {
        std::fprintf(stderr, "%s: %s\n", program, message.c_str());
        usage(program, known, flags);
        std::exit(2);
    }

    std::map<std::string, std::string> values_;
    std::set<std::string> flags_;
};

inline std::string env(const char* name, const std::string& fallback = "") {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Linear interpolation between closest ranks; `sorted` ascending, p in [0, 1].
inline double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return std::nan("");
    const double rank = p * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

// Peak resident set size of this process in MiB (Linux reports ru_maxrss in KiB).
inline double peakRssMiB() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Thousands separators, for counts that are read by people.
inline std::string grouped(long long n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

// The sepotgronden of schema/003_exams.sql (list version 1); the generator and the validator
// need them without a database.
inline std::vector<std::string> dismissalCodes() {
    return {"01", "02", "03", "04", "05", "06", "20", "31", "41", "51", "62", "70"};
}

// Where and when synthetic exams happen: Midden-Nederland is the largest region, and referrals
// grow over time (density rising linearly from `from` to `to`).
class ExamSpread {
public:
    ExamSpread(std::uint64_t seed, std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to)
        : random_(seed), from_(from), span_(to - from) {}

    std::string region() {
        const double r = random_.uniform();
        return r < 0.42 ? "midden_nederland" : r < 0.72 ? "oost_nederland" : "oost_brabant";
    }

    std::chrono::system_clock::time_point moment() {
        const double position = std::sqrt(random_.uniform());
        return from_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(span_ * position);
    }

    registry::core::SyntheticExamGenerator::Random& random() { return random_; }

private:
    registry::core::SyntheticExamGenerator::Random random_;
    std::chrono::system_clock::time_point from_;
    std::chrono::system_clock::duration span_;
};

// 2021-01-01T00:00:00Z: five years of history, so that month and quarter groupings have many
// groups at a million exams (a national roll-out records tens of thousands a year).
inline std::chrono::system_clock::time_point defaultHistoryStart() {
    return std::chrono::system_clock::from_time_t(1609459200);
}

}  // namespace bench
