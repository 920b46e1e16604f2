#pragma once

#include <pqxx/pqxx>

#include <string>

namespace registry::db {

// Keeps exam_facts (schema/004_exam_facts.sql) in step with the published form definitions:
// adds a column for every new field or option, regenerates the statement-level triggers on
// exams and exam_outcomes that fill it (so the API, the importer and any COPY fill it alike),
// and backfills every row when the generated SQL changed. Runs as the owner, after the form
// definitions are loaded. Returns whether anything was regenerated.
class FactStorage {
public:
    static bool sync(pqxx::connection& owner);
};

}  // namespace registry::db
