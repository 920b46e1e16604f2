-- Retention procedures (registry retention ...): checkpoints of purged audit-log prefixes, and
-- the right to remove expired sessions.

-- When `registry retention purge-audit` removes the oldest events, the hash of the last removed
-- one is kept here: the first remaining event's prev_hash must equal it, so `registry audit
-- verify` still proves every remaining event. The purge also records the checkpoint in an
-- `audit.purge` event in the chain (and in the log), which verify requires: a checkpoint row
-- that no chained event vouches for is reported as tampering.
CREATE TABLE audit_checkpoints (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    through_seq          bigint NOT NULL UNIQUE,
    through_hash         text NOT NULL,
    through_occurred_at  timestamptz NOT NULL,
    events_removed       bigint NOT NULL CHECK (events_removed > 0),
    created_at           timestamptz NOT NULL DEFAULT now()
);

-- The service role reads checkpoints (verify, audit API) but only the owner role, which runs the
-- purge, may write them or delete audit events.
GRANT SELECT ON audit_checkpoints TO registry_service;
-- `registry retention cleanup` runs as the service role: ended sessions may go.
GRANT DELETE ON sessions TO registry_service;
