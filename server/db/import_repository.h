#pragma once

#include "server/db/exam_repository.h"

#include <pqxx/pqxx>

#include <set>
#include <string>
#include <vector>

namespace registry::db {

// The account that authors imported records (schema/010_legacy_import.sql).
extern const char* const kLegacyImportUserId;

// An exam of the legacy import, ready to store, with where it came from.
struct ImportedExam {
    ExamWrite write;  // status submitted, version 1, author kLegacyImportUserId
    std::string importKey;  // pseudonym of the source's key (Dossiernummer)
    long recordNumber = 0;
};

struct ImportProvenance {
    std::string sourceFile;
    std::string sourceDigest;  // SHA-256 hex of the file
    std::string jobId;         // uuid, or empty
};

// Bulk writes of the legacy import: the same tables and columns as ExamRepository::insert and
// insertVersion (so every trigger on them runs for imports too): the exams with COPY, their
// version rows with one INSERT ... SELECT from the rows just copied.
class ImportRepository {
public:
    // Imports write one at a time, so that the key check below and the writes after it cannot
    // interleave with another import of the same records. A session lock on `connection`, held
    // for a whole run (its batches are written on other connections): tryLockRun takes it if it
    // is free, unlockRun gives it back. A connection that dies takes the lock with it.
    static constexpr long long kRunLockKey = 7513010;
    static bool tryLockRun(pqxx::connection& connection);
    static void unlockRun(pqxx::connection& connection);
    // Which of `keys` are already stored, or were stored and then erased.
    static std::set<std::string> existingKeys(pqxx::transaction_base& tx, const std::vector<std::string>& keys);
    // Exam rows (COPY), then one `import` version row each (copied from the stored rows).
    static void copyExams(pqxx::transaction_base& tx, const std::vector<const ImportedExam*>& exams,
                          const ImportProvenance& provenance);
};

}  // namespace registry::db
