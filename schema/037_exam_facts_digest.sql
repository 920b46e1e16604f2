-- The two 60-bit slices of the MD5 over (id, version, outcome version) that the data_digest of a
-- report sums (reports/report_repository.cpp), stored with the row: a report's fingerprint pass
-- over a year of records then sums two integers from the covering index (FactStorage) instead
-- of hashing and parsing text per row. Same formula as before, so digests do not change.
ALTER TABLE exam_facts
    ADD COLUMN digest_a bigint GENERATED ALWAYS AS (('x' || substr(md5(exam_id::text || ':' || version::text || ':' ||
        coalesce(outcome_version, 0)::text), 1, 15))::bit(60)::bigint) STORED,
    ADD COLUMN digest_b bigint GENERATED ALWAYS AS (('x' || substr(md5(exam_id::text || ':' || version::text || ':' ||
        coalesce(outcome_version, 0)::text), 16, 15))::bit(60)::bigint) STORED;
