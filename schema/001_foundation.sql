-- Foundation: the service role, the pilot regions and the organisations taking part.
--
-- Migrations run as the owner role (db.owner_url). The service connects with a login role that
-- is a member of registry_service and receives only the privileges granted here and in later
-- migrations; in particular it may never UPDATE or DELETE the audit log.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_service') THEN
        CREATE ROLE registry_service NOLOGIN;
    END IF;
END
$$;

CREATE TABLE regions (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    name_nl     text NOT NULL,
    name_en     text NOT NULL,
    pilot_start date NOT NULL,
    sort_order  integer NOT NULL UNIQUE
);

INSERT INTO regions (code, name_nl, name_en, pilot_start, sort_order) VALUES
    ('midden_nederland', 'Midden-Nederland', 'Central Netherlands', DATE '2025-09-15', 1),
    ('oost_nederland',   'Oost-Nederland',   'East Netherlands',    DATE '2025-09-15', 2),
    ('oost_brabant',     'Oost-Brabant',     'East Brabant',        DATE '2025-09-15', 3);

CREATE TABLE organisations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]+$'),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('forensic_medicine', 'police', 'prosecution', 'loef',
                                               'research', 'programme', 'administration')),
    region      text REFERENCES regions (code),
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO organisations (code, name, kind, region) VALUES
    ('ggd_regio_utrecht_fg',   'GGD regio Utrecht, Forensische Geneeskunde', 'forensic_medicine', 'midden_nederland'),
    ('ggd_ijsselland_fg',      'GGD IJsselland, Forensische Geneeskunde',    'forensic_medicine', 'oost_nederland'),
    ('ggd_hvb_fg',             'GGD Hart voor Brabant, Forensische Geneeskunde', 'forensic_medicine', 'oost_brabant'),
    ('politie_midden_nederland', 'Politie eenheid Midden-Nederland', 'police', 'midden_nederland'),
    ('politie_oost_nederland',   'Politie eenheid Oost-Nederland',   'police', 'oost_nederland'),
    ('politie_oost_brabant',     'Politie eenheid Oost-Brabant',     'police', 'oost_brabant'),
    ('om_midden_nederland',    'Openbaar Ministerie, arrondissement Midden-Nederland', 'prosecution', 'midden_nederland'),
    ('om_oost_nederland',      'Openbaar Ministerie, arrondissement Oost-Nederland',   'prosecution', 'oost_nederland'),
    ('om_oost_brabant',        'Openbaar Ministerie, arrondissement Oost-Brabant',     'prosecution', 'oost_brabant'),
    ('loef',                   'LOEF (Landelijk Onderzoeks- en Expertisebureau Forensisch Medisch Onderzoek)', 'loef', NULL),
    ('evaluation_team',        'Onafhankelijk evaluatieteam', 'research', NULL),
    ('pilot_programme',        'Pilot niet-fatale verwurging, programmaleiding', 'programme', NULL),
    ('registry_operations',    'Functioneel beheer register', 'administration', NULL);

GRANT SELECT ON regions, organisations TO registry_service;
