#pragma once

#include <memory>
#include <string>

namespace registry::core {

// Authenticated encryption of small secrets kept in the database (the TOTP secrets of
// user_totp), so that a copy of the database alone does not give them away. AES-256-GCM
// (OpenSSL EVP) with a fresh 96-bit nonce per seal; `context` is bound in as additional
// authenticated data (the owning user's id), so a sealed value moved to another row does not
// open. The key comes from a key file like the pseudonym key, through a KDF, so that the file
// format and its permission checks are the same.
class SecretBox {
public:
    static constexpr std::size_t kMinKeyBytes = 32;

    // keyMaterial: raw bytes, at least kMinKeyBytes (std::invalid_argument otherwise).
    explicit SecretBox(const std::string& keyMaterial);
    ~SecretBox();
    SecretBox(const SecretBox&) = delete;
    SecretBox& operator=(const SecretBox&) = delete;

    // Hex key (>= 64 digits) in a regular file with mode 0600 or 0400; KeyFileError otherwise,
    // with a message naming `what` and the path but no key material.
    static std::unique_ptr<SecretBox> fromKeyFile(const std::string& path, const std::string& what);

    // "v1:" + hex(nonce | ciphertext | tag).
    std::string seal(const std::string& plaintext, const std::string& context) const;
    // The plaintext, or std::runtime_error if the value is malformed, was sealed under another
    // key or context, or was altered.
    std::string open(const std::string& sealed, const std::string& context) const;

    static bool isSealed(const std::string& value);

private:
    std::string key_;  // 32 bytes, derived from the key file's material
};

}  // namespace registry::core
