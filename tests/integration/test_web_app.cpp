// The web app over real HTTP: its static files and pages (served from memory under the CSP),
// and its cookie session with CSRF protection.
#include <boost/test/unit_test.hpp>

#include "server/app/config.h"
#include "tests/support/test_server.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <fstream>

using registry::test::HttpResult;
using registry::test::TestServer;

namespace {

const std::string kWebRoot = std::string(REGISTRY_SOURCE_DIR) + "/server/web/app";

std::string credentials(const TestServer::Account& a) {
    return "{\"username\":\"" + a.username + "\",\"password\":\"" + a.password + "\"}";
}

// The session token of a Set-Cookie value ("registry_session=<token>; Path=/; ...").
std::string cookieToken(const std::string& setCookie) {
    const std::string prefix = "registry_session=";
    if (setCookie.rfind(prefix, 0) != 0) return "";
    return setCookie.substr(prefix.size(), setCookie.find(';') - prefix.size());
}

struct CookieLogin {
    HttpResult response;
    std::string cookie;  // "registry_session=<token>", for a Cookie header
    std::string csrf;
};

CookieLogin cookieLogin(TestServer& server, const std::string& role) {
    auto account = server.createUser(role, "oost_brabant");
    CookieLogin login;
    login.response = server.client().send("POST", "/api/v1/sessions?cookie=true", credentials(account));
    BOOST_TEST_REQUIRE(login.response.status == 201);
    login.cookie = "registry_session=" + cookieToken(login.response.header("set-cookie"));
    login.csrf = login.response.json()->getValue<std::string>("csrf_token");
    return login;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(web_app)

BOOST_AUTO_TEST_CASE(pages_answer_the_app_document_under_the_csp) {
    TestServer server({{"web.root", kWebRoot}});
    auto client = server.client();
    for (const std::string page :
         {"/", "/signin", "/dashboard", "/exams", "/exam", "/exam/history", "/outcome", "/account/two-factor"}) {
        BOOST_TEST_CONTEXT(page) {
            auto r = client.get(page + "?region=oost_brabant");
            BOOST_TEST(r.status == 200);
            BOOST_TEST(r.header("content-type") == "text/html; charset=utf-8");
            BOOST_TEST(r.body.find("<script type=\"module\" src=\"/js/app.js\"></script>") != std::string::npos);
            const std::string csp = r.header("content-security-policy");
            BOOST_TEST(csp.find("script-src 'self'") != std::string::npos);
            BOOST_TEST(csp.find("unsafe") == std::string::npos);
            BOOST_TEST(r.header("x-content-type-options") == "nosniff");
        }
    }
    auto script = client.get("/js/app.js");
    BOOST_TEST(script.status == 200);
    BOOST_TEST(script.header("content-type") == "text/javascript; charset=utf-8");
    BOOST_TEST(client.get("/css/app.css").header("content-type") == "text/css; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(nothing_outside_the_shipped_files_is_served) {
    TestServer server({{"web.root", kWebRoot}});
    auto client = server.client();
    for (const std::string path : {"/js/../../../CMakeLists.txt", "/../openapi.json", "/js/nothing.js", "/index.htm",
                                   "/dashboard/x", "/js", "/%2e%2e/package.json", "/package.json"}) {
        BOOST_TEST_CONTEXT(path) {
            auto r = client.get(path);
            BOOST_TEST(r.status == 404);
            BOOST_TEST(r.header("content-type") == "application/problem+json; charset=utf-8");
        }
    }
    // The API is untouched by the site: it still routes, authenticates and refuses as before.
    BOOST_TEST(client.get("/api/v1/me").status == 401);
    BOOST_TEST(client.send("POST", "/", "{}").status != 200);
}

BOOST_AUTO_TEST_CASE(dot_files_and_unknown_types_are_not_served) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    std::ofstream(dir.path() + "/index.html") << "<!doctype html><title>t</title>";
    std::ofstream(dir.path() + "/.env") << "SECRET=1";
    std::ofstream(dir.path() + "/notes.txt") << "not an asset";
    TestServer server({{"web.root", dir.path()}});
    auto client = server.client();
    BOOST_TEST(client.get("/").status == 200);
    BOOST_TEST(client.get("/.env").status == 404);
    BOOST_TEST(client.get("/notes.txt").status == 404);
}

BOOST_AUTO_TEST_CASE(without_a_web_root_there_is_no_app) {
    TestServer server;
    BOOST_TEST(server.client().get("/").status == 404);
}

BOOST_AUTO_TEST_CASE(a_missing_web_root_is_a_configuration_error) {
    const std::map<std::string, std::string> overrides{{"web.root", "/nonexistent/web/app"}};
    BOOST_CHECK_THROW(TestServer server(overrides), registry::app::ConfigError);
}

BOOST_AUTO_TEST_CASE(cookie_login_keeps_the_token_out_of_reach_of_script) {
    TestServer server;
    auto login = cookieLogin(server, "pilot_lead");
    const std::string setCookie = login.response.header("set-cookie");
    BOOST_TEST(setCookie.find("; HttpOnly") != std::string::npos);
    BOOST_TEST(setCookie.find("; SameSite=Strict") != std::string::npos);
    BOOST_TEST(setCookie.find("; Path=/") != std::string::npos);
    BOOST_TEST(setCookie.find("Secure") == std::string::npos);  // plain HTTP here
    auto body = login.response.json();
    BOOST_TEST(!body->has("token"));
    BOOST_TEST(body->getObject("user")->getValue<std::string>("role") == "pilot_lead");
    BOOST_TEST(login.csrf.size() >= 43u);
    BOOST_TEST(login.cookie.size() > std::string("registry_session=").size() + 40);

    auto me = server.client().request("GET", "/api/v1/me", "", {{"Cookie", login.cookie}});
    BOOST_TEST(me.status == 200);
    BOOST_TEST(me.json()->getValue<std::string>("csrf_token") == login.csrf);
    // A bearer client is not offered a CSRF token it has no use for.
    auto bearer = server.login("pilot_lead", "oost_brabant");
    BOOST_TEST(!server.client().get("/api/v1/me", bearer.token).json()->has("csrf_token"));
}

BOOST_AUTO_TEST_CASE(a_state_change_by_cookie_needs_the_sessions_csrf_token) {
    TestServer server;
    auto login = cookieLogin(server, "pilot_lead");
    auto other = cookieLogin(server, "pilot_lead");
    auto client = server.client();
    auto logout = [&](const std::map<std::string, std::string>& extra) {
        std::map<std::string, std::string> headers{{"Cookie", login.cookie}};
        headers.insert(extra.begin(), extra.end());
        return client.request("DELETE", "/api/v1/sessions/current", "", headers);
    };
    for (const auto& [what, headers] : std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
             {"no token", {}},
             {"an empty token", {{"X-CSRF-Token", ""}}},
             {"another session's token", {{"X-CSRF-Token", other.csrf}}},
             {"a wrong token", {{"X-CSRF-Token", login.csrf.substr(1) + "A"}}}}) {
        BOOST_TEST_CONTEXT(what) {
            auto r = logout(headers);
            BOOST_TEST(r.status == 403);
            BOOST_TEST(r.header("content-type") == "application/problem+json; charset=utf-8");
        }
    }
    BOOST_TEST(client.request("GET", "/api/v1/me", "", {{"Cookie", login.cookie}}).status == 200);  // still signed in

    auto out = logout({{"X-CSRF-Token", login.csrf}});
    BOOST_TEST(out.status == 204);
    BOOST_TEST(out.header("set-cookie").find("registry_session=;") == 0);
    BOOST_TEST(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
    BOOST_TEST(client.request("GET", "/api/v1/me", "", {{"Cookie", login.cookie}}).status == 401);
}

BOOST_AUTO_TEST_CASE(a_cookie_login_takes_only_true_or_false) {
    TestServer server;
    auto account = server.createUser("pilot_lead");
    auto r = server.client().send("POST", "/api/v1/sessions?cookie=yes", credentials(account));
    BOOST_TEST(r.status == 400);
    auto plain = server.client().send("POST", "/api/v1/sessions?cookie=false", credentials(account));
    BOOST_TEST(plain.status == 201);
    BOOST_TEST(plain.json()->has("token"));
    BOOST_TEST(plain.header("set-cookie").empty());
}

BOOST_AUTO_TEST_SUITE_END()
