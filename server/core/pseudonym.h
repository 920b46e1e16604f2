#pragma once

#include "server/core/key_file.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace registry::core {

// Canonical form of an identifying reference, so that the same reference typed differently
// yields the same pseudonym: ASCII letters upper-cased; removed everywhere (which also trims)
// are ASCII whitespace, '-', and the UTF-8 encoded U+00A0 no-break space, U+2007 figure space,
// U+202F narrow no-break space, U+2010..U+2015 hyphens/dashes (incl. en and em dash) and
// U+2212 minus sign. Other bytes are kept unchanged.
// Changing this set changes pseudonyms: it requires a re-keying run.
// Example: " pl0912-2026 123456 " -> "PL09122026123456".
std::string normaliseReference(const std::string& clear);

// Keyed pseudonyms for identifying inputs (SECURITY.md "Pseudonymisation").
class Pseudonymiser {
public:
    static constexpr std::size_t kMinKeyBytes = 32;

    // key: raw bytes, at least kMinKeyBytes, else std::invalid_argument.
    Pseudonymiser(int keyVersion, std::string key);
    ~Pseudonymiser();
    Pseudonymiser(const Pseudonymiser&) = default;
    Pseudonymiser& operator=(const Pseudonymiser&) = default;
    Pseudonymiser(Pseudonymiser&&) = default;
    Pseudonymiser& operator=(Pseudonymiser&&) = default;

    // The file holds the key as hex (>= 64 digits, surrounding whitespace allowed) and must be
    // a regular file with mode 0600 or 0400 (no group/other bits). Throws KeyFileError.
    static Pseudonymiser fromKeyFile(const std::string& path, int keyVersion);

    // A key chain after rotations: `previous` holds the keys of versions
    // keyVersion - previous.size() .. keyVersion - 1, oldest first; `current` is keyVersion's.
    // Throws KeyFileError like fromKeyFile, and if keyVersion - previous.size() < 1.
    static Pseudonymiser fromKeyFiles(const std::vector<std::string>& previousPaths, const std::string& currentPath,
                                      int keyVersion);

    // The pseudonym under the current key version, 64 lower-case hex characters. With one key:
    // HMAC-SHA256(key, normaliseReference(clear)). After rotations the oldest key is applied to
    // the clear value and each later key to the previous pseudonym:
    //   p(base) = HMAC(k_base, normalised), p(v) = HMAC(k_v, p(v-1)) in hex,
    // so a stored pseudonym can be brought forward without the clear value (forward()).
    // Throws std::invalid_argument when the normalised value is empty.
    std::string pseudonymise(const std::string& clear) const;
    // The pseudonym of `clear` under every version the chain holds, oldest first: what a lookup
    // must match while a rotation is still under way.
    std::vector<std::string> pseudonymsAllVersions(const std::string& clear) const;
    // A pseudonym made under `fromVersion`, brought forward to the current version. Throws
    // std::out_of_range if the chain does not hold that version.
    std::string forward(const std::string& pseudonym, int fromVersion) const;

    // A 32-byte key for another use of the secret (e.g. sealing what must not be stored in
    // clear), HMAC(key of `version`, "registry derived key: " + purpose). The label holds lower
    // case and spaces, so it can never be a normalised reference or a hex pseudonym: a derived
    // key is never a pseudonym. Throws std::out_of_range if the chain does not hold `version`.
    std::string derivedKey(const std::string& purpose, int version) const;

    int keyVersion() const { return keyVersion_; }
    // The oldest version the chain can bring forward.
    int baseVersion() const { return keyVersion_ - static_cast<int>(previousKeys_.size()); }

    // Per-export re-keying: lower-case hex HMAC-SHA256(exportKey, storedPseudonym).
    // Throws std::invalid_argument if exportKey is shorter than kMinKeyBytes or the pseudonym is
    // empty.
    static std::string rekey(const std::string& exportKey, const std::string& storedPseudonym);

private:
    int keyVersion_;
    std::string key_;
    std::vector<std::string> previousKeys_;  // versions baseVersion() .. keyVersion_-1
};

// Content for a new key file: 64 random bytes as lower-case hex, then "\n".
// The caller must create the file with mode 0600.
std::string generateKeyFileContent();

}  // namespace registry::core
