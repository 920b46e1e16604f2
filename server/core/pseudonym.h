#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace registry::core {

// Canonical form of an identifying reference, so that the same reference typed differently
// yields the same pseudonym: ASCII letters upper-cased; removed everywhere (which also trims)
// are ASCII whitespace, '-', and the UTF-8 encoded U+00A0 no-break space, U+2007 figure space,
// U+202F narrow no-break space, U+2010..U+2015 hyphens/dashes (incl. en and em dash) and
// U+2212 minus sign. Other bytes are kept unchanged.
// Changing this set changes pseudonyms: it requires a re-keying run.
// Example: " pl0912-2026 123456 " -> "PL09122026123456".
std::string normaliseReference(const std::string& clear);

// The pseudonym key file is missing, unreadable, too permissive, malformed or too short.
// Messages name the path but never contain key material.
class KeyFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

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

    // Lower-case hex HMAC-SHA256(key, normaliseReference(clear)); 64 characters.
    // Throws std::invalid_argument when the normalised value is empty.
    std::string pseudonymise(const std::string& clear) const;

    int keyVersion() const { return keyVersion_; }

    // Per-export re-keying: lower-case hex HMAC-SHA256(exportKey, storedPseudonym).
    // Throws std::invalid_argument if exportKey is shorter than kMinKeyBytes or the pseudonym is
    // empty.
    static std::string rekey(const std::string& exportKey, const std::string& storedPseudonym);

private:
    int keyVersion_;
    std::string key_;
};

// Content for a new key file: 64 random bytes as lower-case hex, then "\n".
// The caller must create the file with mode 0600.
std::string generateKeyFileContent();

}  // namespace registry::core
