#include "reports/aggregate_chunks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace registry::reports {

void Distribution::add(double value, long long count) {
    if (count <= 0) return;
    counts_.emplace_back(value, count);
    normalized_ = counts_.size() == 1;
    size_ += count;
}

void Distribution::merge(const Distribution& other) {
    if (other.counts_.empty()) return;
    counts_.insert(counts_.end(), other.counts_.begin(), other.counts_.end());
    normalized_ = false;
    size_ += other.size_;
}

void Distribution::normalize() const {
    if (normalized_) return;
    std::sort(counts_.begin(), counts_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (out > 0 && counts_[out - 1].first == counts_[i].first) {
            counts_[out - 1].second += counts_[i].second;
        } else {
            counts_[out++] = counts_[i];
        }
    }
    counts_.resize(out);
    counts_.shrink_to_fit();
    normalized_ = true;
}

const std::vector<std::pair<double, long long>>& Distribution::counts() const {
    normalize();
    return counts_;
}

std::optional<double> Distribution::percentileCont(double fraction) const {
    if (size_ == 0) return std::nullopt;
    normalize();
    const double position = fraction * static_cast<double>(size_ - 1);
    const auto first = static_cast<long long>(std::floor(position));
    const auto second = static_cast<long long>(std::ceil(position));
    std::optional<double> lo, hi;
    long long seen = 0;  // rows before the current value
    for (const auto& [value, count] : counts_) {
        if (!lo && first < seen + count) lo = value;
        if (second < seen + count) {
            hi = value;
            break;
        }
        seen += count;
    }
    if (first == second) return *lo;
    const double proportion = position - static_cast<double>(first);
    return *lo + (proportion * (*hi - *lo));
}

unsigned __int128 parseUnsigned128(const std::string& decimal) {
    if (decimal.empty()) throw std::invalid_argument("empty number");
    unsigned __int128 v = 0;
    for (char c : decimal) {
        if (c < '0' || c > '9') throw std::invalid_argument("not a whole number: " + decimal);
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

std::string toDecimal(unsigned __int128 value) {
    if (value == 0) return "0";
    std::string out;
    while (value > 0) {
        out.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
        value /= 10;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

namespace {

constexpr char kChunkMagic[4] = {'R', 'C', 'H', '1'};

template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

// Reads from a byte string, refusing to run past its end.
class Reader {
public:
    explicit Reader(const std::string& bytes) : bytes_(bytes) {}
    template <typename T>
    bool get(T& value) {
        if (bytes_.size() - pos_ < sizeof(T)) return false;
        std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }
    std::size_t left() const { return bytes_.size() - pos_; }

private:
    const std::string& bytes_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string encodeChunk(const ChunkValues& values) {
    std::string out(kChunkMagic, sizeof kChunkMagic);
    put<std::int64_t>(out, values.fingerprint.records);
    put(out, values.fingerprint.sum1);
    put(out, values.fingerprint.sum2);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(values.counts.size()));
    for (double c : values.counts) put(out, c);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(values.distributions.size()));
    for (const auto& d : values.distributions) {
        put<std::uint32_t>(out, static_cast<std::uint32_t>(d.counts().size()));
        for (const auto& [value, count] : d.counts()) {
            put(out, value);
            put<std::int64_t>(out, count);
        }
    }
    return out;
}

std::optional<ChunkFingerprint> decodeChunkFingerprint(const std::string& prefix) {
    if (prefix.size() < kChunkFingerprintBytes || std::memcmp(prefix.data(), kChunkMagic, sizeof kChunkMagic) != 0) {
        return std::nullopt;
    }
    const std::string body = prefix.substr(sizeof kChunkMagic, kChunkFingerprintBytes - sizeof kChunkMagic);
    Reader in(body);
    ChunkFingerprint f;
    std::int64_t records = 0;
    if (!in.get(records) || records < 0 || !in.get(f.sum1) || !in.get(f.sum2)) return std::nullopt;
    f.records = records;
    return f;
}

std::optional<ChunkValues> decodeChunk(const std::string& bytes) {
    if (bytes.size() < sizeof kChunkMagic || std::memcmp(bytes.data(), kChunkMagic, sizeof kChunkMagic) != 0) {
        return std::nullopt;
    }
    const std::string body = bytes.substr(sizeof kChunkMagic);
    Reader in(body);
    ChunkValues v;
    std::int64_t records = 0;
    std::uint32_t n = 0;
    if (!in.get(records) || records < 0 || !in.get(v.fingerprint.sum1) || !in.get(v.fingerprint.sum2) || !in.get(n)) {
        return std::nullopt;
    }
    v.fingerprint.records = records;
    if (n > in.left() / sizeof(double)) return std::nullopt;
    v.counts.resize(n);
    for (auto& c : v.counts) in.get(c);
    if (!in.get(n) || n > in.left() / sizeof(std::uint32_t)) return std::nullopt;
    v.distributions.resize(n);
    for (auto& d : v.distributions) {
        std::uint32_t values = 0;
        if (!in.get(values) || values > in.left() / (sizeof(double) + sizeof(std::int64_t))) return std::nullopt;
        for (std::uint32_t i = 0; i < values; ++i) {
            double value = 0;
            std::int64_t count = 0;
            in.get(value);
            in.get(count);
            if (count <= 0 || !std::isfinite(value)) return std::nullopt;
            d.add(value, count);
        }
    }
    if (in.left() != 0) return std::nullopt;
    return v;
}

std::optional<ChunkValues> ChunkCache::find(const std::string& key, const ChunkFingerprint& fingerprint) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.fingerprint != fingerprint) return std::nullopt;
    return it->second;
}

void ChunkCache::put(const std::string& key, ChunkValues values) {
    // Sorted before it is shared: a copy handed out by find() is then only ever read.
    for (const auto& d : values.distributions) d.counts();
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.count(key)) entries_.clear();
    entries_[key] = std::move(values);
}

std::size_t ChunkCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

}  // namespace registry::reports
