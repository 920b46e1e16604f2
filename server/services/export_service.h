#pragma once

#include "reports/report_engine.h"
#include "reports/research_export.h"
#include "server/core/caller.h"
#include "server/core/pseudonym.h"
#include "server/db/export_repository.h"
#include "server/db/pool.h"

#include <functional>
#include <ostream>
#include <string>

namespace registry::services {

// Research exports and the codebook. The job row and the audit events go to the primary; the
// data streams from the report pool (db.report_url or db.url).
class ExportService {
public:
    ExportService(db::ConnectionPool& primary, db::ConnectionPool& reportPool, reports::ReportEngine& engine,
                  core::Pseudonymiser pseudonymiser)
        : primary_(primary), reportPool_(reportPool), engine_(engine), pseudonymiser_(std::move(pseudonymiser)) {}

    // Validates the filters (422), counts the records and records the job with an audit event
    // naming researcher, filters and record count.
    db::ExportRow create(const core::Caller& caller, const reports::ExportFilter& filter);
    db::ExportRow status(const core::Caller& caller, const std::string& id);
    // format: csv | odm | codebook | r | spss. The download is audited, then the returned writer
    // streams from the database.
    std::function<void(std::ostream&)> data(const core::Caller& caller, const std::string& id, const std::string& format);
    std::string codebook(const core::Caller& caller, const std::string& format);

private:
    db::ConnectionPool& primary_;
    db::ConnectionPool& reportPool_;
    reports::ReportEngine& engine_;
    core::Pseudonymiser pseudonymiser_;
};

}  // namespace registry::services
