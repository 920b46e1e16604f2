// Generation and Submit-mode validation of synthetic exams against schema/forms/exam-v1.json,
// without a database: how much CPU one exam costs before it reaches PostgreSQL.

#include "bench/bench_common.h"

#include "server/core/form_definition.h"
#include "server/core/json_merge.h"
#include "server/core/synthetic_exam.h"
#include "server/core/validator.h"

#include <cstdio>
#include <exception>
#include <set>
#include <string>
#include <vector>

namespace core = registry::core;

int main(int argc, char** argv) try {
    const bench::Options options(argc, argv,
                                 {{"count", "20000"},
                                  {"seed", "20261128"},
                                  {"form", std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json"}});
    const auto count = options.integer("count", 1, 100000000);
    const auto seed = static_cast<std::uint64_t>(options.integer("seed", 0, 1LL << 62));

    const auto def = core::FormDefinition::fromFile(options.str("form"));
    const auto codes = bench::dismissalCodes();
    const core::ExternalCodeLists codeLists{{"dismissal_codes", {codes.begin(), codes.end()}}};
    const auto now = std::chrono::system_clock::now();
    core::SyntheticExamGenerator generator(seed, codes, now);
    bench::ExamSpread spread(seed ^ 0x5eedULL, bench::defaultHistoryStart(), now - std::chrono::hours(6));

    std::vector<double> latencyUs;
    latencyUs.reserve(static_cast<std::size_t>(count));
    double generateS = 0, validateS = 0;
    long long failures = 0, fieldCount = 0, jsonBytes = 0;
    for (long long i = 0; i < count; ++i) {
        const auto t0 = bench::Clock::now();
        const auto region = spread.region();
        auto exam = generator.next(region, spread.moment());
        const auto t1 = bench::Clock::now();
        const auto outcome = core::validate(def, *exam.fields, core::ValidationMode::Submit, now, codeLists, "doctor");
        const auto t2 = bench::Clock::now();
        generateS += std::chrono::duration<double>(t1 - t0).count();
        const double v = std::chrono::duration<double>(t2 - t1).count();
        validateS += v;
        latencyUs.push_back(v * 1e6);
        if (!outcome.ok()) {
            if (failures < 3) {
                std::fprintf(stderr, "exam %lld failed validation:", i);
                for (const auto& e : outcome.errors) std::fprintf(stderr, " %s(%s)", e.field.c_str(), e.code.c_str());
                std::fprintf(stderr, "\n");
            }
            ++failures;
        }
        fieldCount += static_cast<long long>(exam.fields->size());
        // Sampled, so that measuring the size does not dominate the run.
        if (i % 100 == 0) jsonBytes += static_cast<long long>(core::jsonText(exam.fields).size());
    }
    std::sort(latencyUs.begin(), latencyUs.end());
    const double n = static_cast<double>(count);
    const long long sampled = (count + 99) / 100;

    std::printf("bench_validator: %s synthetic exams (form %s v%d, seed %llu)\n", bench::grouped(count).c_str(),
                def.form().c_str(), def.version(), static_cast<unsigned long long>(seed));
    std::printf("  exam size              %.1f top-level fields, %.0f bytes of JSON on average\n", fieldCount / n,
                static_cast<double>(jsonBytes) / static_cast<double>(sampled));
    std::printf("  generation             %10.0f exams/s  (%.2f s)\n", n / generateS, generateS);
    std::printf("  validation (Submit)    %10.0f exams/s  (%.2f s, one thread)\n", n / validateS, validateS);
    std::printf("  validation latency     p50 %.1f us  p95 %.1f us  p99 %.1f us  max %.1f us\n",
                bench::percentile(latencyUs, 0.50), bench::percentile(latencyUs, 0.95),
                bench::percentile(latencyUs, 0.99), latencyUs.back());
    std::printf("  failed validation      %lld\n", failures);
    std::printf("  peak RSS               %.1f MiB\n", bench::peakRssMiB());
    return failures == 0 ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_validator: %s\n", e.what());
    return 1;
}
