#include "server/db/session_repository.h"

#include "server/db/query.h"

namespace registry::db {

static const Query kCreate{"session_create", R"SQL(
INSERT INTO sessions (token_hash, user_id, expires_at, client_address, enrolment_only)
VALUES ($1, $2::uuid, now() + make_interval(hours => $3), NULLIF($4, ''), $5)
RETURNING id::text, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))SQL"};
NewSession SessionRepository::create(pqxx::transaction_base& tx, const std::string& userId, const std::string& tokenHash,
                                     int absoluteHours, const std::string& clientAddress, bool enrolmentOnly) {
    auto row = exec(tx, kCreate, tokenHash, userId, absoluteHours, clientAddress, enrolmentOnly)[0];
    return NewSession{row[0].as<std::string>(), row[1].as<std::string>()};
}

// Touching last_seen_at at most every 30 s keeps a busy session from writing on every request.
static const Query kResolve{"session_resolve", R"SQL(
WITH live AS (
    SELECT s.id, s.last_seen_at, s.expires_at, s.enrolment_only, u.id AS user_id, u.username, u.display_name, u.role,
           coalesce(u.region, '') AS region, coalesce(o.code, '') AS organisation
      FROM sessions s
      JOIN users u ON u.id = s.user_id
      LEFT JOIN organisations o ON o.id = u.organisation_id
     WHERE s.token_hash = $1
       AND s.revoked_at IS NULL
       AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(mins => $2)
       AND NOT u.disabled
), touched AS (
    UPDATE sessions SET last_seen_at = now()
     WHERE id IN (SELECT id FROM live WHERE last_seen_at < now() - interval '30 seconds')
)
SELECT id::text, user_id::text, username, display_name, role, region, organisation,
       to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), enrolment_only
  FROM live)SQL"};
std::optional<Principal> SessionRepository::resolve(pqxx::transaction_base& tx, const std::string& tokenHash,
                                                    int idleMinutes, std::string& expiresAt) {
    auto rows = exec(tx, kResolve, tokenHash, idleMinutes);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    Principal p;
    p.sessionId = r[0].as<std::string>();
    p.userId = r[1].as<std::string>();
    p.username = r[2].as<std::string>();
    p.displayName = r[3].as<std::string>();
    p.role = r[4].as<std::string>();
    p.region = r[5].as<std::string>();
    p.organisation = r[6].as<std::string>();
    expiresAt = r[7].as<std::string>();
    p.enrolmentOnly = r[8].as<bool>();
    p.sessionExpiresAt = expiresAt;
    return p;
}

static const Query kRevoke{"session_revoke", "UPDATE sessions SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL"};
void SessionRepository::revoke(pqxx::transaction_base& tx, const std::string& sessionId) {
    exec(tx, kRevoke, sessionId);
}

static const Query kRevokeAll{"session_revoke_all", R"SQL(
UPDATE sessions SET revoked_at = now()
 WHERE user_id = $1::uuid AND revoked_at IS NULL AND expires_at > now()
RETURNING id)SQL"};
int SessionRepository::revokeAllOf(pqxx::transaction_base& tx, const std::string& userId) {
    return static_cast<int>(exec(tx, kRevokeAll, userId).size());
}

static const Query kRevokeOwn{"session_revoke_own", R"SQL(
UPDATE sessions SET revoked_at = now()
 WHERE id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL AND expires_at > now()
RETURNING id)SQL"};
bool SessionRepository::revokeOwn(pqxx::transaction_base& tx, const std::string& sessionId, const std::string& userId) {
    return !exec(tx, kRevokeOwn, sessionId, userId).empty();
}

static const Query kLift{"session_lift_enrolment", "UPDATE sessions SET enrolment_only = false WHERE id = $1::uuid"};
void SessionRepository::liftEnrolmentRestriction(pqxx::transaction_base& tx, const std::string& sessionId) {
    exec(tx, kLift, sessionId);
}

static const Query kListActive{"session_list_active", R"SQL(
SELECT id::text,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       coalesce(client_address, ''), enrolment_only
  FROM sessions
 WHERE user_id = $1::uuid AND revoked_at IS NULL AND expires_at > now()
   AND last_seen_at > now() - make_interval(mins => $2)
 ORDER BY created_at DESC, id
 LIMIT 500)SQL"};
std::vector<SessionRepository::ActiveSession> SessionRepository::listActive(pqxx::transaction_base& tx,
                                                                            const std::string& userId,
                                                                            int idleMinutes) {
    std::vector<ActiveSession> out;
    for (const auto& r : exec(tx, kListActive, userId, idleMinutes)) {
        out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<bool>()});
    }
    return out;
}

static const Query kRecentFailures{"login_recent_failures", R"SQL(
SELECT count(*)::int,
       coalesce(ceil(extract(epoch FROM min(failed_at) + make_interval(mins => $2) - now()))::int, 0)
  FROM login_failures
 WHERE username = $1 AND failed_at > now() - make_interval(mins => $2))SQL"};
int SessionRepository::recentFailures(pqxx::transaction_base& tx, const std::string& username, int windowMinutes,
                                      int& retryAfterSeconds) {
    auto row = exec(tx, kRecentFailures, username, windowMinutes)[0];
    retryAfterSeconds = std::max(1, row[1].as<int>());
    return row[0].as<int>();
}

// Failures outside the window no longer count; dropping them keeps the table as small as the
// window, even when someone tries many different names.
static const Query kRecordFailure{"login_record_failure", R"SQL(
WITH expired AS (DELETE FROM login_failures WHERE failed_at < now() - make_interval(mins => $2))
INSERT INTO login_failures (username) VALUES ($1))SQL"};
void SessionRepository::recordFailure(pqxx::transaction_base& tx, const std::string& username, int windowMinutes) {
    exec(tx, kRecordFailure, username, windowMinutes);
}

static const Query kClearFailures{"login_clear_failures", "DELETE FROM login_failures WHERE username = $1"};
void SessionRepository::clearFailures(pqxx::transaction_base& tx, const std::string& username) {
    exec(tx, kClearFailures, username);
}

}  // namespace registry::db
