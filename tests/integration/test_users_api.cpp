#include <boost/test/unit_test.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>

using registry::test::runRegistry;
using registry::test::TestServer;
using registry::test::writePropertiesFile;

namespace {
std::string configFor(TestServer& server) {
    return writePropertiesFile("db.url = " + server.db().serviceUrl() + "\nauth.pbkdf2_iterations = 1000\nlog.level = warning\n");
}
std::set<std::string> errorFields(const registry::test::HttpResult& r) {
    std::set<std::string> fields;
    auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) fields.insert(errors->getObject(i)->getValue<std::string>("field"));
    return fields;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(users_api)

BOOST_AUTO_TEST_CASE(admin_creates_lists_changes_and_the_user_can_log_in) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    auto created = client.send("POST", "/api/v1/users",
                               R"({"username":"dr.jansen","display_name":"Dr. A. Jansen","role":"forensic_doctor",
                                   "region":"midden_nederland","organisation":"ggd_regio_utrecht_fg",
                                   "password":"a long passphrase"})",
                               admin.token);
    BOOST_TEST(created.status == 201);
    auto user = created.json();
    BOOST_TEST(user->getValue<std::string>("region") == "midden_nederland");
    BOOST_TEST(user->getValue<std::string>("organisation") == "ggd_regio_utrecht_fg");
    BOOST_TEST(!user->has("password"));
    BOOST_TEST(!user->has("password_hash"));
    BOOST_TEST(created.header("Location") == "/api/v1/users/" + user->getValue<std::string>("id"));

    auto login = client.send("POST", "/api/v1/sessions", R"({"username":"dr.jansen","password":"a long passphrase"})");
    BOOST_TEST(login.status == 201);

    auto list = client.get("/api/v1/users?limit=500", admin.token);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(list.body.find("dr.jansen") != std::string::npos);
    BOOST_TEST(list.body.find("pbkdf2") == std::string::npos);

    const std::string id = user->getValue<std::string>("id");
    auto moved = client.send("PATCH", "/api/v1/users/" + id, R"({"region":"oost_brabant","display_name":"Dr. Jansen"})",
                             admin.token);
    BOOST_TEST(moved.status == 200);
    BOOST_TEST(moved.json()->getValue<std::string>("region") == "oost_brabant");
    auto national = client.send("PATCH", "/api/v1/users/" + id, R"({"region":null})", admin.token);
    BOOST_TEST(national.json()->isNull("region"));
    // A region change ends the old session, whose rights were the old region's.
    BOOST_TEST(client.get("/api/v1/me", login.json()->getValue<std::string>("token")).status == 401);
}

BOOST_AUTO_TEST_CASE(pagination_walks_every_user_once) {
    TestServer server;
    auto admin = server.login("admin");
    for (int i = 0; i < 5; ++i) server.createUser("researcher");
    auto client = server.client();
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        auto r = client.get("/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), admin.token);
        BOOST_TEST(r.status == 200);
        auto body = r.json();
        auto items = body->getArray("items");
        for (std::size_t i = 0; i < items->size(); ++i) {
            BOOST_TEST(seen.insert(items->getObject(i)->getValue<std::string>("username")).second);
        }
        cursor = body->isNull("next_cursor") ? "" : body->getValue<std::string>("next_cursor");
        ++pages;
    } while (!cursor.empty() && pages < 10);
    // Six made here, plus the accounts the migrations create (the legacy import's author).
    BOOST_TEST(seen.size() == 6u + static_cast<std::size_t>(server.db().scalar(
                                        "SELECT count(*) FROM users WHERE username = 'legacy-import'")));
    BOOST_TEST(seen.count("legacy-import") == 1u);
    BOOST_TEST(client.get("/api/v1/users?limit=501", admin.token).status == 400);
    BOOST_TEST(client.get("/api/v1/users?limit=abc", admin.token).status == 400);
}

BOOST_AUTO_TEST_CASE(invalid_users_are_422_listing_every_field) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    auto r = client.send("POST", "/api/v1/users",
                         R"({"username":"X","display_name":"","role":"superuser","region":"friesland",
                             "password":"short","shoe_size":43})",
                         admin.token);
    BOOST_TEST(r.status == 422);
    auto fields = errorFields(r);
    for (const char* f : {"username", "display_name", "role", "password", "shoe_size"}) {
        BOOST_TEST_CONTEXT(f) { BOOST_TEST(fields.count(f) == 1u); }
    }
    auto wrongType = client.send("POST", "/api/v1/users", R"({"username":"abc","display_name":"A","role":"loef","password":12})",
                                 admin.token);
    BOOST_TEST(wrongType.status == 422);
    BOOST_TEST(errorFields(wrongType).count("password") == 1u);
    auto region = client.send("POST", "/api/v1/users",
                              R"({"username":"abc","display_name":"A","role":"loef","region":"friesland","password":"long enough pass"})",
                              admin.token);
    BOOST_TEST(region.status == 422);
    BOOST_TEST(errorFields(region).count("region") == 1u);
}

// SECURITY.md: at least 12 characters. Eleven is refused, twelve accepted.
BOOST_AUTO_TEST_CASE(passwords_need_twelve_characters) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    auto eleven = client.send("POST", "/api/v1/users",
                              R"({"username":"len.eleven","display_name":"A","role":"loef","password":"abcdefghijk"})", admin.token);
    BOOST_TEST(eleven.status == 422);
    BOOST_TEST(errorFields(eleven).count("password") == 1u);
    auto twelve = client.send("POST", "/api/v1/users",
                              R"({"username":"len.twelve","display_name":"A","role":"loef","password":"abcdefghijkl"})", admin.token);
    BOOST_TEST(twelve.status == 201);
}

BOOST_AUTO_TEST_CASE(duplicate_username_is_409) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    const std::string body = R"({"username":"twin","display_name":"T","role":"police","password":"long enough pass"})";
    BOOST_TEST(client.send("POST", "/api/v1/users", body, admin.token).status == 201);
    BOOST_TEST(client.send("POST", "/api/v1/users", body, admin.token).status == 409);
}

BOOST_AUTO_TEST_CASE(unknown_user_id_is_404) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    BOOST_TEST(client.get("/api/v1/users/7b0c6a3e-1111-4222-8333-944455556666", admin.token).status == 404);
    BOOST_TEST(client.get("/api/v1/users/not-a-uuid", admin.token).status == 404);
    BOOST_TEST(client.send("PATCH", "/api/v1/users/7b0c6a3e-1111-4222-8333-944455556666", R"({"disabled":true})", admin.token)
                   .status == 404);
}

BOOST_AUTO_TEST_CASE(cli_manages_users_with_passwords_from_stdin) {
    TestServer server;
    const auto config = configFor(server);
    auto add = runRegistry({"--config", config, "user", "add", "--username", "first.admin", "--role", "admin",
                            "--display-name", "First Admin", "--password-stdin"},
                           {}, "an admin passphrase\n");
    BOOST_TEST(add.exitCode == 0);
    BOOST_TEST(add.out.find("created user first.admin") != std::string::npos);
    auto client = server.client();
    auto login = client.send("POST", "/api/v1/sessions", R"({"username":"first.admin","password":"an admin passphrase"})");
    BOOST_TEST(login.status == 201);
    const auto token = login.json()->getValue<std::string>("token");

    auto list = runRegistry({"--config", config, "user", "list"});
    BOOST_TEST(list.exitCode == 0);
    BOOST_TEST(list.out.find("first.admin\tadmin") != std::string::npos);

    auto passwd = runRegistry({"--config", config, "user", "passwd", "first.admin", "--password-stdin"}, {},
                              "another passphrase\n");
    BOOST_TEST(passwd.exitCode == 0);
    BOOST_TEST(client.get("/api/v1/me", token).status == 401);
    auto relogin = client.send("POST", "/api/v1/sessions", R"({"username":"first.admin","password":"another passphrase"})");
    BOOST_TEST(relogin.status == 201);

    auto disable = runRegistry({"--config", config, "user", "disable", "first.admin"});
    BOOST_TEST(disable.exitCode == 0);
    BOOST_TEST(client.get("/api/v1/me", relogin.json()->getValue<std::string>("token")).status == 401);

    // Passwords never as arguments; bad input is a clear error.
    auto noStdin = runRegistry({"--config", config, "user", "add", "--username", "x.y", "--role", "admin", "--password", "p"});
    BOOST_TEST(noStdin.exitCode == 64);
    auto shortPassword = runRegistry({"--config", config, "user", "add", "--username", "x.y", "--role", "admin", "--password-stdin"},
                                     {}, "short\n");
    BOOST_TEST(shortPassword.exitCode == 65);
    BOOST_TEST(shortPassword.err.find("at least 12") != std::string::npos);
    auto badRole = runRegistry({"--config", config, "user", "add", "--username", "x.y", "--role", "king", "--password-stdin"},
                               {}, "long enough pass\n");
    BOOST_TEST(badRole.exitCode == 65);
    BOOST_TEST(badRole.err.find("role") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
