-- pgbench floor for bench/submit.sh: the same two inserts the service makes for a submission
-- (the exam row, whose triggers fill the report storage, and its audit event), as one
-- transaction, prepared (-M prepared). __AUTHOR__ is filled in by the script, bench_fields() made by it.
BEGIN;
INSERT INTO exams (id, form_version, status, version, region, author_id, fields, victim_pseudonym, police_pseudonym,
                   pseudonym_key_version, hours_report_to_exam, hours_incident_to_exam, within_24h, within_48h,
                   within_72h, internal_only, submitted_at)
VALUES (gen_random_uuid(), 1, 'submitted', 1, 'oost_brabant', '__AUTHOR__'::uuid, bench_fields(),
        md5(random()::text), md5(random()::text), 1, 10.8, 12.3, true, true, true, false, now());
INSERT INTO audit_events (id, action, occurred_at, outcome, user_id, username, role, region, client_address,
                          request_id, object_type, object_id, subject_pseudonym, purpose, prev_hash, hash)
VALUES (gen_random_uuid(), 'exam.create', now(), 'success', '__AUTHOR__'::uuid, 'bench.doctor', 'forensic_doctor',
        'oost_brabant', '127.0.0.1', md5(random()::text), 'exam', md5(random()::text), md5(random()::text), 'care',
        md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text));
END;
