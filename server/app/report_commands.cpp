#include "server/app/report_commands.h"

#include "reports/renderers.h"
#include "server/app/build_info.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/services/report_service.h"

#include <fstream>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace registry::app {

int runReportCommand(const CommandLine& cl, const Config& config) {
    cl.allowOnly({"region", "from", "to", "granularity", "format", "delimiter", "out"});
    if (cl.words.size() != 2) throw UsageError("report needs exactly one KIND: evaluation, om, police or loef");
    const std::string format = cl.option("format", "json");
    if (format != "json" && format != "csv" && format != "xlsx" && format != "html") {
        throw UsageError("--format must be json, csv, xlsx or html");
    }
    const std::string delimiter = cl.option("delimiter", ",");
    if (delimiter != "," && delimiter != ";") throw UsageError("--delimiter must be , or ;");
    const std::string out = cl.requiredOption("out");
    db::ConnectionPool primary(poolSettings(config, "db.url"));
    db::ConnectionPool reportPool(poolSettings(config, "db.report_url"));
    services::ReportService service(primary, reportPool, static_cast<int>(config.getInt("reports.min_cell", 2, 1000)),
                                    kVersion);
    core::Caller caller;
    caller.user.username = "registry-cli";
    caller.user.role = "system";
    const passwd* pw = ::getpwuid(::getuid());
    caller.onBehalfOf = std::string("os-user:") + (pw ? pw->pw_name : std::to_string(::getuid()));
    caller.clientAddress = "local";
    try {
        const auto params = reports::ReportEngine::parseParams(cl.words[1], cl.option("region"), cl.option("from"),
                                                               cl.option("to"), cl.option("granularity"));
        const auto report = service.runScheduled(caller, params, format);
        std::string bytes;
        if (format == "json") bytes = reports::renderJson(report);
        if (format == "csv") bytes = reports::renderCsvZip(report, delimiter == ";");
        if (format == "xlsx") bytes = reports::renderXlsx(report);
        if (format == "html") bytes = reports::renderHtml(report);
        std::ofstream file(out, std::ios::binary | std::ios::trunc);
        file << bytes;
        file.close();
        if (!file) {
            std::cerr << "registry: cannot write " << out << "\n";
            return 73;
        }
        std::cout << "report " << params.kind << ": " << reports::recordCountText(report.provenance) << " records, digest "
                  << report.provenance.dataDigest << ", written to " << out << "\n";
        return 0;
    } catch (const Error& e) {
        std::cerr << "registry: " << e.detail() << "\n";
        for (const auto& f : e.errors()) std::cerr << "  " << f.field << ": " << f.message << "\n";
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    }
}

}  // namespace registry::app
