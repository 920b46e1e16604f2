#pragma once

// Partial aggregates of a report per (region, month): the pieces ReportRepository::aggregate
// adds up into every (region, period) cell and margin, and keeps between runs.
//
// A count adds up across chunks. A percentile does not, so a chunk keeps the distribution of
// the value instead: every distinct value with its count (exact, and small: hours are stored to
// 0.1 h, completeness has a few dozen levels). Merged distributions give exactly what
// PostgreSQL's percentile_cont gives over the union of the rows.

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace registry::reports {

// Distinct values (float8, as percentile_cont sees them) with how often each occurs. Kept as
// one sorted array (16 bytes a value; a tree node per value took three times that, and a
// server keeps hundreds of chunks): additions and merges append, and the array is sorted and
// its equal values combined when it is next read.
class Distribution {
public:
    void add(double value, long long count);
    void merge(const Distribution& other);
    long long size() const { return size_; }
    // percentile_cont(fraction) over the values: PostgreSQL's rule (orderedsetaggs.c), rows
    // floor and ceil of fraction * (n - 1), linear interpolation between them. nullopt if empty.
    std::optional<double> percentileCont(double fraction) const;
    // The distinct values in ascending order, each with its count.
    const std::vector<std::pair<double, long long>>& counts() const;

private:
    void normalize() const;
    mutable std::vector<std::pair<double, long long>> counts_;
    mutable bool normalized_ = true;
    long long size_ = 0;
};

// The fingerprint of the records in a chunk: count and two sums of 60-bit slices of an MD5 per
// record (see ReportRepository), kept exact in 128 bits; equal fingerprints mean the same
// records at the same versions.
struct ChunkFingerprint {
    long long records = 0;
    unsigned __int128 sum1 = 0, sum2 = 0;
    bool operator==(const ChunkFingerprint& o) const { return records == o.records && sum1 == o.sum1 && sum2 == o.sum2; }
    bool operator!=(const ChunkFingerprint& o) const { return !(*this == o); }
    void add(const ChunkFingerprint& o) {
        records += o.records;
        sum1 += o.sum1;
        sum2 += o.sum2;
    }
};

unsigned __int128 parseUnsigned128(const std::string& decimal);  // throws std::invalid_argument
std::string toDecimal(unsigned __int128 value);

struct ChunkValues {
    ChunkFingerprint fingerprint;
    std::vector<double> counts;               // one per cached count measure
    std::vector<Distribution> distributions;  // one per cached percentile expression
};

// A chunk as bytes (the payload of report_chunks, schema/047) and back. Host byte order: a
// streaming replica is a physical copy, on the same architecture. decodeChunk gives nullopt for
// bytes it did not write (another layout version, a cut-off or padded row), so such a row is
// only ever a cache miss.
std::string encodeChunk(const ChunkValues& values);
std::optional<ChunkValues> decodeChunk(const std::string& bytes);
// The fingerprint alone, from the first kChunkFingerprintBytes of a payload.
constexpr std::size_t kChunkFingerprintBytes = 4 + 8 + 16 + 16;
std::optional<ChunkFingerprint> decodeChunkFingerprint(const std::string& prefix);

// What one aggregation did, for the log and the benchmark.
struct AggregateStats {
    int queries = 0;       // SQL statements
    int chunks = 0;        // (region, month) pieces with records in scope
    int chunksReused = 0;  // taken from the cache, their fingerprint unchanged
    int chunksStored = 0;  // of those, read from report_chunks (the rest from memory)
    int chunksComputed = 0;  // aggregated by this run
    double querySeconds = 0;  // the report's database part (set by the engine)
};

// The chunks of earlier runs in this process, by key (measure set, fact generation, region and
// month; ChunkStore keeps them in the database as well). An entry is used only while its records' fingerprint is unchanged,
// so amendments, outcomes, erasures and submissions replace it on the next run. Bounded: when
// full it starts again empty (a report needs at most a few hundred chunks).
class ChunkCache {
public:
    explicit ChunkCache(std::size_t capacity = 4096) : capacity_(capacity) {}
    std::optional<ChunkValues> find(const std::string& key, const ChunkFingerprint& fingerprint) const;
    void put(const std::string& key, ChunkValues values);
    std::size_t size() const;

private:
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::map<std::string, ChunkValues> entries_;
};

}  // namespace registry::reports
