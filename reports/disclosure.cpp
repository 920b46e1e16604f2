#include "reports/disclosure.h"

#include <glpk.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>

namespace registry::reports {
namespace {

constexpr double kEpsilon = 1e-7;

struct GlpDeleter {
    void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

// Minimises or maximises column `col` (1-based) of an LP already filled in.
double optimise(glp_prob* lp, int col, int columns, bool maximise) {
    for (int j = 1; j <= columns; ++j) glp_set_obj_coef(lp, j, j == col ? 1.0 : 0.0);
    glp_set_obj_dir(lp, maximise ? GLP_MAX : GLP_MIN);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    const int rc = glp_simplex(lp, &parm);
    const int status = glp_get_status(lp);
    if (rc == 0 && status == GLP_UNBND) return maximise ? INFINITY : -INFINITY;
    if (rc == 0 && status == GLP_OPT) return glp_get_obj_val(lp);
    // The published figures are true figures, so the programme is feasible; a solver failure
    // must not publish anything: treat as fully known, which forces more suppression.
    if (glp_get_prim_stat(lp) == GLP_NOFEAS) return NAN;
    return NAN;
}

}  // namespace

long long Interval::wholeNumbers() const {
    if (std::isinf(max)) return LLONG_MAX;
    if (std::isnan(min) || std::isnan(max)) return 0;
    const double lo = std::ceil(min - kEpsilon);
    const double hi = std::floor(max + kEpsilon);
    return hi < lo ? 0 : static_cast<long long>(hi - lo) + 1;
}

std::set<std::string> DisclosureControl::primary(const DisclosureProblem& problem) const {
    std::set<std::string> out;
    for (const auto& [name, value] : problem.values) {
        if (value >= 1 && value < minCell_) out.insert(name);
    }
    return out;
}

namespace {

using IntervalCache = std::map<std::string, std::map<std::string, Interval>>;

// The LP per connected component of suppressed cells; a component whose set of cells did not
// change since the last solve has the same programme, so its intervals are reused.
std::map<std::string, Interval> computeIntervals(const DisclosureProblem& problem, const std::set<std::string>& suppressed,
                                                 IntervalCache* cache) {
    std::map<std::string, Interval> out;
    for (const auto& name : suppressed) out[name] = Interval{0, INFINITY};
    // Union-find over suppressed variables joined by a constraint.
    std::map<std::string, std::string> parent;
    for (const auto& name : suppressed) parent[name] = name;
    std::function<std::string(const std::string&)> find = [&](const std::string& x) {
        std::string& p = parent[x];
        if (p != x) p = find(p);
        return p;
    };
    std::vector<std::size_t> relevant;
    for (std::size_t i = 0; i < problem.constraints.size(); ++i) {
        const auto& c = problem.constraints[i];
        std::vector<std::string> members;
        if (suppressed.count(c.total)) members.push_back(c.total);
        for (const auto& p : c.parts) {
            if (suppressed.count(p)) members.push_back(p);
        }
        if (members.empty()) continue;
        relevant.push_back(i);
        for (std::size_t k = 1; k < members.size(); ++k) parent[find(members[k])] = find(members[0]);
    }
    std::map<std::string, std::vector<std::string>> components;
    for (const auto& name : suppressed) components[find(name)].push_back(name);
    auto valueOf = [&](const std::string& name) {
        auto it = problem.values.find(name);
        return it == problem.values.end() ? 0LL : it->second;
    };
    for (const auto& [root, vars] : components) {
        std::string key;
        for (const auto& v : vars) key += v + '\n';
        if (cache) {
            auto hit = cache->find(key);
            if (hit != cache->end()) {
                for (const auto& [v, iv] : hit->second) out[v] = iv;
                continue;
            }
        }
        std::map<std::string, int> column;
        for (const auto& v : vars) column[v] = static_cast<int>(column.size()) + 1;
        std::unique_ptr<glp_prob, GlpDeleter> lp(glp_create_prob());
        const int n = static_cast<int>(vars.size());
        glp_add_cols(lp.get(), n);
        for (int j = 1; j <= n; ++j) glp_set_col_bnds(lp.get(), j, GLP_LO, 0.0, 0.0);
        int rows = 0;
        for (std::size_t i : relevant) {
            const auto& c = problem.constraints[i];
            std::vector<int> idx{0};
            std::vector<double> coef{0};
            double rhs = 0;
            bool inComponent = false;
            auto term = [&](const std::string& name, double sign) {
                auto it = column.find(name);
                if (it != column.end()) {
                    idx.push_back(it->second);
                    coef.push_back(sign);
                    inComponent = true;
                } else if (!suppressed.count(name)) {
                    rhs -= sign * static_cast<double>(valueOf(name));
                }
            };
            for (const auto& p : c.parts) term(p, 1.0);
            term(c.total, -1.0);
            if (!inComponent) continue;
            glp_add_rows(lp.get(), 1);
            ++rows;
            glp_set_row_bnds(lp.get(), rows, GLP_FX, rhs, rhs);
            glp_set_mat_row(lp.get(), rows, static_cast<int>(idx.size()) - 1, idx.data(), coef.data());
        }
        std::map<std::string, Interval> solved;
        for (const auto& v : vars) {
            Interval iv{0, INFINITY};
            if (rows > 0) {
                iv.min = optimise(lp.get(), column[v], n, false);
                iv.max = optimise(lp.get(), column[v], n, true);
            }
            solved[v] = iv;
            out[v] = iv;
        }
        if (cache) (*cache)[key] = std::move(solved);
    }
    return out;
}

}  // namespace

std::map<std::string, Interval> DisclosureControl::intervals(const DisclosureProblem& problem,
                                                             const std::set<std::string>& suppressed) const {
    return computeIntervals(problem, suppressed, nullptr);
}

std::set<std::string> DisclosureControl::suppress(const DisclosureProblem& problem) const {
    std::set<std::string> suppressed = primary(problem);
    const std::set<std::string> primaries = suppressed;
    // Which constraints each variable appears in.
    std::map<std::string, std::vector<std::size_t>> constraintsOf;
    for (std::size_t i = 0; i < problem.constraints.size(); ++i) {
        constraintsOf[problem.constraints[i].total].push_back(i);
        for (const auto& p : problem.constraints[i].parts) constraintsOf[p].push_back(i);
    }
    auto valueOf = [&](const std::string& name) {
        auto it = problem.values.find(name);
        return it == problem.values.end() ? 0LL : it->second;
    };
    const long long needed = std::max(2, minCell_ - 1);
    IntervalCache cache;
    for (std::size_t round = 0; round <= problem.values.size(); ++round) {
        const auto iv = computeIntervals(problem, suppressed, &cache);
        std::set<std::string> additions;
        for (const auto& [name, interval] : iv) {
            const long long whole = interval.wholeNumbers();
            const bool failing = primaries.count(name) ? whole < needed : whole <= 1;
            if (!failing) continue;
            // The smallest positive published count that shares a constraint with the failing
            // cell, inner cells before totals (a published total keeps its row useful); zeros
            // only as a last resort, since "zero is shown".
            std::string best;
            long long bestValue = 0;
            auto consider = [&](const std::string& candidate, bool allowZero) {
                if (suppressed.count(candidate) || additions.count(candidate)) return;
                const long long v = valueOf(candidate);
                if (v == 0 && !allowZero) return;
                if (best.empty() || v < bestValue || (v == bestValue && candidate < best)) {
                    best = candidate;
                    bestValue = v;
                }
            };
            auto scan = [&](bool totals, bool allowZero) {
                for (std::size_t i : constraintsOf[name]) {
                    if (totals) {
                        consider(problem.constraints[i].total, allowZero);
                    } else {
                        for (const auto& p : problem.constraints[i].parts) consider(p, allowZero);
                    }
                }
            };
            scan(false, false);
            if (best.empty()) scan(true, false);
            if (best.empty()) {
                // Every positive neighbour is hidden already: widen through the neighbours'
                // constraints before touching a zero.
                for (bool allowZero : {false, true}) {
                    for (std::size_t i : constraintsOf[name]) {
                        std::vector<std::string> members = problem.constraints[i].parts;
                        members.push_back(problem.constraints[i].total);
                        for (const auto& m : members) {
                            for (std::size_t k : constraintsOf[m]) {
                                for (const auto& p : problem.constraints[k].parts) consider(p, allowZero);
                                consider(problem.constraints[k].total, allowZero);
                            }
                        }
                    }
                    if (!best.empty()) break;
                }
            }
            if (best.empty()) scan(false, true);
            if (best.empty()) scan(true, true);
            if (!best.empty()) additions.insert(best);
        }
        if (additions.empty()) break;
        suppressed.insert(additions.begin(), additions.end());
    }
    return suppressed;
}

void DisclosureControl::apply(Report& report, bool suppress) const {
    std::set<std::string> suppressed;
    if (suppress) suppressed = this->suppress(DisclosureProblem{report.values, report.constraints});
    for (auto& table : report.tables) {
        for (auto& row : table.cells) {
            for (auto& cell : row) {
                cell.suppressed = false;
                if (!suppress) continue;
                if (cell.type == Cell::Type::Count) {
                    cell.suppressed = suppressed.count(cell.variable) > 0;
                } else if (cell.type == Cell::Type::Share || cell.type == Cell::Type::Number) {
                    bool hidden = cell.denominator < minCell_;
                    for (const auto& d : cell.dependsOn) hidden = hidden || suppressed.count(d) > 0;
                    cell.suppressed = hidden;
                }
            }
        }
    }
    report.provenance.minCell = minCell_;
    report.provenance.suppressed = suppress;
    report.footnoteNl = suppress ? footnoteNl(minCell_) : "Niet onderdrukt: alleen voor LOEF, deze opvraging is gelogd.";
    report.footnoteEn = suppress ? footnoteEn(minCell_) : "Not suppressed: LOEF only; this request was audited.";
}

std::string DisclosureControl::footnoteNl(int minCell) {
    const std::string m = std::to_string(minCell), below = std::to_string(minCell - 1);
    return std::string("Celonderdrukking: aantallen van 1 tot en met ") + below + " zijn vervangen door '" +
           suppressionMark() + "', evenals percentages, medianen en kwantielen met een noemer kleiner dan " + m +
           ". Om terugrekenen uit totalen en gekoppelde tabellen te voorkomen zijn ook andere cellen met '" +
           suppressionMark() + "' gemarkeerd; zo'n cel kan ook " + m + " of meer bevatten. Een 0 wordt getoond.";
}

std::string DisclosureControl::footnoteEn(int minCell) {
    const std::string m = std::to_string(minCell), below = std::to_string(minCell - 1);
    return std::string("Disclosure control: counts from 1 to ") + below + " are replaced by '" + suppressionMark() +
           "', as are shares, medians and quantiles whose denominator is below " + m +
           ". To prevent recomputation from totals and linked tables other cells are marked '" + suppressionMark() +
           "' too; such a cell may hold " + m + " or more. A 0 is shown.";
}

}  // namespace registry::reports
