-- Two-factor sign-in (TOTP, RFC 6238): enrolments, recovery codes, the short-lived challenge
-- between the password step and the code step, and what a session may do.

-- One enrolment per user. The secret must be readable to check codes, so it cannot be hashed;
-- it is useless without the password (a PBKDF2 hash in users). A new enrolment replaces an
-- unconfirmed one; a confirmed one is removed only by an admin reset.
CREATE TABLE user_totp (
    user_id         uuid PRIMARY KEY REFERENCES users (id),
    secret          text NOT NULL CHECK (secret ~ '^[0-9a-f]{32,}$'),  -- hex of >= 16 random bytes
    confirmed_at    timestamptz,
    -- The newest time step a code was accepted for: that code, and older ones, cannot be reused.
    last_used_step  bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Single-use recovery codes, stored only as SHA-256 of their normalised form (80 random bits
-- each, so a plain hash is enough: there is nothing to guess from a dictionary).
CREATE TABLE recovery_codes (
    user_id    uuid NOT NULL REFERENCES users (id),
    code_hash  text NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- The token of the first sign-in step: proves the password and nothing else. Only its SHA-256
-- is stored; it expires within minutes and is consumed by the second step.
CREATE TABLE login_challenges (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash      text NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz,
    client_address  text
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- A session of a user who must enrol but has not: it may call the enrolment endpoints and
-- log out, nothing else, until enrolment is confirmed (which lifts the restriction).
ALTER TABLE sessions ADD COLUMN enrolment_only boolean NOT NULL DEFAULT false;

GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp TO registry_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO registry_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_challenges TO registry_service;
