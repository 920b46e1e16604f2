-- Pseudonym key rotation (registry keys rotate): each stored version of a record says which key
-- version its pseudonyms were made with, so that a rotation can bring every row forward and a
-- crash leaves nothing ambiguous; and the rotation's progress, so that a rerun resumes.

ALTER TABLE exam_versions ADD COLUMN pseudonym_key_version integer;
UPDATE exam_versions v SET pseudonym_key_version = e.pseudonym_key_version FROM exams e WHERE e.id = v.exam_id;
ALTER TABLE exam_versions ALTER COLUMN pseudonym_key_version SET NOT NULL;

-- One row per target key version. `last_exam_id` is the keyset cursor: exams are visited in id
-- order in batches, each batch committed with its progress, so a rerun continues after it.
CREATE TABLE key_rotations (
    target_version   integer PRIMARY KEY,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    last_exam_id     uuid,
    exams_rekeyed    bigint NOT NULL DEFAULT 0,
    versions_rekeyed bigint NOT NULL DEFAULT 0
);

GRANT SELECT, INSERT, UPDATE ON key_rotations TO registry_service;
GRANT UPDATE ON exam_versions TO registry_service;
