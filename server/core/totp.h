#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1): the second factor of
// sign-in. Pure logic, no clock of its own: callers pass the Unix time, so tests are exact.
namespace registry::core::totp {

constexpr int kStepSeconds = 30;
constexpr int kDigits = 6;
// Codes of the neighbouring steps are accepted too, for phones whose clock is slightly off.
constexpr int kSkewSteps = 1;
constexpr std::size_t kSecretBytes = 20;  // 160 bits, the RFC 4226 recommendation for SHA-1

// The time step that `unixSeconds` falls in.
std::int64_t stepAt(std::int64_t unixSeconds);
// The HOTP value of `step` under `secret` (raw bytes), zero-padded to `digits`.
std::string codeAt(const std::string& secret, std::int64_t step, int digits = kDigits);

// The step a code belongs to, if it matches a step within ±kSkewSteps of `nowStep` that is
// later than `lastUsedStep` (a used code, or an older one, cannot be replayed). Constant time
// per candidate; the code must be exactly kDigits ASCII digits.
std::optional<std::int64_t> verify(const std::string& secret, const std::string& code, std::int64_t nowStep,
                                   std::int64_t lastUsedStep);

// RFC 4648 base32 without padding (the form authenticator apps read); decoding accepts either
// case, ignores spaces and '=' padding, and throws std::invalid_argument on other characters.
std::string base32Encode(const std::string& bytes);
std::string base32Decode(const std::string& text);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& secret);

// Recovery codes: 80 random bits shown as four groups of four base32 characters
// (e.g. "k3vq-7hxa-m2pd-9rtw"). Normalising strips spaces and dashes and lower-cases, so a
// typed code matches however it was written; only the SHA-256 of the normalised form is stored.
std::string newRecoveryCode();
std::string normaliseRecoveryCode(const std::string& typed);

}  // namespace registry::core::totp
