#pragma once

// The record-level research export of REPORTS.md and its codebook, both derived from the merged
// form definition: which variables leave the registry, how they are coarsened, and how they are
// written (REDCap CSV with checkbox columns, CDISC ODM 1.3.2, the REDCap data dictionary, and R
// and SPSS syntax that read the CSV with labels). No HTTP here.

#include "reports/report_engine.h"

#include <pqxx/pqxx>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace registry::reports {

struct ExportVariable {
    enum class Type { Text, Integer, Float, Radio, YesNo, Checkbox, Month };
    std::string name;          // CSV column; for Checkbox the stem of name___code
    std::string section;       // Dutch section label (the first variable of a section carries it)
    std::string labelNl;
    Type type = Type::Text;
    std::vector<core::CodeDef> choices;  // Radio, Checkbox
    std::string note;
    std::string validation;    // REDCap: integer, number
    std::string min, max;
    bool required = false;
    std::string branching;     // REDCap branching logic
    std::vector<std::string> columns;      // CSV columns (several for a checkbox)
    std::vector<std::string> expressions;  // SQL over exam_facts `f` (and `e`, see list), one per column
    std::string list;  // a list field read from the exam's document, as e."<list>", once per row
};

// The variables of a research export: record_id and victim_id (re-keyed per export), the
// form version, every field with research_export true (no free text, no identifiers, no lists),
// timestamps and dates coarsened to month, and the derived intervals in hours.
std::vector<ExportVariable> exportVariables(const ReportEngine::Catalogue& catalogue);

// The REDCap data dictionary: exactly the 18 columns of REPORTS.md.
std::string redcapDictionary(const std::vector<ExportVariable>& variables);
const std::string& redcapDictionaryHeader();
std::string codebookJson(const std::vector<ExportVariable>& variables, const std::vector<int>& formVersions);
std::string rScript(const std::vector<ExportVariable>& variables, const std::string& csvName);
std::string spssSyntax(const std::vector<ExportVariable>& variables, const std::string& csvName);

struct ExportFilter {
    std::string region;  // empty: all
    std::string from, to;  // YYYY-MM-DD, inclusive; empty: unbounded
};

// Streams the records in scope (submitted or locked, research consent given) from the database
// through a server-side cursor, a batch at a time: memory does not grow with the export.
// `exportKey` re-keys the victim pseudonyms. Returns the number of records written.
enum class ExportFormat { Csv, Odm };
long long writeExport(pqxx::connection& connection, const std::vector<ExportVariable>& variables,
                      const ExportFilter& filter, const std::string& exportKey, ExportFormat format,
                      const std::string& exportId, std::ostream& out);
// How many records an export with this filter holds.
long long countExport(pqxx::transaction_base& tx, const ReportEngine::Catalogue& catalogue, const ExportFilter& filter);

}  // namespace registry::reports
