#include "reports/renderers.h"

namespace registry::reports {
namespace {

std::string esc(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const char* const kStyle = R"CSS(
@page { size: A4; margin: 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 11pt; margin: 14pt 0 4pt; }
section.table { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2pt; }
caption { text-align: left; font-weight: bold; padding: 2pt 0; }
th, td { border: 1px solid #999; padding: 2pt 4pt; }
thead th { background: #e8edf3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { text-align: left; font-weight: normal; }
tr.total th, tr.total td { font-weight: bold; }
p.note { font-size: 8pt; color: #333; margin: 2pt 0 0; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 8pt; font-size: 9pt; }
dl.prov dt { font-weight: bold; }
dl.prov dd { margin: 0; word-break: break-all; }
)CSS";

}  // namespace

std::string renderHtml(const Report& report) {
    const Provenance& p = report.provenance;
    std::string out = "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>" + esc(reportTitle(report)) +
                      "</title><style>" + kStyle + "</style></head><body>\n";
    out += "<h1>" + esc(reportTitle(report)) + "</h1>\n";
    auto param = [&](const std::string& k) {
        auto it = p.parameters.find(k);
        return it == p.parameters.end() ? std::string() : it->second;
    };
    out += "<p>Periode " + esc(param("from")) + " t/m " + esc(param("to")) + " &middot; regio " +
           esc(param("region") == "all" ? std::string("alle regio's") : param("region")) + " &middot; " +
           esc(recordCountText(p)) + " onderzoeken &middot; gemaakt " + esc(p.generatedAt) + "</p>\n";
    out += "<p class=\"note\">" + esc(report.footnoteNl) + "</p>\n";
    for (const auto& t : report.tables) {
        out += "<section class=\"table\"><table id=\"" + esc(t.code) + "\"><caption>" + esc(t.titleNl) +
               "</caption>\n<thead><tr><th scope=\"col\">" + esc(t.rowHeader) + "</th>";
        for (std::size_t c = 0; c < t.columnLabels.size(); ++c) {
            out += "<th scope=\"col\">" + esc(t.columnLabels[c]) + (isShareColumn(t, c) ? " (%)" : "") + "</th>";
        }
        out += "</tr></thead>\n<tbody>\n";
        for (std::size_t r = 0; r < t.rowLabels.size(); ++r) {
            out += t.rowCodes[r] == "total" || t.rowCodes[r] == "*" ? "<tr class=\"total\">" : "<tr>";
            out += "<th scope=\"row\">" + esc(t.rowLabels[r]) + "</th>";
            for (const auto& cell : t.cells[r]) out += "<td class=\"n\">" + esc(formatCell(cell, true)) + "</td>";
            out += "</tr>\n";
        }
        out += "</tbody></table>\n<p class=\"note\">" + std::string(suppressionMark()) +
               " = onderdrukt (celonderdrukking, zie toelichting).</p></section>\n";
    }
    out += "<h2>Toelichting en herkomst</h2>\n<p class=\"note\">" + esc(report.footnoteNl) + "</p>\n<dl class=\"prov\">";
    auto item = [&](const std::string& k, const std::string& v) { out += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>"; };
    item("Soort", p.kind);
    for (const auto& [k, v] : p.parameters) item(k, v);
    item("Gemaakt op", p.generatedAt);
    std::string versions;
    for (int v : p.formVersions) versions += (versions.empty() ? "" : ", ") + std::to_string(v);
    item("Formulierversies", versions);
    item("Aantal records", recordCountText(p));
    item("Softwareversie", p.softwareVersion);
    item("data_digest", p.dataDigest);
    out += "</dl>\n</body></html>\n";
    return out;
}

}  // namespace registry::reports
