#include "server/db/two_factor_repository.h"

#include "server/db/query.h"

namespace registry::db {

static const Query kFind{"totp_find", R"SQL(
SELECT secret, confirmed_at IS NOT NULL, last_used_step FROM user_totp WHERE user_id = $1::uuid FOR UPDATE)SQL"};
std::optional<TotpEnrolment> TwoFactorRepository::find(pqxx::transaction_base& tx, const std::string& userId) {
    auto rows = exec(tx, kFind, userId);
    if (rows.empty()) return std::nullopt;
    return TotpEnrolment{rows[0][0].as<std::string>(), rows[0][1].as<bool>(), rows[0][2].as<std::int64_t>()};
}

static const Query kStart{"totp_start", R"SQL(
INSERT INTO user_totp (user_id, secret) VALUES ($1::uuid, $2)
ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_used_step = 0, created_at = now()
 WHERE user_totp.confirmed_at IS NULL
RETURNING user_id)SQL"};
bool TwoFactorRepository::startEnrolment(pqxx::transaction_base& tx, const std::string& userId,
                                         const std::string& sealedSecret) {
    return !exec(tx, kStart, userId, sealedSecret).empty();
}

static const Query kClearSecrets{"totp_clear_secrets", R"SQL(
SELECT user_id::text, secret FROM user_totp WHERE secret !~ '^v1:' ORDER BY user_id FOR UPDATE)SQL"};
std::vector<TwoFactorRepository::ClearSecret> TwoFactorRepository::clearSecrets(pqxx::transaction_base& tx) {
    std::vector<ClearSecret> out;
    for (const auto& row : exec(tx, kClearSecrets)) out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
}

static const Query kReplaceSecret{"totp_replace_secret", "UPDATE user_totp SET secret = $2 WHERE user_id = $1::uuid"};
void TwoFactorRepository::replaceSecret(pqxx::transaction_base& tx, const std::string& userId,
                                        const std::string& sealedSecret) {
    exec(tx, kReplaceSecret, userId, sealedSecret);
}

static const Query kConfirm{"totp_confirm",
                            "UPDATE user_totp SET confirmed_at = now(), last_used_step = $2 WHERE user_id = $1::uuid"};
void TwoFactorRepository::confirm(pqxx::transaction_base& tx, const std::string& userId, std::int64_t step) {
    exec(tx, kConfirm, userId, step);
}

static const Query kMarkUsed{"totp_mark_used", "UPDATE user_totp SET last_used_step = $2 WHERE user_id = $1::uuid"};
void TwoFactorRepository::markUsed(pqxx::transaction_base& tx, const std::string& userId, std::int64_t step) {
    exec(tx, kMarkUsed, userId, step);
}

static const Query kRemoveCodes{"recovery_codes_remove", "DELETE FROM recovery_codes WHERE user_id = $1::uuid"};
static const Query kRemove{"totp_remove", "DELETE FROM user_totp WHERE user_id = $1::uuid RETURNING user_id"};
bool TwoFactorRepository::remove(pqxx::transaction_base& tx, const std::string& userId) {
    exec(tx, kRemoveCodes, userId);
    return !exec(tx, kRemove, userId).empty();
}

static const Query kAddCode{"recovery_code_add", "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1::uuid, $2)"};
void TwoFactorRepository::replaceRecoveryCodes(pqxx::transaction_base& tx, const std::string& userId,
                                               const std::vector<std::string>& codeHashes) {
    exec(tx, kRemoveCodes, userId);
    for (const auto& hash : codeHashes) exec(tx, kAddCode, userId, hash);
}

static const Query kUseCode{"recovery_code_use", R"SQL(
UPDATE recovery_codes SET used_at = now()
 WHERE user_id = $1::uuid AND code_hash = $2 AND used_at IS NULL
RETURNING code_hash)SQL"};
bool TwoFactorRepository::useRecoveryCode(pqxx::transaction_base& tx, const std::string& userId,
                                          const std::string& codeHash) {
    return !exec(tx, kUseCode, userId, codeHash).empty();
}

static const Query kUnusedCodes{"recovery_codes_unused",
                                "SELECT count(*)::int FROM recovery_codes WHERE user_id = $1::uuid AND used_at IS NULL"};
int TwoFactorRepository::unusedRecoveryCodes(pqxx::transaction_base& tx, const std::string& userId) {
    return exec(tx, kUnusedCodes, userId)[0][0].as<int>();
}

static const Query kCreateChallenge{"login_challenge_create", R"SQL(
INSERT INTO login_challenges (token_hash, user_id, expires_at, client_address)
VALUES ($1, $2::uuid, now() + make_interval(mins => $3), NULLIF($4, ''))
RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))SQL"};
std::string TwoFactorRepository::createChallenge(pqxx::transaction_base& tx, const std::string& userId,
                                                 const std::string& tokenHash, int minutes,
                                                 const std::string& clientAddress) {
    return exec(tx, kCreateChallenge, tokenHash, userId, minutes, clientAddress)[0][0].as<std::string>();
}

static const Query kFindChallenge{"login_challenge_find", R"SQL(
SELECT id::text, user_id::text FROM login_challenges
 WHERE token_hash = $1 AND consumed_at IS NULL AND expires_at > now()
   FOR UPDATE)SQL"};
std::optional<LoginChallenge> TwoFactorRepository::findChallenge(pqxx::transaction_base& tx,
                                                                 const std::string& tokenHash) {
    auto rows = exec(tx, kFindChallenge, tokenHash);
    if (rows.empty()) return std::nullopt;
    return LoginChallenge{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

static const Query kConsumeChallenge{"login_challenge_consume",
                                     "UPDATE login_challenges SET consumed_at = now() WHERE id = $1::uuid"};
void TwoFactorRepository::consumeChallenge(pqxx::transaction_base& tx, const std::string& id) {
    exec(tx, kConsumeChallenge, id);
}

}  // namespace registry::db
