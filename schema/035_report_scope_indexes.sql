-- Reports (reports/report_repository.cpp) find repeat victims over every submitted or locked
-- record, on every run. With status in the index that is an index-only walk in pseudonym order
-- (no heap access, no sort); it replaces the plain index, so a write still updates one index.
CREATE INDEX exam_facts_victim_status ON exam_facts (victim_pseudonym) INCLUDE (status) WHERE victim_pseudonym IS NOT NULL;
DROP INDEX exam_facts_victim;
