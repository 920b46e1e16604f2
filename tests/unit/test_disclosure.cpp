#include <boost/test/unit_test.hpp>

#include "reports/disclosure.h"
#include "tests/support/intruder.h"

#include <random>

using registry::reports::Cell;
using registry::reports::Constraint;
using registry::reports::DisclosureControl;
using registry::reports::DisclosureProblem;
using registry::reports::Report;
using registry::reports::Table;
using registry::test::Relation;

namespace {

// A rows × cols table of inner cells "t|r|c" with row totals "t|r|T", column totals "t|T|c" and
// the grand total "t|T|T".
DisclosureProblem grid(const std::string& t, const std::vector<std::vector<long long>>& cells) {
    DisclosureProblem p;
    const std::size_t rows = cells.size(), cols = cells[0].size();
    auto name = [&](const std::string& r, const std::string& c) { return t + "|" + r + "|" + c; };
    long long grand = 0;
    std::vector<long long> colSum(cols, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        long long sum = 0;
        Constraint rc{name(std::to_string(r), "T"), {}};
        for (std::size_t c = 0; c < cols; ++c) {
            p.values[name(std::to_string(r), std::to_string(c))] = cells[r][c];
            rc.parts.push_back(name(std::to_string(r), std::to_string(c)));
            sum += cells[r][c];
            colSum[c] += cells[r][c];
        }
        p.values[rc.total] = sum;
        grand += sum;
        p.constraints.push_back(rc);
    }
    for (std::size_t c = 0; c < cols; ++c) {
        Constraint cc{name("T", std::to_string(c)), {}};
        for (std::size_t r = 0; r < rows; ++r) cc.parts.push_back(name(std::to_string(r), std::to_string(c)));
        p.values[cc.total] = colSum[c];
        p.constraints.push_back(cc);
    }
    Constraint corner{name("T", "T"), {}};
    for (std::size_t r = 0; r < rows; ++r) corner.parts.push_back(name(std::to_string(r), "T"));
    p.values[corner.total] = grand;
    p.constraints.push_back(corner);
    Constraint corner2{name("T", "T"), {}};
    for (std::size_t c = 0; c < cols; ++c) corner2.parts.push_back(name("T", std::to_string(c)));
    p.constraints.push_back(corner2);
    return p;
}

std::vector<Relation> relationsOf(const DisclosureProblem& p) {
    std::vector<Relation> out;
    for (const auto& c : p.constraints) out.push_back({c.total, c.parts});
    return out;
}

// The standard of REPORTS.md, checked by the independent intruder. Unpublished quantities (the
// bands between cumulative counts) are hidden by nature; only a small one needs protection.
void checkStandard(const DisclosureProblem& p, const std::set<std::string>& suppressed, int minCell) {
    std::map<std::string, long long> published;
    for (const auto& [k, v] : p.values) {
        if (!suppressed.count(k)) published[k] = v;
    }
    for (const auto& u : p.unpublished) BOOST_TEST(suppressed.count(u) == 1u, u << " is unpublished yet shown");
    const auto bounds = registry::test::attack(published, suppressed, relationsOf(p));
    for (const auto& [name, b] : bounds) {
        const long long v = p.values.at(name);
        BOOST_TEST_CONTEXT(name << " = " << v << " in [" << b.min << ", " << (b.unbounded ? 1e18 : b.max) << "]") {
            if (!p.unpublished.count(name)) BOOST_TEST(b.wholeNumbers() > 1, "a suppressed cell is pinned to one value");
            if (v >= 1 && v < minCell) BOOST_TEST(b.wholeNumbers() >= minCell - 1);
            BOOST_TEST((b.min <= v + 1e-6 && (b.unbounded || b.max >= v - 1e-6)));
        }
    }
    for (const auto& [k, v] : p.values) {
        if (v >= 1 && v < minCell) BOOST_TEST(suppressed.count(k) == 1u, k << " = " << v << " is published");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(disclosure)

BOOST_AUTO_TEST_CASE(primary_suppresses_small_counts_and_shows_zero) {
    DisclosureControl dc(10);
    auto p = grid("t", {{3, 20, 0}, {15, 25, 30}});
    const auto primary = dc.primary(p);
    BOOST_TEST(primary.count("t|0|0") == 1u);
    BOOST_TEST(primary.count("t|0|2") == 0u);  // zero is shown
    BOOST_TEST(primary.size() == 1u);
    const auto s = dc.suppress(p);
    BOOST_TEST(s.count("t|0|2") == 0u);
    checkStandard(p, s, 10);
}

BOOST_AUTO_TEST_CASE(one_suppressed_cell_in_a_row_gets_company) {
    DisclosureControl dc(10);
    auto p = grid("t", {{4, 30, 40}, {50, 60, 70}});
    const auto s = dc.suppress(p);
    int inRow = 0, inColumn = 0;
    for (const char* c : {"t|0|0", "t|0|1", "t|0|2", "t|0|T"}) inRow += s.count(c);
    for (const char* c : {"t|0|0", "t|1|0", "t|T|0"}) inColumn += s.count(c);
    BOOST_TEST(inRow >= 2);
    BOOST_TEST(inColumn >= 2);
    checkStandard(p, s, 10);
}

BOOST_AUTO_TEST_CASE(two_small_cells_summing_to_a_published_total_are_not_enough) {
    // 3 + 4 with the row total 7 published: each lies in [0, 7], eight whole numbers < 9.
    DisclosureControl dc(10);
    auto p = grid("t", {{3, 4}, {40, 50}});
    const auto s = dc.suppress(p);
    checkStandard(p, s, 10);
    BOOST_TEST(s.size() > 2u);
}

BOOST_AUTO_TEST_CASE(shares_and_medians_follow_their_denominator_and_counts) {
    DisclosureControl dc(10);
    Report report;
    report.values = {{"n|a", 8}, {"n|b", 40}, {"yes|b", 3}, {"n|c", 40}, {"yes|c", 25}};
    Table t;
    Cell median;
    median.type = Cell::Type::Number;
    median.value = 12;
    median.denominator = 8;
    median.dependsOn = {"n|a"};
    Cell shareSmallNumerator;
    shareSmallNumerator.type = Cell::Type::Share;
    shareSmallNumerator.value = 3.0 / 40;
    shareSmallNumerator.denominator = 40;
    shareSmallNumerator.dependsOn = {"yes|b", "n|b"};
    Cell shareFine = shareSmallNumerator;
    shareFine.value = 25.0 / 40;
    shareFine.dependsOn = {"yes|c", "n|c"};
    Cell zero = Cell::count("zero");
    report.values["zero"] = 0;
    t.cells = {{median, shareSmallNumerator, shareFine, zero}};
    report.tables.push_back(t);
    dc.apply(report, true);
    const auto& row = report.tables[0].cells[0];
    BOOST_TEST(row[0].suppressed);   // denominator 8 < 10
    BOOST_TEST(row[1].suppressed);   // 3 of 40 would reveal a count of 3
    BOOST_TEST(!row[2].suppressed);
    BOOST_TEST(!row[3].suppressed);  // zero is shown
    BOOST_TEST(report.footnoteNl.find("x") != std::string::npos);
    dc.apply(report, false);  // loef, audited by the caller
    BOOST_TEST(!report.tables[0].cells[0][0].suppressed);
}

BOOST_AUTO_TEST_CASE(linked_tables_share_one_decision_per_quantity) {
    // A region table and a national table that prints the region totals again.
    DisclosureControl dc(10);
    auto p = grid("reg", {{5, 30}, {12, 40}});
    // National: region totals (the column totals of `reg`) as a table of their own with a total.
    p.constraints.push_back({"nat|T", {"reg|T|0", "reg|T|1"}});
    p.values["nat|T"] = p.values["reg|T|T"];
    const auto s = dc.suppress(p);
    checkStandard(p, s, 10);
}

BOOST_AUTO_TEST_CASE(the_weak_pattern_of_two_blocks_joined_by_one_cell_is_repaired) {
    // Blocks {(0,0),(0,1),(1,0),(1,1)} and {(2,3),(2,4),(3,3),(3,4)}, joined by (1,2)... the
    // classic rule is satisfied (every row and column has two hidden cells), yet the joining cell
    // follows from row 0 + row 1 − column 0 − column 1.
    std::vector<std::vector<long long>> cells(4, std::vector<long long>(5, 30));
    for (auto [r, c] : std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}) cells[r][c] = 3;
    cells[1][2] = 5;
    cells[2][2] = 6;  // keeps column 2 with two hidden cells
    for (auto [r, c] : std::vector<std::pair<int, int>>{{2, 3}, {2, 4}, {3, 3}, {3, 4}}) cells[r][c] = 4;
    auto p = grid("w", cells);
    // The intruder recovers the joining cell from the classic pattern alone.
    std::set<std::string> classic;
    for (const auto& [k, v] : p.values) {
        if (v >= 1 && v < 10) classic.insert(k);
    }
    std::map<std::string, long long> published;
    for (const auto& [k, v] : p.values) {
        if (!classic.count(k)) published[k] = v;
    }
    const auto weak = registry::test::attack(published, classic, relationsOf(p));
    BOOST_TEST(weak.at("w|1|2").wholeNumbers() == 1);
    // Disclosure control does better.
    DisclosureControl dc(10);
    const auto s = dc.suppress(p);
    checkStandard(p, s, 10);
}

namespace {

// The timeliness table: per region n and the cumulative counts within 24, 48 and 72 h (printed
// as shares of n), with the national total; the bands between them are printed nowhere.
DisclosureProblem timeliness(const std::map<std::string, std::vector<long long>>& regions, bool withBands) {
    DisclosureProblem p;
    const std::vector<std::string> q{"w24", "w48", "w72", "n"};
    for (const auto& [r, v] : regions) {
        for (std::size_t k = 0; k < q.size(); ++k) {
            p.values[q[k] + "|" + r] = v[k];
            p.values[q[k] + "|*"] += v[k];
        }
    }
    for (const auto& k : q) {
        Constraint c{k + "|*", {}};
        for (const auto& [r, v] : regions) c.parts.push_back(k + "|" + r);
        p.constraints.push_back(c);
    }
    if (!withBands) return p;
    std::vector<std::string> scope{"*"};
    for (const auto& [r, v] : regions) scope.push_back(r);
    for (const auto& r : scope) {
        for (std::size_t k = 1; k < q.size(); ++k) {
            const std::string band = "band|" + q[k - 1] + "|" + q[k] + "|" + r;
            p.values[band] = p.values[q[k] + "|" + r] - p.values[q[k - 1] + "|" + r];
            p.unpublished.insert(band);
            p.constraints.push_back({q[k] + "|" + r, {q[k - 1] + "|" + r, band}});
        }
    }
    return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cumulative_counts_protect_the_bands_between_them) {
    // Region a: 12 within 24 h, 15 within 48 h: the band 24–48 h holds 3, though every printed
    // figure is at least 10.
    const std::map<std::string, std::vector<long long>> regions{{"a", {12, 15, 30, 30}}, {"b", {20, 31, 40, 44}}};
    DisclosureControl dc(10);
    // Without the bands in the problem nothing is suppressed and the intruder subtracts.
    const auto blind = dc.suppress(timeliness(regions, false));
    BOOST_TEST(blind.empty());
    const auto linked = timeliness(regions, true);
    std::map<std::string, long long> published;
    for (const auto& [k, v] : linked.values) {
        if (!linked.unpublished.count(k)) published[k] = v;
    }
    const auto leak = registry::test::attack(published, linked.unpublished, relationsOf(linked));
    BOOST_TEST(leak.at("band|w24|w48|a").wholeNumbers() == 1);
    // With them, the small band keeps an interval of at least min_cell − 1 whole numbers.
    const auto s = dc.suppress(linked);
    checkStandard(linked, s, 10);
    BOOST_TEST(s.count("band|w24|w48|a") == 1u);
}

BOOST_AUTO_TEST_CASE(the_record_count_follows_the_grand_total) {
    DisclosureControl dc(10);
    for (long long total : {4LL, 40LL}) {
        BOOST_TEST_CONTEXT("total " << total) {
            Report report;
            report.values = {{"exams|*", total}};
            report.recordCountVariable = "exams|*";
            report.provenance.recordCount = total;
            Table t;
            Cell c = Cell::count("exams|*");
            c.value = static_cast<double>(total);
            t.cells = {{c}};
            report.tables.push_back(t);
            dc.apply(report, true);
            BOOST_TEST(report.provenance.recordCountSuppressed == (total < 10));
            BOOST_TEST(report.tables[0].cells[0][0].suppressed == (total < 10));
            dc.apply(report, false);
            BOOST_TEST(!report.provenance.recordCountSuppressed);
        }
    }
    // A record count that equals no published total is a margin of its own: never printed.
    Report report;
    report.values = {{"exams|*", 40}};
    report.recordCountVariable = "exams|*";
    report.provenance.recordCount = 41;
    dc.apply(report, true);
    BOOST_TEST(report.provenance.recordCountSuppressed);
}

BOOST_AUTO_TEST_CASE(random_tables_meet_the_standard) {
    std::mt19937 random(20261201);
    std::uniform_int_distribution<int> small(0, 12), large(0, 60), size(2, 5);
    for (int round = 0; round < 40; ++round) {
        const int rows = size(random), cols = size(random);
        std::vector<std::vector<long long>> cells(rows, std::vector<long long>(cols));
        for (auto& row : cells) {
            for (auto& v : row) v = random() % 3 == 0 ? small(random) : large(random);
        }
        auto p = grid("r" + std::to_string(round), cells);
        DisclosureControl dc(10);
        BOOST_TEST_CONTEXT("round " << round) { checkStandard(p, dc.suppress(p), 10); }
    }
}

BOOST_AUTO_TEST_SUITE_END()

#include "server/core/fact_columns.h"

BOOST_AUTO_TEST_SUITE(fact_columns)

BOOST_AUTO_TEST_CASE(columns_follow_the_definition_with_safe_names) {
    const std::string form = R"({"form": "exam", "version": 1, "label_nl": "x", "label_en": "x",
      "sections": [{"number": 1, "code": "a", "label_nl": "A", "label_en": "A"}],
      "fields": [
        {"code": "region", "section": 1, "type": "enum", "label_nl": "R", "label_en": "R",
         "codes": [{"code": "north", "label_nl": "N", "label_en": "N"}]},
        {"code": "a_field_with_a_name_long_enough_that_options_pass_63_xx", "section": 1,
         "type": "multi_enum", "label_nl": "M", "label_en": "M", "max_items": 2,
         "codes": [{"code": "first_option_code", "label_nl": "1", "label_en": "1"},
                   {"code": "first_option_codf", "label_nl": "2", "label_en": "2"}]},
        {"code": "note", "section": 1, "type": "text", "label_nl": "T", "label_en": "T", "max_length": 10, "research_export": false},
        {"code": "ref", "section": 1, "type": "string", "label_nl": "I", "label_en": "I", "max_length": 10,
         "identifying": true, "research_export": false}
      ], "rules": []})";
    const auto def = registry::core::FormDefinition::fromJson(form);
    const auto columns = registry::core::factColumns({&def});
    BOOST_TEST_REQUIRE(columns.size() == 4u);  // the identifying field has none
    BOOST_TEST(columns[0].name == "region_value");  // region is a fixed column of exam_facts
    BOOST_TEST(columns[1].name.size() <= 63u);
    BOOST_TEST(columns[2].name.size() <= 63u);
    BOOST_TEST(columns[1].name != columns[2].name);  // shortened names stay distinct
    BOOST_TEST((columns[1].kind == registry::core::FactColumn::Kind::Option));
    BOOST_TEST(columns[3].name == "note");
    BOOST_TEST((columns[3].kind == registry::core::FactColumn::Kind::Answered));
}

BOOST_AUTO_TEST_SUITE_END()
