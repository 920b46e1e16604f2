#include "reports/disclosure.h"

#include <glpk.h>

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>

namespace registry::reports {
namespace {

constexpr double kEpsilon = 1e-7;

// GLPK keeps one environment per thread and never frees it at thread exit: a pooled HTTP thread
// that ends would leak it. The environment is freed whenever the thread's last problem goes.
thread_local int liveProblems = 0;

struct GlpDeleter {
    void operator()(glp_prob* p) const {
        glp_delete_prob(p);
        if (--liveProblems == 0) glp_free_env();
    }
};

glp_prob* newProblem() {
    ++liveProblems;
    return glp_create_prob();
}

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

// The exact LP bounds, per connected component of suppressed cells.
std::map<std::string, Interval> computeIntervals(const DisclosureProblem& problem, const std::set<std::string>& suppressed) {
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
        std::map<std::string, int> column;
        for (const auto& v : vars) column[v] = static_cast<int>(column.size()) + 1;
        std::unique_ptr<glp_prob, GlpDeleter> lp(newProblem());
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
        for (const auto& v : vars) {
            Interval iv{0, INFINITY};
            if (rows > 0) {
                iv.min = optimise(lp.get(), column[v], n, false);
                iv.max = optimise(lp.get(), column[v], n, true);
            }
            out[v] = iv;
        }
    }
    return out;
}

}  // namespace

std::map<std::string, Interval> DisclosureControl::intervals(const DisclosureProblem& problem,
                                                             const std::set<std::string>& suppressed) const {
    return computeIntervals(problem, suppressed);
}

namespace {

// The problem with variables as numbers, for the secondary search.
struct Indexed {
    std::vector<std::string> names;
    std::vector<long long> value;
    std::vector<std::vector<int>> members;   // per constraint: total first, then the parts
    std::vector<std::vector<int>> constraintsOf;
    std::vector<char> primary, unpublished;
};

Indexed indexed(const DisclosureProblem& problem, int minCell) {
    Indexed x;
    std::map<std::string, int> id;
    auto idOf = [&](const std::string& name) {
        auto [it, added] = id.emplace(name, static_cast<int>(x.names.size()));
        if (added) {
            x.names.push_back(name);
            auto v = problem.values.find(name);
            x.value.push_back(v == problem.values.end() ? 0 : v->second);
        }
        return it->second;
    };
    for (const auto& [name, v] : problem.values) idOf(name);
    for (const auto& c : problem.constraints) {
        std::vector<int> m{idOf(c.total)};
        for (const auto& p : c.parts) m.push_back(idOf(p));
        x.members.push_back(std::move(m));
    }
    x.constraintsOf.resize(x.names.size());
    for (std::size_t i = 0; i < x.members.size(); ++i) {
        for (int v : x.members[i]) {
            auto& list = x.constraintsOf[static_cast<std::size_t>(v)];
            if (list.empty() || list.back() != static_cast<int>(i)) list.push_back(static_cast<int>(i));
        }
    }
    x.primary.assign(x.names.size(), 0);
    x.unpublished.assign(x.names.size(), 0);
    for (std::size_t v = 0; v < x.names.size(); ++v) {
        x.primary[v] = x.value[v] >= 1 && x.value[v] < minCell;
        x.unpublished[v] = problem.unpublished.count(x.names[v]) > 0;
    }
    return x;
}

// Whether a hidden variable needs protection at all: a never-printed quantity that is not small
// may well be known, it is no cell.
bool protectedVar(const Indexed& x, int v) {
    return x.primary[static_cast<std::size_t>(v)] || !x.unpublished[static_cast<std::size_t>(v)];
}

// A variable in many constraints (a region's number of exams, the total row of every table):
// hiding it joins all those tables into one component and rarely helps, as the other tables
// still give it away.
bool hub(const Indexed& x, int v) { return x.constraintsOf[static_cast<std::size_t>(v)].size() > 3; }

// The published member to hide next to `v`, the smallest of the first class that has one: a
// part of one of its constraints, then a total (a published total keeps its row useful), then a
// member of a constraint of a hidden neighbour (the next step of a cycle); each first positive,
// then zero ("zero is shown", but one hidden zero costs less than a hub); hubs last of all.
// `only` restricts the search to one constraint (the classic rule).
int partnerFor(const Indexed& x, const std::vector<char>& hidden, int v, const std::vector<int>* only = nullptr) {
    int best = -1;
    auto consider = [&](int c, bool allowZero, bool allowHub) {
        const auto i = static_cast<std::size_t>(c);
        if (hidden[i] || (x.value[i] == 0 && !allowZero) || (!allowHub && hub(x, c))) return;
        const auto b = static_cast<std::size_t>(best);
        if (best < 0 || x.value[i] < x.value[b] || (x.value[i] == x.value[b] && x.names[i] < x.names[b])) best = c;
    };
    const std::vector<int>& cons = only ? *only : x.constraintsOf[static_cast<std::size_t>(v)];
    auto direct = [&](bool totals, bool allowZero, bool allowHub) {
        for (int i : cons) {
            const auto& m = x.members[static_cast<std::size_t>(i)];
            if (totals) {
                consider(m.front(), allowZero, allowHub);
            } else {
                for (std::size_t k = 1; k < m.size(); ++k) consider(m[k], allowZero, allowHub);
            }
        }
    };
    auto nextStep = [&](bool allowZero, bool allowHub) {
        for (int i : cons) {
            for (int m : x.members[static_cast<std::size_t>(i)]) {
                if (m == v || !hidden[static_cast<std::size_t>(m)] || (!allowHub && hub(x, m))) continue;
                for (int k : x.constraintsOf[static_cast<std::size_t>(m)]) {
                    for (int n : x.members[static_cast<std::size_t>(k)]) consider(n, allowZero, allowHub);
                }
            }
        }
    };
    for (bool allowHub : {false, true}) {
        for (bool allowZero : {false, true}) {
            direct(false, allowZero, allowHub);
            if (best < 0) direct(true, allowZero, allowHub);
            if (best < 0 && !only) nextStep(allowZero, allowHub);
            if (best >= 0) return best;
        }
    }
    return best;
}

// The classic rule, exact and without a solver: a constraint with one hidden member and every
// other published pins that member, so a second one is hidden with it. Repeated to a fixed point.
// With `hubsOnly` only for hidden hubs: deciding the margins (a region's number of exams) first
// lets the tables below them lean on those decisions instead of hiding zeros one by one.
void classicRule(const Indexed& x, std::vector<char>& hidden, bool hubsOnly) {
    std::vector<int> queue;
    for (std::size_t i = 0; i < x.members.size(); ++i) queue.push_back(static_cast<int>(i));
    std::vector<char> queued(x.members.size(), 1);
    while (!queue.empty()) {
        const int i = queue.back();
        queue.pop_back();
        queued[static_cast<std::size_t>(i)] = 0;
        int count = 0, lone = -1;
        for (int m : x.members[static_cast<std::size_t>(i)]) {
            if (hidden[static_cast<std::size_t>(m)]) {
                ++count;
                lone = m;
            }
        }
        if (count != 1 || !protectedVar(x, lone) || (hubsOnly && !hub(x, lone))) continue;
        const std::vector<int> only{i};
        const int partner = partnerFor(x, hidden, lone, &only);
        if (partner < 0) continue;
        hidden[static_cast<std::size_t>(partner)] = 1;
        for (int k : x.constraintsOf[static_cast<std::size_t>(partner)]) {
            if (!queued[static_cast<std::size_t>(k)]) {
                queued[static_cast<std::size_t>(k)] = 1;
                queue.push_back(k);
            }
        }
    }
}

long long wholeIn(double lo, double hi) {
    if (std::isnan(lo) || std::isnan(hi)) return 0;
    if (std::isinf(hi) || std::isinf(lo)) return LLONG_MAX;
    const double a = std::ceil(lo - kEpsilon), b = std::floor(hi + kEpsilon);
    return b < a ? 0 : static_cast<long long>(b - a) + 1;
}

// The hidden variables of one component that fail the standard. Every LP solution is a point
// the intruder cannot exclude, so the range of values seen so far (starting at the true values)
// lies inside each variable's interval: a variable whose seen range is wide enough is proven
// without solving for it. Only the rest get their own minimum and maximum.
std::vector<int> failing(const Indexed& x, const std::vector<char>& hidden, const std::vector<int>& vars,
                         long long needed) {
    std::vector<int> column(x.names.size(), 0);
    for (std::size_t j = 0; j < vars.size(); ++j) column[static_cast<std::size_t>(vars[j])] = static_cast<int>(j) + 1;
    auto need = [&](int v) -> long long {
        if (x.primary[static_cast<std::size_t>(v)]) return needed;
        return x.unpublished[static_cast<std::size_t>(v)] ? 0 : 2;
    };
    std::vector<double> lo(vars.size()), hi(vars.size());
    for (std::size_t j = 0; j < vars.size(); ++j) lo[j] = hi[j] = static_cast<double>(x.value[static_cast<std::size_t>(vars[j])]);
    std::unique_ptr<glp_prob, GlpDeleter> lp(newProblem());
    const int n = static_cast<int>(vars.size());
    glp_add_cols(lp.get(), n);
    for (int j = 1; j <= n; ++j) glp_set_col_bnds(lp.get(), j, GLP_LO, 0.0, 0.0);
    std::set<int> rowsOf;
    for (int v : vars) rowsOf.insert(x.constraintsOf[static_cast<std::size_t>(v)].begin(), x.constraintsOf[static_cast<std::size_t>(v)].end());
    int rows = 0;
    std::vector<int> idx;
    std::vector<double> coef;
    for (int i : rowsOf) {
        const auto& m = x.members[static_cast<std::size_t>(i)];
        idx.assign(1, 0);
        coef.assign(1, 0);
        double rhs = 0;
        for (std::size_t k = 0; k < m.size(); ++k) {
            const double sign = k == 0 ? -1.0 : 1.0;
            const auto v = static_cast<std::size_t>(m[k]);
            if (hidden[v]) {
                idx.push_back(column[v]);
                coef.push_back(sign);
            } else {
                rhs -= sign * static_cast<double>(x.value[v]);
            }
        }
        glp_add_rows(lp.get(), 1);
        ++rows;
        glp_set_row_bnds(lp.get(), rows, GLP_FX, rhs, rhs);
        glp_set_mat_row(lp.get(), rows, static_cast<int>(idx.size()) - 1, idx.data(), coef.data());
    }
    std::vector<int> out;
    for (std::size_t j = 0; j < vars.size(); ++j) {
        const long long required = need(vars[j]);
        if (required == 0 || wholeIn(lo[j], hi[j]) >= required) continue;
        for (bool maximise : {true, false}) {
            const double value = optimise(lp.get(), static_cast<int>(j) + 1, n, maximise);
            if (std::isnan(value)) {
                lo[j] = hi[j] = NAN;
                break;
            }
            if (std::isinf(value)) {
                (maximise ? hi[j] : lo[j]) = value;
            } else {
                // A vertex: a point the intruder cannot exclude, for every variable at once.
                for (int k = 1; k <= n; ++k) {
                    const double at = glp_get_col_prim(lp.get(), k);
                    lo[static_cast<std::size_t>(k - 1)] = std::min(lo[static_cast<std::size_t>(k - 1)], at);
                    hi[static_cast<std::size_t>(k - 1)] = std::max(hi[static_cast<std::size_t>(k - 1)], at);
                }
                (maximise ? hi[j] : lo[j]) = value;
            }
            if (wholeIn(lo[j], hi[j]) >= required) break;
        }
        if (wholeIn(lo[j], hi[j]) < required) out.push_back(vars[j]);
    }
    return out;
}

}  // namespace

std::set<std::string> DisclosureControl::suppress(const DisclosureProblem& problem) const {
    const Indexed x = indexed(problem, minCell_);
    const std::size_t size = x.names.size();
    std::vector<char> hidden(size, 0);
    for (std::size_t v = 0; v < size; ++v) hidden[v] = x.primary[v] || x.unpublished[v];
    const long long needed = std::max(2, minCell_ - 1);
    // Components whose hidden set did not change since they passed need no new solve.
    std::set<std::vector<int>> passed;
    for (std::size_t round = 0; round <= size; ++round) {
        classicRule(x, hidden, true);
        classicRule(x, hidden, false);
        // Connected components of hidden variables joined by a constraint.
        std::vector<int> parent(size);
        std::iota(parent.begin(), parent.end(), 0);
        std::function<int(int)> find = [&](int v) {
            while (parent[static_cast<std::size_t>(v)] != v) {
                parent[static_cast<std::size_t>(v)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(v)])];
                v = parent[static_cast<std::size_t>(v)];
            }
            return v;
        };
        for (const auto& m : x.members) {
            int first = -1;
            for (int v : m) {
                if (!hidden[static_cast<std::size_t>(v)]) continue;
                if (first < 0) {
                    first = v;
                } else {
                    parent[static_cast<std::size_t>(find(v))] = find(first);
                }
            }
        }
        std::map<int, std::vector<int>> components;
        for (std::size_t v = 0; v < size; ++v) {
            if (hidden[v]) components[find(static_cast<int>(v))].push_back(static_cast<int>(v));
        }
        std::vector<int> fails;
        for (const auto& [root, vars] : components) {
            if (passed.count(vars)) continue;
            auto f = failing(x, hidden, vars, needed);
            if (f.empty()) {
                passed.insert(vars);
                continue;
            }
            // A failing hub (a region's number of exams) narrows every table hanging from it:
            // widen the hub alone first instead of every cell in every table below it.
            std::vector<int> hubs;
            for (int v : f) {
                if (hub(x, v)) hubs.push_back(v);
            }
            if (!hubs.empty()) f = hubs;
            fails.insert(fails.end(), f.begin(), f.end());
        }
        if (fails.empty()) break;
        std::vector<int> additions;
        for (int v : fails) {
            const int partner = partnerFor(x, hidden, v);
            if (partner >= 0 && std::find(additions.begin(), additions.end(), partner) == additions.end()) {
                additions.push_back(partner);
            }
        }
        if (additions.empty()) break;
        for (int a : additions) hidden[static_cast<std::size_t>(a)] = 1;
    }
    std::set<std::string> out;
    for (std::size_t v = 0; v < size; ++v) {
        if (hidden[v]) out.insert(x.names[v]);
    }
    return out;
}

void DisclosureControl::apply(Report& report, bool suppress) const {
    std::set<std::string> suppressed;
    if (suppress) {
        const auto started = std::chrono::steady_clock::now();
        suppressed = this->suppress(DisclosureProblem{report.values, report.constraints, report.unpublished});
        std::size_t primaries = 0, bands = 0;
        for (const auto& [name, value] : report.values) {
            if (value >= 1 && value < minCell_) {
                ++primaries;
            } else if (report.unpublished.count(name)) {
                ++bands;
            }
        }
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        Poco::Logger::get("registry.reports")
            .debug("disclosure " + report.provenance.kind + ": " + std::to_string(report.values.size()) + " counts, " +
                   std::to_string(primaries) + " primary, " + std::to_string(suppressed.size() - primaries - bands) +
                   " secondary, " + std::to_string(us.count() / 1000.0) + " ms");
    }
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
    const auto total = report.values.find(report.recordCountVariable);
    report.provenance.recordCountSuppressed =
        suppress && (total == report.values.end() || suppressed.count(total->first) > 0 ||
                     total->second != report.provenance.recordCount);
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
