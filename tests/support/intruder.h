#pragma once

// The intruder of REPORTS.md, written independently of reports/disclosure.cpp: given what a
// report publishes (cell values and which cells are hidden) and the additive relations between
// cells (totals), it solves one linear programme per hidden cell with GLPK for the smallest and
// largest value the cell can take.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace registry::test {

struct Relation {
    std::string total;
    std::vector<std::string> parts;
};

struct Bounds {
    double min = 0;
    double max = 0;
    bool unbounded = false;
    long long wholeNumbers() const;
};

std::map<std::string, Bounds> attack(const std::map<std::string, long long>& published,
                                     const std::set<std::string>& hidden, const std::vector<Relation>& relations);

}  // namespace registry::test
