#include "reports/chunk_store.h"

#include "server/core/crypto.h"
#include "server/db/query.h"

#include <Poco/Logger.h>

#include <exception>

namespace registry::reports {
namespace {

// A text[] literal of the keys: each quoted, with backslash and quote escaped.
std::string arrayLiteral(const std::vector<ChunkId>& ids) {
    std::string out = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char c : ids[i].key) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

const db::Query kLoad{"report_chunks_load", "SELECT key, payload FROM report_chunks WHERE key = ANY($1::text[])"};
const db::Query kFingerprints{"report_chunks_fingerprints",
                             "SELECT key, substring(payload FROM 1 FOR $2) FROM report_chunks WHERE key = ANY($1::text[])"};
const db::Query kSave{"report_chunks_save", R"SQL(
INSERT INTO report_chunks (key, region, month, payload) VALUES ($1, $2, $3, decode($4, 'hex'))
ON CONFLICT (key) DO UPDATE SET region = EXCLUDED.region, month = EXCLUDED.month, payload = EXCLUDED.payload,
                                stored_at = now())SQL"};
const db::Query kPrune{"report_chunks_prune",
                       "DELETE FROM report_chunks WHERE stored_at < now() - make_interval(days => $1)"};

}  // namespace

std::map<std::string, ChunkValues> ChunkStore::load(pqxx::transaction_base& tx, const std::vector<ChunkId>& ids) {
    std::map<std::string, ChunkValues> out;
    if (ids.empty()) return out;
    for (const auto& row : db::exec(tx, kLoad, arrayLiteral(ids))) {
        if (auto values = decodeChunk(pqxx::binarystring(row[1]).str())) out.emplace(row[0].as<std::string>(), std::move(*values));
    }
    return out;
}

std::map<std::string, ChunkFingerprint> ChunkStore::fingerprints(pqxx::transaction_base& tx, const std::vector<ChunkId>& ids) {
    std::map<std::string, ChunkFingerprint> out;
    if (ids.empty()) return out;
    for (const auto& row : db::exec(tx, kFingerprints, arrayLiteral(ids), static_cast<int>(kChunkFingerprintBytes))) {
        if (auto f = decodeChunkFingerprint(pqxx::binarystring(row[1]).str())) out.emplace(row[0].as<std::string>(), *f);
    }
    return out;
}

bool ChunkStore::save(const std::vector<std::pair<ChunkId, ChunkValues>>& chunks) const {
    if (!primary_ || chunks.empty()) return true;
    try {
        auto lease = primary_->acquire();
        pqxx::work tx(*lease);
        for (const auto& [id, values] : chunks) {
            db::exec(tx, kSave, id.key, id.region, id.month, crypto::toHex(encodeChunk(values)));
        }
        db::exec(tx, kPrune, kPruneDays);
        tx.commit();
        return true;
    } catch (const std::exception& e) {
        Poco::Logger::get("registry.reports")
            .warning(std::string("report chunks not stored (the next report computes them again): ") + e.what());
        return false;
    }
}

}  // namespace registry::reports
