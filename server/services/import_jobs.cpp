#include "server/services/import_jobs.h"

#include "import/file_refused.h"
#include "import/mapping.h"
#include "server/core/audit_event.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/db/audit_repository.h"
#include "server/db/import_job_repository.h"
#include "server/db/transaction.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace registry::services {
namespace {

// The purpose of the key that seals the Dossiernummers of stored row errors.
const char* const kSealPurpose = "import job row errors";
const char* const kInterrupted =
    "The server stopped before the import finished; whole batches written so far are kept: upload the file again to "
    "complete it.";

std::string nowUtc() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ"); }

// A sealed Dossiernummer is bound to its job and record: it cannot be moved to another row.
std::string sealContext(const std::string& jobId, long record) { return jobId + "/" + std::to_string(record); }

Error refusedError(const import::FileRefused& e) {
    return Error(ErrorKind::ValidationFailed, std::string("The file cannot be imported: ") + e.what() + ".",
                 {{"file", e.code(), e.what()}});
}

}  // namespace

struct ImportJobs::Job {
    std::string id, sourceName;
    bool dryRun = false;
    import::OnError onError = import::OnError::Skip;
    std::string csv;
    core::Caller caller;
    std::shared_ptr<const core::FormDefinition> form;
    std::optional<import::Mapping> mapping;
    std::chrono::steady_clock::time_point lastRecorded;
};

ImportJobs::ImportJobs(db::ConnectionPool& pool, FormCatalog& forms, const core::Pseudonymiser& pseudonymiser,
                       ImportJobSettings settings)
    : pool_(pool), forms_(forms), pseudonymiser_(pseudonymiser), settings_(std::move(settings)) {
    worker_ = std::thread([this] { work(); });
    heartbeat_ = std::thread([this] { heartbeat(); });
}

ImportJobs::~ImportJobs() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    stop_.notify_all();
    worker_.join();
    heartbeat_.join();
}

namespace {

// What the API shows of a stored job, without its summary.
ImportJobView viewOf(const db::StoredImportJob& s) {
    ImportJobView v;
    v.id = s.id;
    v.status = s.status;
    v.mapping = s.mapping;
    v.sourceName = s.sourceName;
    v.onError = s.onError;
    v.ownerId = s.ownerId;
    v.createdAt = s.createdAt;
    v.finishedAt = s.finishedAt;
    v.dryRun = s.dryRun;
    v.progress = {s.phase, s.total, s.done, s.imported, s.alreadyPresent, s.rejected};
    v.failureCode = s.failureCode;
    v.failureMessage = s.failureMessage;
    return v;
}

}  // namespace

ImportJobView ImportJobs::submit(const core::Caller& caller, std::string csv, const std::string& mappingName,
                                 const std::string& sourceName, bool dryRun, import::OnError onError) {
    auto job = std::make_shared<Job>();
    job->form = forms_.get(forms_.latestVersion());
    try {
        job->mapping = import::Mapping::load(settings_.mappingDir, mappingName, *job->form);
        // The whole file is checked before it is queued: a refused file is the uploader's error now.
        std::istringstream in(csv);
        import::ReaderLimits limits;
        limits.maxRecordBytes = settings_.maxRecordBytes;
        const auto scan = import::scanCsv(in, limits);
        import::Mapping check = *job->mapping;
        check.bind(scan.header);
    } catch (const import::FileRefused& e) {
        if (e.code() == "unknown_mapping") {
            throw Error(ErrorKind::ValidationFailed, "There is no such mapping.", {{"mapping", "code_list", e.what()}});
        }
        throw refusedError(e);
    }
    job->csv = std::move(csv);
    job->caller = caller;
    job->id = core::randomUuid();
    job->sourceName = sourceName;
    job->dryRun = dryRun;
    job->onError = onError;
    db::StoredImportJob stored;
    stored.id = job->id;
    stored.ownerId = caller.user.userId;
    stored.ownerRegion = caller.user.region;
    stored.status = "queued";
    stored.mapping = mappingName;
    stored.sourceName = sourceName;
    stored.onError = onError == import::OnError::Abort ? "abort" : "skip";
    stored.dryRun = dryRun;
    stored.createdAt = nowUtc();
    stored.phase = "queued";
    stored.keyVersion = pseudonymiser_.keyVersion();
    {
        // Held across the insert so that the queue limit is exact.
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= settings_.maxQueued) {
            throw Error(ErrorKind::ServiceUnavailable, "Too many imports are waiting; try again later.");
        }
        db::inTransaction(pool_, [&](pqxx::work& tx) { db::ImportJobRepository::insert(tx, stored); });
        queue_.push_back(job);
    }
    wake_.notify_all();
    return viewOf(stored);
}

ImportJobView ImportJobs::get(const core::Caller& caller, const std::string& id) {
    // Another user's job is as absent as a job that never was.
    if (!core::isUuid(id)) throw Error(ErrorKind::NotFound, "No such import.");
    std::optional<db::StoredImportJob> stored;
    std::vector<db::StoredImportError> errors;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        db::ImportJobRepository::expireIfStale(tx, id, settings_.staleSeconds, kInterrupted);
        stored = db::ImportJobRepository::find(tx, id, caller.user.userId);
        if (!stored) return;
        if (stored->hasSummary) errors = db::ImportJobRepository::errors(tx, id);
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "import.read", "success", "import", id));
    });
    if (!stored) throw Error(ErrorKind::NotFound, "No such import.");
    const auto& s = *stored;
    ImportJobView v = viewOf(s);
    if (s.hasSummary) {
        import::ImportSummary summary;
        summary.sourceName = s.sourceName;
        summary.sha256 = s.sha256;
        summary.encoding = s.encoding;
        summary.mapping = s.mapping;
        summary.delimiter = s.delimiter.empty() ? ';' : s.delimiter[0];
        summary.dryRun = s.dryRun;
        summary.aborted = s.aborted;
        summary.read = s.read;
        summary.imported = s.imported;
        summary.alreadyPresent = s.alreadyPresent;
        summary.rejected = s.rejected;
        // After key rotations beyond what this server holds, the Dossiernummers can no longer be
        // unsealed: the errors are still shown, by record number.
        std::optional<std::string> key;
        try {
            key = pseudonymiser_.derivedKey(kSealPurpose, s.keyVersion);
        } catch (const std::out_of_range&) {
        }
        for (const auto& e : errors) {
            import::RowError row;
            row.record = static_cast<long>(e.record);
            if (e.dossierSealed && key) row.dossier = crypto::unseal(*key, *e.dossierSealed, sealContext(s.id, row.record));
            row.column = e.column;
            row.valueShown = e.value.has_value();
            row.value = e.value.value_or("");
            row.code = e.code;
            row.messageNl = e.messageNl;
            row.messageEn = e.messageEn;
            summary.errors.push_back(std::move(row));
        }
        v.summary = std::move(summary);
    }
    return v;
}

void ImportJobs::drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && !running_; });
}

void ImportJobs::record(Job& job, const import::ImportProgress& p, bool force) {
    // At most once a second: GET shows progress, it need not be a write per chunk.
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - job.lastRecorded < std::chrono::seconds(1)) return;
    job.lastRecorded = now;
    try {
        db::inTransaction(pool_, [&](pqxx::work& tx) {
            db::ImportJobRepository::progress(tx, job.id, "running", p.phase, p.total, p.done, p.imported,
                                              p.alreadyPresent, p.rejected);
        });
    } catch (const std::exception& e) {
        // Progress is advisory; the import itself goes on (or fails on its own).
        Poco::Logger::get("registry.import").warning("import " + job.id + ": progress not recorded: " + e.what());
    }
}

void ImportJobs::heartbeat() {
    const auto every = std::chrono::milliseconds(std::max(250, settings_.staleSeconds * 1000 / 4));
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_.wait_for(lock, every, [&] { return stopping_; })) {
        std::vector<std::string> ids;
        for (const auto& job : queue_) ids.push_back(job->id);
        if (running_) ids.push_back(running_->id);
        if (ids.empty()) continue;
        lock.unlock();
        try {
            db::inTransaction(pool_, [&](pqxx::work& tx) { db::ImportJobRepository::touch(tx, ids); });
        } catch (const std::exception& e) {
            Poco::Logger::get("registry.import").warning(std::string("import heartbeat not recorded: ") + e.what());
        }
        lock.lock();
    }
}

void ImportJobs::work() {
    while (true) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = queue_.front();
            queue_.pop_front();
            running_ = job;
        }
        record(*job, {"scanning", 0, 0, 0, 0, 0}, true);
        import::ImportOptions options;
        options.sourceName = job->sourceName;
        options.dryRun = job->dryRun;
        options.onError = job->onError;
        options.jobId = job->id;
        options.batchSize = settings_.batchSize;
        options.threads = settings_.threads;
        options.limits.maxRecordBytes = settings_.maxRecordBytes;
        std::optional<import::ImportSummary> summary;
        import::ImportProgress last{"scanning", 0, 0, 0, 0, 0};
        std::string failureCode, failureMessage;
        try {
            std::istringstream in(job->csv);
            const import::ImportContext context{pool_, *job->form, forms_.codeLists(), pseudonymiser_};
            summary = import::runImport(context, *job->mapping, in, options, job->caller,
                                        [&](const import::ImportProgress& p) {
                                            const bool newPhase = p.phase != last.phase;  // shown at once
                                            last = p;
                                            record(*job, p, newPhase);
                                        });
        } catch (const import::FileRefused& e) {
            failureCode = e.code();
            failureMessage = e.what();
        } catch (const Error& e) {
            failureCode = e.kind() == ErrorKind::ServiceUnavailable ? "database_unavailable" : "failed";
            failureMessage = e.detail();
        } catch (const std::exception& e) {
            // The batches committed before the failure stay; a new upload completes the rest.
            Poco::Logger::get("registry.import").error("import " + job->id + " failed: " + e.what());
            failureCode = "internal";
            failureMessage = "The import stopped with an internal error; whole batches written so far are kept.";
        }
        job->csv.clear();
        job->csv.shrink_to_fit();
        db::StoredImportJob end;
        end.id = job->id;
        end.status = summary ? "done" : "failed";
        end.phase = last.phase;
        end.total = last.total;
        end.done = last.done;
        end.imported = last.imported;
        end.alreadyPresent = last.alreadyPresent;
        end.rejected = last.rejected;
        end.failureCode = failureCode;
        end.failureMessage = failureMessage;
        end.finishedAt = nowUtc();
        std::vector<db::StoredImportError> errors;
        if (summary) {
            end.hasSummary = true;
            end.sha256 = summary->sha256;
            end.encoding = summary->encoding;
            end.delimiter = std::string(1, summary->delimiter);
            end.read = summary->read;
            end.aborted = summary->aborted;
            end.imported = summary->imported;
            end.alreadyPresent = summary->alreadyPresent;
            end.rejected = summary->rejected;
            const std::string key = pseudonymiser_.derivedKey(kSealPurpose, pseudonymiser_.keyVersion());
            errors.reserve(summary->errors.size());
            for (const auto& e : summary->errors) {
                db::StoredImportError row;
                row.record = e.record;
                if (!e.dossier.empty()) row.dossierSealed = crypto::seal(key, e.dossier, sealContext(job->id, e.record));
                row.column = e.column;
                if (e.valueShown) row.value = e.value;
                row.code = e.code;
                row.messageNl = e.messageNl;
                row.messageEn = e.messageEn;
                errors.push_back(std::move(row));
            }
        }
        try {
            db::inTransaction(pool_, [&](pqxx::work& tx) {
                db::ImportJobRepository::finish(tx, end, errors);
                db::ImportJobRepository::pruneFinished(tx, settings_.keepFinished);
            });
        } catch (const std::exception& e) {
            // Without its end the job is reported as interrupted once its heartbeat stops.
            Poco::Logger::get("registry.import").error("import " + job->id + ": result not recorded: " + e.what());
        }
        std::lock_guard<std::mutex> lock(mutex_);
        running_.reset();
        idle_.notify_all();
    }
}

}  // namespace registry::services
