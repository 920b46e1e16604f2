#include "reports/renderers.h"

#include <Poco/Zip/Compress.h>

#include <sstream>

namespace registry::reports {
namespace {

std::string field(const std::string& s, char sep) {
    const bool quote = s.find_first_of(std::string("\"\r\n") + sep) != std::string::npos;
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

}  // namespace

std::string renderCsvTable(const Report& report, const Table& table, bool semicolon) {
    const char sep = semicolon ? ';' : ',';
    std::string out = "\xEF\xBB\xBF";
    out += field(table.rowHeader, sep);
    for (std::size_t c = 0; c < table.columnLabels.size(); ++c) {
        out += sep;
        out += field(table.columnLabels[c] + (isShareColumn(table, c) ? " (%)" : ""), sep);
    }
    out += "\r\n";
    for (std::size_t r = 0; r < table.rowLabels.size(); ++r) {
        out += field(table.rowLabels[r], sep);
        for (const auto& cell : table.cells[r]) {
            out += sep;
            out += field(formatCell(cell, semicolon), sep);
        }
        out += "\r\n";
    }
    out += "\r\n" + field(table.titleNl, sep) + "\r\n";
    out += field(report.footnoteNl, sep) + "\r\n";
    return out;
}

std::string renderCsvZip(const Report& report, bool semicolon) {
    const char sep = semicolon ? ';' : ',';
    std::ostringstream zip;
    Poco::Zip::Compress compress(zip, true);
    const Provenance& p = report.provenance;
    std::string prov = "\xEF\xBB\xBF";
    auto line = [&](const std::string& k, const std::string& v) { prov += field(k, sep) + sep + field(v, sep) + "\r\n"; };
    line("rapport", reportTitle(report));
    line("kind", p.kind);
    for (const auto& [k, v] : p.parameters) line(k, v);
    line("generated_at", p.generatedAt);
    std::string versions;
    for (int v : p.formVersions) versions += (versions.empty() ? "" : " ") + std::to_string(v);
    line("form_versions", versions);
    line("record_count", recordCountText(p));
    line("software_version", p.softwareVersion);
    line("data_digest", p.dataDigest);
    line("min_cell", std::to_string(p.minCell));
    line("noot", report.footnoteNl);
    line("footnote", report.footnoteEn);
    auto add = [&](const std::string& name, const std::string& content) {
        std::istringstream in(content);
        compress.addFile(in, Poco::DateTime(), Poco::Path(name), Poco::Zip::ZipCommon::CM_DEFLATE,
                         Poco::Zip::ZipCommon::CL_NORMAL);
    };
    add("provenance.csv", prov);
    for (std::size_t i = 0; i < report.tables.size(); ++i) {
        char prefix[32];
        std::snprintf(prefix, sizeof prefix, "%03zu_", i + 1);
        add(prefix + report.tables[i].code + ".csv", renderCsvTable(report, report.tables[i], semicolon));
    }
    compress.close();
    return zip.str();
}

}  // namespace registry::reports
