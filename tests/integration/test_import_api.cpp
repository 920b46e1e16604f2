#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/import_files.h"
#include "tests/support/server_process.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <map>
#include <thread>

using namespace registry::test;

namespace {

const char* const kUpload = "/api/v1/imports?mapping=legacy-interim-2025&file_name=legacy-interim-2025.csv";

HttpResult upload(const HttpClient& client, const std::string& token, const std::string& csv,
                  const std::string& path = kUpload, const std::string& type = "text/csv; charset=windows-1252") {
    return client.request("POST", path, csv, {{"Authorization", "Bearer " + token}, {"Content-Type", type}});
}

// Polls the job until it has finished.
Poco::JSON::Object::Ptr finished(const HttpClient& client, const std::string& token, const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto r = client.get("/api/v1/imports/" + id, token);
        BOOST_REQUIRE_EQUAL(r.status, 200);
        const auto job = r.json();
        const auto status = job->getValue<std::string>("status");
        if (status == "done" || status == "failed") return job;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_FAIL("import job " + id + " did not finish");
    return nullptr;
}

std::string startedJob(const HttpResult& r) {
    BOOST_REQUIRE_MESSAGE(r.status == 202, r.body);
    const auto id = r.json()->getValue<std::string>("id");
    BOOST_TEST(r.header("location") == "/api/v1/imports/" + id);
    return id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(import_api)

BOOST_AUTO_TEST_CASE(the_sample_upload_matches_the_expected_file_and_a_second_adds_nothing) {
    // The JSON limit does not apply to uploads: they have their own.
    TestServer server({{"http.max_body_bytes", "2048"},
                       {"import.mapping_dir", TestDatabase::sourceDir() + "/config/import"}});
    auto client = server.client();
    const auto loef = server.login("loef");
    const std::string csv = readFile(sampleCsvPath());

    const auto dry = finished(client, loef.token, startedJob(upload(client, loef.token, csv, std::string(kUpload) + "&dry_run=true")));
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 0);

    const auto job = finished(client, loef.token, startedJob(upload(client, loef.token, csv)));
    BOOST_REQUIRE_MESSAGE(job->getValue<std::string>("status") == "done", Poco::Dynamic::Var(job).toString());
    Poco::JSON::Parser parser;
    const auto expected = parser.parse(readFile(sampleExpectedPath())).extract<Poco::JSON::Object::Ptr>();
    const auto summary = job->getObject("summary");
    BOOST_TEST(summary->getValue<long>("read") == expected->getValue<long>("rows"));
    BOOST_TEST(summary->getValue<long>("imported") == expected->getValue<long>("accepted"));
    BOOST_TEST(summary->getValue<long>("already_present") == 0);
    BOOST_TEST(summary->getValue<std::string>("encoding") == expected->getValue<std::string>("encoding"));
    BOOST_TEST(summary->getValue<std::string>("delimiter") == expected->getValue<std::string>("delimiter"));
    const auto rejected = expected->getObject("rejected");
    const auto errors = job->getArray("errors");
    BOOST_TEST(summary->getValue<std::size_t>("rejected") == rejected->size());
    BOOST_REQUIRE_EQUAL(errors->size(), rejected->size());
    for (std::size_t i = 0; i < errors->size(); ++i) {
        const auto e = errors->getObject(i);
        const std::string record = std::to_string(e->getValue<long>("record"));
        BOOST_REQUIRE_MESSAGE(rejected->has(record), "record " + record + " should not be rejected");
        const auto want = rejected->getObject(record);
        BOOST_TEST(e->getValue<std::string>("column") == want->getValue<std::string>("column"));
        BOOST_TEST(e->getValue<std::string>("message_en") == want->getValue<std::string>("reason"));
        BOOST_TEST(e->getValue<std::string>("dossier") == want->getValue<std::string>("dossier"));
    }
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == expected->getValue<long>("accepted"));
    // The dry run reported exactly that.
    BOOST_TEST(Poco::Dynamic::Var(dry->getObject("summary")->getValue<long>("imported")).toString() ==
               Poco::Dynamic::Var(summary->getValue<long>("imported")).toString());
    BOOST_TEST(Poco::Dynamic::Var(dry->getArray("errors")).toString() == Poco::Dynamic::Var(errors).toString());

    // Imported records are records like any other: listed for LOEF through the exams API.
    const auto list = client.get("/api/v1/exams?limit=500", loef.token);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(list.json()->getArray("items")->size() == static_cast<std::size_t>(expected->getValue<long>("accepted")));

    // The job is the uploader's: another LOEF user does not see it.
    const auto other = server.login("loef");
    BOOST_TEST(client.get("/api/v1/imports/" + job->getValue<std::string>("id"), other.token).status == 404);
    BOOST_TEST(client.get("/api/v1/imports/not-a-uuid", loef.token).status == 404);

    const auto again = finished(client, loef.token, startedJob(upload(client, loef.token, csv)));
    BOOST_TEST(again->getObject("summary")->getValue<long>("imported") == 0);
    BOOST_TEST(again->getObject("summary")->getValue<long>("already_present") == expected->getValue<long>("accepted"));
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == expected->getValue<long>("accepted"));
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'import.run'") == 2);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams WHERE import_job_id IS NOT NULL") ==
               expected->getValue<long>("accepted"));
}

BOOST_AUTO_TEST_CASE(faulty_uploads_get_precise_4xx_and_write_nothing) {
    TestServer server({{"import.max_upload_bytes", "65536"},
                       {"import.mapping_dir", TestDatabase::sourceDir() + "/config/import"}});
    auto client = server.client();
    const auto admin = server.login("admin");
    const std::string csv = generatedCsv(3, "api");
    BOOST_TEST(upload(client, admin.token, csv, kUpload, "application/json").status == 415);
    BOOST_TEST(upload(client, admin.token, csv, "/api/v1/imports").status == 422);
    const auto unknown = upload(client, admin.token, csv, "/api/v1/imports?mapping=nope");
    BOOST_TEST(unknown.status == 422);
    BOOST_TEST(unknown.body.find("\"mapping\"") != std::string::npos);
    BOOST_TEST(upload(client, admin.token, csv, std::string(kUpload) + "&dry_run=maybe").status == 400);
    BOOST_TEST(upload(client, admin.token, csv, std::string(kUpload) + "&on_error=ignore").status == 400);
    BOOST_TEST(upload(client, admin.token, csv, "/api/v1/imports?mapping=legacy-interim-2025&file_name=..%2Fx").status == 422);
    for (const auto& [content, code] : std::vector<std::pair<std::string, std::string>>{
             {"", "empty_file"},
             {toCsv({sampleRecords()[0]}), "no_records"},
             {std::string("\x00\x01\x02\x03PK", 6), "binary_file"},
             {csv + "X;\"open", "unterminated_quote"}}) {
        const auto r = upload(client, admin.token, content);
        BOOST_TEST(r.status == 422, code << ": " << r.body);
        BOOST_TEST(r.body.find(code) != std::string::npos, r.body);
    }
    const auto tooBig = upload(client, admin.token, csv + std::string(70000, 'x'));
    BOOST_TEST(tooBig.status == 413);
    const auto ok = finished(client, admin.token, startedJob(upload(client, admin.token, csv)));
    BOOST_TEST(ok->getObject("summary")->getValue<long>("imported") == 3);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == 3);
}

BOOST_AUTO_TEST_CASE(a_job_answers_after_a_server_restart_and_one_cut_short_says_it_was_interrupted) {
    TestDatabase db;
    const std::map<std::string, std::string> env{{"REGISTRY_DB_URL", db.serviceUrl()},
                                                 {"REGISTRY_DB_OWNER_URL", db.ownerUrl()},
                                                 {"REGISTRY_DB_SCHEMA_DIR", TestDatabase::schemaDir()},
                                                 {"REGISTRY_PSEUDONYM_KEY_FILE", writeTestKeyFile()},
                                                 {"REGISTRY_IMPORT_MAPPING_DIR", TestDatabase::sourceDir() + "/config/import"},
                                                 {"REGISTRY_IMPORT_THREADS", "1"},
                                                 {"REGISTRY_IMPORT_BATCH_SIZE", "100"},
                                                 {"REGISTRY_IMPORT_JOB_STALE_SECONDS", "2"},
                                                 // A password session is enough here (the second factor has its own tests).
                                                 {"REGISTRY_AUTH_REQUIRE_2FA_ROLES", "researcher"},
                                                 // finished() polls every 20 ms, faster than one user's rate limit.
                                                 {"REGISTRY_RATELIMIT_PER_SECOND", "0"}};
    ServerProcess first(env);
    first.start();
    const auto config = writePropertiesFile("db.url = " + db.serviceUrl() + "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\n");
    BOOST_TEST_REQUIRE(runRegistry({"--config", config, "user", "add", "--username", "restart.loef", "--role", "loef",
                                    "--password-stdin"},
                                   {}, "a long enough password\n")
                           .exitCode == 0);
    const auto login = HttpClient(first.port())
                           .request("POST", "/api/v1/sessions",
                                    R"({"username":"restart.loef","password":"a long enough password"})",
                                    {{"Content-Type", "application/json"}});
    BOOST_TEST_REQUIRE(login.status == 201, login.body);
    const std::string token = login.json()->getValue<std::string>("token");

    const auto job = finished(HttpClient(first.port()), token,
                              startedJob(upload(HttpClient(first.port()), token, readFile(sampleCsvPath()))));
    BOOST_REQUIRE(job->getValue<std::string>("status") == "done");
    BOOST_TEST(job->getArray("errors")->size() == 10u);
    const std::string before = Poco::Dynamic::Var(job).toString();
    BOOST_TEST(first.terminate() == 0);

    // Another process on the same database and key: the same job, errors and Dossiernummers.
    ServerProcess second(env);
    second.start();
    const auto id = job->getValue<std::string>("id");
    const auto after = HttpClient(second.port()).get("/api/v1/imports/" + id, token);
    BOOST_TEST_REQUIRE(after.status == 200, after.body);
    BOOST_TEST(Poco::Dynamic::Var(after.json()).toString() == before);
    // Stored without the clear Dossiernummers (only sealed), and still the uploader's alone.
    BOOST_TEST(db.scalar("SELECT count(*) FROM import_job_errors WHERE job_id = '" + id + "' AND dossier_sealed IS NOT NULL") == 10);
    BOOST_TEST(db.scalar("SELECT count(*) FROM import_job_errors WHERE position('LOEF-' in encode(dossier_sealed, 'escape')) > 0 "
                         "OR value LIKE '%LOEF-20%'") == 0);
    BOOST_TEST(db.scalar("SELECT count(*) FROM import_jobs WHERE id = '" + id + "' AND status = 'done'") == 1);

    // A job whose server is killed while it runs is reported as interrupted, not as running forever.
    const auto big = startedJob(upload(HttpClient(second.port()), token, generatedCsv(10000, "restart")));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (db.scalar("SELECT count(*) FROM import_jobs WHERE id = '" + big + "' AND status = 'running'") == 0 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    second.kill9();
    BOOST_TEST_REQUIRE(db.scalar("SELECT count(*) FROM import_jobs WHERE id = '" + big + "' AND status = 'running'") == 1);
    ServerProcess third(env);
    third.start();
    const auto cut = finished(HttpClient(third.port()), token, big);
    BOOST_TEST(cut->getValue<std::string>("status") == "failed");
    BOOST_TEST(cut->getObject("failure")->getValue<std::string>("code") == "interrupted");
    BOOST_TEST(cut->get("summary").isEmpty());
    // Uploading it again completes the import: exactly the file's records, no duplicates.
    const auto again = finished(HttpClient(third.port()), token,
                                startedJob(upload(HttpClient(third.port()), token, generatedCsv(10000, "restart"))));
    BOOST_TEST(again->getValue<std::string>("status") == "done");
    BOOST_TEST(db.scalar("SELECT count(*) FROM exams WHERE import_key IS NOT NULL AND import_source_file = 'legacy-interim-2025.csv'") ==
               390 + 10000);
    BOOST_TEST(third.terminate() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
