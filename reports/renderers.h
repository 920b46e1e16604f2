#pragma once

// Renderers of a Report (after disclosure control). Each one prints the one suppression mark for
// every suppressed cell and the footnote that states the rule, and the provenance.

#include "reports/report_model.h"

#include <string>

namespace registry::reports {

std::string renderJson(const Report& report);

// A zip of one CSV per table (UTF-8 with BOM) plus provenance.csv. `semicolon`: `;` between
// fields and a decimal comma, as Dutch Excel expects.
std::string renderCsvZip(const Report& report, bool semicolon);
// One table as CSV (also used inside the zip).
std::string renderCsvTable(const Report& report, const Table& table, bool semicolon);

// One sheet per table plus a sheet "Toelichting" with footnote and provenance (libxlsxwriter).
std::string renderXlsx(const Report& report);

// A printable (A4) Dutch HTML page.
std::string renderHtml(const Report& report);

// Shared text helpers.
std::string reportTitle(const Report& report);
std::string formatCell(const Cell& cell, bool decimalComma);
// Whether column c holds shares (printed as percentages, its header marked "(%)").
bool isShareColumn(const Table& table, std::size_t c);
// The record count as printed: the number, or the mark when disclosure control hides it.
std::string recordCountText(const Provenance& p);

}  // namespace registry::reports
