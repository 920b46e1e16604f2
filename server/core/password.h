#pragma once

#include <cstddef>
#include <string>

namespace registry::core {

// PBKDF2-HMAC-SHA256 password hashing (SECURITY.md "Authentication").
// Stored format: pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>, with a 16-byte random
// salt and a 32-byte derived key, so the work factor travels with each hash and can be raised
// without invalidating existing passwords.
class PasswordHasher {
public:
    static constexpr std::size_t kMinLength = 12;           // enforced by callers that set passwords
    static constexpr unsigned kMaxIterations = 10'000'000;  // bounds the cost of a hostile stored value
    static constexpr std::size_t kSaltBytes = 16;
    static constexpr std::size_t kHashBytes = 32;

    // Throws std::invalid_argument unless 1 <= iterations <= kMaxIterations.
    explicit PasswordHasher(unsigned iterations);

    unsigned iterations() const { return iterations_; }

    // Fresh random salt on every call; throws std::runtime_error only if OpenSSL fails.
    std::string hash(const std::string& password) const;

    // False for a wrong password and for any malformed stored value; never throws.
    static bool verify(const std::string& password, const std::string& stored);

    // Spends the time of one verify() at the given iteration count, for a login with an unknown
    // user name, so response time does not reveal which user names exist. Never throws.
    static void burnVerifyTime(unsigned iterations);

private:
    unsigned iterations_;
};

}  // namespace registry::core
