#pragma once

// Statistical disclosure control (celonderdrukking), REPORTS.md: the one place that decides
// which cells of a report may be published. Every format and the dashboard apply its result.

#include "reports/report_model.h"

#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace registry::reports {

// What an intruder can learn about a suppressed count: the interval of values consistent with
// every published count and every total (suppressed cells ≥ 0, constraints as equalities).
struct Interval {
    double min = 0;
    double max = std::numeric_limits<double>::infinity();
    // Whole numbers inside the interval (a large number when unbounded).
    long long wholeNumbers() const;
};

struct DisclosureProblem {
    std::map<std::string, long long> values;
    std::vector<Constraint> constraints;
    // Never printed (always hidden); only their primary protection is checked.
    std::set<std::string> unpublished;
};

class DisclosureControl {
public:
    explicit DisclosureControl(int minCell) : minCell_(minCell) {}

    // Primary: counts 1..minCell-1.
    std::set<std::string> primary(const DisclosureProblem& problem) const;
    // Primary plus the secondary suppressions needed so that, solving the linear programme over
    // what stays published, no suppressed count is pinned to one value and every primary one
    // keeps an interval of at least minCell-1 whole numbers (unpublished quantities: only the
    // small ones are protected). Greedy: first the classic rule to a fixed point (no solver);
    // then, per connected component, the LP, solved only for cells that the LP solutions seen so
    // far do not already prove wide enough; each failing cell gets its smallest published
    // neighbour hidden with it, all in one round, and only changed components are solved again.
    std::set<std::string> suppress(const DisclosureProblem& problem) const;
    // The intruder's intervals for the given suppressed set (GLPK, per connected component).
    std::map<std::string, Interval> intervals(const DisclosureProblem& problem,
                                              const std::set<std::string>& suppressed) const;

    // Marks the cells of every table: counts by their variable; shares and numbers when a count
    // they depend on is suppressed or their denominator is below minCell. With suppress=false
    // nothing is marked.
    void apply(Report& report, bool suppress) const;

    int minCell() const { return minCell_; }

    static std::string footnoteNl(int minCell);
    static std::string footnoteEn(int minCell);

private:
    int minCell_;
};

}  // namespace registry::reports
