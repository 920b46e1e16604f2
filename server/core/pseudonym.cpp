#include "server/core/pseudonym.h"

#include "server/core/crypto.h"

#include <openssl/crypto.h>

#include <utility>

namespace registry::core {
namespace {

constexpr std::size_t kGeneratedKeyBytes = 64;

bool isAsciiSpace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Length of a removable UTF-8 space/dash sequence at s[i], or 0.
std::size_t removableUtf8(const std::string& s, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const std::size_t left = s.size() - i;
    if (left >= 2 && at(0) == 0xC2 && at(1) == 0xA0) return 2;  // U+00A0
    if (left >= 3 && at(0) == 0xE2) {
        if (at(1) == 0x80 && at(2) >= 0x90 && at(2) <= 0x95) return 3;  // U+2010..U+2015
        if (at(1) == 0x80 && at(2) == 0xAF) return 3;                   // U+202F
        if (at(1) == 0x80 && at(2) == 0x87) return 3;                   // U+2007
        if (at(1) == 0x88 && at(2) == 0x92) return 3;                   // U+2212
    }
    return 0;
}

// Wipes a buffer that held key material when it goes out of scope.
struct Wipe {
    std::string& s;
    ~Wipe() {
        if (!s.empty()) OPENSSL_cleanse(&s[0], s.size());
    }
};

}  // namespace

std::string normaliseReference(const std::string& clear) {
    std::string out;
    out.reserve(clear.size());
    for (std::size_t i = 0; i < clear.size();) {
        const auto c = static_cast<unsigned char>(clear[i]);
        if (isAsciiSpace(c) || c == '-') {
            ++i;
        } else if (const std::size_t n = removableUtf8(clear, i)) {
            i += n;
        } else {
            out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c));
            ++i;
        }
    }
    return out;
}

Pseudonymiser::Pseudonymiser(int keyVersion, std::string key) : keyVersion_(keyVersion), key_(std::move(key)) {
    if (key_.size() < kMinKeyBytes) throw std::invalid_argument("Pseudonymiser: key must be at least 32 bytes");
}

Pseudonymiser::~Pseudonymiser() {
    if (!key_.empty()) OPENSSL_cleanse(&key_[0], key_.size());
    for (auto& key : previousKeys_) {
        if (!key.empty()) OPENSSL_cleanse(&key[0], key.size());
    }
}

Pseudonymiser Pseudonymiser::fromKeyFile(const std::string& path, int keyVersion) {
    std::string key = readKeyFile(path, "pseudonym key file", kMinKeyBytes);
    Wipe wipeKey{key};
    return Pseudonymiser(keyVersion, key);
}

Pseudonymiser Pseudonymiser::fromKeyFiles(const std::vector<std::string>& previousPaths, const std::string& currentPath,
                                          int keyVersion) {
    if (keyVersion - static_cast<int>(previousPaths.size()) < 1) {
        throw KeyFileError("pseudonym key chain: " + std::to_string(previousPaths.size()) +
                           " previous key file(s) need a current key version of at least " +
                           std::to_string(previousPaths.size() + 1));
    }
    Pseudonymiser chain = fromKeyFile(currentPath, keyVersion);
    for (std::size_t i = 0; i < previousPaths.size(); ++i) {
        const int version = keyVersion - static_cast<int>(previousPaths.size()) + static_cast<int>(i);
        Pseudonymiser old = fromKeyFile(previousPaths[i], version);
        if (crypto::constantTimeEqual(old.key_, chain.key_)) {
            throw KeyFileError("pseudonym key file '" + previousPaths[i] + "': the same key as the current one");
        }
        chain.previousKeys_.push_back(old.key_);
    }
    return chain;
}

std::vector<std::string> Pseudonymiser::pseudonymsAllVersions(const std::string& clear) const {
    const std::string normalised = normaliseReference(clear);
    if (normalised.empty()) throw std::invalid_argument("pseudonymise: reference is empty after normalisation");
    std::vector<std::string> out;
    std::string data = normalised;
    for (const auto& key : previousKeys_) {
        data = crypto::toHex(crypto::hmacSha256(key, data));
        out.push_back(data);
    }
    out.push_back(crypto::toHex(crypto::hmacSha256(key_, data)));
    return out;
}

std::string Pseudonymiser::derivedKey(const std::string& purpose, int version) const {
    if (version < baseVersion() || version > keyVersion_) throw std::out_of_range("derivedKey: key version not held");
    const auto& key = version == keyVersion_ ? key_ : previousKeys_[static_cast<std::size_t>(version - baseVersion())];
    return crypto::hmacSha256(key, "registry derived key: " + purpose);
}

std::string Pseudonymiser::pseudonymise(const std::string& clear) const { return pseudonymsAllVersions(clear).back(); }

std::string Pseudonymiser::forward(const std::string& pseudonym, int fromVersion) const {
    if (fromVersion < baseVersion() || fromVersion > keyVersion_) {
        throw std::out_of_range("pseudonym key version " + std::to_string(fromVersion) + " is not in the key chain (" +
                                std::to_string(baseVersion()) + ".." + std::to_string(keyVersion_) + ")");
    }
    std::string p = pseudonym;
    for (int v = fromVersion + 1; v <= keyVersion_; ++v) {
        const std::string& key = v == keyVersion_ ? key_ : previousKeys_[static_cast<std::size_t>(v - baseVersion())];
        p = crypto::toHex(crypto::hmacSha256(key, p));
    }
    return p;
}

std::string Pseudonymiser::rekey(const std::string& exportKey, const std::string& storedPseudonym) {
    if (exportKey.size() < kMinKeyBytes) throw std::invalid_argument("rekey: export key must be at least 32 bytes");
    if (storedPseudonym.empty()) throw std::invalid_argument("rekey: empty pseudonym");
    return crypto::toHex(crypto::hmacSha256(exportKey, storedPseudonym));
}

std::string generateKeyFileContent() {
    std::string key = crypto::randomBytes(kGeneratedKeyBytes);
    Wipe wipeKey{key};
    return crypto::toHex(key) + "\n";
}

}  // namespace registry::core
