#include "server/db/fact_storage.h"

#include "server/core/crypto.h"
#include "server/core/fact_columns.h"
#include "server/core/form_definition.h"

#include <memory>
#include <set>
#include <sstream>
#include <vector>

namespace registry::db {
namespace {

struct Generated {
    std::vector<core::FactColumn> columns;
    std::string columnList;  // fixed + generated, for INSERT
    std::string selectList;  // matching expressions over e and o
    std::string updateList;  // col = EXCLUDED.col
    std::string fieldList;   // each document field the select list reads, once: "e.document -> 'f' AS "f", ..."
    std::string ddl;         // ALTER TABLE ... ADD COLUMN IF NOT EXISTS
};

// A document field is read as `v."code"`, taken out of the document once per row (see upsert);
// an outcome field straight from its column of o.
std::string expression(pqxx::connection& c, const core::FactColumn& col) {
    const bool document = col.source == "fields";
    const std::string key = c.quote(col.field);
    const std::string value = document ? "v." + c.quote_name(col.field) : "o." + col.source + " -> " + key;
    const std::string text = document ? "(" + value + " #>> '{}')" : "o." + col.source + " ->> " + key;
    using Kind = core::FactColumn::Kind;
    if (col.kind == Kind::Option) {
        return "CASE jsonb_typeof(" + value + ") WHEN 'array' THEN (" + value + " ? " + c.quote(col.option) +
               ")::int::smallint END";
    }
    if (col.kind == Kind::Answered) {
        return "CASE WHEN " + value + " IS NULL OR jsonb_typeof(" + value + ") = 'null' THEN false WHEN jsonb_typeof(" +
               value + ") = 'array' THEN jsonb_array_length(" + value + ") > 0 ELSE btrim(" + text + ") <> '' END";
    }
    switch (col.type) {
        case core::FieldType::Enum: return text;
        case core::FieldType::Bool:
            return "CASE jsonb_typeof(" + value + ") WHEN 'boolean' THEN (" + text + ")::boolean END";
        case core::FieldType::Integer:
            return "CASE jsonb_typeof(" + value + ") WHEN 'number' THEN (" + text + ")::numeric::bigint END";
        case core::FieldType::Timestamp: return "(" + text + ")::timestamptz";
        case core::FieldType::Date: return "(" + text + ")::date";
        default: return "NULL";
    }
}

std::vector<std::unique_ptr<core::FormDefinition>> loadDefinitions(pqxx::transaction_base& tx) {
    std::vector<std::unique_ptr<core::FormDefinition>> defs;
    for (const auto& row : tx.exec("SELECT definition::text FROM form_definitions ORDER BY version")) {
        defs.push_back(std::make_unique<core::FormDefinition>(core::FormDefinition::fromJson(row[0].as<std::string>())));
    }
    return defs;
}

Generated generate(pqxx::connection& c, pqxx::transaction_base& tx) {
    auto defs = loadDefinitions(tx);
    std::vector<const core::FormDefinition*> pointers;
    for (const auto& d : defs) pointers.push_back(d.get());
    Generated g;
    g.columns = core::factColumns(pointers);
    std::ostringstream cols, sel, upd, ddl;
    cols << "exam_id, region, status, form_version, version, outcome_version, victim_pseudonym, "
            "hours_report_to_exam, hours_incident_to_exam, within_24h, within_48h, within_72h, internal_only";
    sel << "e.id, e.region, e.status, e.form_version, e.version, o.version, e.victim_pseudonym, "
           "e.hours_report_to_exam, e.hours_incident_to_exam, e.within_24h, e.within_48h, e.within_72h, e.internal_only";
    upd << "region = EXCLUDED.region, status = EXCLUDED.status, form_version = EXCLUDED.form_version, "
           "version = EXCLUDED.version, outcome_version = EXCLUDED.outcome_version, "
           "victim_pseudonym = EXCLUDED.victim_pseudonym, hours_report_to_exam = EXCLUDED.hours_report_to_exam, "
           "hours_incident_to_exam = EXCLUDED.hours_incident_to_exam, within_24h = EXCLUDED.within_24h, "
           "within_48h = EXCLUDED.within_48h, within_72h = EXCLUDED.within_72h, internal_only = EXCLUDED.internal_only";
    std::set<std::string> documentFields;
    std::ostringstream fields;
    for (const auto& col : g.columns) {
        if (col.source == "fields" && documentFields.insert(col.field).second) {
            fields << (documentFields.size() > 1 ? ",\n       " : "") << "e.document -> " << c.quote(col.field) << " AS "
                   << c.quote_name(col.field);
        }
        const std::string name = c.quote_name(col.name);
        cols << ", " << name;
        sel << ",\n       " << expression(c, col);
        upd << ", " << name << " = EXCLUDED." << name;
        ddl << "ALTER TABLE exam_facts ADD COLUMN IF NOT EXISTS " << name << " " << col.sqlType << ";\n";
    }
    g.columnList = cols.str();
    g.selectList = sel.str();
    g.updateList = upd.str();
    g.fieldList = fields.str();
    g.ddl = ddl.str();
    return g;
}

// `exams` is the table or, in the exams trigger, its transition table (the rows as the
// statement left them: reading them there spares a second lookup of every row in exams);
// `where` filters it as x. A stored document is compressed (pglz, ~2.7 KB), and PostgreSQL
// decompresses it again for every `->`: the first subquery takes it apart once per row as
// `document` (`|| '{}'` returns it detoasted, unchanged), which made the migrator's backfill of
// 20,000 exams 10x faster (17.7 s against 1.7 s, bench/README.md). The second looks each of its
// ~95 fields up once, for the ~260 uses in the select list (a key lookup, and a copy of the
// value, each): the select list of 50,000 imported exams took 1.05 s instead of 1.37 s.
// OFFSET 0 keeps both from being pulled up into the select list.
std::string upsert(const Generated& g, const std::string& where, const std::string& exams = "exams") {
    return "INSERT INTO exam_facts (" + g.columnList + ")\nSELECT " + g.selectList +
           "\n  FROM (SELECT x.*, x.fields || '{}'::jsonb AS document FROM " + exams + " x" + where +
           " OFFSET 0) e\n  CROSS JOIN LATERAL (SELECT " + g.fieldList + "\n OFFSET 0) v" +
           "\n  LEFT JOIN exam_outcomes o ON o.exam_id = e.id" +
           "\nON CONFLICT (exam_id) DO UPDATE SET " + g.updateList;
}

}  // namespace

bool FactStorage::sync(pqxx::connection& owner) {
    pqxx::work tx(owner);
    const Generated g = generate(owner, tx);
    std::ostringstream sql;
    sql << g.ddl;
    // Statement-level triggers over transition tables: one set-based upsert per statement, so
    // a COPY of a million rows costs one join, not a million function calls.
    sql << "CREATE OR REPLACE FUNCTION exam_facts_from_exams() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n"
        << upsert(g, "", "changed_rows") << ";\nRETURN NULL;\nEND\n$fn$;\n";
    sql << "CREATE OR REPLACE FUNCTION exam_facts_from_outcomes() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n"
        << upsert(g, " WHERE x.id IN (SELECT exam_id FROM changed_rows)") << ";\nRETURN NULL;\nEND\n$fn$;\n";
    for (const char* table : {"exams", "exam_outcomes"}) {
        const std::string t = table;
        const std::string fn = t == "exams" ? "exam_facts_from_exams" : "exam_facts_from_outcomes";
        for (const char* event : {"INSERT", "UPDATE"}) {
            const std::string e = event;
            const std::string trigger = t + "_facts_" + (e == "INSERT" ? "insert" : "update");
            sql << "DROP TRIGGER IF EXISTS " << trigger << " ON " << t << ";\n"
                << "CREATE TRIGGER " << trigger << " AFTER " << e << " ON " << t
                << " REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION " << fn << "();\n";
        }
    }
    // The report scope (reports/report_repository.cpp) is a range of exam_at; its fingerprint
    // pass reads only these columns, so with them in the index it is an index-only scan of the
    // period instead of a read of the wide rows. It replaces the plain exam_at index.
    sql << "CREATE INDEX IF NOT EXISTS exam_facts_period ON exam_facts (exam_at) INCLUDE (region, status, form_version, "
           "digest_a, digest_b, victim_pseudonym);\n"
           "DROP INDEX IF EXISTS exam_facts_exam_at;\n";
    const std::string text = sql.str();
    const std::string checksum = crypto::sha256Hex(text);
    auto current = tx.exec("SELECT checksum FROM exam_facts_generation");
    if (!current.empty() && current[0][0].as<std::string>() == checksum) return false;
    tx.exec(text);
    // Backfill: rows written before this generation get the new columns.
    tx.exec(upsert(g, ""));
    tx.exec_params(
        "INSERT INTO exam_facts_generation (checksum, columns) VALUES ($1, $2) "
        "ON CONFLICT (singleton) DO UPDATE SET checksum = EXCLUDED.checksum, columns = EXCLUDED.columns, applied_at = now()",
        checksum, static_cast<int>(g.columns.size()));
    tx.commit();
    return true;
}

}  // namespace registry::db
