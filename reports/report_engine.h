#pragma once

// The report engine: the indicators of REPORTS.md per kind, aggregated in PostgreSQL over
// exam_facts, then passed through disclosure control. No HTTP. The API handlers, the CLI and the
// dashboard call it alike:
//
//   reports::ReportEngine engine(reportPool, minCell, softwareVersion);
//   auto params = reports::ReportEngine::parseParams(kind, region, from, to, granularity); // 422s
//   params.region = <the caller's region scope, or as asked>;
//   reports::Report report = engine.run(params);   // suppressed unless params.suppress == false
//   std::string body = reports::renderJson(report);  // or renderCsv / renderXlsx / renderHtml
//
// Every count cell of every table is suppressed or shown by the one DisclosureControl; a consumer
// that builds its own figures (the dashboard's KPIs) takes them from a Report, never from SQL.

#include "reports/aggregate_chunks.h"
#include "reports/chunk_store.h"
#include "reports/disclosure.h"
#include "reports/report_model.h"
#include "server/core/fact_columns.h"
#include "server/core/form_definition.h"
#include "server/db/pool.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace registry::reports {

class ReportEngine {
public:
    // `pool` is read (db.report_url or db.url); `store` says whether chunks are also read from
    // report_chunks, and written there (on the primary) for the next process and instance.
    ReportEngine(db::ConnectionPool& pool, int minCell, std::string softwareVersion, ChunkStore store = ChunkStore::none());

    static const std::vector<std::string>& kinds();
    static std::string titleNl(const std::string& kind);
    // Validates the query parameters of a report (422 naming each bad one). Dates default to
    // the last 12 whole months; `to` is inclusive.
    static ReportParams parseParams(const std::string& kind, const std::string& region, const std::string& from,
                                    const std::string& to, const std::string& granularity);

    Report run(const ReportParams& params);

    // Aggregates what `run` would, without disclosure control and without keeping the report:
    // only the chunks stay, in report_chunks (not in this engine's memory: a round over ten
    // years of every kind would fill it), for the reports that follow.
    AggregateStats warm(const ReportParams& params);

    const DisclosureControl& disclosure() const { return disclosure_; }

    // The merged form definition the engine reports on (every published version).
    struct Catalogue {
        std::vector<int> versions;
        std::vector<core::FieldDef> fields;
        std::vector<core::FactColumn> columns;
        std::vector<core::SectionDef> sections;  // of the newest version
        std::vector<std::pair<std::string, std::string>> regions;  // code, Dutch name
    };
    std::shared_ptr<const Catalogue> catalogue();

    // The statements and chunks of the last run's aggregation (the benchmark prints them).
    AggregateStats lastStats() const;

private:
    // The figures of a report, before disclosure control; with `warmOnly` only the chunks
    // missing from report_chunks are aggregated and stored, and the figures are left empty.
    Report compute(const ReportParams& params, AggregateStats& stats, bool warmOnly);

    db::ConnectionPool& pool_;
    DisclosureControl disclosure_;
    std::string softwareVersion_;
    mutable std::mutex mutex_;
    AggregateStats lastStats_;
    std::shared_ptr<const Catalogue> catalogue_;
    std::map<std::string, Report> suppressed_;  // by parameters and data_digest
    ChunkCache chunks_;  // partial aggregates per (region, month), by their records' fingerprint
    ChunkStore store_;   // the same in report_chunks, for other processes and instances
};

}  // namespace registry::reports
