-- Legacy import of the regions' interim spreadsheets (issue 9).
--
-- Imported records are ordinary exams (same table, same trigger-kept typed columns, a version
-- row and an audit event each) that also carry where they came from. The import key is the
-- HMAC pseudonym of the source's Dossiernummer: unique, so that running an import twice, or
-- again after a crash, can never store a record twice, even under concurrent imports.

ALTER TABLE exams
    ADD COLUMN import_key            text,
    ADD COLUMN import_source_file    text,
    ADD COLUMN import_source_digest  text CHECK (import_source_digest ~ '^[0-9a-f]{64}$'),
    ADD COLUMN import_record_number  integer CHECK (import_record_number > 1),
    ADD COLUMN import_job_id         uuid,
    ADD CONSTRAINT exams_import_provenance CHECK (
        (import_key IS NULL) = (import_source_file IS NULL)
        AND (import_key IS NULL) = (import_source_digest IS NULL)
        AND (import_key IS NULL) = (import_record_number IS NULL));

CREATE UNIQUE INDEX exams_import_key ON exams (import_key) WHERE import_key IS NOT NULL;

-- The version row of an imported record says so.
ALTER TABLE exam_versions DROP CONSTRAINT exam_versions_kind_check;
ALTER TABLE exam_versions ADD CONSTRAINT exam_versions_kind_check
    CHECK (kind IN ('create', 'update', 'submit', 'amend', 'lock', 'unlock', 'import'));

-- Imported records were not entered by any registry user: they are authored by this account,
-- which can never log in (disabled, and its hash matches no password). Audit events still name
-- the person who ran the import.
INSERT INTO users (id, username, display_name, role, password_hash, disabled)
VALUES ('00000000-0000-4000-8000-00000000e001', 'legacy-import', 'Import tussentijdse spreadsheets', 'loef',
        '!disabled-account', true);
