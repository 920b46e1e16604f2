#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "tests/support/cli_runner.h"
#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <pqxx/pqxx>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

using registry::test::examBody;
using registry::test::TestDatabase;
using registry::test::TestServer;

namespace {

// Version 2 of the form (tests/support/exam_fixtures.h) as JSON text.
std::string versionTwo() {
    auto def = registry::test::formVersionTwo();
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(def, out);
    return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_versions)

BOOST_AUTO_TEST_CASE(forms_are_served_with_labels_and_rules) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    auto list = client.get("/api/v1/forms", doctor.token);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(list.json()->getValue<int>("current_version") == 1);
    auto form = client.get("/api/v1/forms/1", doctor.token);
    BOOST_TEST(form.status == 200);
    auto def = form.json();
    BOOST_TEST(def->getValue<int>("version") == 1);
    BOOST_TEST(def->getArray("fields")->size() > 100u);
    BOOST_TEST(form.body.find("label_nl") != std::string::npos);
    BOOST_TEST(def->getArray("rules")->size() > 0u);
    BOOST_TEST(client.get("/api/v1/forms/7", doctor.token).status == 404);
    BOOST_TEST(client.get("/api/v1/forms/abc", doctor.token).status == 404);
}

BOOST_AUTO_TEST_CASE(records_keep_the_version_they_were_made_with) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    const auto v1 = client.send("POST", "/api/v1/exams?submit=true", examBody(), doctor.token).json();
    BOOST_TEST(v1->getValue<int>("form_version") == 1);
    {
        pqxx::connection owner(server.db().ownerUrl());
        pqxx::work tx(owner);
        tx.exec_params("INSERT INTO form_definitions (version, form, definition, checksum) VALUES (2, 'exam', $1::jsonb, 'test')",
                       versionTwo());
        tx.commit();
    }
    // New records get version 2 and its new field; the old record stays on version 1.
    auto v2 = client.send("POST", "/api/v1/exams?submit=true", examBody("oost_brabant", "\"strangulation_app_used\": true"),
                          doctor.token);
    BOOST_TEST_REQUIRE(v2.status == 201);
    BOOST_TEST(v2.json()->getValue<int>("form_version") == 2);
    BOOST_TEST(v2.json()->getObject("fields")->getValue<bool>("strangulation_app_used"));
    const auto oldId = v1->getValue<std::string>("id");
    auto old = client.get("/api/v1/exams/" + oldId, doctor.token);
    BOOST_TEST(old.json()->getValue<int>("form_version") == 1);
    auto amend = client.send("POST", "/api/v1/exams/" + oldId + "/amendments",
                             R"({"changes": {"strangulation_app_used": true}, "reason": "new question"})", doctor.token,
                             {{"If-Match", old.header("ETag")}});
    BOOST_TEST(amend.status == 422);
    BOOST_TEST(amend.body.find("unknown_field") != std::string::npos);
    // A client can still ask for the older version explicitly.
    auto explicitV1 = client.send("POST", "/api/v1/exams", "{\"form_version\": 1, \"fields\": {\"sex\": \"female\"}}", doctor.token);
    BOOST_TEST(explicitV1.json()->getValue<int>("form_version") == 1);
}

BOOST_AUTO_TEST_CASE(a_published_form_version_cannot_change) {
    TestDatabase db;
    const std::string copy = std::string(std::getenv("REGISTRY_TEST_TMPDIR") ? std::getenv("REGISTRY_TEST_TMPDIR") : "/tmp") +
                             "/schema-" + registry::crypto::toHex(registry::crypto::randomBytes(5));
    Poco::File(TestDatabase::schemaDir()).copyTo(copy);
    {
        std::ofstream out(copy + "/forms/exam-v1.json", std::ios::app);
        out << "\n";
    }
    auto r = registry::test::runRegistry(
        {"migrate"}, {{"REGISTRY_DB_URL", db.ownerUrl()}, {"REGISTRY_DB_SCHEMA_DIR", copy}});
    BOOST_TEST(r.exitCode == 65);
    BOOST_TEST(r.err.find("exam-v1.json differs from the published version") != std::string::npos);
    Poco::File(copy).remove(true);
}

BOOST_AUTO_TEST_CASE(the_server_refuses_to_start_without_a_safe_key_file) {
    TestDatabase db;
    const auto key = registry::test::writeTestKeyFile();
    const std::map<std::string, std::string> env = {{"REGISTRY_DB_URL", db.serviceUrl()},
                                                    {"REGISTRY_DB_MIGRATE_ON_START", "false"},
                                                    {"REGISTRY_HTTP_PORT", "0"}};
    auto missing = registry::test::runRegistry({"serve"}, env);
    BOOST_TEST(missing.exitCode == 78);
    BOOST_TEST(missing.err.find("pseudonym.key_file") != std::string::npos);
    ::chmod(key.c_str(), 0644);
    auto withEnv = env;
    withEnv["REGISTRY_PSEUDONYM_KEY_FILE"] = key;
    auto readable = registry::test::runRegistry({"serve"}, withEnv);
    BOOST_TEST(readable.exitCode == 78);
    BOOST_TEST(readable.err.find("group or others") != std::string::npos);
    std::ofstream(key, std::ios::trunc) << "abcd\n";
    ::chmod(key.c_str(), 0600);
    auto shortKey = registry::test::runRegistry({"serve"}, withEnv);
    BOOST_TEST(shortKey.exitCode == 78);
}

BOOST_AUTO_TEST_SUITE_END()
