#include "import/import_pipeline.h"
#include "import/key_set.h"

#include "server/core/audit_event.h"
#include "server/core/ids.h"
#include "server/core/json_merge.h"
#include "server/db/audit_repository.h"
#include "server/db/import_repository.h"
#include "server/services/exam_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

namespace registry::import {
namespace {

const char* const kVictimReference = "victim_reference";
const char* const kPoliceReference = "police_reference";

struct Prepared {
    long record = 0;
    std::string dossier;  // clear, only for the error report
    std::optional<RowError> error;
    db::ImportedExam exam;  // valid records only
    // The import key under the older versions of the pseudonym key chain: a record imported or
    // erased before a key rotation is still recognised (its stored key is not re-keyed).
    std::vector<std::string> olderImportKeys;
};

// A candidate error: the report shows the one in the leftmost column.
struct Candidate {
    std::size_t column;
    int order;  // mapping errors before validator errors in the same column
    RowError error;
};

class RecordPreparer {
public:
    RecordPreparer(const ImportContext& context, const Mapping& mapping, std::chrono::system_clock::time_point now)
        : context_(context), mapping_(mapping), now_(now) {}

    Prepared prepare(long record, const std::vector<std::string>& values) const {
        Prepared p;
        p.record = record;
        if (values.size() > mapping_.keyIndex()) p.dossier = trimCell(values[mapping_.keyIndex()]);
        if (values.size() != mapping_.width()) {
            auto e = rowError(record, "", "field_count");
            e.value = std::to_string(values.size()) + " of " + std::to_string(mapping_.width());
            p.error = finish(e, p.dossier);
            return p;
        }
        // The import key: the pseudonymised Dossiernummer, also for rejected records, so that a
        // later duplicate of a rejected record is still recognised as one.
        if (!p.dossier.empty()) {
            try {
                auto keys = context_.pseudonymiser.pseudonymsAllVersions(p.dossier);
                p.exam.importKey = keys.back();
                keys.pop_back();
                p.olderImportKeys = std::move(keys);
            } catch (const std::invalid_argument&) {
            }
        }
        auto mapped = mapping_.apply(values);
        std::vector<Candidate> candidates;
        std::set<std::string> unreadFields;
        for (const auto& cell : mapped.errors) {
            candidates.push_back({cell.column, 0, cellError(record, cell.column, cell.code, values)});
            unreadFields.insert(cell.field);
        }
        const auto outcome = core::validate(context_.form, *mapped.fields, core::ValidationMode::Submit, now_,
                                            context_.codeLists);
        for (const auto& fe : outcome.errors) {
            const std::string field = fe.field.substr(0, fe.field.find_first_of("[."));
            const int column = mapping_.columnOfField(field);
            std::string code;
            std::optional<std::pair<std::string, std::string>> order;
            if (fe.code == "required") {
                // A field no column fills is not the sheet's fault (the record is marked as
                // imported, not as a complete submission); a cell the mapping could not read
                // was reported already.
                if (column < 0 || unreadFields.count(field)) continue;
                code = "missing_value";
            } else if (fe.code == "range") {
                code = "out_of_range";
            } else if (fe.code == "code_list") {
                code = "unknown_code";
            } else if (fe.code == "length") {
                code = "too_long";
            } else if (fe.code == "rule") {
                code = "inconsistent";
                for (const auto& rule : context_.form.rules()) {
                    const std::string tail = " must not be earlier than " + rule.before;
                    if (rule.kind == core::RuleKind::Order && rule.field == field && fe.message.size() >= tail.size() &&
                        fe.message.compare(fe.message.size() - tail.size(), tail.size(), tail) == 0) {
                        code = "order";
                        const auto after = mapping_.label(field), before = mapping_.label(rule.before);
                        order = std::make_pair(after.first + " vóór " + before.first, after.second + " before " + before.second);
                    }
                }
                if (code != "order" && fe.message.find("must not be in the future") != std::string::npos) code = "in_future";
            } else {
                code = "invalid_value";
            }
            const std::size_t at = column < 0 ? mapping_.width() : static_cast<std::size_t>(column);
            auto e = at < mapping_.width() ? cellError(record, at, code, values) : rowError(record, "", code);
            if (order) {
                e.messageNl = order->first;
                e.messageEn = order->second;
            }
            candidates.push_back({at, 1, e});
        }
        if (candidates.empty() && p.exam.importKey.empty()) {
            candidates.push_back({mapping_.keyIndex(), 0, cellError(record, mapping_.keyIndex(), "invalid_reference", values)});
        }
        if (!candidates.empty()) {
            const auto first = std::min_element(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
                return a.column != b.column ? a.column < b.column : a.order < b.order;
            });
            p.error = finish(first->error, p.dossier);
            return p;
        }
        // Valid: the identifying fields become pseudonyms and leave the document.
        const auto& fields = *outcome.fields;
        auto& w = p.exam.write;
        try {
            for (const char* code : {kVictimReference, kPoliceReference}) {
                if (!fields.has(code)) continue;
                // The victim reference is the key column: its pseudonym is the import key.
                const bool victim = std::string(code) == kVictimReference &&
                                    mapping_.columnOfField(kVictimReference) == static_cast<int>(mapping_.keyIndex());
                const auto pseudonym = victim && !p.exam.importKey.empty()
                                           ? p.exam.importKey
                                           : context_.pseudonymiser.pseudonymise(fields.getValue<std::string>(code));
                (std::string(code) == kVictimReference ? w.victimPseudonym : w.policePseudonym) = pseudonym;
            }
        } catch (const std::invalid_argument&) {
            p.error = finish(cellError(record, static_cast<std::size_t>(mapping_.columnOfField(kPoliceReference)),
                                       "invalid_reference", values),
                             p.dossier);
            return p;
        }
        // The validator's normalised copy is the stored document, without the identifying fields.
        Poco::JSON::Object::Ptr stored = outcome.fields;
        stored->remove(kVictimReference);
        stored->remove(kPoliceReference);
        w.id = core::timeOrderedUuid();
        w.formVersion = context_.form.version();
        w.status = "submitted";
        w.version = 1;
        w.region = stored->getValue<std::string>("region");
        w.authorId = db::kLegacyImportUserId;
        w.fieldsJson = core::jsonText(stored);
        w.keyVersion = context_.pseudonymiser.keyVersion();
        services::setDerived(w, *stored);
        p.exam.recordNumber = record;
        return p;
    }

private:
    RowError cellError(long record, std::size_t column, const std::string& code,
                       const std::vector<std::string>& values) const {
        auto e = rowError(record, mapping_.columnName(column), code);
        if (mapping_.identifyingColumn(column)) {
            e.valueShown = false;
        } else {
            e.value = trimCell(values[column]).substr(0, 200);
        }
        return e;
    }
    static RowError finish(RowError e, const std::string& dossier) {
        e.dossier = dossier.substr(0, 64);
        return e;
    }

    const ImportContext& context_;
    const Mapping& mapping_;
    std::chrono::system_clock::time_point now_;
};

// Prepares a chunk of records on every core, keeping their order.
std::vector<Prepared> prepareChunk(const RecordPreparer& preparer,
                                   const std::vector<std::pair<long, std::vector<std::string>>>& chunk, unsigned threads) {
    std::vector<Prepared> out(chunk.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < chunk.size(); i = next++) out[i] = preparer.prepare(chunk[i].first, chunk[i].second);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < chunk.size(); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return out;
}

// Writes batches on kImportWriters threads, each with a connection of its own, while the next
// records are prepared: a batch's rows go in while the batch before it is still being written, so
// that the database works on both cores. Its audit events and its commit wait for that batch's commit
// (the `turn` given to Flush), so batches commit in the file's order, as from one writer: a kill
// leaves whole batches, the file's first ones. A batch that counts an exam for a victim the batch
// being written before it counts too waits for that commit before it writes anything: both would
// lock the victim's count row, and the earlier one would wait on the later one's lock while the
// later one waits for the earlier one's commit, a deadlock PostgreSQL cannot see. At most two
// batches wait besides the ones being written, so memory stays flat however large the file.
class BatchWriter {
public:
    // Writes one batch; calls turn() right before its audit events and commit. turn() returns
    // once every earlier batch has committed, and throws when one of them failed.
    using Flush = std::function<void(std::vector<Prepared>&, const std::function<void()>& turn)>;
    explicit BatchWriter(Flush flush) : flush_(std::move(flush)) {
        for (unsigned i = 0; i < kImportWriters; ++i) threads_.emplace_back([this] { run(); });
    }
    ~BatchWriter() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_ = true;
        }
        changed_.notify_all();
        for (auto& t : threads_) t.join();
    }

    void submit(std::vector<Prepared> batch) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return queue_.size() < 2 || failure_; });
        if (failure_) std::rethrow_exception(failure_);
        std::vector<std::string> victims;
        for (const auto& p : batch) {
            if (p.exam.write.victimPseudonym) victims.push_back(*p.exam.write.victimPseudonym);
        }
        std::sort(victims.begin(), victims.end());
        queue_.push_back({submitted_++, std::move(batch), std::move(victims)});
        changed_.notify_all();
    }
    // Waits until every submitted batch is written; rethrows the first failure.
    void finish() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return committed_ == submitted_ || failure_; });
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    struct Batch {
        long sequence;
        std::vector<Prepared> records;
        std::vector<std::string> victims;  // sorted
    };

    // Whether a batch still being written before `batch` counts one of its victims (under mutex_).
    bool sharesVictims(const Batch& batch) const {
        for (const auto& [sequence, earlier] : writing_) {
            if (sequence >= batch.sequence) continue;
            auto a = earlier->victims.begin(), b = batch.victims.begin();
            while (a != earlier->victims.end() && b != batch.victims.end()) {
                if (*a == *b) return true;
                *a < *b ? ++a : ++b;
            }
        }
        return false;
    }

    void run() {
        while (true) {
            Batch batch;
            bool waitFirst = false;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return closed_ || failure_ || !queue_.empty(); });
                if (closed_ || failure_) return;
                batch = std::move(queue_.front());
                queue_.pop_front();
                waitFirst = sharesVictims(batch);
                writing_[batch.sequence] = &batch;
                changed_.notify_all();  // room in the queue
            }
            const auto turn = [&] {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return committed_ == batch.sequence || failure_; });
                if (failure_) throw std::runtime_error("an earlier batch of the import failed");
            };
            std::exception_ptr failure;
            try {
                if (waitFirst) turn();
                flush_(batch.records, turn);
            } catch (...) {
                failure = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(mutex_);
            writing_.erase(batch.sequence);
            if (failure) {
                if (!failure_) failure_ = failure;  // the first failure is the one reported
            } else {
                committed_ = batch.sequence + 1;
            }
            changed_.notify_all();
        }
    }

    Flush flush_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> queue_;
    std::map<long, const Batch*> writing_;  // by sequence
    long submitted_ = 0;  // batches handed to submit()
    long committed_ = 0;  // batches 0 .. committed_ - 1 are written
    bool closed_ = false;
    std::exception_ptr failure_;
    std::vector<std::thread> threads_;
};

// The import lock (ImportRepository::tryLockRun) for a whole writing pass, on a connection of
// its own. Tried again every quarter second rather than waited for in one statement, which
// db.statement_timeout_ms would cut short.
class RunLock {
public:
    RunLock(db::ConnectionPool& pool, const std::function<void()>& waiting) : lease_(pool.acquire()) {
        bool told = false;
        while (!db::ImportRepository::tryLockRun(*lease_)) {
            if (!told && waiting) waiting();
            told = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    }
    ~RunLock() {
        try {
            db::ImportRepository::unlockRun(*lease_);
        } catch (...) {
            lease_->disconnect();  // the lock goes with the session; the pool drops the connection
        }
    }
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    db::ConnectionPool::Lease lease_;
};

class Run {
public:
    Run(const ImportContext& context, const Mapping& mapping, const FileScan& scan, const ImportOptions& options,
        const core::Caller& caller, const ProgressCallback& progress)
        : context_(context), mapping_(mapping), scan_(scan), options_(options), caller_(caller), progress_(progress) {
        threads_ = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
        provenance_.sourceFile = options.sourceName;
        provenance_.sourceDigest = scan.sha256;
        provenance_.jobId = options.jobId;
    }

    // One pass over the records; `write` false only checks them (abort mode's first pass).
    void pass(std::istream& in, bool write, ImportSummary& summary) {
        summary.read = summary.imported = summary.alreadyPresent = summary.rejected = 0;
        imported_ = alreadyPresent_ = 0;
        summary.errors.clear();
        seen_.clear();
        ImportProgress state;
        state.phase = write ? "importing" : "checking";
        state.total = scan_.records;
        in.clear();
        in.seekg(0);
        CsvReader reader(in, scan_.delimiter, scan_.encoding, options_.limits);
        std::vector<std::string> values;
        reader.next(values);  // the header, bound already
        const RecordPreparer preparer(context_, mapping_, std::chrono::system_clock::now());
        const std::size_t chunkSize = std::max<std::size_t>(options_.batchSize, 256) * 2;
        std::vector<std::pair<long, std::vector<std::string>>> chunk;
        std::vector<Prepared> pending;
        std::optional<RunLock> runLock;
        std::optional<BatchWriter> writer;
        if (write) {
            runLock.emplace(context_.pool, [&] {
                if (!progress_) return;
                ImportProgress waiting = state;
                waiting.phase = "waiting";  // for another import to finish
                progress_(waiting);
            });
            writer.emplace([&](std::vector<Prepared>& batch, const std::function<void()>& turn) { flush(batch, turn); });
        }
        bool more = true;
        while (more) {
            chunk.clear();
            while (chunk.size() < chunkSize && (more = reader.next(values))) {
                // The scan found the dropped trailing columns empty in every record.
                if (scan_.droppedColumns && values.size() == mapping_.width() + scan_.droppedColumns) {
                    values.resize(mapping_.width());
                }
                const bool blank = std::all_of(values.begin(), values.end(), [](const std::string& v) { return trimCell(v).empty(); });
                if (!blank) chunk.emplace_back(reader.recordNumber(), std::move(values));
                values = {};
                ++state.done;
            }
            for (auto& p : prepareChunk(preparer, chunk, threads_)) {
                ++summary.read;
                if (!p.error && !p.exam.importKey.empty()) {
                    if (!seen_.insert(p.exam.importKey)) {
                        auto e = rowError(p.record, mapping_.keyColumn(), "duplicate_key");
                        e.valueShown = false;
                        e.dossier = p.dossier.substr(0, 64);
                        p.error = e;
                    }
                } else if (!p.exam.importKey.empty()) {
                    seen_.insert(p.exam.importKey);
                }
                if (p.error) {
                    ++summary.rejected;
                    if (summary.errors.size() < options_.keepErrors) summary.errors.push_back(*p.error);
                    if (options_.onRowError) options_.onRowError(*p.error);
                } else if (write) {
                    pending.push_back(std::move(p));
                    if (pending.size() >= options_.batchSize) {
                        writer->submit(std::move(pending));
                        pending = {};
                    }
                }
            }
            state.imported = imported_;
            state.alreadyPresent = alreadyPresent_;
            state.rejected = summary.rejected;
            if (progress_) progress_(state);
        }
        if (write) {
            if (!pending.empty()) writer->submit(std::move(pending));
            writer->finish();
        }
        summary.imported = imported_;
        summary.alreadyPresent = alreadyPresent_;
        state.imported = imported_;
        state.alreadyPresent = alreadyPresent_;
        if (progress_) progress_(state);
    }

    // One batch: one transaction with its audit events (rolled back in a dry run, so that the
    // dry run goes through every check a real run makes). The run holds the import lock, and the
    // records of one run have distinct keys, so two batches of it can be written at once.
    void flush(std::vector<Prepared>& pending, const std::function<void()>& turn) {
        if (pending.empty()) return;
        auto lease = context_.pool.acquire();
        pqxx::work tx(*lease);
        std::vector<std::string> keys;
        for (const auto& p : pending) {
            keys.push_back(p.exam.importKey);
            keys.insert(keys.end(), p.olderImportKeys.begin(), p.olderImportKeys.end());
        }
        const auto existing = db::ImportRepository::existingKeys(tx, keys);
        std::vector<const db::ImportedExam*> fresh;
        std::vector<core::AuditEvent> events;
        for (const auto& p : pending) {
            const bool present = existing.count(p.exam.importKey) > 0 ||
                                 std::any_of(p.olderImportKeys.begin(), p.olderImportKeys.end(),
                                             [&](const std::string& k) { return existing.count(k) > 0; });
            if (present) {
                ++alreadyPresent_;
                continue;
            }
            fresh.push_back(&p.exam);
            auto event = core::newAuditEvent(caller_, "exam.import", "success", "exam", p.exam.write.id);
            event.subjectPseudonym = p.exam.write.victimPseudonym.value_or("");
            event.detail = "record " + std::to_string(p.record) + " of " + options_.sourceName.substr(0, 200) +
                           " (sha256 " + scan_.sha256.substr(0, 16) + ")";
            events.push_back(std::move(event));
        }
        db::ImportRepository::copyExams(tx, fresh, provenance_);
        turn();
        db::AuditRepository::appendMany(tx, events);
        if (options_.dryRun) {
            tx.abort();
        } else {
            tx.commit();
        }
        imported_ += static_cast<long>(fresh.size());
        pending.clear();
    }

private:
    const ImportContext& context_;
    const Mapping& mapping_;
    const FileScan& scan_;
    const ImportOptions& options_;
    const core::Caller& caller_;
    const ProgressCallback& progress_;
    unsigned threads_ = 1;
    db::ImportProvenance provenance_;
    KeySet seen_;
    std::atomic<long> imported_{0}, alreadyPresent_{0};  // written by the batch writers
};

std::string csvCell(const std::string& v) {
    if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

ImportSummary runImport(const ImportContext& context, Mapping mapping, std::istream& in, const ImportOptions& options,
                        const core::Caller& caller, const ProgressCallback& progress) {
    if (options.batchSize == 0) throw std::invalid_argument("batch size must be at least 1");
    if (progress) progress({"scanning", 0, 0, 0, 0, 0});
    const FileScan scan = scanCsv(in, options.limits);
    mapping.bind(scan.header);
    ImportSummary summary;
    summary.sourceName = options.sourceName;
    summary.sha256 = scan.sha256;
    summary.encoding = encodingName(scan.encoding);
    summary.delimiter = scan.delimiter;
    summary.mapping = mapping.name();
    summary.dryRun = options.dryRun;
    Run run(context, mapping, scan, options, caller, progress);
    bool write = true;
    if (options.onError == OnError::Abort) {
        run.pass(in, false, summary);
        if (summary.rejected > 0) {
            summary.aborted = true;
            write = false;
        }
    }
    if (write) run.pass(in, true, summary);

    // The run itself is audited too (a dry run included): who imported which file, with what result.
    auto event = core::newAuditEvent(caller, options.dryRun ? "import.dry_run" : "import.run", "success", "import",
                                     options.jobId);
    event.detail = options.sourceName.substr(0, 200) + " sha256 " + scan.sha256 + " mapping " + mapping.name() +
                   ": read " + std::to_string(summary.read) + ", imported " + std::to_string(summary.imported) +
                   ", already present " + std::to_string(summary.alreadyPresent) + ", rejected " +
                   std::to_string(summary.rejected) + (summary.aborted ? " (aborted: nothing imported)" : "");
    {
        auto lease = context.pool.acquire();
        pqxx::work tx(*lease);
        db::AuditRepository::append(tx, event);
        tx.commit();
    }
    if (progress) progress({"done", scan.records, scan.records, summary.imported, summary.alreadyPresent, summary.rejected});
    return summary;
}

std::string errorReportHeader() { return "record;dossiernummer;column;value;code;message_nl;message_en\r\n"; }

std::string errorReportRow(const RowError& e) {
    return std::to_string(e.record) + ";" + csvCell(e.dossier) + ";" + csvCell(e.column) + ";" +
           csvCell(e.valueShown ? e.value : "") + ";" + e.code + ";" + csvCell(e.messageNl) + ";" + csvCell(e.messageEn) +
           "\r\n";
}

std::string errorReportCsv(const std::vector<RowError>& errors) {
    std::string out = errorReportHeader();
    for (const auto& e : errors) out += errorReportRow(e);
    return out;
}

}  // namespace registry::import
