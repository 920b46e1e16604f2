#include "reports/renderers.h"

#include <xlsxwriter.h>

#include <Poco/TemporaryFile.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace registry::reports {
namespace {

// Excel sheet names: at most 31 characters, unique, none of []:*?/\ .
std::string sheetName(const std::string& code, std::size_t index, std::set<std::string>& used) {
    std::string base;
    for (char c : code) base += std::string("[]:*?/\\").find(c) == std::string::npos ? c : '_';
    std::string name = base.substr(0, 31);
    if (used.count(name)) name = std::to_string(index) + "_" + base.substr(0, 31 - std::to_string(index).size() - 1);
    used.insert(name);
    return name;
}

}  // namespace

std::string renderXlsx(const Report& report) {
    Poco::TemporaryFile file;  // removed when it goes out of scope
    const std::string path = file.path() + ".xlsx";
    Poco::TemporaryFile::registerForDeletion(path);
    lxw_workbook* wb = workbook_new(path.c_str());
    if (!wb) throw std::runtime_error("cannot create the xlsx workbook");
    lxw_format* header = workbook_add_format(wb);
    format_set_bold(header);
    format_set_bg_color(header, 0xE8EDF3);
    format_set_border(header, LXW_BORDER_THIN);
    format_set_text_wrap(header);
    lxw_format* title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 13);
    lxw_format* integer = workbook_add_format(wb);
    format_set_num_format(integer, "0");
    lxw_format* percent = workbook_add_format(wb);
    format_set_num_format(percent, "0.0%");
    lxw_format* decimal = workbook_add_format(wb);
    format_set_num_format(decimal, "0.0");
    lxw_format* mark = workbook_add_format(wb);
    format_set_align(mark, LXW_ALIGN_RIGHT);
    lxw_format* wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    lxw_format* note = workbook_add_format(wb);
    format_set_italic(note);
    format_set_text_wrap(note);

    std::set<std::string> used{"Toelichting"};
    lxw_worksheet* about = workbook_add_worksheet(wb, "Toelichting");
    worksheet_set_column(about, 0, 0, 22, nullptr);
    worksheet_set_column(about, 1, 1, 70, nullptr);
    // Printed on A4, one page wide, like the html report.
    worksheet_set_paper(about, 9);
    worksheet_fit_to_pages(about, 1, 0);
    worksheet_write_string(about, 0, 0, reportTitle(report).c_str(), title);
    const Provenance& p = report.provenance;
    lxw_row_t row = 2;
    auto item = [&](const std::string& k, const std::string& v) {
        worksheet_write_string(about, row, 0, k.c_str(), header);
        worksheet_write_string(about, row, 1, v.c_str(), wrap);
        ++row;
    };
    // Wrapped text does not grow its row by itself in every reader.
    worksheet_set_row(about, row, 64, nullptr);
    item("Noot", report.footnoteNl);
    worksheet_set_row(about, row, 64, nullptr);
    item("Footnote", report.footnoteEn);
    item("kind", p.kind);
    for (const auto& [k, v] : p.parameters) item(k, v);
    item("generated_at", p.generatedAt);
    std::string versions;
    for (int v : p.formVersions) versions += (versions.empty() ? "" : " ") + std::to_string(v);
    item("form_versions", versions);
    worksheet_write_string(about, row, 0, "record_count", header);
    if (p.recordCountSuppressed) {
        worksheet_write_string(about, row++, 1, suppressionMark(), nullptr);
    } else {
        worksheet_write_number(about, row++, 1, static_cast<double>(p.recordCount), integer);
    }
    item("software_version", p.softwareVersion);
    item("data_digest", p.dataDigest);

    for (std::size_t i = 0; i < report.tables.size(); ++i) {
        const Table& t = report.tables[i];
        lxw_worksheet* ws = workbook_add_worksheet(wb, sheetName(t.code, i + 1, used).c_str());
        worksheet_set_column(ws, 0, 0, 40, nullptr);
        worksheet_set_column(ws, 1, static_cast<lxw_col_t>(t.columnLabels.size()), 16, nullptr);
        worksheet_write_string(ws, 0, 0, t.titleNl.c_str(), title);
        worksheet_write_string(ws, 2, 0, t.rowHeader.c_str(), header);
        for (std::size_t c = 0; c < t.columnLabels.size(); ++c) {
            worksheet_write_string(ws, 2, static_cast<lxw_col_t>(c + 1), t.columnLabels[c].c_str(), header);
        }
        for (std::size_t r = 0; r < t.rowLabels.size(); ++r) {
            const auto xr = static_cast<lxw_row_t>(r + 3);
            worksheet_write_string(ws, xr, 0, t.rowLabels[r].c_str(), nullptr);
            for (std::size_t c = 0; c < t.cells[r].size(); ++c) {
                const Cell& cell = t.cells[r][c];
                const auto xc = static_cast<lxw_col_t>(c + 1);
                if (cell.suppressed) {
                    worksheet_write_string(ws, xr, xc, suppressionMark(), mark);
                } else if (cell.type == Cell::Type::Count) {
                    worksheet_write_number(ws, xr, xc, cell.value, integer);
                } else if (cell.type == Cell::Type::Share) {
                    worksheet_write_number(ws, xr, xc, cell.value, percent);
                } else if (cell.type == Cell::Type::Number) {
                    worksheet_write_number(ws, xr, xc, cell.value, decimal);
                }
            }
        }
        const auto last = static_cast<lxw_row_t>(t.rowLabels.size() + 4);
        worksheet_merge_range(ws, last, 0, last, static_cast<lxw_col_t>(t.columnLabels.size()), report.footnoteNl.c_str(), note);
        worksheet_set_row(ws, last, 60, nullptr);
        worksheet_freeze_panes(ws, 3, 1);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write the xlsx workbook");
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace registry::reports
