#pragma once

// The import keys met so far in one pass over a file, to reject a record whose Dossiernummer
// came earlier in the same file. Kept as the first 64 bits of each pseudonym (a clash among a
// million keys is ~1e-8 likely, and would at worst reject one record as a duplicate) in a sorted
// vector, plus a small hash set of the newest keys that is merged into it when full: 8 bytes a
// key, where a node-based set spends about 40, so the importer's memory stays flat over a
// million-record file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace registry::import {

class KeySet {
public:
    explicit KeySet(std::size_t bufferLimit = 65536) : bufferLimit_(bufferLimit) {}

    // Adds the key of a pseudonym (hex, at least 16 digits); false when it was already there.
    bool insert(const std::string& pseudonymHex);
    bool insert(std::uint64_t key);
    std::size_t size() const { return sorted_.size() + recent_.size(); }
    void clear();

    static std::uint64_t shortKey(const std::string& pseudonymHex);  // throws std::invalid_argument

private:
    void mergeRecent();

    std::size_t bufferLimit_;
    std::vector<std::uint64_t> sorted_;
    std::unordered_set<std::uint64_t> recent_;
};

}  // namespace registry::import
