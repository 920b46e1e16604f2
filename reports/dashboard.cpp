#include "reports/dashboard.h"

#include "server/core/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <optional>
#include <stdexcept>

namespace registry::reports {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// A figure as the dashboard sends it.
struct Figure {
    enum class State { Value, Empty, Suppressed };
    State state = State::Empty;
    double value = 0;

    static Figure of(double v) { return {State::Value, v}; }
    static Figure suppressed() { return {State::Suppressed, 0}; }
    static Figure empty() { return {}; }
    bool shown() const { return state == State::Value; }
};

Figure figureOf(const Cell& cell) {
    if (cell.suppressed) return Figure::suppressed();
    if (cell.type == Cell::Type::Empty) return Figure::empty();
    return Figure::of(cell.value);
}

Var json(const Figure& f) {
    if (f.state == Figure::State::Suppressed) {
        Object::Ptr mark = new Object;
        mark->set("suppressed", true);  // nothing else: no value, no reason, no bound
        return mark;
    }
    if (f.state == Figure::State::Empty) return Var();
    if (std::floor(f.value) == f.value && std::fabs(f.value) < 1e15) return static_cast<Poco::Int64>(f.value);
    return f.value;
}

const Table* findTable(const Report& report, const std::string& code) {
    for (const auto& t : report.tables) {
        if (t.code == code) return &t;
    }
    return nullptr;
}

std::optional<std::size_t> indexOf(const std::vector<std::string>& codes, const std::string& code) {
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] == code) return i;
    }
    return std::nullopt;
}

// The whole scope of the report: the "total" column (or row) when it covers several regions,
// else its one region.
std::optional<std::size_t> scopeOf(const std::vector<std::string>& codes) {
    if (auto total = indexOf(codes, "total")) return total;
    if (codes.size() == 1) return 0;
    return std::nullopt;
}

// Statistic tables have a row per region (and "total"): the scope's row.
Figure statAt(const Report& report, const std::string& table, const std::string& column) {
    const Table* t = findTable(report, table);
    if (!t) return Figure::empty();
    auto r = scopeOf(t->rowCodes);
    auto c = indexOf(t->columnCodes, column);
    if (!r || !c) return Figure::empty();
    return figureOf(t->cells[*r][*c]);
}

// Count tables have a column per region (and "total"): the scope's column.
Figure countAt(const Report& report, const std::string& table, const std::string& row) {
    const Table* t = findTable(report, table);
    if (!t) return Figure::empty();
    auto r = indexOf(t->rowCodes, row);
    auto c = scopeOf(t->columnCodes);
    if (!r || !c) return Figure::empty();
    return figureOf(t->cells[*r][*c]);
}

// The sum of some rows of an exclusive count table (the others and the total being the rest).
// It is published only when the report already gives it away: every part is shown, or the total
// and every other row are. Otherwise it could narrow a suppressed cell down, so it is suppressed.
Figure sumOfRows(const Report& report, const std::string& table, const std::vector<std::string>& parts,
                 const std::vector<std::string>& others) {
    const Figure total = countAt(report, table, "total");
    if (total.state == Figure::State::Empty) return Figure::empty();
    double sum = 0, rest = 0;
    bool partsShown = true, othersShown = total.shown();
    for (const auto& row : parts) {
        const Figure f = countAt(report, table, row);
        if (f.state == Figure::State::Suppressed) partsShown = false;
        sum += f.shown() ? f.value : 0;
    }
    for (const auto& row : others) {
        const Figure f = countAt(report, table, row);
        if (f.state == Figure::State::Suppressed) othersShown = false;
        rest += f.shown() ? f.value : 0;
    }
    if (partsShown) return Figure::of(sum);
    if (othersShown) return Figure::of(total.value - rest);
    return Figure::suppressed();
}

// numerator / denominator of two published counts; suppressed with either of them and when
// the denominator is below the report's minimum cell, as the report does for its own shares.
Figure rate(const Figure& numerator, const Figure& denominator, int minCell) {
    if (numerator.state == Figure::State::Suppressed || denominator.state == Figure::State::Suppressed) {
        return Figure::suppressed();
    }
    if (!numerator.shown() || !denominator.shown() || denominator.value <= 0) return Figure::empty();
    if (denominator.value < minCell) return Figure::suppressed();
    return Figure::of(numerator.value / denominator.value);
}

Figure percentToShare(const Figure& f) { return f.shown() ? Figure::of(f.value / 100.0) : f; }

Array::Ptr figures(const std::vector<Figure>& list) {
    Array::Ptr out = new Array;
    for (const auto& f : list) out->add(json(f));
    return out;
}

// OM decision codes that are a decision taken (everything but pending and not yet recorded).
std::vector<std::string> decidedCodes(const Report& report) {
    std::vector<std::string> out;
    if (const Table* t = findTable(report, "om_decision")) {
        for (const auto& code : t->rowCodes) {
            if (code != "pending" && code != "missing" && code != "total") out.push_back(code);
        }
    }
    return out;
}

}  // namespace

std::string renderDashboardJson(const Report& report) {
    const Provenance& p = report.provenance;
    const int minCell = p.minCell;
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);

    Object::Ptr parameters = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto param = [&](const std::string& key) {
        auto it = p.parameters.find(key);
        return it == p.parameters.end() ? std::string() : it->second;
    };
    parameters->set("region", param("region") == "all" ? Var() : Var(param("region")));
    parameters->set("from", param("from"));
    parameters->set("to", param("to"));
    parameters->set("granularity", param("granularity"));
    root->set("parameters", parameters);
    Array::Ptr regions = new Array;
    if (const Table* t = findTable(report, "exams_per_period")) {
        for (const auto& code : t->columnCodes) {
            if (code != "total") regions->add(code);
        }
    }
    root->set("regions", regions);
    Object::Ptr suppression = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    suppression->set("applied", p.suppressed);
    suppression->set("min_cell", minCell);
    suppression->set("mark", suppressionMark());
    suppression->set("footnote_nl", report.footnoteNl);
    suppression->set("footnote_en", report.footnoteEn);
    root->set("suppression", suppression);

    const Figure exams = countAt(report, "exams_per_period", "*");
    const Figure aangifte = countAt(report, "aangifte", "yes");
    const auto decided = decidedCodes(report);
    const Figure omDecided = sumOfRows(report, "om_decision", decided, {"pending", "missing"});
    const Figure omPending = sumOfRows(report, "om_decision", {"pending", "missing"}, decided);
    const Figure verdicts = statAt(report, "conviction_rate", "n");

    Object::Ptr kpis = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    kpis->set("exams", json(exams));
    kpis->set("median_hours_report_to_exam", json(statAt(report, "timeliness", "median")));
    kpis->set("share_within_48h", json(statAt(report, "timeliness", "within_48h")));
    kpis->set("share_internal_only", json(statAt(report, "findings_yield", "internal_only")));
    kpis->set("laryngoscopy_rate", json(statAt(report, "rates", "laryngoscopy_done")));
    kpis->set("imaging_rate", json(statAt(report, "rates", "imaging_done")));
    kpis->set("aangifte_rate", json(rate(aangifte, exams, minCell)));
    kpis->set("om_decided", json(omDecided));
    kpis->set("om_pending", json(omPending));
    kpis->set("conviction_rate", json(statAt(report, "conviction_rate", "conviction")));
    kpis->set("completeness", json(percentToShare(statAt(report, "record_completeness", "median"))));
    root->set("kpis", kpis);

    Object::Ptr charts = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    {
        // Exams per period per region: the report's own table, without its total row and column.
        Object::Ptr chart = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Array::Ptr periods = new Array, series = new Array;
        if (const Table* t = findTable(report, "exams_per_period")) {
            for (const auto& code : t->rowCodes) {
                if (code != "*") periods->add(code);
            }
            for (std::size_t c = 0; c < t->columnCodes.size(); ++c) {
                if (t->columnCodes[c] == "total") continue;
                std::vector<Figure> values;
                for (std::size_t r = 0; r < t->rowCodes.size(); ++r) {
                    if (t->rowCodes[r] != "*") values.push_back(figureOf(t->cells[r][c]));
                }
                Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
                s->set("region", t->columnCodes[c]);
                s->set("values", figures(values));
                series->add(s);
            }
        }
        chart->set("periods", periods);
        chart->set("series", series);
        charts->set("exams_per_period", chart);
    }
    {
        // The distribution of hours from report to exam as the report gives it: its quantiles
        // (hours) and the shares within 24, 48 and 72 hours; the pilot's target is 48 hours.
        Object::Ptr chart = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Array::Ptr quantiles = new Array, within = new Array;
        for (const auto& [q, column] : std::vector<std::pair<double, std::string>>{
                 {0.25, "p25"}, {0.5, "median"}, {0.75, "p75"}, {0.9, "p90"}}) {
            Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
            o->set("q", q);
            o->set("hours", json(statAt(report, "timeliness", column)));
            quantiles->add(o);
        }
        for (int hours : {24, 48, 72}) {
            Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
            o->set("hours", hours);
            o->set("share", json(statAt(report, "timeliness", "within_" + std::to_string(hours) + "h")));
            within->add(o);
        }
        chart->set("quantiles", quantiles);
        chart->set("within", within);
        chart->set("target_hours", 48);
        charts->set("hours_report_to_exam", chart);
    }
    {
        Object::Ptr chart = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Array::Ptr stages = new Array;
        for (const char* s : {"exams", "aangifte", "om_decision", "verdict"}) stages->add(s);
        chart->set("stages", stages);
        chart->set("values", figures({exams, aangifte, omDecided, verdicts}));
        charts->set("justice_funnel", chart);
    }
    {
        Object::Ptr chart = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Array::Ptr categories = new Array;
        std::vector<Figure> values;
        for (const char* c : {"visible_sign", "internal_only", "no_finding"}) {
            categories->add(c);
            values.push_back(statAt(report, "findings_yield", c));
        }
        chart->set("categories", categories);
        chart->set("values", figures(values));
        chart->set("unit", "share");
        charts->set("findings_yield", chart);
    }
    root->set("charts", charts);

    Object::Ptr provenance = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    provenance->set("kind", p.kind);
    provenance->set("generated_at", p.generatedAt);
    Array::Ptr versions = new Array;
    for (int v : p.formVersions) versions->add(v);
    provenance->set("form_versions", versions);
    // No record count: for a small scope it would be the very number the exams figure suppresses.
    provenance->set("software_version", p.softwareVersion);
    provenance->set("data_digest", p.dataDigest);
    root->set("provenance", provenance);
    return core::writeJson(root);
}

}  // namespace registry::reports
