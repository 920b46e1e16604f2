-- Identity (users, sessions, login failures) and the NEN 7513 audit log.

CREATE TABLE users (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username         text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role             text NOT NULL CHECK (role IN ('forensic_doctor', 'police', 'prosecutor', 'loef',
                                                   'researcher', 'pilot_lead', 'admin')),
    organisation_id  uuid REFERENCES organisations (id),
    region           text REFERENCES regions (code),
    password_hash    text NOT NULL,
    disabled         boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a bearer token is stored: a copy of this table opens no session.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash      text NOT NULL UNIQUE,
    user_id         uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    client_address  text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

-- Failed logins by the name that was tried (known or not), for the lockout rule.
CREATE TABLE login_failures (
    username   text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_by_name ON login_failures (username, failed_at);

-- Append-only, hash-chained audit log. `seq` orders the chain; the service role may insert and
-- read but never update or delete (see the grants below).
CREATE TABLE audit_events (
    seq                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                 uuid NOT NULL UNIQUE,
    action             text NOT NULL,
    occurred_at        timestamptz NOT NULL,
    outcome            text NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
    user_id            uuid,
    username           text,
    role               text,
    region             text,
    on_behalf_of       text,
    client_address     text,
    request_id         text,
    object_type        text,
    object_id          text,
    subject_pseudonym  text,
    purpose            text NOT NULL,
    detail             text,
    prev_hash          text NOT NULL,
    hash               text NOT NULL UNIQUE
);
CREATE INDEX audit_events_user ON audit_events (user_id, seq);
CREATE INDEX audit_events_object ON audit_events (object_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

GRANT SELECT, INSERT, UPDATE ON users TO registry_service;
GRANT SELECT, INSERT, UPDATE ON sessions TO registry_service;
GRANT SELECT, INSERT, DELETE ON login_failures TO registry_service;
GRANT SELECT, INSERT ON audit_events TO registry_service;
