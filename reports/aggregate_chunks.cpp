#include "reports/aggregate_chunks.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace registry::reports {

void Distribution::add(double value, long long count) {
    if (count <= 0) return;
    counts_[value] += count;
    size_ += count;
}

void Distribution::merge(const Distribution& other) {
    for (const auto& [value, count] : other.counts_) counts_[value] += count;
    size_ += other.size_;
}

std::optional<double> Distribution::percentileCont(double fraction) const {
    if (size_ == 0) return std::nullopt;
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

std::optional<ChunkValues> ChunkCache::find(const std::string& key, const ChunkFingerprint& fingerprint) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.fingerprint != fingerprint) return std::nullopt;
    return it->second;
}

void ChunkCache::put(const std::string& key, ChunkValues values) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.count(key)) entries_.clear();
    entries_[key] = std::move(values);
}

std::size_t ChunkCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

}  // namespace registry::reports
