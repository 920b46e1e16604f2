#pragma once

// The report as data: tables of cells, every count cell naming the quantity ("variable") it
// shows, so that one quantity printed in two linked tables (a region table and its national
// total, months and their quarter) is suppressed or shown alike. No HTTP, no SQL here.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace registry::reports {

enum class Granularity { Month, Quarter };

// Parameters of a run. `region` empty = every region the caller may see, with the total.
struct ReportParams {
    std::string kind;    // evaluation | om | police | loef
    std::string region;  // a region code, or empty
    std::string from;    // YYYY-MM-DD, inclusive (exam_at, Europe/Amsterdam)
    std::string to;      // YYYY-MM-DD, inclusive
    Granularity granularity = Granularity::Month;
    bool suppress = true;  // false only for loef (the caller checks the role and audits it)
};

struct Cell {
    enum class Type { Count, Share, Number, Empty };
    Type type = Type::Empty;
    double value = 0;          // Count: whole number; Share: 0..1; Number: hours, days, ...
    bool suppressed = false;   // one mark for primary and secondary alike
    std::string variable;      // Count: the quantity's id in the disclosure problem
    // Share / Number: the counts it is computed from (suppressed with them) and its denominator
    std::vector<std::string> dependsOn;
    long long denominator = 0;

    static Cell count(std::string variable) {
        Cell c;
        c.type = Type::Count;
        c.variable = std::move(variable);
        return c;
    }
};

struct Table {
    std::string code;      // stable, machine: "referral_source", "exams_per_period"
    std::string titleNl;
    std::string titleEn;
    std::string rowHeader;  // Dutch label of the row dimension
    std::vector<std::string> columnCodes;
    std::vector<std::string> columnLabels;  // Dutch
    std::vector<std::string> rowCodes;
    std::vector<std::string> rowLabels;     // Dutch
    std::vector<std::vector<Cell>> cells;   // [row][column]
};

// total = sum(parts): what an intruder knows besides the published cells.
struct Constraint {
    std::string total;
    std::vector<std::string> parts;
};

struct Provenance {
    std::string kind;
    std::map<std::string, std::string> parameters;
    std::string generatedAt;          // ISO 8601 UTC
    std::vector<int> formVersions;    // of the records counted
    long long recordCount = 0;
    // The record count is the grand total of the report's main table, a margin like any other:
    // printed only where disclosure control publishes that total, else as the mark.
    bool recordCountSuppressed = false;
    std::string softwareVersion;
    std::string dataDigest;           // sha256 hex over the ids and versions counted
    int minCell = 10;
    bool suppressed = true;
};

struct Report {
    Provenance provenance;
    std::vector<Table> tables;
    std::vector<Constraint> constraints;
    std::map<std::string, long long> values;  // every count variable
    // Quantities an intruder can derive but the report never prints (the band 24–48 h between
    // two published cumulative counts): hidden always, protected when small.
    std::set<std::string> unpublished;
    // The variable whose value the provenance's record count equals (the main table's total).
    std::string recordCountVariable;
    std::string footnoteNl;
    std::string footnoteEn;
};

// The mark printed for a suppressed cell in csv, xlsx, html and the dashboard.
inline const char* suppressionMark() { return "x"; }

}  // namespace registry::reports
