#include "reports/report_repository.h"

#include "reports/chunk_store.h"

#include "server/core/crypto.h"
#include "server/db/query.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <stdexcept>

namespace registry::reports {
namespace {

// The rows a report counts: submitted or locked exams with exam_at in [from, to] (dates in
// Europe/Amsterdam), in the region scope. $1 region ('' = all), $2 from, $3 to.
const char* const kScope = R"SQL(
  f.status IN ('submitted', 'locked')
  AND f.exam_at >= ($2::date::timestamp AT TIME ZONE 'Europe/Amsterdam')
  AND f.exam_at < (($3::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')
  AND ($1 = '' OR f.region = $1))SQL";

// Rows are grouped by the month as a timestamp; only the groups are turned into labels.
const char* const kMonth = "date_trunc('month', f.exam_at AT TIME ZONE 'Europe/Amsterdam')";
const char* const kMonthLabel = "to_char(f.month, 'YYYY-MM')";

// Repeat victims are counted over every region and period: the pseudonym links them. The
// counts per pseudonym are kept by triggers (schema/036_victim_exam_counts.sql).
const char* const kRepeatVictims = "repeat_victims AS (SELECT victim_pseudonym FROM victim_exam_counts WHERE exams > 1)";

// The rows in scope as `f`, with their month and `repeat_victim`; `chunks` narrows them further.
std::string scopedRows(bool repeat, const std::string& chunks) {
    return std::string("SELECT f.*, ") + kMonth + " AS month, " +
           (repeat ? "(rv.victim_pseudonym IS NOT NULL)" : "false") + " AS repeat_victim" +
           "\n        FROM exam_facts f" +
           (repeat ? " LEFT JOIN repeat_victims rv ON rv.victim_pseudonym = f.victim_pseudonym" : "") +
           "\n       WHERE " + kScope + chunks;
}

bool mentionsRepeat(const Measure& m) { return m.sql.find("repeat_victim") != std::string::npos; }

std::string countSql(const Measure& m) {
    return m.sql.empty() ? "count(*)" : "count(*) FILTER (WHERE " + m.sql + ")";
}

bool isMonth(const std::string& s) {
    return s.size() == 7 && std::isdigit(static_cast<unsigned char>(s[0])) && std::isdigit(static_cast<unsigned char>(s[1])) &&
           std::isdigit(static_cast<unsigned char>(s[2])) && std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-' &&
           std::isdigit(static_cast<unsigned char>(s[5])) && std::isdigit(static_cast<unsigned char>(s[6]));
}

std::string nextMonth(const std::string& month) {
    int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) + 1;
    if (m > 12) {
        m = 1;
        ++y;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

// Only the rows of these months (Europe/Amsterdam), as index ranges on exam_at, consecutive
// months joined into one range. The labels come from the database and are checked to be YYYY-MM
// before they become literals.
std::string monthFilter(const std::set<std::string>& months) {
    auto bound = [](const std::string& month) {
        return "('" + month + "-01'::timestamp AT TIME ZONE 'Europe/Amsterdam')";
    };
    std::string out, first, end;
    auto close = [&] {
        if (first.empty()) return;
        out += std::string(out.empty() ? "" : " OR ") + "(f.exam_at >= " + bound(first) + " AND f.exam_at < " + bound(end) + ")";
    };
    for (const auto& m : months) {
        if (!isMonth(m)) throw std::runtime_error("unexpected month label " + m);
        if (m != end) {
            close();
            first = m;
        }
        end = nextMonth(m);
    }
    close();
    return "\n         AND (" + out + ")";
}

std::string periodOf(const std::string& month, Granularity g) {
    if (g == Granularity::Month) return month;
    return month.substr(0, 4) + "-Q" + std::to_string((std::stoi(month.substr(5, 2)) - 1) / 3 + 1);
}

using ChunkKey = std::pair<std::string, std::string>;  // region, month

// The distributions of `values` per chunk: one row per (chunk, expression, distinct value).
std::map<ChunkKey, std::vector<Distribution>> distributions(pqxx::transaction_base& tx, const AggregateRequest& request,
                                                            const std::vector<std::string>& values, bool repeat,
                                                            const std::string& chunks) {
    std::map<ChunkKey, std::vector<Distribution>> out;
    if (values.empty()) return out;
    std::ostringstream sql;
    if (repeat) sql << "WITH " << kRepeatVictims << "\n";
    // Grouped by the float8 itself; only the distinct values are turned into text. The values
    // of a row are one array, unnested: a LATERAL VALUES list of the same expressions measured
    // 4x slower over a million exams (its scan evaluated ~90 CASE terms at 89 us a row).
    sql << "SELECT f.region, " << kMonthLabel << ", x.k - 1, x.v::text, count(*)\nFROM (SELECT f.region, f.month, ARRAY[";
    for (std::size_t i = 0; i < values.size(); ++i) sql << (i ? ", " : "") << "(" << values[i] << ")::float8";
    sql << "] AS a\n  FROM (" << scopedRows(repeat, chunks) << ") f) f\n"
        << "CROSS JOIN LATERAL unnest(f.a) WITH ORDINALITY x(v, k)\nWHERE x.v IS NOT NULL\nGROUP BY f.region, f.month, x.k, x.v";
    for (const auto& row : tx.exec_params(sql.str(), request.region, request.from, request.to)) {
        auto& d = out[{row[0].as<std::string>(), row[1].as<std::string>()}];
        if (d.empty()) d.resize(values.size());
        d[row[2].as<std::size_t>()].add(std::strtod(row[3].c_str(), nullptr), row[4].as<long long>());
    }
    return out;
}

}  // namespace

std::string Measure::key() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", fraction);
    return (kind == Kind::Count ? "count:" : std::string("percentile:") + buf + ":") + sql;
}

bool Measure::isVolatile() const {
    return sql.find("repeat_victim") != std::string::npos || sql.find("victim_pseudonym") != std::string::npos;
}

AggregateResult ReportRepository::aggregate(pqxx::transaction_base& tx, const AggregateRequest& request, ChunkCache* cache,
                                            bool useStore) {
    // Where each measure comes from: a count kept per chunk, a count computed on every run
    // (volatile), or a percentile over a kept (or volatile) distribution of its value.
    struct Source {
        bool percentile = false, fresh = false;
        std::size_t index = 0;
    };
    std::vector<Source> sources(request.measures.size());
    std::vector<std::string> keptCounts, freshCounts, keptValues, freshValues;
    std::map<std::string, std::size_t> keptValueIndex, freshValueIndex;
    bool freshRepeat = false, freshValuesRepeat = false;
    std::string measureSet;
    for (std::size_t i = 0; i < request.measures.size(); ++i) {
        const Measure& m = request.measures[i];
        Source& s = sources[i];
        s.percentile = m.kind == Measure::Kind::Percentile;
        s.fresh = m.isVolatile();
        if (!s.percentile) {
            auto& list = s.fresh ? freshCounts : keptCounts;
            s.index = list.size();
            list.push_back(countSql(m));
            if (s.fresh) freshRepeat = freshRepeat || mentionsRepeat(m);
        } else {
            auto& list = s.fresh ? freshValues : keptValues;
            auto& index = s.fresh ? freshValueIndex : keptValueIndex;
            auto it = index.find(m.sql);
            if (it == index.end()) {
                it = index.emplace(m.sql, list.size()).first;
                list.push_back(m.sql);
            }
            s.index = it->second;
            if (s.fresh) freshValuesRepeat = freshValuesRepeat || mentionsRepeat(m);
        }
        if (!s.fresh) measureSet += m.key() + "\n";
    }

    AggregateResult result;
    // Measured over a million exams (bench/README.md): JIT compiling hundreds of FILTER
    // aggregates costs more than it saves; parallel workers each rebuild the repeat-victim hash
    // (and share two cores here); 4MB of work_mem sends the sorts of a year of rows to disk.
    // For this transaction only.
    tx.exec("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '64MB'");
    ++result.stats.queries;
    // 1. One pass over the narrow columns of the scope: each chunk's fingerprint and form
    //    versions, and the volatile counts.
    struct ChunkState {
        ChunkFingerprint fingerprint;
        std::vector<double> freshCounts;
        std::set<int> formVersions;
    };
    std::map<ChunkKey, ChunkState> chunks;
    {
        std::ostringstream sql;
        if (freshRepeat) sql << "WITH " << kRepeatVictims << "\n";
        sql << "SELECT f.region, " << kMonthLabel << ", f.form_version, count(*),\n"
               "  coalesce(sum(f.digest_a), 0)::text, coalesce(sum(f.digest_b), 0)::text";
        for (const auto& c : freshCounts) sql << ",\n  " << c;
        // Two independent 60-bit slices of an MD5 per record (id, version, outcome version;
        // stored by schema/037), summed: the same set of records at the same versions gives the
        // same sums whatever the row order; one amendment changes them.
        sql << "\nFROM (" << scopedRows(freshRepeat, "") << ") f\nGROUP BY f.region, f.month, f.form_version";
        ++result.stats.queries;
        for (const auto& row : tx.exec_params(sql.str(), request.region, request.from, request.to)) {
            ChunkState& c = chunks[{row[0].as<std::string>(), row[1].as<std::string>()}];
            c.formVersions.insert(row[2].as<int>());
            c.fingerprint.add({row[3].as<long long>(), parseUnsigned128(row[4].as<std::string>()),
                               parseUnsigned128(row[5].as<std::string>())});
            if (c.freshCounts.empty()) c.freshCounts.resize(freshCounts.size());
            for (std::size_t k = 0; k < freshCounts.size(); ++k) c.freshCounts[k] += row[static_cast<int>(k) + 6].as<double>();
        }
    }
    std::set<int> formVersions;
    ChunkFingerprint total;
    for (const auto& [key, c] : chunks) {
        total.add(c.fingerprint);
        formVersions.insert(c.formVersions.begin(), c.formVersions.end());
    }
    result.fingerprint.records = total.records;
    result.fingerprint.formVersions.assign(formVersions.begin(), formVersions.end());
    result.fingerprint.digest =
        crypto::sha256Hex(std::to_string(total.records) + ":" + toDecimal(total.sum1) + ":" + toDecimal(total.sum2));
    result.stats.chunks = static_cast<int>(chunks.size());

    // 2. The kept measures of each chunk: from the cache while the chunk's fingerprint holds,
    //    else computed for every chunk of its month, request.monthsPerPass months to a pass of
    //    counts and a pass of distributions.
    std::string prefix;
    if (cache) {
        ++result.stats.queries;
        const auto generation = tx.exec("SELECT coalesce((SELECT checksum FROM exam_facts_generation), '')");
        prefix = crypto::sha256Hex(generation[0][0].as<std::string>() + "\n" + measureSet);
    }
    // A chunk's values depend on its records alone, so the key names no date range: a chunk
    // cut by the report's first or last day is the whole month's whenever its fingerprint is.
    auto chunkId = [&](const ChunkKey& k) { return ChunkId{prefix + "|" + k.first + "|" + k.second, k.first, k.second}; };
    std::map<ChunkKey, ChunkValues> kept;
    std::set<std::string> missingMonths, allMonths;
    std::vector<ChunkId> notInMemory;
    for (const auto& [key, c] : chunks) {
        allMonths.insert(key.second);
        if (cache) {
            if (auto hit = cache->find(chunkId(key).key, c.fingerprint)) {
                kept.emplace(key, std::move(*hit));
                continue;
            }
            notInMemory.push_back(chunkId(key));
        }
        missingMonths.insert(key.second);
    }
    if (cache && useStore && request.warmOnly && !notInMemory.empty()) {
        // Which chunks are stored at their fingerprint: the first bytes of each payload only.
        ++result.stats.queries;
        const auto stored = ChunkStore::fingerprints(tx, notInMemory);
        missingMonths.clear();
        for (const auto& id : notInMemory) {
            auto it = stored.find(id.key);
            if (it != stored.end() && it->second == chunks.at({id.region, id.month}).fingerprint) {
                ++result.stats.chunksStored;
            } else {
                missingMonths.insert(id.month);
            }
        }
    } else if (cache && useStore && !notInMemory.empty()) {
        ++result.stats.queries;
        auto stored = ChunkStore::load(tx, notInMemory);
        for (const auto& id : notInMemory) {
            const ChunkKey key{id.region, id.month};
            auto it = stored.find(id.key);
            if (it == stored.end() || it->second.fingerprint != chunks.at(key).fingerprint) continue;
            cache->put(id.key, it->second);
            kept.emplace(key, std::move(it->second));
            ++result.stats.chunksStored;
        }
        missingMonths.clear();
        for (const auto& [key, c] : chunks) {
            if (!kept.count(key)) missingMonths.insert(key.second);
        }
    }
    std::vector<std::set<std::string>> passes;
    if (!keptCounts.empty() || !keptValues.empty()) {
        for (const auto& month : missingMonths) {
            if (passes.empty() || passes.back().size() >= std::max<std::size_t>(request.monthsPerPass, 1)) passes.emplace_back();
            passes.back().insert(month);
        }
    }
    for (const auto& months : passes) {
        const std::string filter = months == allMonths ? "" : monthFilter(months);
        std::map<ChunkKey, ChunkValues> computed;
        if (!keptCounts.empty()) {
            std::ostringstream sql;
            sql << "SELECT f.region, " << kMonthLabel;
            for (const auto& c : keptCounts) sql << ",\n  " << c;
            sql << "\nFROM (" << scopedRows(false, filter) << ") f\nGROUP BY f.region, f.month";
            ++result.stats.queries;
            for (const auto& row : tx.exec_params(sql.str(), request.region, request.from, request.to)) {
                auto& v = computed[{row[0].as<std::string>(), row[1].as<std::string>()}];
                v.counts.resize(keptCounts.size());
                for (std::size_t k = 0; k < keptCounts.size(); ++k) v.counts[k] = row[static_cast<int>(k) + 2].as<double>();
            }
        }
        if (!keptValues.empty()) {
            ++result.stats.queries;
            for (auto& [key, d] : distributions(tx, request, keptValues, false, filter)) computed[key].distributions = std::move(d);
        }
        for (const auto& [key, c] : chunks) {
            if (!months.count(key.second)) continue;
            ChunkValues& v = computed[key];
            v.counts.resize(keptCounts.size());
            v.distributions.resize(keptValues.size());
            v.fingerprint = c.fingerprint;
            if (cache) {
                if (!request.warmOnly) cache->put(chunkId(key).key, v);
                if (useStore) result.computed.emplace_back(chunkId(key), v);
            }
            kept[key] = std::move(v);
        }
    }
    for (const auto& [key, c] : chunks) result.stats.chunksReused += missingMonths.count(key.second) ? 0 : 1;
    result.stats.chunksComputed = result.stats.chunks - result.stats.chunksReused;
    if (request.warmOnly) return result;
    std::map<ChunkKey, std::vector<Distribution>> freshDistributions;
    if (!freshValues.empty()) {
        ++result.stats.queries;
        freshDistributions = distributions(tx, request, freshValues, freshValuesRepeat, "");
    }

    // 3. Every cell and margin from the chunks: counts add up, distributions merge.
    const std::size_t n = request.measures.size();
    std::map<ChunkKey, std::vector<Distribution>> keptMerged, freshMerged;
    for (const auto& [key, c] : chunks) {
        const std::string period = periodOf(key.second, request.granularity);
        const ChunkValues& v = kept[key];
        const auto fd = freshDistributions.find(key);
        for (const ChunkKey& cell : {ChunkKey{key.first, period}, ChunkKey{key.first, "*"}, ChunkKey{"*", period},
                                     ChunkKey{"*", "*"}}) {
            auto& values = result.cells[cell];
            if (values.empty()) values.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (sources[i].percentile) continue;
                const double add = sources[i].fresh ? c.freshCounts[sources[i].index] : v.counts[sources[i].index];
                values[i] = values[i].value_or(0) + add;
            }
            auto& km = keptMerged[cell];
            km.resize(keptValues.size());
            for (std::size_t k = 0; k < keptValues.size(); ++k) km[k].merge(v.distributions[k]);
            if (fd != freshDistributions.end()) {
                auto& fm = freshMerged[cell];
                fm.resize(freshValues.size());
                for (std::size_t k = 0; k < freshValues.size(); ++k) fm[k].merge(fd->second[k]);
            }
        }
    }
    for (auto& [cell, values] : result.cells) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!sources[i].percentile) continue;
            const auto& merged = sources[i].fresh ? freshMerged[cell] : keptMerged[cell];
            if (sources[i].index < merged.size()) values[i] = merged[sources[i].index].percentileCont(request.measures[i].fraction);
        }
    }
    return result;
}

static const db::Query kRegions{"report_regions", "SELECT code, name_nl FROM regions ORDER BY sort_order"};
std::vector<std::pair<std::string, std::string>> ReportRepository::regions(pqxx::transaction_base& tx) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row : db::exec(tx, kRegions)) out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    return out;
}

static const db::Query kForms{"report_form_definitions",
                              "SELECT version, definition::text FROM form_definitions ORDER BY version"};
std::vector<std::pair<int, std::string>> ReportRepository::formDefinitions(pqxx::transaction_base& tx) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& row : db::exec(tx, kForms)) out.emplace_back(row[0].as<int>(), row[1].as<std::string>());
    return out;
}

static const db::Query kDismissalCodes{"report_dismissal_codes", R"SQL(
SELECT DISTINCT ON (code) code, label_nl, label_en FROM dismissal_codes ORDER BY code, list_version DESC)SQL"};
std::vector<core::CodeDef> ReportRepository::codeList(pqxx::transaction_base& tx, const std::string& ref) {
    std::vector<core::CodeDef> out;
    if (ref != "dismissal_codes") return out;  // the only list the schema holds
    for (const auto& row : db::exec(tx, kDismissalCodes)) {
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
    return out;
}

}  // namespace registry::reports
