#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace registry::db {

struct TotpEnrolment {
    std::string sealedSecret;  // core::SecretBox::seal of the raw secret, bound to secretContext()
    bool confirmed = false;
    std::int64_t lastUsedStep = 0;
};

struct LoginChallenge {
    std::string id;
    std::string userId;
};

// TOTP enrolments, recovery codes and the password-step challenges of two-factor sign-in.
class TwoFactorRepository {
public:
    // Locks the row (FOR UPDATE) so that two sign-ins with the same code cannot both pass.
    static std::optional<TotpEnrolment> find(pqxx::transaction_base& tx, const std::string& userId);
    // Stores a new unconfirmed secret; false (nothing written) if the user has a confirmed one.
    static bool startEnrolment(pqxx::transaction_base& tx, const std::string& userId, const std::string& sealedSecret);
    // What a user's sealed secret is bound to (the AEAD's additional data): a sealed value copied
    // into another user's row does not open.
    static std::string secretContext(const std::string& userId) { return "user_totp:" + userId; }
    // Rows still holding a clear hex secret (written before secrets were sealed), locked.
    struct ClearSecret {
        std::string userId;
        std::string secretHex;
    };
    static std::vector<ClearSecret> clearSecrets(pqxx::transaction_base& tx);
    static void replaceSecret(pqxx::transaction_base& tx, const std::string& userId, const std::string& sealedSecret);
    static void confirm(pqxx::transaction_base& tx, const std::string& userId, std::int64_t step);
    static void markUsed(pqxx::transaction_base& tx, const std::string& userId, std::int64_t step);
    // Removes the enrolment and every recovery code; false if there was no enrolment.
    static bool remove(pqxx::transaction_base& tx, const std::string& userId);

    static void replaceRecoveryCodes(pqxx::transaction_base& tx, const std::string& userId,
                                     const std::vector<std::string>& codeHashes);
    // Marks an unused code as used; false if it is unknown or was used before.
    static bool useRecoveryCode(pqxx::transaction_base& tx, const std::string& userId, const std::string& codeHash);
    static int unusedRecoveryCodes(pqxx::transaction_base& tx, const std::string& userId);

    // Returns the absolute expiry (ISO 8601 UTC).
    static std::string createChallenge(pqxx::transaction_base& tx, const std::string& userId,
                                       const std::string& tokenHash, int minutes, const std::string& clientAddress);
    // A live (unconsumed, unexpired) challenge, locked for this transaction.
    static std::optional<LoginChallenge> findChallenge(pqxx::transaction_base& tx, const std::string& tokenHash);
    static void consumeChallenge(pqxx::transaction_base& tx, const std::string& id);
};

}  // namespace registry::db
