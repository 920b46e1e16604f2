#include <boost/test/unit_test.hpp>

#include "tests/support/test_server.h"

#include <pqxx/pqxx>

using registry::test::TestServer;

namespace {
std::string credentials(const std::string& user, const std::string& password) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(login_gives_a_token_that_identifies_the_user) {
    TestServer server;
    auto account = server.createUser("forensic_doctor", "oost_brabant");
    auto client = server.client();
    auto r = client.send("POST", "/api/v1/sessions", credentials(account.username, account.password));
    BOOST_TEST(r.status == 201);
    auto body = r.json();
    const auto token = body->getValue<std::string>("token");
    BOOST_TEST(token.size() >= 43u);  // 256 bits, base64url
    BOOST_TEST(!body->getValue<std::string>("expires_at").empty());
    BOOST_TEST(body->getObject("user")->getValue<std::string>("role") == "forensic_doctor");
    auto me = client.get("/api/v1/me", token);
    BOOST_TEST(me.status == 200);
    BOOST_TEST(me.json()->getValue<std::string>("username") == account.username);
    BOOST_TEST(me.json()->getValue<std::string>("region") == "oost_brabant");
    // Only a hash of the token is stored.
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    BOOST_TEST(tx.exec_params("SELECT count(*) FROM sessions WHERE token_hash = $1", token)[0][0].as<int>() == 0);
}

BOOST_AUTO_TEST_CASE(usernames_are_matched_case_insensitively) {
    TestServer server;
    auto account = server.createUser("loef");
    std::string shouted = account.username;
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto r = server.client().send("POST", "/api/v1/sessions", credentials(" " + shouted + " ", account.password));
    BOOST_TEST(r.status == 201);
    BOOST_TEST(r.json()->getObject("user")->getValue<std::string>("username") == account.username);
}

BOOST_AUTO_TEST_CASE(every_login_failure_is_the_same_401) {
    TestServer server;
    auto account = server.createUser("police", "oost_nederland");
    auto client = server.client();
    auto wrong = client.send("POST", "/api/v1/sessions", credentials(account.username, "wrong password!!"));
    auto unknown = client.send("POST", "/api/v1/sessions", credentials("nobody-here", "wrong password!!"));
    auto malformed = client.send("POST", "/api/v1/sessions", "{\"username\": 12}");
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(unknown.status == 401);
    BOOST_TEST(malformed.status == 401);
    BOOST_TEST(wrong.body == unknown.body);
    BOOST_TEST(wrong.body == malformed.body);
    server.client().get("/health");
    // A disabled account with the right password is refused the same way.
    auto admin = server.login("admin");
    client.send("PATCH", "/api/v1/users/" + account.id, "{\"disabled\":true}", admin.token);
    auto disabled = client.send("POST", "/api/v1/sessions", credentials(account.username, account.password));
    BOOST_TEST(disabled.status == 401);
    BOOST_TEST(disabled.body == wrong.body);
}

BOOST_AUTO_TEST_CASE(requests_without_a_valid_token_are_401) {
    TestServer server;
    auto client = server.client();
    BOOST_TEST(client.get("/api/v1/me").status == 401);
    BOOST_TEST(client.get("/api/v1/me", "not-a-real-token").status == 401);
    BOOST_TEST(client.request("GET", "/api/v1/me", "", {{"Authorization", "Basic YWRtaW46YWRtaW4="}}).status == 401);
}

BOOST_AUTO_TEST_CASE(logout_ends_the_session) {
    TestServer server;
    auto account = server.login("loef");
    auto client = server.client();
    BOOST_TEST(client.request("DELETE", "/api/v1/sessions/current", "", {{"Authorization", "Bearer " + account.token}})
                   .status == 204);
    BOOST_TEST(client.get("/api/v1/me", account.token).status == 401);
}

BOOST_AUTO_TEST_CASE(disabling_a_user_ends_their_access_on_the_next_request) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "midden_nederland");
    auto admin = server.login("admin");
    auto client = server.client();
    BOOST_TEST(client.get("/api/v1/me", doctor.token).status == 200);
    auto patch = client.send("PATCH", "/api/v1/users/" + doctor.id, "{\"disabled\":true}", admin.token);
    BOOST_TEST(patch.status == 200);
    BOOST_TEST(patch.json()->getValue<bool>("disabled"));
    BOOST_TEST(client.get("/api/v1/me", doctor.token).status == 401);
}

BOOST_AUTO_TEST_CASE(idle_and_absolute_expiry) {
    TestServer server(std::map<std::string, std::string>{{"auth.session_idle_minutes", "30"}});
    auto idle = server.login("researcher");
    auto absolute = server.login("researcher");
    auto client = server.client();
    server.db().execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = '" + idle.id + "'");
    server.db().execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = '" + absolute.id + "'");
    BOOST_TEST(client.get("/api/v1/me", idle.token).status == 401);
    BOOST_TEST(client.get("/api/v1/me", absolute.token).status == 401);
}

BOOST_AUTO_TEST_CASE(activity_keeps_an_idle_session_alive) {
    TestServer server(std::map<std::string, std::string>{{"auth.session_idle_minutes", "30"}});
    auto account = server.login("researcher");
    auto client = server.client();
    server.db().execute("UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = '" + account.id + "'");
    BOOST_TEST(client.get("/api/v1/me", account.token).status == 200);
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    BOOST_TEST(tx.exec("SELECT bool_and(last_seen_at > now() - interval '1 minute') FROM sessions WHERE user_id = '" +
                       account.id + "'")[0][0].as<bool>());
}

BOOST_AUTO_TEST_CASE(five_failures_lock_the_name_until_the_window_passes) {
    TestServer server;
    auto account = server.createUser("pilot_lead", "oost_brabant");
    auto client = server.client();
    for (int i = 0; i < 5; ++i) {
        BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(account.username, "not the password")).status == 401);
    }
    auto locked = client.send("POST", "/api/v1/sessions", credentials(account.username, account.password));
    BOOST_TEST(locked.status == 429);
    const int retryAfter = std::stoi(locked.header("Retry-After"));
    BOOST_TEST(retryAfter > 0);
    BOOST_TEST(retryAfter <= 15 * 60);
    // Another name is not affected.
    auto other = server.createUser("pilot_lead", "oost_brabant");
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(other.username, other.password)).status == 201);
    // Fifteen minutes later the lock has lapsed.
    server.db().execute("UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'");
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(account.username, account.password)).status == 201);
    // Failures outside the window are dropped by the next failure, whoever it is for.
    server.db().execute("INSERT INTO login_failures (username, failed_at) VALUES ('ghost', now() - interval '1 hour')");
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials("someone.else", "wrong password!!")).status == 401);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM login_failures") == 1);
}

BOOST_AUTO_TEST_CASE(oversized_login_body_is_413) {
    TestServer server(std::map<std::string, std::string>{{"http.max_body_bytes", "2048"}});
    auto r = server.client().send("POST", "/api/v1/sessions", "{\"username\":\"" + std::string(5000, 'a') + "\"}");
    BOOST_TEST(r.status == 413);
    BOOST_TEST(r.header("Content-Type").rfind("application/problem+json", 0) == 0);
}

BOOST_AUTO_TEST_CASE(malformed_bodies_get_precise_errors) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    BOOST_TEST(client.send("POST", "/api/v1/users", "{not json", admin.token).status == 400);
    BOOST_TEST(client.send("POST", "/api/v1/users", std::string("{\"username\":\"a\xff\"}"), admin.token).status == 400);
    BOOST_TEST(client.request("POST", "/api/v1/users", "{}", {{"Authorization", "Bearer " + admin.token},
                                                               {"Content-Type", "text/plain"}}).status == 415);
    std::string deep(100, '[');
    BOOST_TEST(client.send("POST", "/api/v1/users", "{\"a\":" + deep + std::string(100, ']') + "}", admin.token).status == 400);
    BOOST_TEST(client.send("POST", "/api/v1/users", "[1,2]", admin.token).status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
