#include <boost/test/unit_test.hpp>

#include "reports/aggregate_chunks.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using registry::reports::ChunkCache;
using registry::reports::ChunkFingerprint;
using registry::reports::ChunkValues;
using registry::reports::Distribution;

namespace {

// percentile_cont as the PostgreSQL documentation defines it, over the expanded, sorted rows.
double reference(std::vector<double> rows, double q) {
    std::sort(rows.begin(), rows.end());
    const double pos = q * static_cast<double>(rows.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos)), hi = static_cast<std::size_t>(std::ceil(pos));
    if (lo == hi) return rows[lo];
    return rows[lo] + ((pos - static_cast<double>(lo)) * (rows[hi] - rows[lo]));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregate_chunks)

BOOST_AUTO_TEST_CASE(percentiles_of_merged_distributions_equal_those_of_the_rows) {
    std::mt19937 random(20261202);
    for (int trial = 0; trial < 200; ++trial) {
        // Hours to 0.1 h with many ties, spread over a few chunks.
        const int chunks = 1 + trial % 5;
        std::vector<double> rows;
        Distribution merged;
        for (int c = 0; c < chunks; ++c) {
            Distribution d;
            const int n = static_cast<int>(random() % 40);
            for (int i = 0; i < n; ++i) {
                const double v = static_cast<double>(random() % 900) / 10.0;
                rows.push_back(v);
                d.add(v, 1);
            }
            merged.merge(d);
        }
        BOOST_TEST(merged.size() == static_cast<long long>(rows.size()));
        for (double q : {0.0, 0.25, 0.5, 0.75, 0.9, 1.0}) {
            const auto got = merged.percentileCont(q);
            if (rows.empty()) {
                BOOST_TEST(!got.has_value());
            } else {
                BOOST_TEST_REQUIRE(got.has_value());
                BOOST_TEST(*got == reference(rows, q));  // exactly: same operations in the same order
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(counts_of_a_value_weigh_like_repeated_rows) {
    Distribution d;
    d.add(10.0, 20);
    d.add(60.0, 10);
    d.add(99.0, 0);  // ignored
    BOOST_TEST(d.size() == 30);
    BOOST_TEST(*d.percentileCont(0.5) == 10.0);
    BOOST_TEST(*d.percentileCont(0.9) == 60.0);
    // Between the two values: row 19 is 10, row 20 is 60; 0.66 * 29 = 19.14.
    BOOST_TEST(*d.percentileCont(0.66) == 10.0 + ((0.66 * 29 - 19) * 50.0));
}

BOOST_AUTO_TEST_CASE(fingerprint_sums_are_exact_beyond_64_bits) {
    const std::string big = "302231454903657293676544";  // 2^78, the order of a million 60-bit sums
    BOOST_TEST(registry::reports::toDecimal(registry::reports::parseUnsigned128(big)) == big);
    BOOST_TEST(registry::reports::toDecimal(0) == "0");
    BOOST_CHECK_THROW(registry::reports::parseUnsigned128("12a"), std::invalid_argument);
    BOOST_CHECK_THROW(registry::reports::parseUnsigned128(""), std::invalid_argument);
    ChunkFingerprint a{3, registry::reports::parseUnsigned128(big), 7};
    ChunkFingerprint b{1, registry::reports::parseUnsigned128(big), 1};
    a.add(b);
    BOOST_TEST(a.records == 4);
    BOOST_TEST(registry::reports::toDecimal(a.sum1) == "604462909807314587353088");
}

BOOST_AUTO_TEST_CASE(a_cached_chunk_is_used_only_at_its_fingerprint) {
    ChunkCache cache(2);
    ChunkValues v;
    v.fingerprint = {5, 11, 13};
    v.counts = {5, 2};
    cache.put("k1", v);
    BOOST_TEST(cache.find("k1", {5, 11, 13}).has_value());
    BOOST_TEST(cache.find("k1", {5, 11, 13})->counts[1] == 2);
    BOOST_TEST(!cache.find("k1", {5, 11, 14}).has_value());  // an amendment changed a version
    BOOST_TEST(!cache.find("k1", {4, 11, 13}).has_value());  // a record erased
    BOOST_TEST(!cache.find("k2", {5, 11, 13}).has_value());
    cache.put("k2", v);
    cache.put("k3", v);  // over capacity: starts again
    BOOST_TEST(cache.size() == 1u);
    BOOST_TEST(cache.find("k3", {5, 11, 13}).has_value());
}

BOOST_AUTO_TEST_CASE(a_stored_chunk_reads_back_exactly_and_damaged_bytes_are_refused) {
    ChunkValues v;
    v.fingerprint = {804, (static_cast<unsigned __int128>(1) << 100) + 7, 12345678901234567ULL};
    v.counts = {804, 0, 17.0, 3e15};
    v.distributions.resize(3);
    v.distributions[0].add(0.1, 3);
    v.distributions[0].add(47.5, 1);
    v.distributions[0].add(-2.0, 9);
    v.distributions[2].add(1.0, 804);
    const std::string bytes = registry::reports::encodeChunk(v);
    const auto back = registry::reports::decodeChunk(bytes);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((back->fingerprint == v.fingerprint));
    BOOST_TEST(back->counts == v.counts);
    BOOST_TEST_REQUIRE(back->distributions.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST((back->distributions[i].counts() == v.distributions[i].counts()));
        BOOST_TEST(back->distributions[i].size() == v.distributions[i].size());
    }
    // The warmer reads the fingerprint alone from the payload's first bytes.
    const auto fingerprint = registry::reports::decodeChunkFingerprint(bytes.substr(0, registry::reports::kChunkFingerprintBytes));
    BOOST_TEST_REQUIRE(fingerprint.has_value());
    BOOST_TEST((*fingerprint == v.fingerprint));
    BOOST_TEST(!registry::reports::decodeChunkFingerprint(bytes.substr(0, registry::reports::kChunkFingerprintBytes - 1)));
    // Cut off anywhere, padded, of another layout: a miss, never a wrong chunk.
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        BOOST_TEST(!registry::reports::decodeChunk(bytes.substr(0, n)).has_value(), n << " bytes");
    }
    BOOST_TEST(!registry::reports::decodeChunk(bytes + '\0').has_value());
    std::string otherLayout = bytes;
    otherLayout[3] = '2';
    BOOST_TEST(!registry::reports::decodeChunk(otherLayout).has_value());
    // A count claiming more entries than the bytes hold is refused before anything is allocated.
    std::string huge = bytes.substr(0, 4 + 8 + 32) + std::string("\xff\xff\xff\x7f", 4);
    BOOST_TEST(!registry::reports::decodeChunk(huge).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
