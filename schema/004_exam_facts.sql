-- Report storage derived from the form definition (schema/forms/README.md, "Report storage").
--
-- exam_facts holds one narrow typed row per exam: the fixed columns below, plus one column per
-- coded field of every published form version and one 0/1 column per multi-enum option. Those
-- columns, and the statement-level triggers on exams and exam_outcomes that fill them, are
-- generated from form_definitions by the migrator (server/db/fact_storage.cpp) each time the
-- definitions change, so a new field or code needs no hand-written SQL. The triggers use
-- transition tables, so a bulk COPY fills the table with one set-based statement.
CREATE TABLE exam_facts (
    exam_id                 uuid PRIMARY KEY REFERENCES exams (id) ON DELETE CASCADE,
    region                  text NOT NULL,
    status                  text NOT NULL,
    form_version            integer NOT NULL,
    version                 integer NOT NULL,
    outcome_version         integer,
    victim_pseudonym        text,
    hours_report_to_exam    numeric(8, 1),
    hours_incident_to_exam  numeric(8, 1),
    within_24h              boolean,
    within_48h              boolean,
    within_72h              boolean,
    internal_only           boolean
);

CREATE INDEX exam_facts_victim ON exam_facts (victim_pseudonym) WHERE victim_pseudonym IS NOT NULL;

-- The checksum of the generated SQL last applied: the migrator regenerates and backfills only
-- when it changes.
CREATE TABLE exam_facts_generation (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    checksum    text NOT NULL,
    columns     integer NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- The hand-written typed copies of 003 are replaced by exam_facts; only exam_at stays on exams,
-- because the record list (GET /api/v1/exams?from=&to=) filters on it.
CREATE OR REPLACE FUNCTION exams_typed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.exam_at := (NEW.fields ->> 'exam_at')::timestamptz;
    RETURN NEW;
END
$$;

ALTER TABLE exams
    DROP COLUMN referral_source, DROP COLUMN incident_at, DROP COLUMN reported_at,
    DROP COLUMN report_delivered_at, DROP COLUMN age_band, DROP COLUMN sex, DROP COLUMN relationship,
    DROP COLUMN no_visible_injury, DROP COLUMN laryngoscopy_done, DROP COLUMN imaging_done,
    DROP COLUMN evidential_value, DROP COLUMN danger_to_life, DROP COLUMN internal_injury_shown,
    DROP COLUMN external_injury_visible, DROP COLUMN consent_research_use;

-- The service writes exams; the generated triggers run with its rights and keep exam_facts.
GRANT SELECT, INSERT, UPDATE, DELETE ON exam_facts TO registry_service;
GRANT SELECT ON exam_facts_generation TO registry_service;
