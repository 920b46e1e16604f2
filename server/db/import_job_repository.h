#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace registry::db {

// A row error of an import job as stored: the Dossiernummer only sealed (schema/040).
struct StoredImportError {
    std::int64_t record = 0;
    std::optional<std::string> dossierSealed;  // raw bytes of crypto::seal
    std::string column;
    std::optional<std::string> value;  // absent where the column is identifying
    std::string code, messageNl, messageEn;
};

struct StoredImportJob {
    std::string id, ownerId, ownerRegion, status, mapping, sourceName, onError;
    bool dryRun = false;
    std::string createdAt, finishedAt;  // ISO 8601 UTC; finishedAt empty while unfinished
    std::string phase;
    std::int64_t total = 0, done = 0, imported = 0, alreadyPresent = 0, rejected = 0;
    bool hasSummary = false;  // status done
    std::string sha256, encoding, delimiter;
    std::int64_t read = 0;
    bool aborted = false;
    std::string failureCode, failureMessage;
    int keyVersion = 1;
};

// Import jobs of the upload API (schema/040_import_jobs.sql).
class ImportJobRepository {
public:
    static void insert(pqxx::transaction_base& tx, const StoredImportJob& job);
    static void progress(pqxx::transaction_base& tx, const std::string& id, const std::string& status,
                         const std::string& phase, std::int64_t total, std::int64_t done, std::int64_t imported,
                         std::int64_t alreadyPresent, std::int64_t rejected);
    // The end of a job: its summary (when `job.hasSummary`) or failure, and its row errors.
    static void finish(pqxx::transaction_base& tx, const StoredImportJob& job, const std::vector<StoredImportError>& errors);
    // The job if it exists and `ownerId` uploaded it.
    static std::optional<StoredImportJob> find(pqxx::transaction_base& tx, const std::string& id, const std::string& ownerId);
    static std::vector<StoredImportError> errors(pqxx::transaction_base& tx, const std::string& id);
    // The server that holds a queued or running job vouches for it (updated_at) while it lives.
    static void touch(pqxx::transaction_base& tx, const std::vector<std::string>& ids);
    // A queued or running job nobody vouched for in `staleSeconds` lost its server: failed, code
    // `interrupted`, with `message`.
    static void expireIfStale(pqxx::transaction_base& tx, const std::string& id, int staleSeconds,
                              const std::string& message);
    // Forgets all but the `keep` most recently finished jobs (their row errors go with them).
    static void pruneFinished(pqxx::transaction_base& tx, std::size_t keep);
};

}  // namespace registry::db
