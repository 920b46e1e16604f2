-- Research export jobs (REPORTS.md, "Research export"). A row holds who asked, the filters and
-- how many records matched; never the per-export re-keying key (it is derived from the
-- pseudonym key and the export id when the data is streamed) and never the data itself.
CREATE TABLE research_exports (
    id            uuid PRIMARY KEY,
    requested_by  uuid NOT NULL REFERENCES users (id),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    region        text NOT NULL DEFAULT '',
    date_from     text NOT NULL DEFAULT '',
    date_to       text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('ready')),
    record_count  bigint NOT NULL,
    form_versions text NOT NULL
);

CREATE INDEX research_exports_by_user ON research_exports (requested_by, requested_at DESC);

GRANT SELECT, INSERT ON research_exports TO registry_service;
