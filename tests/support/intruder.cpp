#include "tests/support/intruder.h"

#include <glpk.h>

#include <climits>
#include <cmath>
#include <stdexcept>

namespace registry::test {

long long Bounds::wholeNumbers() const {
    if (unbounded) return LLONG_MAX;
    const double lo = std::ceil(min - 1e-6), hi = std::floor(max + 1e-6);
    return hi < lo ? 0 : static_cast<long long>(hi - lo) + 1;
}

std::map<std::string, Bounds> attack(const std::map<std::string, long long>& published,
                                     const std::set<std::string>& hidden, const std::vector<Relation>& relations) {
    std::map<std::string, int> column;
    for (const auto& h : hidden) column[h] = static_cast<int>(column.size()) + 1;
    glp_prob* lp = glp_create_prob();
    glp_add_cols(lp, static_cast<int>(column.size()));
    for (const auto& [name, j] : column) glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
    auto known = [&](const std::string& name) -> double {
        auto it = published.find(name);
        if (it == published.end()) throw std::logic_error("cell " + name + " is neither published nor hidden");
        return static_cast<double>(it->second);
    };
    for (const auto& rel : relations) {
        // sum(parts) - total = 0, published values moved to the right-hand side
        std::vector<int> idx{0};
        std::vector<double> val{0};
        double rhs = 0;
        auto term = [&](const std::string& name, double sign) {
            if (hidden.count(name)) {
                idx.push_back(column[name]);
                val.push_back(sign);
            } else {
                rhs -= sign * known(name);
            }
        };
        for (const auto& p : rel.parts) term(p, 1);
        term(rel.total, -1);
        if (idx.size() == 1) continue;
        const int row = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, row, GLP_FX, rhs, rhs);
        glp_set_mat_row(lp, row, static_cast<int>(idx.size()) - 1, idx.data(), val.data());
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    std::map<std::string, Bounds> out;
    for (const auto& [name, j] : column) {
        Bounds b;
        for (int dir : {GLP_MIN, GLP_MAX}) {
            for (const auto& [other, k] : column) glp_set_obj_coef(lp, k, k == j ? 1 : 0);
            glp_set_obj_dir(lp, dir);
            if (glp_simplex(lp, &parm) != 0) throw std::runtime_error("GLPK failed");
            if (glp_get_status(lp) == GLP_UNBND) {
                b.unbounded = true;
            } else if (glp_get_status(lp) == GLP_OPT) {
                (dir == GLP_MIN ? b.min : b.max) = glp_get_obj_val(lp);
            } else {
                throw std::runtime_error("the intruder's programme is infeasible: published figures contradict");
            }
        }
        out[name] = b;
    }
    glp_delete_prob(lp);
    glp_free_env();  // GLPK's per-thread environment would otherwise outlive the thread
    return out;
}

}  // namespace registry::test
