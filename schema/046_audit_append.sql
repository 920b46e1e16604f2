-- One statement appends an event to the chain (SECURITY.md: one writer at a time, in the
-- transaction of the change): it takes the chain lock, reads the head and inserts the event with
-- hash = SHA-256(prev_hash || canonical event). The caller computes the canonical encoding
-- (server/core/audit_event.cpp, the one `registry audit verify` checks against) and passes it,
-- with the chain's lock key and its genesis hash (both defined once, in the server).
-- Before, the lock, the head and the insert were three round trips made while holding the lock,
-- and every other submission waited on all three (bench/README.md, "Where the wait goes").
--
-- plpgsql on purpose: each statement of a volatile function takes a fresh snapshot (under READ
-- COMMITTED, the submit path's isolation), so the head is read after the lock is granted and
-- sees the event its previous holder committed. One SQL statement reading the head beside the
-- lock would see the snapshot from before the wait.
CREATE FUNCTION audit_append(p_id uuid, p_action text, p_occurred_at timestamptz, p_outcome text, p_user_id uuid,
                             p_username text, p_role text, p_region text, p_on_behalf_of text,
                             p_client_address text, p_request_id text, p_object_type text, p_object_id text,
                             p_subject_pseudonym text, p_purpose text, p_detail text, p_canonical text,
                             p_lock_key bigint, p_genesis text)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    prev_hash_v text;
    hash_v text;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);
    SELECT hash INTO prev_hash_v FROM audit_events ORDER BY seq DESC LIMIT 1;
    prev_hash_v := coalesce(prev_hash_v, p_genesis);
    hash_v := encode(sha256(convert_to(prev_hash_v || p_canonical, 'UTF8')), 'hex');
    INSERT INTO audit_events (id, action, occurred_at, outcome, user_id, username, role, region, on_behalf_of,
                              client_address, request_id, object_type, object_id, subject_pseudonym, purpose, detail,
                              prev_hash, hash)
    VALUES (p_id, p_action, p_occurred_at, p_outcome, p_user_id, p_username, p_role, p_region, p_on_behalf_of,
            p_client_address, p_request_id, p_object_type, p_object_id, p_subject_pseudonym, p_purpose, p_detail,
            prev_hash_v, hash_v);
    RETURN hash_v;
END
$$;
REVOKE ALL ON FUNCTION audit_append(uuid, text, timestamptz, text, uuid, text, text, text, text, text, text, text, text,
                                    text, text, text, text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(uuid, text, timestamptz, text, uuid, text, text, text, text, text, text, text,
                                       text, text, text, text, text, bigint, text) TO registry_service;
