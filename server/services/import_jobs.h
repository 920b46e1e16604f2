#pragma once

#include "import/import_pipeline.h"
#include "server/core/caller.h"
#include "server/core/pseudonym.h"
#include "server/db/pool.h"
#include "server/services/form_catalog.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace registry::services {

struct ImportJobSettings {
    std::string mappingDir;
    std::size_t batchSize = 1000;
    unsigned threads = 0;
    std::size_t maxRecordBytes = 1 << 20;
    std::size_t maxQueued = 4;     // uploads waiting for the worker; more are refused (503)
    std::size_t keepFinished = 50;  // finished jobs kept for GET; the oldest are forgotten
};

struct ImportJobView {
    std::string id, status;  // queued, running, done, failed
    std::string mapping, sourceName, onError, ownerId, createdAt, finishedAt;
    bool dryRun = false;
    import::ImportProgress progress;
    std::optional<import::ImportSummary> summary;
    std::string failureCode, failureMessage;
};

// Uploaded imports (POST /api/v1/imports), run one at a time by a worker thread with the
// same engine as `registry import`. The upload is checked as a whole before it is queued, so a
// hostile file is refused at once (422) and nothing is written.
//
// Jobs live in this process only: the records an import writes are in PostgreSQL, but its
// status and row errors, which name the uploader's Dossiernummers in clear, are kept in memory
// and shown only to the user who uploaded them; a restart forgets them (re-uploading is safe:
// the import is idempotent).
class ImportJobs {
public:
    ImportJobs(db::ConnectionPool& pool, FormCatalog& forms, const core::Pseudonymiser& pseudonymiser,
               ImportJobSettings settings);
    ~ImportJobs();
    ImportJobs(const ImportJobs&) = delete;
    ImportJobs& operator=(const ImportJobs&) = delete;

    // Throws Error: 422 for an unknown mapping or a refused file, 503 when the queue is full.
    ImportJobView submit(const core::Caller& caller, std::string csv, const std::string& mapping,
                         const std::string& sourceName, bool dryRun, import::OnError onError);
    // The job, if it exists and `caller` uploaded it (404 otherwise); audited as import.read.
    ImportJobView get(const core::Caller& caller, const std::string& id);
    // Waits until the queue is empty and the worker idle (tests, shutdown).
    void drain();

private:
    struct Job;
    void work();

    db::ConnectionPool& pool_;
    FormCatalog& forms_;
    const core::Pseudonymiser& pseudonymiser_;
    ImportJobSettings settings_;
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::deque<std::shared_ptr<Job>> queue_;
    std::map<std::string, std::shared_ptr<Job>> jobs_;
    std::deque<std::string> finished_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace registry::services
