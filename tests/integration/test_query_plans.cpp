#include <boost/test/unit_test.hpp>

#include "server/db/query.h"
#include "tests/support/test_database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <pqxx/pqxx>

#include <regex>
#include <set>

// Every repository query that looks a row up by its id must be able to use an index: one that
// cannot (e.g. `id::text = $1`) scans the whole table, which costs 40 ms at 200,000 exams and
// serialises submissions behind the audit-chain lock. The check plans each query generically
// (as the server's prepared statements are) with sequential scans priced out, and fails on any
// scan of a large table that has no index condition: such a scan reads the table whole.
namespace {

// Tables that stay small whatever the pilot's size: a scan of them is fine.
const std::set<std::string> kSmallTables{"regions", "organisations", "form_definitions", "dismissal_codes",
                                         "schema_migrations"};

int parameterCount(const std::string& sql) {
    int highest = 0;
    static const std::regex param("\\$([0-9]+)");
    for (std::sregex_iterator it(sql.begin(), sql.end(), param), end; it != end; ++it) {
        highest = std::max(highest, std::stoi((*it)[1].str()));
    }
    return highest;
}

// Every scan of a large table in `plan` that reads it whole: a sequential scan, or an index
// scan with no index condition (a full walk of some index).
void fullScans(const Poco::JSON::Object::Ptr& node, const std::string& name, std::vector<std::string>& out) {
    const std::string type = node->optValue<std::string>("Node Type", "");
    const std::string table = node->optValue<std::string>("Relation Name", "");
    auto children = node->getArray("Plans");
    if (!table.empty() && type != "ModifyTable" && !kSmallTables.count(table)) {
        bool conditioned = node->has("Index Cond");
        if (type == "Bitmap Heap Scan" && children) {
            for (std::size_t i = 0; i < children->size(); ++i) conditioned |= children->getObject(i)->has("Index Cond");
        }
        if (!conditioned) out.push_back(type + " of " + table + " in " + name);
    }
    if (children) {
        for (std::size_t i = 0; i < children->size(); ++i) fullScans(children->getObject(i), name, out);
    }
}

std::vector<std::string> largeScans(pqxx::work& tx, const std::string& name, const std::string& sql) {
    pqxx::subtransaction sub(tx, "plan");
    sub.exec("PREPARE plan_check AS " + sql);
    std::string args;
    for (int i = 0; i < parameterCount(sql); ++i) args += (i ? ", " : "") + std::string("NULL");
    const auto text = sub.exec("EXPLAIN (FORMAT JSON) EXECUTE plan_check" + (args.empty() ? "" : "(" + args + ")"))[0][0]
                          .as<std::string>();
    sub.exec("DEALLOCATE plan_check");
    sub.commit();
    auto plans = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
    std::vector<std::string> scans;
    fullScans(plans->getObject(0)->getObject("Plan"), name, scans);
    return scans;
}

bool looksUpById(const std::string& sql) {
    static const std::regex byId("\\b([a-z]+\\.)?(id|exam_id|user_id)(::text)?\\s*=\\s*\\$[0-9]");
    return std::regex_search(sql, byId);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(query_plans)

BOOST_AUTO_TEST_CASE(every_lookup_by_id_uses_an_index) {
    registry::test::TestDatabase db;
    pqxx::connection c(db.ownerUrl());
    pqxx::work tx(c);
    tx.exec("SET LOCAL enable_seqscan = off");
    tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");

    // The check itself catches the defect it exists for.
    BOOST_TEST(looksUpById("SELECT 1 FROM exams WHERE id::text = $1"));
    BOOST_TEST(largeScans(tx, "control", "SELECT 1 FROM exams WHERE id::text = $1").size() == 1u);

    int checked = 0;
    for (const auto* query : registry::db::registeredQueries()) {
        if (!looksUpById(query->sql)) continue;
        ++checked;
        for (const auto& scan : largeScans(tx, query->name, query->sql)) BOOST_ERROR("full scan: " + scan);
    }
    // exam find/exists/update/remove/versions/outcome, user by id/update, session revoke, ...
    BOOST_TEST(checked >= 10);
}

BOOST_AUTO_TEST_SUITE_END()
