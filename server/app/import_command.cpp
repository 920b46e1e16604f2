#include "import/file_refused.h"
#include "import/import_pipeline.h"
#include "server/app/operator_commands.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/services/form_catalog.h"

#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace registry::app {
namespace {

// Exit codes of `registry import` (README "Legacy import").
constexpr int kImportRejected = 65;  // some records rejected (skip: the rest imported; abort: none)
constexpr int kImportRefused = 66;   // the file or mapping refused as a whole: nothing imported

std::string baseName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A progress bar with records/s and ETA on a terminal; a plain line every few seconds otherwise
// (logs, CI, pipes).
class ProgressDisplay {
public:
    ProgressDisplay() : tty_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()), last_(start_) {}

    void operator()(const import::ImportProgress& p) {
        const auto now = Clock::now();
        if (p.phase != phase_) {
            if (tty_ && !phase_.empty()) std::cerr << "\n";
            phase_ = p.phase;
            phaseStart_ = now;
        }
        if (p.phase == "scanning" || p.phase == "done") return;
        if (p.phase == "waiting") {
            std::cerr << "waiting for another import to finish (imports write one at a time)\n" << std::flush;
            return;
        }
        const double seconds = std::chrono::duration<double>(now - phaseStart_).count();
        const double rate = seconds > 0 ? p.done / seconds : 0;
        const long left = p.total - p.done;
        const long eta = rate > 0 ? static_cast<long>(left / rate) : 0;
        char line[200];
        if (tty_) {
            const int width = 30;
            const int filled = p.total > 0 ? static_cast<int>(width * p.done / p.total) : 0;
            std::snprintf(line, sizeof line, "\r%-9s [%s%s] %3d%% %ld/%ld records  %.0f rec/s  ETA %ld:%02ld ",
                          p.phase.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                          std::string(static_cast<std::size_t>(width - filled), '-').c_str(),
                          p.total > 0 ? static_cast<int>(100 * p.done / p.total) : 0, p.done, p.total, rate, eta / 60,
                          eta % 60);
            std::cerr << line << std::flush;
            return;
        }
        if (p.done < p.total && now - last_ < std::chrono::seconds(2)) return;
        last_ = now;
        std::snprintf(line, sizeof line,
                      "%s: %ld/%ld records (imported %ld, already present %ld, rejected %ld), %.0f rec/s\n",
                      p.phase.c_str(), p.done, p.total, p.imported, p.alreadyPresent, p.rejected, rate);
        std::cerr << line << std::flush;
    }

    void finish() {
        if (tty_ && !phase_.empty() && phase_ != "done") std::cerr << "\n";
    }

private:
    using Clock = std::chrono::steady_clock;
    bool tty_;
    Clock::time_point start_, last_, phaseStart_;
    std::string phase_;
};

}  // namespace

int runImportCommand(const CommandLine& cl, const Config& config) {
    cl.allowOnly({"mapping", "dry-run", "on-error", "errors"});
    if (cl.words.size() != 2) throw UsageError("import FILE --mapping NAME [--dry-run] [--on-error=skip|abort] [--errors OUT.csv]");
    const std::string file = cl.words[1];
    const std::string mappingName = cl.requiredOption("mapping");
    const std::string onError = cl.option("on-error", "skip");
    if (onError != "skip" && onError != "abort") throw UsageError("--on-error must be skip or abort");
    const auto settings = importSettings(config);

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "registry: cannot open " << file << "\n";
        return kImportRefused;
    }
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::FormCatalog forms(pool);
    const auto pseudonymiser = loadPseudonymiser(config);
    try {
        const auto form = forms.get(forms.latestVersion());
        import::Mapping mapping = [&] {
            try {
                return import::Mapping::load(settings.mappingDir, mappingName, *form);
            } catch (const std::invalid_argument& e) {
                throw ConfigError("import.mapping_dir", "mapping " + mappingName + ": " + e.what());
            }
        }();
        import::ImportOptions options;
        options.sourceName = baseName(file);
        options.dryRun = cl.flag("dry-run");
        options.onError = onError == "abort" ? import::OnError::Abort : import::OnError::Skip;
        options.batchSize = settings.batchSize;
        options.threads = settings.threads;
        options.limits.maxRecordBytes = settings.maxRecordBytes;
        // The report is written as rejections are found, so that memory stays flat whatever
        // the file holds; only the first 20 are kept to print when there is no report file.
        std::ofstream report;
        if (cl.options.count("errors")) {
            report.open(cl.option("errors"), std::ios::binary | std::ios::trunc);
            report << import::errorReportHeader();
            if (!report) throw std::runtime_error("cannot write the error report " + cl.option("errors"));
            options.onRowError = [&](const import::RowError& e) { report << import::errorReportRow(e); };
        }
        options.keepErrors = 21;
        ProgressDisplay display;
        const import::ImportContext context{pool, *form, forms.codeLists(), pseudonymiser};
        const auto summary = import::runImport(context, std::move(mapping), in, options, operatorCaller(),
                                               [&](const import::ImportProgress& p) { display(p); });
        display.finish();
        if (report.is_open()) {
            report.close();
            if (!report) throw std::runtime_error("cannot write the error report " + cl.option("errors"));
        }
        std::cout << "import of " << summary.sourceName << " (" << summary.encoding << ", '" << summary.delimiter
                  << "', sha256 " << summary.sha256 << ") with mapping " << summary.mapping
                  << (summary.dryRun ? ": DRY RUN, nothing was written" : "") << "\n"
                  << "read: " << summary.read << "\n"
                  << "imported: " << summary.imported << "\n"
                  << "already present: " << summary.alreadyPresent << "\n"
                  << "rejected: " << summary.rejected << "\n";
        if (summary.aborted) std::cout << "aborted: faulty records found (--on-error=abort), nothing was imported\n";
        if (!cl.options.count("errors")) {
            std::size_t shown = 0;
            for (const auto& e : summary.errors) {
                if (++shown > 20) {
                    std::cerr << "... and " << summary.rejected - 20 << " more (write them all with --errors FILE)\n";
                    break;
                }
                // Standard error may end up in a log: no Dossiernummer here (the --errors file has it).
                std::cerr << "record " << e.record << (e.column.empty() ? "" : ", " + e.column) << ": " << e.messageEn
                          << "\n";
            }
        }
        return summary.rejected > 0 ? kImportRejected : 0;
    } catch (const import::FileRefused& e) {
        std::cerr << "registry: import refused (" << e.code() << "): " << e.what() << "; nothing was imported\n";
        return kImportRefused;
    } catch (const Error& e) {
        std::cerr << "registry: " << e.detail() << "\n";
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    } catch (const pqxx::failure& e) {
        // Lost connection, statement timeout, a server shutting down: the server's first line,
        // not the statement (pqxx appends it, hundreds of column names long).
        const std::string text = e.what();
        std::cerr << "registry: the import stopped, database error: " << text.substr(0, text.find('\n'))
                  << "\nthe batches written before it are kept; the same import again completes it without duplicates\n";
        return 69;
    }
}

}  // namespace registry::app
