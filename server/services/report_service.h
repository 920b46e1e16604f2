#pragma once

#include "reports/report_engine.h"
#include "server/core/caller.h"
#include "server/db/pool.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace registry::services {

// Runs reports for a caller: the policy decides the kinds and the region scope, the engine
// computes (on the report pool: db.report_url or db.url), and every run is an audit event on the
// primary. The dashboard uses the same service, so it gets the same scope and suppression.
class ReportService {
public:
    // At most `maxConcurrent` reports are computed at once (reports.max_concurrent); a request
    // beyond that waits its turn for up to `waitSeconds`, then gets 503 with Retry-After. A cold
    // report over a large table takes seconds and a pooled connection: without the limit, a
    // dashboard opened by many users at once would take every connection from the submissions.
    ReportService(db::ConnectionPool& primary, db::ConnectionPool& reportPool, int minCell, std::string softwareVersion,
                  int maxConcurrent = 2, int waitSeconds = 30);

    // The kinds this caller may run.
    std::vector<std::string> kinds(const core::Caller& caller) const;

    // Throws Forbidden for a kind the role may not run, for a region outside a region-bound
    // caller's scope and for suppress=false by anyone but loef; 422 for bad parameters. A
    // region-bound caller who names no region gets their own region.
    reports::Report run(const core::Caller& caller, reports::ReportParams params, const std::string& format);

    // `registry report` (scheduled runs by an operator): no role applies, suppression always
    // does, and the run is audited like any other.
    reports::Report runScheduled(const core::Caller& caller, const reports::ReportParams& params, const std::string& format);

    // Aggregates every kind and the dashboard nationally over the last ten years (ReportWarmer),
    // so that their chunks are in report_chunks before anyone asks: after a bulk import or a
    // restart, a reader's report then aggregates only what changed since. Not audited: nothing
    // leaves the process. Takes a report turn only when one is free at once, and gives up
    // (nullopt) when none is; `stopping` is asked between kinds. Returns the chunks aggregated.
    std::optional<int> warm(const std::function<bool()>& stopping);

    reports::ReportEngine& engine() { return engine_; }

private:
    // One of the maxConcurrent report turns, held for its lifetime when `taken`.
    struct Turn {
        Turn(ReportService& service, std::chrono::seconds wait);
        ~Turn();
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;
        ReportService& service_;
        bool taken = false;
    };

    reports::Report runAndAudit(const core::Caller& caller, const reports::ReportParams& params, const std::string& format);

    db::ConnectionPool& primary_;
    reports::ReportEngine engine_;
    const int maxConcurrent_;
    const int waitSeconds_;
    std::mutex turnMutex_;
    std::condition_variable turnFreed_;
    int running_ = 0;
};

}  // namespace registry::services
