-- Import jobs of the upload API (POST /api/v1/imports) outlive the server process: a restart
-- keeps their status, summary and row errors (issue 9). The upload itself is not kept: a job
-- that was queued or running when its server stopped is marked interrupted, and uploading the
-- file again completes it (the import is idempotent).
--
-- The Dossiernummer of a rejected record is the uploader's identifying reference: it is never
-- stored in clear, only sealed (AES-256-GCM under a key derived from the pseudonym key of
-- `key_version`, bound to the job and record), so a database dump does not reveal it.

CREATE TABLE import_jobs (
    id               uuid PRIMARY KEY,
    owner_id         uuid NOT NULL REFERENCES users (id),
    owner_region     text,
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    mapping          text NOT NULL,
    source_name      text NOT NULL,
    on_error         text NOT NULL CHECK (on_error IN ('skip', 'abort')),
    dry_run          boolean NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    phase            text NOT NULL,
    total            bigint NOT NULL DEFAULT 0,
    done             bigint NOT NULL DEFAULT 0,
    imported         bigint NOT NULL DEFAULT 0,
    already_present  bigint NOT NULL DEFAULT 0,
    rejected         bigint NOT NULL DEFAULT 0,
    -- The summary, once the job is done.
    sha256           text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    encoding         text,
    delimiter        text,
    read             bigint,
    aborted          boolean,
    failure_code     text,
    failure_message  text,
    key_version      integer NOT NULL,
    CHECK ((status = 'done') = (sha256 IS NOT NULL)),
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
);

CREATE INDEX import_jobs_owner ON import_jobs (owner_id);
CREATE INDEX import_jobs_finished ON import_jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE import_job_errors (
    job_id          uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    record          bigint NOT NULL,
    dossier_sealed  bytea,
    column_name     text NOT NULL,
    value           text,  -- NULL where the column is identifying (the value is withheld)
    code            text NOT NULL,
    message_nl      text NOT NULL,
    message_en      text NOT NULL,
    PRIMARY KEY (job_id, record)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON import_jobs, import_job_errors TO registry_service;
