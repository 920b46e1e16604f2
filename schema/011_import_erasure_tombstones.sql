-- An erased record must stay erased: if an imported exam is removed (`registry exam erase`, an
-- AVG request or withdrawn consent), running the same spreadsheet again must not bring it back.
-- The import key (an HMAC pseudonym, no clinical content) is kept here when its exam row goes,
-- and the import treats it as present.

CREATE TABLE import_erased_keys (
    import_key  text PRIMARY KEY,
    erased_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION exams_keep_erased_import_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO import_erased_keys (import_key) VALUES (OLD.import_key) ON CONFLICT DO NOTHING;
    RETURN OLD;
END
$$;

CREATE TRIGGER exams_keep_erased_import_key AFTER DELETE ON exams
    FOR EACH ROW WHEN (OLD.import_key IS NOT NULL) EXECUTE FUNCTION exams_keep_erased_import_key();

GRANT SELECT, INSERT ON import_erased_keys TO registry_service;
