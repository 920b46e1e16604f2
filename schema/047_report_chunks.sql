-- The partial aggregates of reports per (measure set, region, month), kept in the database
-- (reports/chunk_store.cpp): a fresh process, `registry report` and every instance behind the
-- load balancer start from the chunks computed before, instead of aggregating years of records
-- again. A chunk is used only while the fingerprint in its payload equals that of the records in
-- scope, so a row that is out of date is never read as current; the table is a cache and may be
-- emptied at any time. Reports on a streaming replica read it by replication; only the primary
-- writes it.
CREATE TABLE report_chunks (
    key        text PRIMARY KEY,     -- measure set and fact generation (hash), region, month
    region     text NOT NULL,
    month      text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    payload    bytea NOT NULL,       -- fingerprint, counts, distributions (aggregate_chunks.cpp)
    stored_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX report_chunks_month ON report_chunks (region, month);

-- An erased record leaves nothing behind: the chunks that counted it go with it (a deletion of
-- a draft, which no report counts, leaves them).
CREATE FUNCTION report_chunks_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_chunks c
     USING (SELECT DISTINCT region, to_char(exam_at AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS month
              FROM erased WHERE status IN ('submitted', 'locked')) e
     WHERE c.region = e.region AND c.month = e.month;
    RETURN NULL;
END
$$;

CREATE TRIGGER exam_facts_forget_chunks AFTER DELETE ON exam_facts REFERENCING OLD TABLE AS erased
    FOR EACH STATEMENT EXECUTE FUNCTION report_chunks_forget();

-- The trigger runs with the rights of whoever deletes (the service).
GRANT SELECT, INSERT, UPDATE, DELETE ON report_chunks TO registry_service;
