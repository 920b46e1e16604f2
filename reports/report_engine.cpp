#include "reports/report_engine.h"

#include "reports/report_repository.h"
#include "server/core/errors.h"
#include "server/core/timestamp.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <regex>
#include <set>
#include <tuple>

namespace registry::reports {
namespace {

using core::FactColumn;
using core::FieldDef;
using core::FieldType;

std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

std::string both(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return "(" + a + ") AND (" + b + ")";
}

Measure countOf(const std::string& condition) { return Measure::count(condition); }

struct Category {
    std::string code;
    std::string label;
    std::string condition;
};

bool validDate(const std::string& s) {
    static const std::regex pattern(R"(\d{4}-\d{2}-\d{2})");
    if (!std::regex_match(s, pattern)) return false;
    const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
    return d <= Poco::DateTime::daysOfMonth(y, m);
}

// The periods from `from` to `to` (inclusive), as the SQL labels them.
std::vector<std::string> periodsBetween(const std::string& from, const std::string& to, Granularity g) {
    int y = std::stoi(from.substr(0, 4)), m = std::stoi(from.substr(5, 2));
    const int ey = std::stoi(to.substr(0, 4)), em = std::stoi(to.substr(5, 2));
    std::vector<std::string> out;
    char buf[48];
    while (y < ey || (y == ey && m <= em)) {
        if (g == Granularity::Month) {
            std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
        } else {
            std::snprintf(buf, sizeof buf, "%04d-Q%d", y, (m - 1) / 3 + 1);
        }
        if (out.empty() || out.back() != buf) out.push_back(buf);
        if (++m > 12) {
            m = 1;
            ++y;
        }
    }
    return out;
}

std::string periodLabel(const std::string& p) {
    static const char* const months[] = {"januari", "februari", "maart",     "april",   "mei",      "juni",
                                         "juli",    "augustus", "september", "oktober", "november", "december"};
    if (p.size() == 7 && p[4] == '-' && p[5] != 'Q') return std::string(months[std::stoi(p.substr(5)) - 1]) + " " + p.substr(0, 4);
    if (p.size() == 7 && p[5] == 'Q') return p.substr(6) + "e kwartaal " + p.substr(0, 4);
    return p;
}

// Builds the tables of one report: first declares every cell with the measure it needs, then
// (after the single aggregate query) fills the values in.
class Builder {
public:
    Builder(const ReportEngine::Catalogue& catalogue, const ReportParams& params) : cat_(catalogue), params_(params) {
        for (const auto& [code, name] : cat_.regions) {
            if (params.region.empty() || params.region == code) {
                regionKeys_.push_back(code);
                regionLabels_.push_back(name);
            }
        }
        multi_ = regionKeys_.size() > 1;
        if (multi_) {
            regionKeys_.push_back("*");
            regionLabels_.push_back("Totaal");
        }
        scopeKey_ = multi_ ? "*" : regionKeys_.front();
        report_.recordCountVariable = var("exams", scopeKey_, "*");
        periods_ = periodsBetween(params.from, params.to, params.granularity);
        for (const auto& c : cat_.columns) columns_[c.field].push_back(&c);
        for (const auto& f : cat_.fields) fields_[f.code] = &f;
    }

    // "f.<column>" of a value field, or empty when no published version has it.
    std::string column(const std::string& field) const {
        auto it = columns_.find(field);
        if (it == columns_.end()) return "";
        return "f.\"" + it->second.front()->name + "\"";
    }
    const std::vector<const FactColumn*>* optionColumns(const std::string& field) const {
        auto it = columns_.find(field);
        if (it == columns_.end() || it->second.front()->kind != FactColumn::Kind::Option) return nullptr;
        return &it->second;
    }
    const FieldDef* field(const std::string& code) const {
        auto it = fields_.find(code);
        return it == fields_.end() ? nullptr : it->second;
    }
    bool has(const std::string& code) const { return tableCodes_.count(code) > 0; }
    const std::vector<FieldDef>& fields() const { return cat_.fields; }

    // `quantity`: the name of the same count printed elsewhere (its total row is that count).
    void periodTable(const std::string& code, const std::string& title, const std::string& condition,
                     const std::string& quantity = "") {
        if (!claim(code)) return;
        Table t = table(code, title, "Periode");
        const int m = measure(countOf(condition));
        // The number of exams is one quantity wherever it is printed.
        const std::string name = !quantity.empty() ? quantity : condition.empty() ? "exams" : code;
        std::vector<std::string> rows = periods_;
        rows.push_back("*");
        for (const auto& p : rows) {
            t.rowCodes.push_back(p);
            t.rowLabels.push_back(p == "*" ? "Totaal" : periodLabel(p));
            std::vector<Cell> line;
            for (const auto& r : regionKeys_) line.push_back(count(var(name, r, p), m, r, p));
            t.cells.push_back(line);
        }
        for (const auto& p : rows) rowConstraint(name, p);
        for (const auto& r : regionKeys_) {
            Constraint c{var(name, r, "*"), {}};
            for (const auto& p : periods_) c.parts.push_back(var(name, r, p));
            report_.constraints.push_back(c);
        }
        pushTable(std::move(t));
    }

    // Counts per category (rows) and region (columns). Exclusive categories sum to the number of
    // exams, shown as the last row and shared with the exams-per-period table.
    void categoryTable(const std::string& code, const std::string& title, const std::string& rowHeader,
                       const std::vector<Category>& categories, bool exclusive) {
        if (categories.empty() || !claim(code)) return;
        Table t = table(code, title, rowHeader);
        for (const auto& cat : categories) {
            const int m = measure(countOf(cat.condition));
            const std::string name = code + "|" + cat.code;
            t.rowCodes.push_back(cat.code);
            t.rowLabels.push_back(cat.label);
            std::vector<Cell> line;
            for (const auto& r : regionKeys_) line.push_back(count(var(name, r, "*"), m, r, "*"));
            t.cells.push_back(line);
            rowConstraint(name, "*");
        }
        const int all = measure(Measure::count(""));
        t.rowCodes.push_back("total");
        t.rowLabels.push_back(exclusive ? "Totaal" : "Aantal onderzoeken");
        std::vector<Cell> line;
        for (const auto& r : regionKeys_) line.push_back(count(var("exams", r, "*"), all, r, "*"));
        t.cells.push_back(line);
        if (exclusive) {
            for (const auto& r : regionKeys_) {
                Constraint c{var("exams", r, "*"), {}};
                for (const auto& cat : categories) c.parts.push_back(var(code + "|" + cat.code, r, "*"));
                report_.constraints.push_back(c);
            }
        }
        pushTable(std::move(t));
    }

    struct Stat {
        std::string code;
        std::string label;
        Measure aggregate;  // a percentile of a value
    };

    // Per region (rows): the denominator n, statistics over it and shares of it.
    void statTable(const std::string& code, const std::string& title, const std::string& denominator,
                   const std::vector<Stat>& stats, const std::vector<Category>& shares) {
        if (!claim(code)) return;
        Table t = table(code, title, "Regio");
        t.columnCodes = {"n"};
        t.columnLabels = {"Aantal (n)"};
        for (const auto& s : stats) {
            t.columnCodes.push_back(s.code);
            t.columnLabels.push_back(s.label);
        }
        for (const auto& s : shares) {
            t.columnCodes.push_back(s.code);
            t.columnLabels.push_back(s.label);
        }
        const std::string nName = denominator.empty() ? "exams" : code + ".n";
        const int nMeasure = measure(countOf(denominator));
        for (std::size_t i = 0; i < regionKeys_.size(); ++i) {
            const std::string& r = regionKeys_[i];
            t.rowCodes.push_back(r == "*" ? "total" : r);
            t.rowLabels.push_back(regionLabels_[i]);
            std::vector<Cell> line{count(var(nName, r, "*"), nMeasure, r, "*")};
            for (const auto& s : stats) line.push_back(number(measure(s.aggregate), nMeasure, var(nName, r, "*"), r));
            for (const auto& s : shares) {
                const std::string numerator = var(code + "." + s.code, r, "*");
                line.push_back(share(measure(countOf(both(denominator, s.condition))), nMeasure, numerator,
                                     var(nName, r, "*"), r));
            }
            t.cells.push_back(line);
        }
        if (nName != "exams") rowConstraint(nName, "*");
        for (const auto& s : shares) rowConstraint(code + "." + s.code, "*");
        pushTable(std::move(t));
    }

    // Share answered per field (rows) and region (columns), over all exams.
    void shareTable(const std::string& code, const std::string& title, const std::string& rowHeader,
                    const std::vector<Category>& rows) {
        if (rows.empty() || !claim(code)) return;
        Table t = table(code, title, rowHeader);
        const int all = measure(Measure::count(""));
        for (const auto& row : rows) {
            t.rowCodes.push_back(row.code);
            t.rowLabels.push_back(row.label);
            const int m = measure(countOf(row.condition));
            std::vector<Cell> line;
            for (const auto& r : regionKeys_) {
                line.push_back(share(m, all, var(code + "|" + row.code, r, "*"), var("exams", r, "*"), r));
            }
            t.cells.push_back(line);
            rowConstraint(code + "|" + row.code, "*");
        }
        pushTable(std::move(t));
    }

    // Rows × columns within the whole scope, with totals both ways.
    void crossTable(const std::string& code, const std::string& title, const std::string& rowHeader,
                    const std::vector<Category>& rows, const std::string& rowTotalPrefix,
                    const std::vector<Category>& columns) {
        if (rows.empty() || columns.empty() || !claim(code)) return;
        Table t = table(code, title, rowHeader);
        t.columnCodes.clear();
        t.columnLabels.clear();
        for (const auto& c : columns) {
            t.columnCodes.push_back(c.code);
            t.columnLabels.push_back(c.label);
        }
        t.columnCodes.push_back("total");
        t.columnLabels.push_back("Totaal");
        auto cellVar = [&](const std::string& row, const std::string& col) {
            if (col == "*") return row == "*" ? var("exams", scopeKey_, "*") : var(rowTotalPrefix + "|" + row, scopeKey_, "*");
            return code + "|" + row + "|" + col + "|r=" + scopeKey_;
        };
        std::vector<Category> allRows = rows;
        allRows.push_back({"*", "Totaal", ""});
        for (const auto& row : allRows) {
            t.rowCodes.push_back(row.code == "*" ? "total" : row.code);
            t.rowLabels.push_back(row.label);
            std::vector<Cell> line;
            Constraint rc{cellVar(row.code, "*"), {}};
            for (const auto& col : columns) {
                line.push_back(count(cellVar(row.code, col.code), measure(countOf(both(row.condition, col.condition))),
                                     scopeKey_, "*"));
                rc.parts.push_back(cellVar(row.code, col.code));
            }
            line.push_back(count(cellVar(row.code, "*"), measure(countOf(row.condition)), scopeKey_, "*"));
            t.cells.push_back(line);
            report_.constraints.push_back(rc);
        }
        for (const auto& col : columns) {
            Constraint cc{cellVar("*", col.code), {}};
            for (const auto& row : rows) cc.parts.push_back(cellVar(row.code, col.code));
            report_.constraints.push_back(cc);
        }
        Constraint corner{cellVar("*", "*"), {}};
        for (const auto& row : rows) corner.parts.push_back(cellVar(row.code, "*"));
        report_.constraints.push_back(corner);
        pushTable(std::move(t));
    }

    // Cumulative counts of a stat table (within 24 ≤ 48 ≤ 72 h ≤ n) differ by disjoint bands
    // that no table prints but anyone can subtract: each band is an unpublished quantity linked
    // to its two neighbours, so disclosure control protects a small band like a small cell.
    void cumulativeBands(const std::string& code, const std::vector<std::string>& cumulative) {
        if (!has(code)) return;
        for (const auto& r : regionKeys_) {
            for (std::size_t k = 1; k < cumulative.size(); ++k) {
                const std::string lower = var(code + "." + cumulative[k - 1], r, "*");
                const std::string upper = var(code + "." + cumulative[k], r, "*");
                const std::string band = var(code + "." + cumulative[k - 1] + "_to_" + cumulative[k], r, "*");
                if (!report_.unpublished.insert(band).second) continue;
                report_.constraints.push_back({upper, {lower, band}});
                differences_.push_back({band, upper, lower});
            }
        }
    }

    // total = sum(parts) in every region column of the report, over the whole period: a relation
    // between tables that an intruder can write down from their definitions.
    void linkPerRegion(const std::string& total, const std::vector<std::string>& parts) {
        for (const auto& r : regionKeys_) {
            Constraint c{var(total, r, "*"), {}};
            for (const auto& p : parts) c.parts.push_back(var(p, r, "*"));
            report_.constraints.push_back(c);
        }
    }

    // total = Σ parts in every region column, over the whole period, where an intruder can write
    // it down from the tables' definitions or the form's rules (a ground for dismissal comes with
    // a dismissal). Checked against the figures once they are known (finish): where they obey it
    // exactly it is an equality; where the total exceeds the parts and `slack` allows it, the
    // difference becomes an unpublished quantity ≥ 0 (protected like a band when small); where
    // the figures contradict it (records of an older form version) it is no fact and is dropped.
    void relatePerRegion(const std::string& total, const std::vector<std::string>& parts, bool slack) {
        for (const auto& r : regionKeys_) {
            Relation rel{var(total, r, "*"), {}, slack};
            for (const auto& p : parts) rel.parts.push_back(var(p, r, "*"));
            relations_.push_back(std::move(rel));
        }
    }

    // The relations the form's `required_if` rules imply: a field required when a condition holds
    // is answered at least as often as the condition holds, between two frequency tables.
    void formRules() {
        using Op = core::Condition::Op;
        for (const auto& f : cat_.fields) {
            if (!f.requiredIf || !has(f.code) || categoriesOf(f).empty()) continue;
            const auto& rule = *f.requiredIf;
            const FieldDef* g = field(rule.field);
            if (!g || !has(rule.field)) continue;
            const std::string missing = f.code + "|missing";
            if (rule.op == Op::Present) {
                // Answered whenever g is: g's missing ones are at least f's missing ones.
                relatePerRegion(rule.field + "|missing", {missing}, true);
                continue;
            }
            std::vector<std::string> parts{missing};
            const bool exclusive = g->type == FieldType::Enum || g->type == FieldType::Bool;
            if ((rule.op == Op::Equals || rule.op == Op::In) && exclusive) {
                for (const auto& v : rule.values) parts.push_back(rule.field + "|" + v);
            } else if (rule.op == Op::Contains && g->type == FieldType::MultiEnum && rule.values.size() == 1) {
                parts.push_back(rule.field + "|" + rule.values.front());
            } else {
                continue;  // a union of overlapping options: no sum of published counts
            }
            relatePerRegion("exams", parts, true);
        }
    }

    std::vector<Category> categoriesOf(const FieldDef& f) const {
        std::vector<Category> out;
        if (f.type == FieldType::Enum) {
            const std::string col = column(f.code);
            if (col.empty() || f.codes.empty()) return out;
            for (const auto& c : f.codes) out.push_back({c.code, c.labelNl, col + " = " + literal(c.code)});
            out.push_back({"missing", "Niet ingevuld", col + " IS NULL"});
        } else if (f.type == FieldType::Bool) {
            const std::string col = column(f.code);
            if (col.empty()) return out;
            out = {{"true", "Ja", col}, {"false", "Nee", "NOT " + col}, {"missing", "Niet ingevuld", col + " IS NULL"}};
        } else if (f.type == FieldType::MultiEnum) {
            const auto* options = optionColumns(f.code);
            if (!options) return out;
            for (const auto* o : *options) {
                const CodeDefLabel label = optionLabel(f, o->option);
                out.push_back({o->option, label, "f.\"" + o->name + "\" = 1"});
            }
            out.push_back({"missing", "Niet ingevuld", "f.\"" + options->front()->name + "\" IS NULL"});
        }
        return out;
    }

    // Whether a field counts as answered (completeness): not empty, not unknown / not_asked.
    std::string answered(const FieldDef& f) const {
        if (f.type == FieldType::MultiEnum) {
            const auto* options = optionColumns(f.code);
            return options ? "f.\"" + options->front()->name + "\" IS NOT NULL" : "";
        }
        const std::string col = column(f.code);
        if (col.empty()) return "";
        auto it = columns_.find(f.code);
        if (it->second.front()->kind == FactColumn::Kind::Answered) return col;
        if (f.type == FieldType::Enum) return col + " IS NOT NULL AND " + col + " NOT IN ('unknown', 'not_asked')";
        return col + " IS NOT NULL";
    }

    std::vector<Category> binary(const std::string& condition) const {
        return {{"true", "Ja", condition}};
    }

    // `computed`: the chunks aggregated by this run, for the ChunkStore.
    Report finish(pqxx::transaction_base& tx, ChunkCache* cache, bool useStore, AggregateStats& stats,
                  std::vector<std::pair<ChunkId, ChunkValues>>& computed, bool warmOnly) {
        AggregateRequest request{params_.region, params_.from, params_.to, params_.granularity, measures_};
        request.warmOnly = warmOnly;
        auto result = ReportRepository::aggregate(tx, request, cache, useStore);
        stats = result.stats;
        computed = std::move(result.computed);
        auto valueAt = [&](const std::string& r, const std::string& p, int m) -> std::optional<double> {
            auto it = result.cells.find({r == "*" && !multi_ ? regionKeys_.front() : r, p});
            if (it == result.cells.end()) {
                // No rows in this cell: counts are zero, statistics undefined.
                return std::nullopt;
            }
            return it->second[static_cast<std::size_t>(m)];
        };
        for (const auto& pending : pending_) {
            Cell& cell = report_.tables[pending.table].cells[pending.row][pending.col];
            const auto value = valueAt(pending.region, pending.period, pending.measure);
            const double n = valueAt(pending.region, pending.period, pending.denominator).value_or(0);
            if (cell.type == Cell::Type::Count) {
                cell.value = value.value_or(0);
                report_.values[cell.variable] = static_cast<long long>(cell.value);
            } else if (cell.type == Cell::Type::Share) {
                const double numerator = value.value_or(0);
                report_.values[cell.dependsOn.front()] = static_cast<long long>(numerator);
                report_.values[cell.dependsOn.back()] = static_cast<long long>(n);
                cell.denominator = static_cast<long long>(n);
                if (n > 0) {
                    cell.value = numerator / n;
                } else {
                    cell.type = Cell::Type::Empty;
                }
            } else if (cell.type == Cell::Type::Number) {
                cell.denominator = static_cast<long long>(n);
                report_.values[cell.dependsOn.front()] = static_cast<long long>(n);
                if (value) {
                    cell.value = *value;
                } else {
                    cell.type = Cell::Type::Empty;
                }
            }
        }
        for (const auto& d : differences_) report_.values[d.band] = report_.values[d.upper] - report_.values[d.lower];
        keepRelationsThatHold();
        const auto& fp = result.fingerprint;
        report_.provenance.recordCount = fp.records;
        report_.provenance.formVersions = fp.formVersions;
        report_.provenance.dataDigest = fp.digest;
        return std::move(report_);
    }

private:
    using CodeDefLabel = std::string;
    struct Relation {
        std::string total;
        std::vector<std::string> parts;
        bool slack;
    };

    void keepRelationsThatHold() {
        auto& values = report_.values;
        std::size_t slacks = 0;
        for (const auto& rel : relations_) {
            auto total = values.find(rel.total);
            if (total == values.end()) continue;  // a table this report does not print
            long long difference = total->second;
            bool complete = true;
            for (const auto& p : rel.parts) {
                auto part = values.find(p);
                if (part == values.end()) {
                    complete = false;
                    break;
                }
                difference -= part->second;
            }
            if (!complete || difference < 0 || (difference > 0 && !rel.slack)) continue;
            Constraint c{rel.total, rel.parts};
            if (difference > 0) {
                const std::string slack = "slack" + std::to_string(++slacks) + "(" + rel.total + ")";
                report_.unpublished.insert(slack);
                values[slack] = difference;
                c.parts.push_back(slack);
            }
            report_.constraints.push_back(std::move(c));
        }
    }
    struct Pending {
        std::size_t table, row, col;
        std::string region, period;
        int measure, denominator;
    };

    static CodeDefLabel optionLabel(const FieldDef& f, const std::string& option) {
        const auto* c = f.findCode(option);
        return c ? c->labelNl : option;
    }

    bool claim(const std::string& code) { return tableCodes_.insert(code).second; }

    // One count under two names (the share of yes in the rates table and the row "Ja" of the
    // field's own table: the same SQL over the same cell) is one quantity: linked as equal, so
    // that hiding it in one table hides it in the other.
    void sameQuantity(int measure, const std::string& region, const std::string& period, const std::string& variable) {
        auto [it, added] = quantityOf_.emplace(std::make_tuple(measure, region, period), variable);
        if (!added && it->second != variable && linked_.insert({it->second, variable}).second) {
            report_.constraints.push_back({it->second, {variable}});
        }
    }

    Table table(const std::string& code, const std::string& title, const std::string& rowHeader) {
        Table t;
        t.code = code;
        t.titleNl = title;
        t.rowHeader = rowHeader;
        for (std::size_t i = 0; i < regionKeys_.size(); ++i) {
            t.columnCodes.push_back(regionKeys_[i] == "*" ? "total" : regionKeys_[i]);
            t.columnLabels.push_back(regionLabels_[i]);
        }
        return t;
    }

    static std::string var(const std::string& name, const std::string& region, const std::string& period) {
        return name + "|r=" + region + "|p=" + period;
    }

    void rowConstraint(const std::string& name, const std::string& period) {
        if (!multi_) return;
        Constraint c{var(name, "*", period), {}};
        for (const auto& r : regionKeys_) {
            if (r != "*") c.parts.push_back(var(name, r, period));
        }
        report_.constraints.push_back(c);
    }

    int measure(const Measure& m) {
        const std::string key = m.key();
        auto it = measureIndex_.find(key);
        if (it != measureIndex_.end()) return it->second;
        const int index = static_cast<int>(measures_.size());
        measures_.push_back(m);
        measureIndex_[key] = index;
        return index;
    }

    Cell count(const std::string& variable, int m, const std::string& r, const std::string& p) {
        return place(Cell::count(variable), m, m, r, p);
    }
    Cell number(int m, int nMeasure, const std::string& nVariable, const std::string& r) {
        Cell c;
        c.type = Cell::Type::Number;
        c.dependsOn = {nVariable};
        return place(c, m, nMeasure, r, "*");
    }
    Cell share(int m, int nMeasure, const std::string& numerator, const std::string& nVariable, const std::string& r) {
        Cell c;
        c.type = Cell::Type::Share;
        c.dependsOn = {numerator, nVariable};
        return place(c, m, nMeasure, r, "*");
    }
    Cell place(Cell c, int m, int denominator, const std::string& r, const std::string& p) {
        placements_.push_back({m, denominator, r, p});
        return c;
    }

    // Cells are declared row by row, left to right, as a table is built; once it is complete
    // the recorded placements become the positions to fill after the query.
    void pushTable(Table t) {
        report_.tables.push_back(std::move(t));
        const std::size_t index = report_.tables.size() - 1;
        std::size_t k = 0;
        for (std::size_t row = 0; row < report_.tables[index].cells.size(); ++row) {
            for (std::size_t col = 0; col < report_.tables[index].cells[row].size(); ++col) {
                const auto& pl = placements_.at(k++);
                pending_.push_back({index, row, col, pl.region, pl.period, pl.measure, pl.denominator});
                const Cell& cell = report_.tables[index].cells[row][col];
                if (cell.type == Cell::Type::Count) {
                    sameQuantity(pl.measure, pl.region, pl.period, cell.variable);
                } else if (cell.type == Cell::Type::Share) {
                    sameQuantity(pl.measure, pl.region, pl.period, cell.dependsOn.front());
                    sameQuantity(pl.denominator, pl.region, pl.period, cell.dependsOn.back());
                } else if (cell.type == Cell::Type::Number) {
                    sameQuantity(pl.denominator, pl.region, pl.period, cell.dependsOn.front());
                }
            }
        }
        placements_.clear();
    }

public:
    Report& report() { return report_; }

private:
    struct Placement {
        int measure, denominator;
        std::string region, period;
    };
    struct Difference {
        std::string band, upper, lower;
    };

    const ReportEngine::Catalogue& cat_;
    const ReportParams& params_;
    std::vector<std::string> regionKeys_, regionLabels_, periods_;
    std::string scopeKey_;
    bool multi_ = false;
    std::map<std::string, std::vector<const FactColumn*>> columns_;
    std::map<std::string, const FieldDef*> fields_;
    std::set<std::string> tableCodes_;
    std::vector<Measure> measures_;
    std::map<std::string, int> measureIndex_;
    std::vector<Pending> pending_;
    std::vector<Placement> placements_;
    std::vector<Difference> differences_;
    std::map<std::tuple<int, std::string, std::string>, std::string> quantityOf_;
    std::set<std::pair<std::string, std::string>> linked_;
    std::vector<Relation> relations_;
    Report report_;
};

}  // namespace

namespace {

Measure percentile(double q, const std::string& expr) { return Measure::percentile(q, expr); }

void exams(Builder& b) { b.periodTable("exams_per_period", "Aantal onderzoeken per periode", ""); }

void timeliness(Builder& b) {
    const std::string h = "f.hours_report_to_exam";
    b.statTable("timeliness", "Uren van melding tot onderzoek (doel: binnen 48 uur)", h + " IS NOT NULL",
                {{"median", "Mediaan (uur)", percentile(0.5, h)},
                 {"p25", "25e percentiel (uur)", percentile(0.25, h)},
                 {"p75", "75e percentiel (uur)", percentile(0.75, h)},
                 {"p90", "90e percentiel (uur)", percentile(0.9, h)}},
                {{"within_24h", "Binnen 24 uur", "f.within_24h"},
                 {"within_48h", "Binnen 48 uur", "f.within_48h"},
                 {"within_72h", "Binnen 72 uur", "f.within_72h"}});
    b.cumulativeBands("timeliness", {"within_24h", "within_48h", "within_72h", "n"});
    // Its total row is the count behind the share within 48 h: one quantity, one decision.
    b.periodTable("within_48h_per_period", "Onderzoeken binnen 48 uur na melding, per periode", "f.within_48h",
                  "timeliness.within_48h");
}

void frequency(Builder& b, const std::string& code) {
    const auto* f = b.field(code);
    if (!f) return;
    const bool exclusive = f->type != core::FieldType::MultiEnum;
    b.categoryTable(code, f->labelNl, f->labelNl, b.categoriesOf(*f), exclusive);
}

void convictionRate(Builder& b) {
    const std::string verdict = b.column("verdict");
    if (!verdict.empty()) {
        b.statTable("conviction_rate", "Veroordelingen onder afgedane zaken",
                    verdict + " IS NOT NULL AND " + verdict + " <> 'pending'", {},
                    {{"conviction", "Veroordeling", verdict + " = 'conviction'"}});
        // Beside the verdict table: its convictions, and its decided rows summed (all but pending
        // and missing), are the rate's numerator and n.
        if (b.has("verdict")) {
            b.relatePerRegion("conviction_rate.conviction", {"verdict|conviction"}, false);
            b.relatePerRegion("exams", {"conviction_rate.n", "verdict|pending", "verdict|missing"}, false);
        }
    }
}

void findingsYield(Builder& b) {
    std::vector<Category> yield;
    const std::string visible = b.column("no_visible_injury"), internal = b.column("internal_injury_shown");
    if (!visible.empty()) yield.push_back({"visible_sign", "Zichtbaar letsel", "NOT " + visible});
    yield.push_back({"internal_only", "Alleen inwendig letsel", "f.internal_only"});
    if (!visible.empty() && !internal.empty()) {
        yield.push_back({"no_finding", "Geen bevinding", visible + " AND " + internal + " IS DISTINCT FROM 'yes'"});
    }
    b.statTable("findings_yield", "Opbrengst van het onderzoek", "", {}, yield);
    // Subsets of rows of the findings' own tables (internal only: internal injury shown and no
    // external injury; no finding: no visible injury and no internal injury shown).
    if (b.has("findings_yield")) {
        b.relatePerRegion("internal_injury_shown|yes", {"findings_yield.internal_only"}, true);
        b.relatePerRegion("external_injury_visible|false", {"findings_yield.internal_only"}, true);
        b.relatePerRegion("no_visible_injury|true", {"findings_yield.no_finding"}, true);
    }
}

// Form completeness per record (median and p25), and with `perField` also per field.
void completeness(Builder& b, bool perField) {
    std::vector<Category> answered;
    std::string perRecord;
    int fieldCount = 0;
    for (const auto& f : b.fields()) {
        if (f.recordedBy != "doctor" || f.identifying) continue;
        const std::string condition = b.answered(f);
        if (condition.empty()) continue;
        answered.push_back({f.code, f.labelNl, condition});
        perRecord += (perRecord.empty() ? "" : " + ") + std::string("(CASE WHEN ") + condition + " THEN 1 ELSE 0 END)";
        ++fieldCount;
    }
    if (perField) {
        b.shareTable("completeness", "Volledigheid per veld (aandeel beantwoord)", "Veld", answered);
        // Answered is what the field's own table does not count as missing, unknown or not asked:
        // exams = answered + missing (+ unknown + not_asked), so the two tables are linked.
        for (const auto& f : b.fields()) {
            if (!b.has("completeness") || !b.has(f.code) || b.categoriesOf(f).empty() || b.answered(f).empty()) continue;
            if (f.recordedBy != "doctor" || f.identifying) continue;
            std::vector<std::string> parts{"completeness|" + f.code, f.code + "|missing"};
            if (f.type == core::FieldType::Enum) {
                for (const char* code : {"unknown", "not_asked"}) {
                    if (f.findCode(code)) parts.push_back(f.code + "|" + code);
                }
            }
            b.linkPerRegion("exams", parts);
        }
    }
    if (fieldCount > 0) {
        const std::string share = "(100.0 * (" + perRecord + ")::numeric / " + std::to_string(fieldCount) + ")";
        b.statTable("record_completeness", "Volledigheid per onderzoek (aandeel beantwoorde velden)", "",
                    {{"median", "Mediaan (%)", percentile(0.5, share)}, {"p25", "25e percentiel (%)", percentile(0.25, share)}},
                    {});
    }
}

void police(Builder& b) {
    exams(b);
    frequency(b, "referral_source");
    timeliness(b);
    frequency(b, "aangifte");
    frequency(b, "arrest");
    frequency(b, "restraining_order");
    b.categoryTable("repeat_victims", "Herhaald slachtoffer (pseudoniem komt vaker voor, alle regio's)", "Herhaald",
                    {{"repeat", "Ja", "f.repeat_victim"},
                     {"single", "Nee", "f.victim_pseudonym IS NOT NULL AND NOT f.repeat_victim"},
                     {"missing", "Onbekend (geen slachtofferreferentie)", "f.victim_pseudonym IS NULL"}},
                    true);
}

void om(Builder& b) {
    exams(b);
    frequency(b, "om_decision");
    frequency(b, "dismissal_code");
    const std::string decided = b.column("om_decision_date");
    if (!decided.empty()) {
        const std::string days = "(" + decided + " - (f.exam_at AT TIME ZONE 'Europe/Amsterdam')::date)";
        b.statTable("days_to_om_decision", "Dagen van onderzoek tot OM-beslissing", decided + " IS NOT NULL",
                    {{"median", "Mediaan (dagen)", percentile(0.5, days)}, {"p75", "75e percentiel (dagen)", percentile(0.75, days)}},
                    {});
    }
    frequency(b, "charges");
    if (const auto* options = b.optionColumns("charges")) {
        std::string attempted, assault, others;
        for (const auto* o : *options) {
            const std::string col = "f.\"" + o->name + "\" = 1";
            if (o->option.find("attempted") != std::string::npos) {
                attempted += (attempted.empty() ? "" : " OR ") + col;
            } else if (o->option == "art_300_304_assault") {
                assault = col;
            } else {
                others += (others.empty() ? "" : " OR ") + col;
            }
        }
        std::vector<Category> shares;
        if (!attempted.empty()) shares.push_back({"attempted", "Poging doodslag/moord ten laste gelegd", attempted});
        if (!assault.empty()) {
            std::string only = assault + (attempted.empty() ? "" : " AND NOT (" + attempted + ")") +
                               (others.empty() ? "" : " AND NOT (" + others + ")");
            shares.push_back({"assault_only", "Alleen mishandeling ten laste gelegd", only});
        }
        b.statTable("charges_summary", "Tenlastelegging", "f.\"" + options->front()->name + "\" IS NOT NULL", {}, shares);
        // Beside the charges table: n is every exam with charges recorded; "attempted" is the
        // union of the attempted options (each of them at most it); "assault only" is a part of
        // the assault row. (Their sum is at least the union: a relation with two totals, which
        // these constraints cannot state.)
        if (b.has("charges") && b.has("charges_summary")) {
            b.relatePerRegion("exams", {"charges_summary.n", "charges|missing"}, false);
            for (const auto* o : *options) {
                if (o->option.find("attempted") == std::string::npos) continue;
                b.relatePerRegion("charges_summary.attempted", {"charges|" + o->option}, true);
            }
            if (!assault.empty()) b.relatePerRegion("charges|art_300_304_assault", {"charges_summary.assault_only"}, true);
        }
    }
    frequency(b, "verdict");
    convictionRate(b);
    frequency(b, "proven_offence");
    if (const auto* f = b.field("om_decision")) {
        b.crossTable("om_decision_by_internal_only", "OM-beslissing naar alleen inwendig letsel", f->labelNl,
                     b.categoriesOf(*f), "om_decision",
                     {{"io_true", "Alleen inwendig letsel", "f.internal_only"},
                      {"io_false", "Niet alleen inwendig", "NOT f.internal_only"},
                      {"io_missing", "Onbekend", "f.internal_only IS NULL"}});
    }
}

void loef(Builder& b) {
    exams(b);
    timeliness(b);
    const std::string delivered = b.column("report_delivered_at");
    if (!delivered.empty()) {
        // To 0.1 h, as the hours from report to exam are stored: a median to the minute says
        // nothing more, and a distribution of a few thousand distinct values instead of one per
        // record is what keeps a million-exam report's memory and its distributions pass small.
        const std::string hours = "round((extract(epoch FROM " + delivered + " - f.exam_at) / 3600)::numeric, 1)";
        b.statTable("report_delivery", "Uren van onderzoek tot aflevering rapport", delivered + " IS NOT NULL",
                    {{"median", "Mediaan (uur)", percentile(0.5, hours)}}, {});
    }
    findingsYield(b);
    // Rates of every yes/no item the doctor records (laryngoscopy, imaging, documentation, consents).
    std::vector<Category> rates;
    for (const auto& f : b.fields()) {
        if (f.type == core::FieldType::Bool && f.recordedBy == "doctor" && !b.column(f.code).empty()) {
            rates.push_back({f.code, f.labelNl, b.column(f.code)});
        }
    }
    b.statTable("rates", "Aandeel ja per ja/nee-vraag", "", {}, rates);
    // Every coded field of the form: symptoms, signs, findings, modalities, documentation, ...
    for (const auto& f : b.fields()) {
        if (f.code == "region" || f.recordedBy != "doctor") continue;
        frequency(b, f.code);
    }
    completeness(b, true);
}

// The figures of GET /api/v1/dashboard and nothing more: one report, so that one disclosure
// control covers everything the dashboard shows together, and small enough to answer at once.
void dashboard(Builder& b) {
    exams(b);
    timeliness(b);
    frequency(b, "aangifte");
    frequency(b, "om_decision");
    convictionRate(b);
    findingsYield(b);
    std::vector<Category> rates;
    for (const char* code : {"laryngoscopy_done", "imaging_done"}) {
        const auto* f = b.field(code);
        if (f && !b.column(code).empty()) rates.push_back({code, f->labelNl, b.column(code)});
    }
    b.statTable("rates", "Aandeel ja per ja/nee-vraag", "", {}, rates);
    completeness(b, false);
}

void evaluation(Builder& b) {
    police(b);
    om(b);
    loef(b);
    for (const auto& f : b.fields()) {
        if (f.code != "region") frequency(b, f.code);
    }
}

std::string today() { return Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%d"); }

}  // namespace

ReportEngine::ReportEngine(db::ConnectionPool& pool, int minCell, std::string softwareVersion, ChunkStore store)
    : pool_(pool), disclosure_(minCell), softwareVersion_(std::move(softwareVersion)), store_(store) {}

const std::vector<std::string>& ReportEngine::kinds() {
    static const std::vector<std::string> k{"evaluation", "om", "police", "loef"};
    return k;
}

std::string ReportEngine::titleNl(const std::string& kind) {
    if (kind == "evaluation") return "Evaluatierapportage pilot verwurging";
    if (kind == "om") return "Rapportage Openbaar Ministerie";
    if (kind == "police") return "Rapportage politie";
    if (kind == "loef") return "Rapportage LOEF";
    return kind;
}

ReportParams ReportEngine::parseParams(const std::string& kind, const std::string& region, const std::string& from,
                                       const std::string& to, const std::string& granularity) {
    if (std::find(kinds().begin(), kinds().end(), kind) == kinds().end()) {
        throw Error(ErrorKind::NotFound, "There is no report kind '" + kind + "'; kinds: evaluation, om, police, loef.");
    }
    ReportParams p;
    p.kind = kind;
    p.region = region;
    std::vector<FieldError> errors;
    static const std::regex regionPattern("[a-z_]{1,63}");
    if (!region.empty() && !std::regex_match(region, regionPattern)) {
        errors.push_back({"region", "code_list", "region must be a region code such as oost_brabant"});
    }
    p.to = to.empty() ? today() : to;
    if (!validDate(p.to)) errors.push_back({"to", "type", "to must be a date YYYY-MM-DD"});
    if (from.empty() && validDate(p.to)) {
        int y = std::stoi(p.to.substr(0, 4)), m = std::stoi(p.to.substr(5, 2)) - 11;
        if (m < 1) {
            m += 12;
            --y;
        }
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02d-01", y, m);
        p.from = buf;
    } else {
        p.from = from;
    }
    if (!validDate(p.from)) errors.push_back({"from", "type", "from must be a date YYYY-MM-DD"});
    if (validDate(p.from) && validDate(p.to)) {
        if (p.from > p.to) errors.push_back({"from", "rule", "from must not be after to"});
        const int years = std::stoi(p.to.substr(0, 4)) - std::stoi(p.from.substr(0, 4));
        if (years > 10) errors.push_back({"from", "range", "a report covers at most ten years"});
    }
    if (granularity.empty() || granularity == "month") {
        p.granularity = Granularity::Month;
    } else if (granularity == "quarter") {
        p.granularity = Granularity::Quarter;
    } else {
        errors.push_back({"granularity", "code_list", "granularity must be month or quarter"});
    }
    if (!errors.empty()) throw validationFailed(errors);
    return p;
}

std::shared_ptr<const ReportEngine::Catalogue> ReportEngine::catalogue() {
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    const auto definitions = ReportRepository::formDefinitions(tx);
    std::vector<int> versions;
    for (const auto& d : definitions) versions.push_back(d.first);
    std::lock_guard<std::mutex> lock(mutex_);
    if (catalogue_ && catalogue_->versions == versions) return catalogue_;
    auto cat = std::make_shared<Catalogue>();
    cat->versions = versions;
    std::vector<core::FormDefinition> parsed;
    parsed.reserve(definitions.size());
    for (const auto& d : definitions) parsed.push_back(core::FormDefinition::fromJson(d.second));
    std::vector<const core::FormDefinition*> pointers;
    for (const auto& d : parsed) pointers.push_back(&d);
    cat->fields = core::mergedFields(pointers);
    // Fields whose codes live in the database (the versioned sepotgronden) get them here, so they
    // are counted and labelled like any enum. Read with the form versions: a new list comes with
    // a migration, and the service restarts for it.
    for (auto& f : cat->fields) {
        if (!f.codeListRef.empty() && f.codes.empty()) f.codes = ReportRepository::codeList(tx, f.codeListRef);
    }
    cat->columns = core::factColumns(pointers);
    if (!parsed.empty()) cat->sections = parsed.back().sections();
    cat->regions = ReportRepository::regions(tx);
    catalogue_ = cat;
    return catalogue_;
}

AggregateStats ReportEngine::lastStats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lastStats_;
}

Report ReportEngine::compute(const ReportParams& params, AggregateStats& stats, bool warmOnly) {
    const auto cat = catalogue();
    if (!params.region.empty()) {
        const bool known = std::any_of(cat->regions.begin(), cat->regions.end(),
                                       [&](const auto& r) { return r.first == params.region; });
        if (!known) throw validationFailed({{"region", "code_list", "unknown region '" + params.region + "'"}});
    }
    Builder b(*cat, params);
    if (params.kind == "dashboard") {
        dashboard(b);
    } else if (params.kind == "police") {
        police(b);
    } else if (params.kind == "om") {
        om(b);
    } else if (params.kind == "loef") {
        loef(b);
    } else {
        evaluation(b);
    }
    b.formRules();
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::pair<ChunkId, ChunkValues>> computed;
    Report report = [&] {
        auto lease = pool_.acquire();
        // One snapshot for the figures and their fingerprint.
        pqxx::transaction<pqxx::repeatable_read, pqxx::readwrite_policy::read_only> tx(*lease);
        Report r = b.finish(tx, &chunks_, store_.reads(), stats, computed, warmOnly);
        tx.commit();
        return r;
    }();
    // On the primary, with the report's connection back in its pool (it may be the same pool).
    store_.save(computed);
    stats.querySeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        lastStats_ = stats;
    }
    return report;
}

AggregateStats ReportEngine::warm(const ReportParams& params) {
    AggregateStats stats;
    compute(params, stats, true);
    return stats;
}

Report ReportEngine::run(const ReportParams& params) {
    const auto started = std::chrono::steady_clock::now();
    AggregateStats stats;
    Report report = compute(params, stats, false);
    Provenance& pv = report.provenance;
    pv.kind = params.kind;
    pv.parameters = {{"region", params.region.empty() ? "all" : params.region},
                     {"from", params.from},
                     {"to", params.to},
                     {"granularity", params.granularity == Granularity::Month ? "month" : "quarter"},
                     {"suppress", params.suppress ? "true" : "false"}};
    pv.generatedAt = core::formatTimestampUtc(std::chrono::system_clock::now());
    pv.softwareVersion = softwareVersion_;
    const auto queried = std::chrono::steady_clock::now();
    // Disclosure control is a pure function of the figures: the same parameters over the same
    // data (same digest) give the same suppression, so a repeated run (the dashboard) reuses it.
    std::string key;
    for (const auto& [k, v] : pv.parameters) key += k + "=" + v + "&";
    key += "kind=" + params.kind + "&digest=" + pv.dataDigest;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto hit = suppressed_.find(key);
        if (hit != suppressed_.end()) {
            Report cached = hit->second;
            cached.provenance.generatedAt = pv.generatedAt;
            return cached;
        }
    }
    disclosure_.apply(report, params.suppress);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (suppressed_.size() >= 64) suppressed_.clear();
        suppressed_[key] = report;
    }
    const auto done = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count()); };
    Poco::Logger::get("registry.reports")
        .debug("report " + params.kind + ": " + std::to_string(report.tables.size()) + " tables, " +
               std::to_string(report.values.size()) + " counts, query " + ms(started, queried) + " ms (" +
               std::to_string(stats.queries) + " statements, " + std::to_string(stats.chunksReused) + " of " +
               std::to_string(stats.chunks) + " chunks kept), disclosure " + ms(queried, done) + " ms");
    return report;
}

}  // namespace registry::reports
