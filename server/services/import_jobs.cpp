#include "server/services/import_jobs.h"

#include "import/file_refused.h"
#include "import/mapping.h"
#include "server/core/audit_event.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/db/audit_repository.h"
#include "server/db/transaction.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

namespace registry::services {
namespace {

std::string nowUtc() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%FZ"); }

Error refusedError(const import::FileRefused& e) {
    return Error(ErrorKind::ValidationFailed, std::string("The file cannot be imported: ") + e.what() + ".",
                 {{"file", e.code(), e.what()}});
}

}  // namespace

struct ImportJobs::Job {
    ImportJobView view;  // guarded by ImportJobs::mutex_
    std::string csv;
    core::Caller caller;
    std::shared_ptr<const core::FormDefinition> form;
    std::optional<import::Mapping> mapping;
};

ImportJobs::ImportJobs(db::ConnectionPool& pool, FormCatalog& forms, const core::Pseudonymiser& pseudonymiser,
                       ImportJobSettings settings)
    : pool_(pool), forms_(forms), pseudonymiser_(pseudonymiser), settings_(std::move(settings)) {
    worker_ = std::thread([this] { work(); });
}

ImportJobs::~ImportJobs() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
}

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
    auto& v = job->view;
    v.id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    v.status = "queued";
    v.mapping = mappingName;
    v.sourceName = sourceName;
    v.onError = onError == import::OnError::Abort ? "abort" : "skip";
    v.dryRun = dryRun;
    v.ownerId = caller.user.userId;
    v.createdAt = nowUtc();
    v.progress.phase = "queued";
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= settings_.maxQueued) {
            throw Error(ErrorKind::ServiceUnavailable, "Too many imports are waiting; try again later.");
        }
        queue_.push_back(job);
        jobs_[v.id] = job;
    }
    wake_.notify_all();
    std::lock_guard<std::mutex> lock(mutex_);
    return job->view;
}

ImportJobView ImportJobs::get(const core::Caller& caller, const std::string& id) {
    ImportJobView view;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = core::isUuid(id) ? jobs_.find(id) : jobs_.end();
        // Another user's job is as absent as a job that never was.
        if (it == jobs_.end() || it->second->view.ownerId != caller.user.userId) {
            throw Error(ErrorKind::NotFound, "No such import.");
        }
        view = it->second->view;
    }
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "import.read", "success", "import", id));
    });
    return view;
}

void ImportJobs::drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
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
            busy_ = true;
            job->view.status = "running";
        }
        import::ImportOptions options;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            options.sourceName = job->view.sourceName;
            options.dryRun = job->view.dryRun;
            options.onError = job->view.onError == "abort" ? import::OnError::Abort : import::OnError::Skip;
            options.jobId = job->view.id;
        }
        options.batchSize = settings_.batchSize;
        options.threads = settings_.threads;
        options.limits.maxRecordBytes = settings_.maxRecordBytes;
        std::optional<import::ImportSummary> summary;
        std::string failureCode, failureMessage;
        try {
            std::istringstream in(job->csv);
            const import::ImportContext context{pool_, *job->form, forms_.codeLists(), pseudonymiser_};
            summary = import::runImport(context, *job->mapping, in, options, job->caller,
                                        [&](const import::ImportProgress& p) {
                                            std::lock_guard<std::mutex> lock(mutex_);
                                            job->view.progress = p;
                                        });
        } catch (const import::FileRefused& e) {
            failureCode = e.code();
            failureMessage = e.what();
        } catch (const Error& e) {
            failureCode = e.kind() == ErrorKind::ServiceUnavailable ? "database_unavailable" : "failed";
            failureMessage = e.detail();
        } catch (const std::exception& e) {
            // The batches committed before the failure stay; a new upload completes the rest.
            Poco::Logger::get("registry.import").error("import " + job->view.id + " failed: " + e.what());
            failureCode = "internal";
            failureMessage = "The import stopped with an internal error; whole batches written so far are kept.";
        }
        std::lock_guard<std::mutex> lock(mutex_);
        job->csv.clear();
        job->csv.shrink_to_fit();
        job->view.finishedAt = nowUtc();
        job->view.status = summary ? "done" : "failed";
        job->view.summary = summary;
        job->view.failureCode = failureCode;
        job->view.failureMessage = failureMessage;
        finished_.push_back(job->view.id);
        while (finished_.size() > settings_.keepFinished) {
            jobs_.erase(finished_.front());
            finished_.pop_front();
        }
        busy_ = false;
        idle_.notify_all();
    }
}

}  // namespace registry::services
