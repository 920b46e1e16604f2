#pragma once

// Report chunks kept in the database (report_chunks, schema/047_report_chunks.sql): the second
// tier behind the engine's ChunkCache. A fresh process, `registry report` and every instance
// behind the load balancer find the chunks computed before, so only the months whose records
// changed are aggregated again.
//
// Chunks are read in the report's own transaction (on a streaming replica they arrive by
// replication) and written on the primary, after the report's transaction, in one short
// transaction of their own. A failed write costs a later report time, never a wrong figure:
// a chunk is used only while its records' fingerprint holds.

#include "reports/aggregate_chunks.h"
#include "server/db/pool.h"

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace registry::reports {

// A chunk's identity: its measure set (with the fact generation), region and month.
struct ChunkId {
    std::string key, region, month;
};

class ChunkStore {
public:
    // An engine that neither reads nor writes report_chunks (computes everything it has not
    // in memory), one that reads them only, and one that also writes what it computes.
    static ChunkStore none() { return ChunkStore(false, nullptr); }
    static ChunkStore readOnly() { return ChunkStore(true, nullptr); }
    static ChunkStore readWrite(db::ConnectionPool& primary) { return ChunkStore(true, &primary); }
    bool reads() const { return reads_; }

    // The stored chunks among `ids` whose payload decodes (by key); a chunk that no longer
    // decodes is left out, so it is computed again and overwritten.
    static std::map<std::string, ChunkValues> load(pqxx::transaction_base& tx, const std::vector<ChunkId>& ids);

    // The fingerprints of the stored chunks among `ids` (by key), from the first bytes of each
    // payload: what the warmer needs to know which chunks to aggregate.
    static std::map<std::string, ChunkFingerprint> fingerprints(pqxx::transaction_base& tx, const std::vector<ChunkId>& ids);

    // Writes (or replaces) the chunks, and drops chunks not written for kPruneDays (left by an
    // older measure set or fact generation; a current one is simply computed and written again).
    // Logs and returns false when the primary cannot be written.
    bool save(const std::vector<std::pair<ChunkId, ChunkValues>>& chunks) const;

    static constexpr int kPruneDays = 90;

private:
    ChunkStore(bool reads, db::ConnectionPool* primary) : reads_(reads), primary_(primary) {}
    bool reads_;
    db::ConnectionPool* primary_;
};

}  // namespace registry::reports
