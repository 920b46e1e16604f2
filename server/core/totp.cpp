#include "server/core/totp.h"

#include "server/core/crypto.h"

#include <Poco/URI.h>

#include <cctype>
#include <stdexcept>

namespace registry::core::totp {
namespace {

const char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::int64_t stepAt(std::int64_t unixSeconds) {
    // Floor division, so that times before 1970 (never real, but possible in a test) still map
    // to a well-defined step.
    return unixSeconds >= 0 ? unixSeconds / kStepSeconds : -((-unixSeconds + kStepSeconds - 1) / kStepSeconds);
}

std::string codeAt(const std::string& secret, std::int64_t step, int digits) {
    if (digits < 6 || digits > 9) throw std::invalid_argument("totp: digits must be 6 to 9");
    std::string counter(8, '\0');
    auto value = static_cast<std::uint64_t>(step);
    for (int i = 7; i >= 0; --i) {
        counter[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
    const std::string mac = crypto::hmacSha1(secret, counter);
    // RFC 4226 section 5.3, dynamic truncation.
    const auto offset = static_cast<std::size_t>(static_cast<unsigned char>(mac[19]) & 0x0f);
    const std::uint32_t binary = (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset]) & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 1])) << 16) |
                                 (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 2])) << 8) |
                                 static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 3]));
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> verify(const std::string& secret, const std::string& code, std::int64_t nowStep,
                                   std::int64_t lastUsedStep) {
    if (code.size() != static_cast<std::size_t>(kDigits)) return std::nullopt;
    for (char c : code) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::optional<std::int64_t> matched;
    // Every candidate is computed and compared, so the time taken does not tell which one matched.
    for (std::int64_t step = nowStep - kSkewSteps; step <= nowStep + kSkewSteps; ++step) {
        if (crypto::constantTimeEqual(codeAt(secret, step), code) && step > lastUsedStep && !matched) matched = step;
    }
    return matched;
}

std::string base32Encode(const std::string& bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1f];
    return out;
}

std::string base32Decode(const std::string& text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char raw : text) {
        if (raw == ' ' || raw == '=') continue;
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
        int value;
        if (c >= 'A' && c <= 'Z') {
            value = c - 'A';
        } else if (c >= '2' && c <= '7') {
            value = c - '2' + 26;
        } else {
            throw std::invalid_argument("base32: invalid character");
        }
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& secret) {
    // ':' separates issuer and account in the label, so it is escaped inside either part.
    const std::string reserved = ":/?#[]@!$&'()*+,;= ";
    std::string label, issuerParam;
    Poco::URI::encode(issuer, reserved, label);
    label += ":";
    std::string accountPart;
    Poco::URI::encode(account, reserved, accountPart);
    label += accountPart;
    Poco::URI::encode(issuer, reserved, issuerParam);
    return "otpauth://totp/" + label + "?secret=" + base32Encode(secret) + "&issuer=" + issuerParam +
           "&algorithm=SHA1&digits=" + std::to_string(kDigits) + "&period=" + std::to_string(kStepSeconds);
}

std::string newRecoveryCode() {
    std::string plain = base32Encode(crypto::randomBytes(10));  // 80 bits, exactly 16 characters
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(plain[i])));
    }
    return out;
}

std::string normaliseRecoveryCode(const std::string& typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace registry::core::totp
