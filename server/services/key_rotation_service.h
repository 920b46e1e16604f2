#pragma once

#include "server/core/caller.h"
#include "server/core/pseudonym.h"
#include "server/db/pool.h"

#include <chrono>
#include <functional>

namespace registry::services {

struct RotationSummary {
    int targetVersion = 0;
    bool resumed = false;          // an interrupted run was continued
    bool alreadyComplete = false;  // nothing was left to do
    long long examsRekeyed = 0;    // by this run
    long long versionsRekeyed = 0;
    long long batches = 0;
};

// Brings every stored pseudonym to the current key version of the chain: p(v) = HMAC(k_v,
// p(v-1)), so no clear value is needed and linkage is kept. Exams are visited in id order in
// batches; each batch, its progress and its audit event commit together, so a crash loses at
// most the batch in flight and a rerun resumes after the last committed one. Memory is bounded
// by the batch size.
class KeyRotationService {
public:
    KeyRotationService(db::ConnectionPool& pool, const core::Pseudonymiser& chain) : pool_(pool), chain_(chain) {}

    using Progress = std::function<void(const RotationSummary&)>;
    RotationSummary rotate(const core::Caller& caller, int batchSize, std::chrono::milliseconds pause,
                           const Progress& progress = {});

private:
    db::ConnectionPool& pool_;
    const core::Pseudonymiser& chain_;
};

}  // namespace registry::services
