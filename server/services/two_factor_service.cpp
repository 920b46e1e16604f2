#include "server/services/two_factor_service.h"

#include "server/core/audit_event.h"
#include "server/core/crypto.h"
#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/core/qr_code.h"
#include "server/core/totp.h"
#include "server/db/audit_repository.h"
#include "server/db/session_repository.h"
#include "server/db/transaction.h"
#include "server/db/two_factor_repository.h"
#include "server/db/user_repository.h"

#include <Poco/String.h>

#include <ctime>
#include <stdexcept>
#include <utility>

namespace registry::services {

TwoFactorService::TwoFactorService(db::ConnectionPool& pool, std::string issuer,
                                   std::shared_ptr<const core::SecretBox> secrets)
    : pool_(pool), issuer_(std::move(issuer)), secrets_(std::move(secrets)) {}

const core::SecretBox& TwoFactorService::secrets() const {
    if (!secrets_) throw std::logic_error("TwoFactorService: no key for TOTP secrets (auth.totp_key_file)");
    return *secrets_;
}

TotpEnrolmentOffer TwoFactorService::begin(const core::Caller& caller) {
    const std::string secret = crypto::randomBytes(core::totp::kSecretBytes);
    const std::string sealed =
        secrets().seal(secret, db::TwoFactorRepository::secretContext(caller.user.userId));
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        if (!db::TwoFactorRepository::startEnrolment(tx, caller.user.userId, sealed)) {
            throw Error(ErrorKind::Conflict,
                        "A second factor is already enrolled; an admin can reset it if the device is lost.");
        }
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "second_factor.enrol", "success", "user",
                                                            caller.user.userId));
    });
    TotpEnrolmentOffer offer;
    offer.secret = core::totp::base32Encode(secret);
    offer.otpauthUri = core::totp::otpauthUri(issuer_, caller.user.username, secret);
    offer.qrSvg = core::qrCodeSvg(offer.otpauthUri);
    return offer;
}

std::vector<std::string> TwoFactorService::confirm(const std::string& code, const core::Caller& caller) {
    std::vector<std::string> codes;
    bool wrong = false;
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        auto enrolment = db::TwoFactorRepository::find(tx, caller.user.userId);
        if (!enrolment || enrolment->confirmed) {
            throw Error(ErrorKind::Conflict, enrolment ? "The second factor is already confirmed."
                                                       : "Start enrolment first: POST /api/v1/me/second-factor.");
        }
        const auto nowStep = core::totp::stepAt(static_cast<std::int64_t>(std::time(nullptr)));
        const std::string secret =
            secrets().open(enrolment->sealedSecret, db::TwoFactorRepository::secretContext(caller.user.userId));
        auto step = core::totp::verify(secret, Poco::trim(code), nowStep, enrolment->lastUsedStep);
        if (!step) {
            wrong = true;
            auto event = core::newAuditEvent(caller, "second_factor.confirm", "denied", "user", caller.user.userId);
            event.detail = "wrong code";
            db::AuditRepository::append(tx, event);
            return;
        }
        db::TwoFactorRepository::confirm(tx, caller.user.userId, *step);
        std::vector<std::string> hashes;
        for (int i = 0; i < kRecoveryCodes; ++i) {
            codes.push_back(core::totp::newRecoveryCode());
            hashes.push_back(crypto::sha256Hex(core::totp::normaliseRecoveryCode(codes.back())));
        }
        db::TwoFactorRepository::replaceRecoveryCodes(tx, caller.user.userId, hashes);
        // The caller has just shown the password (to get this session) and the device.
        db::SessionRepository::liftEnrolmentRestriction(tx, caller.user.sessionId);
        db::AuditRepository::append(tx, core::newAuditEvent(caller, "second_factor.confirm", "success", "user",
                                                            caller.user.userId));
    });
    if (wrong) {
        throw validationFailed({{"code", "invalid", "code is not the current code of the authenticator app"}});
    }
    return codes;
}

void TwoFactorService::reset(const std::string& userId, const core::Caller& caller) {
    if (!core::isUuid(userId)) throw Error(ErrorKind::NotFound, "No such user.");
    db::inTransaction(pool_, [&](pqxx::work& tx) {
        if (!db::UserRepository::findById(tx, userId)) throw Error(ErrorKind::NotFound, "No such user.");
        const bool had = db::TwoFactorRepository::remove(tx, userId);
        const int ended = db::SessionRepository::revokeAllOf(tx, userId);
        auto event = core::newAuditEvent(caller, "second_factor.reset", "success", "user", userId);
        event.detail = std::string(had ? "second factor removed" : "no second factor was enrolled") + "; " +
                       std::to_string(ended) + " session(s) ended";
        db::AuditRepository::append(tx, event);
    });
}

int TwoFactorService::sealClearSecrets(const core::Caller& caller) {
    const auto& box = secrets();
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        const auto clear = db::TwoFactorRepository::clearSecrets(tx);
        for (const auto& row : clear) {
            db::TwoFactorRepository::replaceSecret(
                tx, row.userId, box.seal(crypto::fromHex(row.secretHex), db::TwoFactorRepository::secretContext(row.userId)));
        }
        if (!clear.empty()) {
            auto event = core::newAuditEvent(caller, "second_factor.seal_secrets", "success", "user_totp");
            event.detail = std::to_string(clear.size()) + " clear TOTP secret(s) sealed with auth.totp_key_file";
            db::AuditRepository::append(tx, event);
        }
        return static_cast<int>(clear.size());
    });
}

void TwoFactorService::resetByUsername(const std::string& username, const core::Caller& caller) {
    const auto user = db::inTransaction(pool_, [&](pqxx::work& tx) {
        return db::UserRepository::findByUsername(tx, Poco::toLower(Poco::trim(username)));
    });
    if (!user) throw Error(ErrorKind::NotFound, "No such user: " + username + ".");
    reset(user->id, caller);
}

}  // namespace registry::services
