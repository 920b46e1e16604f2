#include "reports/renderers.h"

#include "reports/report_engine.h"

#include <cmath>
#include <cstdio>

namespace registry::reports {
namespace {

void str(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void num(std::string& out, double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    out += buf;
}

}  // namespace

std::string renderJson(const Report& report) {
    const Provenance& p = report.provenance;
    std::string out;
    out.reserve(64 * 1024);
    out += "{\"kind\":";
    str(out, p.kind);
    out += ",\"title\":";
    str(out, reportTitle(report));
    out += ",\"provenance\":{\"kind\":";
    str(out, p.kind);
    out += ",\"parameters\":{";
    bool first = true;
    for (const auto& [k, v] : p.parameters) {
        if (!first) out += ',';
        first = false;
        str(out, k);
        out += ':';
        str(out, v);
    }
    out += "},\"generated_at\":";
    str(out, p.generatedAt);
    out += ",\"form_versions\":[";
    for (std::size_t i = 0; i < p.formVersions.size(); ++i) out += (i ? "," : "") + std::to_string(p.formVersions[i]);
    out += std::string("],\"record_count\":") +
           (p.recordCountSuppressed ? std::string("{\"suppressed\":true}") : std::to_string(p.recordCount)) +
           ",\"software_version\":";
    str(out, p.softwareVersion);
    out += ",\"data_digest\":";
    str(out, p.dataDigest);
    out += ",\"min_cell\":" + std::to_string(p.minCell) + ",\"suppressed\":" + (p.suppressed ? "true" : "false");
    out += "},\"footnote\":{\"nl\":";
    str(out, report.footnoteNl);
    out += ",\"en\":";
    str(out, report.footnoteEn);
    out += "},\"tables\":[";
    for (std::size_t t = 0; t < report.tables.size(); ++t) {
        const Table& table = report.tables[t];
        if (t) out += ',';
        out += "{\"code\":";
        str(out, table.code);
        out += ",\"title\":";
        str(out, table.titleNl);
        out += ",\"row_header\":";
        str(out, table.rowHeader);
        out += ",\"columns\":[";
        for (std::size_t c = 0; c < table.columnCodes.size(); ++c) {
            if (c) out += ',';
            out += "{\"code\":";
            str(out, table.columnCodes[c]);
            out += ",\"label\":";
            str(out, table.columnLabels[c]);
            out += '}';
        }
        out += "],\"rows\":[";
        for (std::size_t r = 0; r < table.rowCodes.size(); ++r) {
            if (r) out += ',';
            out += "{\"code\":";
            str(out, table.rowCodes[r]);
            out += ",\"label\":";
            str(out, table.rowLabels[r]);
            out += ",\"cells\":[";
            for (std::size_t c = 0; c < table.cells[r].size(); ++c) {
                const Cell& cell = table.cells[r][c];
                if (c) out += ',';
                if (cell.suppressed) {
                    out += "{\"suppressed\":true}";
                } else if (cell.type == Cell::Type::Count) {
                    num(out, cell.value, 0);
                } else if (cell.type == Cell::Type::Share) {
                    num(out, cell.value, 4);
                } else if (cell.type == Cell::Type::Number) {
                    num(out, cell.value, 1);
                } else {
                    out += "null";
                }
            }
            out += "]}";
        }
        out += "]}";
    }
    out += "]}";
    return out;
}

bool isShareColumn(const Table& t, std::size_t c) {
    for (const auto& row : t.cells) {
        if (c < row.size() && row[c].type == Cell::Type::Share) return true;
    }
    return false;
}

std::string reportTitle(const Report& report) { return ReportEngine::titleNl(report.provenance.kind); }

std::string recordCountText(const Provenance& p) {
    return p.recordCountSuppressed ? std::string(suppressionMark()) : std::to_string(p.recordCount);
}

std::string formatCell(const Cell& cell, bool decimalComma) {
    if (cell.suppressed) return suppressionMark();
    char buf[48];
    switch (cell.type) {
        case Cell::Type::Count: std::snprintf(buf, sizeof buf, "%.0f", cell.value); break;
        case Cell::Type::Share: std::snprintf(buf, sizeof buf, "%.1f", cell.value * 100.0); break;
        case Cell::Type::Number: std::snprintf(buf, sizeof buf, "%.1f", cell.value); break;
        default: return "";
    }
    std::string s = buf;
    if (decimalComma) {
        for (char& c : s) {
            if (c == '.') c = ',';
        }
    }
    return s;
}

}  // namespace registry::reports
