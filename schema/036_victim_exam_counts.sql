-- How many submitted or locked records carry each victim pseudonym: the police report's repeat
-- victims (REPORTS.md) link records across every region and period, so without this a report
-- would group the whole exam_facts table by pseudonym on every run. Kept by statement-level
-- triggers on exam_facts over transition tables (one set-based statement per write, whatever
-- wrote it: the API, the importer, a COPY, key rotation re-keying every pseudonym, an erasure
-- cascading from exams). A pseudonym whose last counted record goes is deleted, so an erasure
-- leaves nothing behind here.
CREATE TABLE victim_exam_counts (
    victim_pseudonym  text PRIMARY KEY,
    exams             integer NOT NULL
);

-- The repeat victims alone: what a report joins with.
CREATE INDEX victim_exam_counts_repeat ON victim_exam_counts (victim_pseudonym) WHERE exams > 1;

-- Adds signed changes (one per pseudonym) and removes the pseudonyms no record counts any more.
-- Sorted, so that two writers touching the same pseudonyms lock them in the same order.
CREATE FUNCTION victim_exam_counts_apply(pseudonyms text[], changes integer[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO victim_exam_counts AS v (victim_pseudonym, exams)
    SELECT p, d FROM unnest(pseudonyms, changes) AS c(p, d) WHERE d <> 0 ORDER BY p
    ON CONFLICT (victim_pseudonym) DO UPDATE SET exams = v.exams + EXCLUDED.exams;
    DELETE FROM victim_exam_counts WHERE victim_pseudonym = ANY (pseudonyms) AND exams <= 0;
$$;

CREATE FUNCTION victim_exam_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM victim_exam_counts_apply(array_agg(p), array_agg(d))
       FROM (SELECT victim_pseudonym AS p, count(*)::integer AS d FROM added
              WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL GROUP BY 1) c
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION victim_exam_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM victim_exam_counts_apply(array_agg(p), array_agg(d))
       FROM (SELECT p, sum(d)::integer AS d
               FROM (SELECT victim_pseudonym AS p, 1 AS d FROM after
                      WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL
                     UNION ALL
                     SELECT victim_pseudonym, -1 FROM before
                      WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL) u
              GROUP BY p HAVING sum(d) <> 0) c
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION victim_exam_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM victim_exam_counts_apply(array_agg(p), array_agg(d))
       FROM (SELECT victim_pseudonym AS p, -count(*)::integer AS d FROM removed
              WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL GROUP BY 1) c
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER exam_facts_victims_insert AFTER INSERT ON exam_facts
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION victim_exam_counts_after_insert();
CREATE TRIGGER exam_facts_victims_update AFTER UPDATE ON exam_facts
    REFERENCING OLD TABLE AS before NEW TABLE AS after FOR EACH STATEMENT EXECUTE FUNCTION victim_exam_counts_after_update();
CREATE TRIGGER exam_facts_victims_delete AFTER DELETE ON exam_facts
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION victim_exam_counts_after_delete();

INSERT INTO victim_exam_counts (victim_pseudonym, exams)
SELECT victim_pseudonym, count(*) FROM exam_facts
 WHERE status IN ('submitted', 'locked') AND victim_pseudonym IS NOT NULL GROUP BY 1;

-- The triggers run with the rights of whoever writes exam_facts (the service).
GRANT SELECT, INSERT, UPDATE, DELETE ON victim_exam_counts TO registry_service;
