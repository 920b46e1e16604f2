#include "server/core/secret_box.h"

#include "server/core/crypto.h"
#include "server/core/key_file.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace registry::core {
namespace {

constexpr const char* kPrefix = "v1:";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
// Domain separation: the key file's material is never used as the AES key itself.
constexpr const char* kKdfLabel = "strangulation-registry secret box v1 aes-256-gcm";

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

CipherCtx newContext() {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::runtime_error("secret box: EVP_CIPHER_CTX_new failed");
    return ctx;
}

void check(int ok, const char* what) {
    if (ok != 1) throw std::runtime_error(std::string("secret box: ") + what + " failed");
}

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(&s[0]); }

}  // namespace

SecretBox::SecretBox(const std::string& keyMaterial) {
    if (keyMaterial.size() < kMinKeyBytes) throw std::invalid_argument("SecretBox: key must be at least 32 bytes");
    key_ = crypto::hmacSha256(keyMaterial, kKdfLabel);
}

SecretBox::~SecretBox() {
    if (!key_.empty()) OPENSSL_cleanse(&key_[0], key_.size());
}

std::unique_ptr<SecretBox> SecretBox::fromKeyFile(const std::string& path, const std::string& what) {
    std::string material = readKeyFile(path, what, kMinKeyBytes);
    auto box = std::make_unique<SecretBox>(material);
    OPENSSL_cleanse(&material[0], material.size());
    return box;
}

bool SecretBox::isSealed(const std::string& value) { return value.rfind(kPrefix, 0) == 0; }

std::string SecretBox::seal(const std::string& plaintext, const std::string& context) const {
    const std::string nonce = crypto::randomBytes(kNonceBytes);
    auto ctx = newContext();
    check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr), "EncryptInit");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr), "set IV length");
    check(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(nonce)), "EncryptInit key");
    int len = 0;
    if (!context.empty()) {
        check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(context), static_cast<int>(context.size())), "AAD");
    }
    std::string out(plaintext.size() + 16, '\0');
    check(EVP_EncryptUpdate(ctx.get(), bytes(out), &len, bytes(plaintext), static_cast<int>(plaintext.size())), "EncryptUpdate");
    int total = len;
    check(EVP_EncryptFinal_ex(ctx.get(), bytes(out) + total, &len), "EncryptFinal");
    total += len;
    out.resize(static_cast<std::size_t>(total));
    std::string tag(kTagBytes, '\0');
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), bytes(tag)), "get tag");
    return kPrefix + crypto::toHex(nonce + out + tag);
}

std::string SecretBox::open(const std::string& sealed, const std::string& context) const {
    if (!isSealed(sealed)) throw std::runtime_error("secret box: not a sealed value");
    std::string raw;
    try {
        raw = crypto::fromHex(sealed.substr(std::char_traits<char>::length(kPrefix)));
    } catch (const std::invalid_argument&) {
        throw std::runtime_error("secret box: malformed sealed value");
    }
    if (raw.size() < kNonceBytes + kTagBytes) throw std::runtime_error("secret box: sealed value too short");
    const std::string nonce = raw.substr(0, kNonceBytes);
    const std::string cipher = raw.substr(kNonceBytes, raw.size() - kNonceBytes - kTagBytes);
    std::string tag = raw.substr(raw.size() - kTagBytes);
    auto ctx = newContext();
    check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr), "DecryptInit");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr), "set IV length");
    check(EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(nonce)), "DecryptInit key");
    int len = 0;
    if (!context.empty()) {
        check(EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(context), static_cast<int>(context.size())), "AAD");
    }
    std::string out(cipher.size() + 16, '\0');
    check(EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(cipher), static_cast<int>(cipher.size())), "DecryptUpdate");
    int total = len;
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), bytes(tag)), "set tag");
    // A wrong key, context or any changed byte fails here: nothing unauthenticated is returned.
    if (EVP_DecryptFinal_ex(ctx.get(), bytes(out) + total, &len) != 1) {
        OPENSSL_cleanse(&out[0], out.size());
        throw std::runtime_error("secret box: the sealed value does not open (wrong key, wrong owner or altered)");
    }
    total += len;
    out.resize(static_cast<std::size_t>(total));
    return out;
}

}  // namespace registry::core
