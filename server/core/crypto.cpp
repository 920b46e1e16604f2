#include "server/core/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>
#include <stdexcept>

namespace registry::crypto {
namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct MdFree {
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("OpenSSL: ") + what + " failed"); }

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(&s[0]); }

// OpenSSL length parameters are int in the older APIs; refuse rather than truncate silently.
int toInt(std::size_t n, const char* what) {
    if (n > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error(std::string(what) + ": input too large");
    return static_cast<int>(n);
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string sha256(const std::string& data) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx) fail("EVP_MD_CTX_new");
    std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!md) fail("EVP_MD_fetch(SHA256)");
    if (EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1) fail("EVP_DigestInit_ex2");
    if (EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1) fail("EVP_DigestUpdate");
    std::string out(EVP_MAX_MD_SIZE, '\0');
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), bytes(out), &len) != 1) fail("EVP_DigestFinal_ex");
    out.resize(len);
    return out;
}

std::string sha256Hex(const std::string& data) { return toHex(sha256(data)); }

namespace {

std::string hmac(const char* digestName, const std::string& key, const std::string& data) {
    std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) fail("EVP_MAC_fetch(HMAC)");
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
    if (!ctx) fail("EVP_MAC_CTX_new");
    std::string digest = digestName;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                           OSSL_PARAM_construct_end()};
    // A NULL key would mean "reuse the previous key"; std::string::data() is never NULL, so an
    // empty key is still a real (empty) key.
    if (EVP_MAC_init(ctx.get(), bytes(key), key.size(), params) != 1) fail("EVP_MAC_init");
    if (EVP_MAC_update(ctx.get(), bytes(data), data.size()) != 1) fail("EVP_MAC_update");
    std::string out(EVP_MAC_CTX_get_mac_size(ctx.get()), '\0');
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), bytes(out), &len, out.size()) != 1) fail("EVP_MAC_final");
    out.resize(len);
    return out;
}

}  // namespace

std::string hmacSha256(const std::string& key, const std::string& data) { return hmac("SHA256", key, data); }

std::string hmacSha1(const std::string& key, const std::string& data) { return hmac("SHA1", key, data); }

std::string pbkdf2Sha256(const std::string& password, const std::string& salt, unsigned iterations,
                         std::size_t length) {
    if (iterations == 0 || length == 0) throw std::invalid_argument("pbkdf2Sha256: iterations and length must be > 0");
    if (iterations > static_cast<unsigned>(INT_MAX)) throw std::invalid_argument("pbkdf2Sha256: too many iterations");
    std::string out(length, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), toInt(password.size(), "pbkdf2Sha256"), bytes(salt),
                          toInt(salt.size(), "pbkdf2Sha256"), static_cast<int>(iterations), EVP_sha256(),
                          toInt(length, "pbkdf2Sha256"), bytes(out)) != 1)
        fail("PKCS5_PBKDF2_HMAC");
    return out;
}

std::string randomBytes(std::size_t n) {
    std::string out(n, '\0');
    if (n == 0) return out;
    if (RAND_bytes(bytes(out), toInt(n, "randomBytes")) != 1) fail("RAND_bytes");
    return out;
}

bool constantTimeEqual(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string toHex(const std::string& in) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(in.size() * 2);
    for (unsigned char c : in) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0x0f]);
    }
    return out;
}

std::string fromHex(const std::string& hex) {
    if (hex.size() % 2 != 0) throw std::invalid_argument("fromHex: odd number of hex digits");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexValue(hex[i]);
        const int lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0) throw std::invalid_argument("fromHex: invalid hex digit");
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

std::string base64Encode(const std::string& in) {
    if (in.empty()) return {};
    const int inLen = toInt(in.size(), "base64Encode");
    // 4 output characters per 3 input bytes, plus the NUL that EVP_EncodeBlock writes.
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(bytes(out), bytes(in), inLen);
    if (n < 0) fail("EVP_EncodeBlock");
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64Decode(const std::string& text) {
    if (text.empty()) return {};
    // EVP_DecodeBlock is lenient (skips surrounding whitespace, treats '=' as zero bits and
    // does not report padding), so validate strictly here first and strip padding afterwards.
    if (text.size() % 4 != 0) throw std::invalid_argument("base64Decode: length is not a multiple of 4");
    std::size_t pad = 0;
    if (text[text.size() - 1] == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
    for (std::size_t i = 0; i < text.size() - pad; ++i)
        if (base64Value(text[i]) < 0) throw std::invalid_argument("base64Decode: invalid character");
    // Unused low bits of the last symbol must be zero, so that every value has exactly one
    // encoding (stored hashes and tokens are compared as strings elsewhere).
    const int last = base64Value(text[text.size() - pad - 1]);
    if ((pad == 1 && (last & 0x03) != 0) || (pad == 2 && (last & 0x0f) != 0))
        throw std::invalid_argument("base64Decode: non-canonical padding bits");

    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(bytes(out), bytes(text), toInt(text.size(), "base64Decode"));
    if (n < 0 || static_cast<std::size_t>(n) != out.size()) throw std::invalid_argument("base64Decode: invalid input");
    out.resize(out.size() - pad);
    return out;
}

std::string base64UrlEncode(const std::string& in) {
    std::string out = base64Encode(in);
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return out;
}

namespace {
constexpr std::size_t kNonceBytes = 12, kTagBytes = 16;
}

std::string seal(const std::string& key, const std::string& plaintext, const std::string& context) {
    if (key.size() != 32) throw std::invalid_argument("seal: the key must be 32 bytes");
    if (plaintext.size() > INT_MAX / 2 || context.size() > INT_MAX / 2) throw std::invalid_argument("seal: too long");
    const std::string nonce = randomBytes(kNonceBytes);
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) fail("EVP_CIPHER_CTX_new");
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    const auto* n = reinterpret_cast<const unsigned char*>(nonce.data());
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1) fail("EVP_EncryptInit_ex");
    int len = 0;
    if (!context.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                                              static_cast<int>(context.size())) != 1) {
        fail("EVP_EncryptUpdate(aad)");
    }
    std::string out = nonce;
    out.resize(kNonceBytes + plaintext.size() + kTagBytes);
    auto* body = reinterpret_cast<unsigned char*>(&out[kNonceBytes]);
    if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), body, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                                                static_cast<int>(plaintext.size())) != 1) {
        fail("EVP_EncryptUpdate");
    }
    if (EVP_EncryptFinal_ex(ctx.get(), body + plaintext.size(), &len) != 1) fail("EVP_EncryptFinal_ex");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), body + plaintext.size()) != 1) {
        fail("EVP_CTRL_GCM_GET_TAG");
    }
    return out;
}

std::string unseal(const std::string& key, const std::string& sealed, const std::string& context) {
    if (key.size() != 32) throw std::invalid_argument("unseal: the key must be 32 bytes");
    if (sealed.size() < kNonceBytes + kTagBytes || sealed.size() > INT_MAX / 2 || context.size() > INT_MAX / 2) {
        throw std::invalid_argument("unseal: not a sealed value");
    }
    const std::size_t length = sealed.size() - kNonceBytes - kTagBytes;
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) fail("EVP_CIPHER_CTX_new");
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    const auto* n = reinterpret_cast<const unsigned char*>(sealed.data());
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1) fail("EVP_DecryptInit_ex");
    int len = 0;
    if (!context.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                                              static_cast<int>(context.size())) != 1) {
        fail("EVP_DecryptUpdate(aad)");
    }
    std::string out(length, '\0');
    const auto* body = reinterpret_cast<const unsigned char*>(sealed.data() + kNonceBytes);
    if (length && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(&out[0]), &len, body,
                                    static_cast<int>(length)) != 1) {
        fail("EVP_DecryptUpdate");
    }
    std::string tag = sealed.substr(kNonceBytes + length);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), &tag[0]) != 1) {
        fail("EVP_CTRL_GCM_SET_TAG");
    }
    unsigned char rest[16];
    if (EVP_DecryptFinal_ex(ctx.get(), rest, &len) != 1) throw std::invalid_argument("unseal: wrong key, context or bytes");
    return out;
}

}  // namespace registry::crypto
