-- How many submitted or locked records carry each victim pseudonym: the police report's repeat
-- victims (REPORTS.md) link records across every region and period, so without this a report
-- would group the whole exam_facts table by pseudonym on every run. Kept by triggers on
-- exam_facts, whatever wrote it: the API, the importer, a COPY, key rotation re-keying every
-- pseudonym, an erasure cascading from exams. A pseudonym whose last counted record goes is
-- deleted, so an erasure leaves nothing behind here.
CREATE TABLE victim_exam_counts (
    victim_pseudonym  text PRIMARY KEY,
    exams             integer NOT NULL
);

-- The repeat victims alone: what a report joins with.
CREATE INDEX victim_exam_counts_repeat ON victim_exam_counts (victim_pseudonym) WHERE exams > 1;

-- Adds one signed change. Row-level triggers with WHEN conditions, measured against
-- statement-level ones over transition tables with pgbench (bench/README.md): a submission
-- writes one row, and a row trigger that only fires when the status or the pseudonym changes
-- costs that write less. A bulk load pays one small upsert per counted row.
CREATE FUNCTION victim_exam_counts_add(pseudonym text, change integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO victim_exam_counts AS v (victim_pseudonym, exams) VALUES (pseudonym, change)
    ON CONFLICT (victim_pseudonym) DO UPDATE SET exams = v.exams + EXCLUDED.exams;
    DELETE FROM victim_exam_counts WHERE victim_pseudonym = pseudonym AND exams <= 0;
$$;

CREATE FUNCTION victim_exam_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('submitted', 'locked') AND OLD.victim_pseudonym IS NOT NULL THEN
        PERFORM victim_exam_counts_add(OLD.victim_pseudonym, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('submitted', 'locked') AND NEW.victim_pseudonym IS NOT NULL THEN
        PERFORM victim_exam_counts_add(NEW.victim_pseudonym, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER exam_facts_victims_insert AFTER INSERT ON exam_facts FOR EACH ROW
    WHEN (NEW.status IN ('submitted', 'locked') AND NEW.victim_pseudonym IS NOT NULL)
    EXECUTE FUNCTION victim_exam_counts_follow();
CREATE TRIGGER exam_facts_victims_update AFTER UPDATE OF status, victim_pseudonym ON exam_facts FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.victim_pseudonym IS DISTINCT FROM NEW.victim_pseudonym)
    EXECUTE FUNCTION victim_exam_counts_follow();
CREATE TRIGGER exam_facts_victims_delete AFTER DELETE ON exam_facts FOR EACH ROW
    WHEN (OLD.status IN ('submitted', 'locked') AND OLD.victim_pseudonym IS NOT NULL)
    EXECUTE FUNCTION victim_exam_counts_follow();

INSERT INTO victim_exam_counts (victim_pseudonym, exams)
SELECT victim_pseudonym, count(*) FROM exam_facts
 WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL GROUP BY 1;

-- The triggers run with the rights of whoever writes exam_facts (the service).
GRANT SELECT, INSERT, UPDATE, DELETE ON victim_exam_counts TO registry_service;
