#include "server/core/password.h"

#include "server/core/crypto.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace registry::core {
namespace {

constexpr char kScheme[] = "pbkdf2-sha256";

std::vector<std::string> splitDollar(const std::string& s) {
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    for (;;) {
        const auto pos = s.find('$', start);
        parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
        if (pos == std::string::npos) return parts;
        start = pos + 1;
    }
}

// Plain decimal digits only (no sign, no spaces, no leading zero), so that every iteration
// count has exactly one spelling. Returns 0 for anything unacceptable.
unsigned parseIterations(const std::string& s) {
    if (s.empty() || s.size() > 8 || s[0] == '0') return 0;
    unsigned long value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    return value > PasswordHasher::kMaxIterations ? 0 : static_cast<unsigned>(value);
}

}  // namespace

PasswordHasher::PasswordHasher(unsigned iterations) : iterations_(iterations) {
    if (iterations == 0 || iterations > kMaxIterations)
        throw std::invalid_argument("PasswordHasher: iterations must be between 1 and 10000000");
}

std::string PasswordHasher::hash(const std::string& password) const {
    const std::string salt = crypto::randomBytes(kSaltBytes);
    const std::string derived = crypto::pbkdf2Sha256(password, salt, iterations_, kHashBytes);
    return std::string(kScheme) + '$' + std::to_string(iterations_) + '$' + crypto::base64Encode(salt) + '$' +
           crypto::base64Encode(derived);
}

bool PasswordHasher::verify(const std::string& password, const std::string& stored) {
    try {
        const auto parts = splitDollar(stored);
        if (parts.size() != 4 || parts[0] != kScheme) return false;
        const unsigned iterations = parseIterations(parts[1]);
        if (iterations == 0) return false;
        const std::string salt = crypto::base64Decode(parts[2]);
        const std::string expected = crypto::base64Decode(parts[3]);
        if (salt.empty() || expected.size() != kHashBytes) return false;
        const std::string actual = crypto::pbkdf2Sha256(password, salt, iterations, kHashBytes);
        return crypto::constantTimeEqual(actual, expected);
    } catch (...) {
        // Bad base64 or an OpenSSL failure: either way the password is not accepted.
        return false;
    }
}

void PasswordHasher::burnVerifyTime(unsigned iterations) {
    try {
        iterations = std::clamp(iterations, 1u, kMaxIterations);
        static const std::string kSalt(kSaltBytes, '\x5a');
        const std::string derived = crypto::pbkdf2Sha256("burn-verify-time", kSalt, iterations, kHashBytes);
        // Compare like verify() does so the two paths do the same work.
        (void)crypto::constantTimeEqual(derived, std::string(kHashBytes, '\0'));
    } catch (...) {
        // Timing padding only; failing to pad must not turn a refused login into a 500.
    }
}

}  // namespace registry::core
