-- Exam records: form definitions, the current record, every version, justice outcomes and the
-- dismissal-code (sepotgronden) reference list.
--
-- Field values live in `fields` (jsonb, canonical: timestamps in UTC with Z). The columns that
-- reports filter and group by are typed copies kept by triggers, so no code path can let the two
-- disagree; identifying inputs are never stored, only their HMAC pseudonyms.

CREATE TABLE form_definitions (
    version     integer PRIMARY KEY CHECK (version > 0),
    form        text NOT NULL,
    definition  jsonb NOT NULL,
    checksum    text NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);

-- Sepotgronden: versioned so that a changed list never rewrites what older decisions meant.
CREATE TABLE dismissal_codes (
    list_version  integer NOT NULL,
    code          text NOT NULL CHECK (code ~ '^[0-9]{2}$'),
    label_nl      text NOT NULL,
    label_en      text NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date,
    PRIMARY KEY (list_version, code)
);

INSERT INTO dismissal_codes (list_version, code, label_nl, label_en, valid_from) VALUES
    (1, '01', 'Ten onrechte als verdachte aangemerkt', 'Wrongly identified as suspect', DATE '2025-01-01'),
    (1, '02', 'Onvoldoende wettig bewijs', 'Insufficient lawful evidence', DATE '2025-01-01'),
    (1, '03', 'Feit niet strafbaar', 'Act not punishable', DATE '2025-01-01'),
    (1, '04', 'Verdachte niet strafbaar', 'Suspect not punishable', DATE '2025-01-01'),
    (1, '05', 'Niet-ontvankelijkheid van het openbaar ministerie', 'Prosecution inadmissible', DATE '2025-01-01'),
    (1, '06', 'Strafrechter onbevoegd', 'Criminal court lacks jurisdiction', DATE '2025-01-01'),
    (1, '20', 'Geringe strafwaardigheid', 'Minor punishability', DATE '2025-01-01'),
    (1, '31', 'Oud feit', 'Old offence', DATE '2025-01-01'),
    (1, '41', 'Verhouding verdachte en slachtoffer / belang slachtoffer', 'Relationship of suspect and victim / victim''s interest', DATE '2025-01-01'),
    (1, '51', 'Gewijzigde omstandigheden / reeds voldoende gestraft', 'Changed circumstances / already sufficiently punished', DATE '2025-01-01'),
    (1, '62', 'Andere reactie dan strafrechtelijke vervolging te verkiezen', 'Other response preferable to prosecution', DATE '2025-01-01'),
    (1, '70', 'Voeging ad informandum', 'Joined ad informandum', DATE '2025-01-01');

CREATE TABLE exams (
    id                       uuid PRIMARY KEY,
    form_version             integer NOT NULL REFERENCES form_definitions (version),
    status                   text NOT NULL CHECK (status IN ('draft', 'submitted', 'locked')),
    version                  integer NOT NULL CHECK (version > 0),
    region                   text NOT NULL REFERENCES regions (code),
    author_id                uuid NOT NULL REFERENCES users (id),
    fields                   jsonb NOT NULL,
    victim_pseudonym         text,
    police_pseudonym         text,
    pseudonym_key_version    integer NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    submitted_at             timestamptz,
    locked_at                timestamptz,
    -- derived by the registry (C++), never entered
    hours_report_to_exam     numeric(8, 1),
    hours_incident_to_exam   numeric(8, 1),
    within_24h               boolean,
    within_48h               boolean,
    within_72h               boolean,
    internal_only            boolean,
    -- typed copies of `fields`, kept by exams_typed_columns()
    referral_source          text,
    incident_at              timestamptz,
    reported_at              timestamptz,
    exam_at                  timestamptz,
    report_delivered_at      timestamptz,
    age_band                 text,
    sex                      text,
    relationship             text,
    no_visible_injury        boolean,
    laryngoscopy_done        boolean,
    imaging_done             boolean,
    evidential_value         text,
    danger_to_life           text,
    internal_injury_shown    text,
    external_injury_visible  boolean,
    consent_research_use     boolean
);

CREATE FUNCTION exams_typed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.referral_source := NEW.fields ->> 'referral_source';
    NEW.incident_at := (NEW.fields ->> 'incident_at')::timestamptz;
    NEW.reported_at := (NEW.fields ->> 'reported_at')::timestamptz;
    NEW.exam_at := (NEW.fields ->> 'exam_at')::timestamptz;
    NEW.report_delivered_at := (NEW.fields ->> 'report_delivered_at')::timestamptz;
    NEW.age_band := NEW.fields ->> 'age_band';
    NEW.sex := NEW.fields ->> 'sex';
    NEW.relationship := NEW.fields ->> 'relationship';
    NEW.no_visible_injury := (NEW.fields ->> 'no_visible_injury')::boolean;
    NEW.laryngoscopy_done := (NEW.fields ->> 'laryngoscopy_done')::boolean;
    NEW.imaging_done := (NEW.fields ->> 'imaging_done')::boolean;
    NEW.evidential_value := NEW.fields ->> 'evidential_value';
    NEW.danger_to_life := NEW.fields ->> 'danger_to_life';
    NEW.internal_injury_shown := NEW.fields ->> 'internal_injury_shown';
    NEW.external_injury_visible := (NEW.fields ->> 'external_injury_visible')::boolean;
    NEW.consent_research_use := (NEW.fields ->> 'consent_research_use')::boolean;
    RETURN NEW;
END
$$;

CREATE TRIGGER exams_typed_columns BEFORE INSERT OR UPDATE OF fields ON exams
    FOR EACH ROW EXECUTE FUNCTION exams_typed_columns();

CREATE INDEX exams_region_exam_at ON exams (region, exam_at);
CREATE INDEX exams_exam_at ON exams (exam_at);
CREATE INDEX exams_status ON exams (status);
CREATE INDEX exams_author ON exams (author_id) WHERE status = 'draft';
CREATE INDEX exams_police_pseudonym ON exams (police_pseudonym) WHERE police_pseudonym IS NOT NULL;
CREATE INDEX exams_victim_pseudonym ON exams (victim_pseudonym) WHERE victim_pseudonym IS NOT NULL;
CREATE INDEX exams_list_order ON exams (created_at DESC, id DESC);

-- Every version of every record, never overwritten. `fields` is the whole record after the change.
CREATE TABLE exam_versions (
    exam_id           uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    version           integer NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('create', 'update', 'submit', 'amend', 'lock', 'unlock')),
    status            text NOT NULL,
    fields            jsonb NOT NULL,
    victim_pseudonym  text,
    police_pseudonym  text,
    changed_by        uuid NOT NULL REFERENCES users (id),
    changed_at        timestamptz NOT NULL DEFAULT now(),
    reason            text,
    PRIMARY KEY (exam_id, version)
);

-- Justice outcomes, one row per exam; police and OM each write only their own part.
CREATE TABLE exam_outcomes (
    exam_id                uuid PRIMARY KEY REFERENCES exams (id) ON DELETE CASCADE,
    version                integer NOT NULL,
    police_fields          jsonb NOT NULL DEFAULT '{}',
    om_fields              jsonb NOT NULL DEFAULT '{}',
    dismissal_list_version integer,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    aangifte               text,
    arrest                 boolean,
    custody                boolean,
    pretrial_detention     boolean,
    restraining_order      boolean,
    om_decision            text,
    om_decision_date       date,
    dismissal_code         text,
    verdict                text,
    proven_offence         text
);

CREATE FUNCTION exam_outcomes_typed_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.aangifte := NEW.police_fields ->> 'aangifte';
    NEW.arrest := (NEW.police_fields ->> 'arrest')::boolean;
    NEW.custody := (NEW.police_fields ->> 'custody')::boolean;
    NEW.pretrial_detention := (NEW.police_fields ->> 'pretrial_detention')::boolean;
    NEW.restraining_order := (NEW.police_fields ->> 'restraining_order')::boolean;
    NEW.om_decision := NEW.om_fields ->> 'om_decision';
    NEW.om_decision_date := (NEW.om_fields ->> 'om_decision_date')::date;
    NEW.dismissal_code := NEW.om_fields ->> 'dismissal_code';
    NEW.verdict := NEW.om_fields ->> 'verdict';
    NEW.proven_offence := NEW.om_fields ->> 'proven_offence';
    RETURN NEW;
END
$$;

CREATE TRIGGER exam_outcomes_typed_columns BEFORE INSERT OR UPDATE ON exam_outcomes
    FOR EACH ROW EXECUTE FUNCTION exam_outcomes_typed_columns();

CREATE TABLE outcome_versions (
    exam_id     uuid NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    version     integer NOT NULL,
    part        text NOT NULL CHECK (part IN ('police', 'prosecutor')),
    fields      jsonb NOT NULL,
    changed_by  uuid NOT NULL REFERENCES users (id),
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (exam_id, version)
);

GRANT SELECT ON form_definitions, dismissal_codes TO registry_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON exams TO registry_service;
GRANT SELECT, INSERT, DELETE ON exam_versions TO registry_service;
GRANT SELECT, INSERT, UPDATE ON exam_outcomes TO registry_service;
GRANT SELECT, INSERT ON outcome_versions TO registry_service;
