#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace registry::db {

struct RotationProgress {
    int targetVersion = 0;
    bool finished = false;
    std::string lastExamId;  // keyset cursor; empty: from the start
    long long examsRekeyed = 0;
    long long versionsRekeyed = 0;
};

// Pseudonyms of one stored row: an exam (version 0) or one of its versions.
struct PseudonymRow {
    std::string examId;
    int version = 0;
    std::optional<std::string> victim;
    std::optional<std::string> police;
    int keyVersion = 0;
};

// The SQL of `registry keys rotate`: a keyset walk over exams in id order, in batches, with the
// progress of the walk stored so that a rerun resumes.
class KeyRotationRepository {
public:
    // The progress row of a rotation to `targetVersion`, created if new, locked for this transaction.
    static RotationProgress startOrResume(pqxx::transaction_base& tx, int targetVersion);
    static void restart(pqxx::transaction_base& tx, int targetVersion);
    static void saveProgress(pqxx::transaction_base& tx, int targetVersion, const std::string& lastExamId,
                             long long exams, long long versions);
    static void finish(pqxx::transaction_base& tx, int targetVersion);

    // The next `limit` exam ids after `afterId` (empty: from the first).
    static std::vector<std::string> nextExamIds(pqxx::transaction_base& tx, const std::string& afterId, int limit);
    // Rows of these exams (and of their versions) made under an older key version, locked.
    static std::vector<PseudonymRow> staleExams(pqxx::transaction_base& tx, const std::vector<std::string>& ids,
                                                int targetVersion);
    static std::vector<PseudonymRow> staleVersions(pqxx::transaction_base& tx, const std::vector<std::string>& ids,
                                                   int targetVersion);
    // Writes the new pseudonyms (rows as returned above, their pseudonyms replaced).
    static void updateExams(pqxx::transaction_base& tx, const std::vector<PseudonymRow>& rows, int targetVersion);
    static void updateVersions(pqxx::transaction_base& tx, const std::vector<PseudonymRow>& rows, int targetVersion);

    // Rows still under an older version, and the oldest version in use (0 if there are no rows).
    static long long countStale(pqxx::transaction_base& tx, int targetVersion);
    static int oldestKeyVersion(pqxx::transaction_base& tx);
};

}  // namespace registry::db
