#pragma once

#include <cstddef>
#include <string>

// Thin, exception-based wrappers over the OpenSSL 3 EVP API. Byte strings are carried in
// std::string (raw bytes, not text). Every OpenSSL failure throws std::runtime_error.
namespace registry::crypto {

// Raw 32-byte SHA-256 digest.
std::string sha256(const std::string& data);
// Lower-case hex SHA-256 digest (64 characters).
std::string sha256Hex(const std::string& data);

// Raw 32-byte HMAC-SHA256 (EVP_MAC "HMAC", digest "SHA256"). Any key length is accepted.
std::string hmacSha256(const std::string& key, const std::string& data);
// Raw 20-byte HMAC-SHA1: only for TOTP (RFC 6238), whose authenticator apps expect SHA-1.
std::string hmacSha1(const std::string& key, const std::string& data);

// PBKDF2-HMAC-SHA256; iterations and length must be > 0.
std::string pbkdf2Sha256(const std::string& password, const std::string& salt, unsigned iterations,
                         std::size_t length);

// AES-256-GCM with a random 12-byte nonce: returns nonce || ciphertext || 16-byte tag. `key`
// must be 32 bytes (std::invalid_argument otherwise); `context` is authenticated, not stored.
std::string seal(const std::string& key, const std::string& plaintext, const std::string& context);
// The plaintext of seal(); throws std::invalid_argument when the key or context differ or the
// bytes were altered.
std::string unseal(const std::string& key, const std::string& sealed, const std::string& context);

// n bytes from the OpenSSL CSPRNG.
std::string randomBytes(std::size_t n);

// Length-revealing but content-constant-time comparison (CRYPTO_memcmp).
bool constantTimeEqual(const std::string& a, const std::string& b);

// Lower-case hex. fromHex accepts either case and throws std::invalid_argument on odd length
// or a non-hex character.
std::string toHex(const std::string& bytes);
std::string fromHex(const std::string& hex);

// RFC 4648 standard alphabet with '=' padding. Decoding is strict (no whitespace, correct
// padding, canonical trailing bits) and throws std::invalid_argument on bad input.
std::string base64Encode(const std::string& bytes);
std::string base64Decode(const std::string& text);

// RFC 4648 URL-safe alphabet ('-', '_') without padding, for tokens in URLs and headers.
std::string base64UrlEncode(const std::string& bytes);

}  // namespace registry::crypto
