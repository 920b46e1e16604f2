#pragma once

#include "import/import_pipeline.h"
#include "server/core/caller.h"
#include "server/core/pseudonym.h"
#include "server/db/pool.h"
#include "server/services/form_catalog.h"

#include <condition_variable>
#include <deque>
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
    int staleSeconds = 60;          // an unfinished job no server vouched for this long was interrupted
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
// Jobs are kept in PostgreSQL (schema/040_import_jobs.sql), so their status, summary and row
// errors survive a restart and any instance answers for them; only the uploader sees a job.
// The upload itself lives in this process's memory until its job ends. While a job is queued or
// running here, a heartbeat vouches for it; one that nobody vouched for in `staleSeconds` (its
// server stopped) is reported as failed, `interrupted` (re-uploading is safe: the import is
// idempotent). Row errors name the uploader's Dossiernummers: they are stored sealed with a key
// derived from the pseudonym key, never in clear.
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
    void heartbeat();
    void record(Job& job, const import::ImportProgress& progress, bool force);

    db::ConnectionPool& pool_;
    FormCatalog& forms_;
    const core::Pseudonymiser& pseudonymiser_;
    ImportJobSettings settings_;
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::condition_variable stop_;
    std::deque<std::shared_ptr<Job>> queue_;
    std::shared_ptr<Job> running_;
    bool stopping_ = false;
    std::thread worker_, heartbeat_;
};

}  // namespace registry::services
