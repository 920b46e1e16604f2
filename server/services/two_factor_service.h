#pragma once

#include "server/core/caller.h"
#include "server/core/secret_box.h"
#include "server/db/pool.h"

#include <memory>
#include <string>
#include <vector>

namespace registry::services {

struct TotpEnrolmentOffer {
    std::string secret;      // base32, for typing into an app by hand
    std::string otpauthUri;  // what the QR code holds
    std::string qrSvg;       // the QR code, as an SVG document
};

// Enrolment of the TOTP second factor by the user, and its reset by an admin. Every step is
// audited in the transaction that makes it.
class TwoFactorService {
public:
    // `secrets` seals the TOTP secrets at rest (auth.totp_key_file). Only begin, confirm and
    // sealClearSecrets need it; an operator's reset (removing a factor) runs without it.
    TwoFactorService(db::ConnectionPool& pool, std::string issuer, std::shared_ptr<const core::SecretBox> secrets);

    // A fresh secret, replacing an unconfirmed one; 409 if the caller already has a confirmed one.
    TotpEnrolmentOffer begin(const core::Caller& caller);
    // The first valid code confirms the enrolment and lifts the enrolment-only restriction of
    // the caller's session. Returns the ten recovery codes, shown this once; a wrong code is
    // 422 on `code`, no pending enrolment 409.
    std::vector<std::string> confirm(const std::string& code, const core::Caller& caller);
    // Admin: removes a user's second factor and recovery codes and ends their sessions, so the
    // next sign-in is by password and (for a mandatory role) leads to enrolment again.
    void reset(const std::string& userId, const core::Caller& caller);
    // The same by username, for the operator (`registry user reset-2fa`), e.g. when the only
    // admin has lost their phone and nobody can sign in to reset it over the API.
    void resetByUsername(const std::string& username, const core::Caller& caller);
    // Seals the secrets still stored in clear (enrolments made before secrets were sealed, see
    // schema/045) under the key, in one audited transaction; returns how many. Run at start-up.
    int sealClearSecrets(const core::Caller& caller);

    static constexpr int kRecoveryCodes = 10;

private:
    db::ConnectionPool& pool_;
    std::string issuer_;
    std::shared_ptr<const core::SecretBox> secrets_;

    const core::SecretBox& secrets() const;
};

}  // namespace registry::services
