#include "import/key_set.h"

#include "server/core/crypto.h"

#include <algorithm>
#include <stdexcept>

namespace registry::import {

std::uint64_t KeySet::shortKey(const std::string& pseudonymHex) {
    if (pseudonymHex.size() < 16) throw std::invalid_argument("an import key has at least 16 hex digits");
    std::uint64_t key = 0;
    for (unsigned char byte : crypto::fromHex(pseudonymHex.substr(0, 16))) key = (key << 8) | byte;
    return key;
}

bool KeySet::insert(const std::string& pseudonymHex) { return insert(shortKey(pseudonymHex)); }

bool KeySet::insert(std::uint64_t key) {
    if (std::binary_search(sorted_.begin(), sorted_.end(), key)) return false;
    if (!recent_.insert(key).second) return false;
    if (recent_.size() >= bufferLimit_) mergeRecent();
    return true;
}

void KeySet::mergeRecent() {
    const auto middle = sorted_.size();
    sorted_.insert(sorted_.end(), recent_.begin(), recent_.end());
    std::sort(sorted_.begin() + static_cast<std::ptrdiff_t>(middle), sorted_.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + static_cast<std::ptrdiff_t>(middle), sorted_.end());
    recent_.clear();
}

void KeySet::clear() {
    sorted_.clear();
    sorted_.shrink_to_fit();
    recent_.clear();
}

}  // namespace registry::import
