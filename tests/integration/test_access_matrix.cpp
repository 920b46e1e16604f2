#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <map>
#include <set>

using registry::test::TestServer;

// The role × endpoint table of API.md, written out independently of the server's policy so that
// a drift between the two fails here. Every route the server answers must have a row: a new
// route cannot be forgotten.
namespace {

const std::set<std::string> kAllRoles = {"forensic_doctor", "police", "prosecutor", "loef",
                                         "researcher", "pilot_lead", "admin"};
const std::set<std::string> kPublic = {"<public>"};

const std::map<std::string, std::set<std::string>>& expectations() {
    static const std::map<std::string, std::set<std::string>> table = {
        {"GET /health", kPublic},
        {"GET /ready", kPublic},
        {"GET /metrics", kPublic},
        {"POST /api/v1/sessions", kPublic},
        {"DELETE /api/v1/sessions/current", kAllRoles},
        {"POST /api/v1/sessions/second-factor", kPublic},
        {"GET /api/v1/sessions", kAllRoles},
        {"DELETE /api/v1/sessions/{id}", kAllRoles},
        {"POST /api/v1/me/second-factor", kAllRoles},
        {"POST /api/v1/me/second-factor/confirm", kAllRoles},
        {"DELETE /api/v1/users/{id}/second-factor", {"admin"}},
        {"DELETE /api/v1/users/{id}/sessions", {"admin"}},
        {"GET /api/v1/me", kAllRoles},
        {"GET /api/v1/regions", kAllRoles},
        {"GET /api/v1/forms", kAllRoles},
        {"GET /api/v1/forms/{version}", kAllRoles},
        {"POST /api/v1/exams", {"forensic_doctor"}},
        {"GET /api/v1/exams", {"forensic_doctor", "loef"}},
        {"GET /api/v1/exams/{id}", {"forensic_doctor", "loef"}},
        {"PATCH /api/v1/exams/{id}", {"forensic_doctor"}},
        {"DELETE /api/v1/exams/{id}", {"forensic_doctor"}},
        {"POST /api/v1/exams/{id}/submit", {"forensic_doctor"}},
        {"POST /api/v1/exams/{id}/amendments", {"forensic_doctor", "loef"}},
        {"GET /api/v1/exams/{id}/history", {"forensic_doctor", "loef"}},
        {"POST /api/v1/exams/{id}/lock", {"loef"}},
        {"POST /api/v1/exams/{id}/unlock", {"loef"}},
        {"PUT /api/v1/exams/{id}/outcome", {"police", "prosecutor"}},
        {"PUT /api/v1/outcomes/by-police-reference", {"police", "prosecutor"}},
        {"GET /api/v1/sepot-codes", {"police", "prosecutor", "loef", "researcher"}},
        {"POST /api/v1/users", {"admin"}},
        {"GET /api/v1/users", {"admin"}},
        {"GET /api/v1/users/{id}", {"admin"}},
        {"PATCH /api/v1/users/{id}", {"admin"}},
        {"GET /api/v1/audit", {"admin"}},
        {"POST /api/v1/imports", {"loef", "admin"}},
        {"GET /api/v1/imports/{id}", {"loef", "admin"}},
        {"GET /api/v1/dashboard", {"pilot_lead", "loef"}},
        {"GET /api/v1/openapi.json", kPublic},
        {"GET /api/v1/reports", {"researcher", "pilot_lead", "loef", "police", "prosecutor"}},
        {"GET /api/v1/reports/{kind}", {"researcher", "pilot_lead", "loef", "police", "prosecutor"}},
        {"POST /api/v1/exports/research", {"researcher"}},
        {"GET /api/v1/exports/{id}", {"researcher"}},
        {"GET /api/v1/exports/{id}/data", {"researcher"}},
        {"GET /api/v1/codebook", {"researcher", "loef"}},
    };
    return table;
}

std::string concretePath(const std::string& pattern) {
    std::string path = pattern;
    for (const char* param : {"{id}", "{version}"}) {
        auto at = path.find(param);
        if (at != std::string::npos) {
            path.replace(at, std::string(param).size(),
                         std::string(param) == "{version}" ? "1" : "00000000-0000-4000-8000-000000000000");
        }
    }
    return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(access_matrix)

BOOST_AUTO_TEST_CASE(every_route_has_an_expectation) {
    TestServer server;
    for (const auto& route : server.routes()) {
        const std::string key = route.method + " " + route.pattern;
        BOOST_TEST_CONTEXT(key) {
            auto it = expectations().find(key);
            BOOST_TEST((it != expectations().end()), "route " << key << " is missing from the access matrix");
            if (it != expectations().end()) BOOST_TEST((it->second == kPublic) == route.action.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(each_role_is_allowed_or_refused_exactly_as_specified) {
    TestServer server;
    auto client = server.client();
    std::map<std::string, TestServer::Account> accounts;
    for (const auto& role : kAllRoles) accounts[role] = server.createUser(role, role == "admin" || role == "loef" || role == "researcher" ? "" : "oost_nederland");
    auto freshToken = [&](const std::string& role) {
        const auto& a = accounts[role];
        return client.send("POST", "/api/v1/sessions", "{\"username\":\"" + a.username + "\",\"password\":\"" + a.password + "\"}")
            .json()
            ->getValue<std::string>("token");
    };
    std::map<std::string, std::string> tokens;
    for (const auto& role : kAllRoles) tokens[role] = freshToken(role);

    for (const auto& route : server.routes()) {
        if (route.action.empty()) continue;
        const std::string key = route.method + " " + route.pattern;
        auto expected = expectations().find(key);
        if (expected == expectations().end()) continue;  // reported by the test above
        const std::string path = concretePath(route.pattern);
        BOOST_TEST_CONTEXT(key << " without a token") {
            BOOST_TEST(client.send(route.method, path, "{}").status == 401);
        }
        for (const auto& role : kAllRoles) {
            BOOST_TEST_CONTEXT(key << " as " << role) {
                const bool logout = route.pattern == "/api/v1/sessions/current";
                const std::string token = logout ? freshToken(role) : tokens[role];
                auto r = client.send(route.method, path, "{}", token);
                if (expected->second.count(role)) {
                    BOOST_TEST(r.status != 401);
                    BOOST_TEST(r.status != 403);
                    BOOST_TEST(r.status < 500);
                } else {
                    BOOST_TEST(r.status == 403);
                }
            }
        }
    }
}

// The region dimension: a record in Oost-Brabant, and every role once from Oost-Brabant and once
// from Midden-Nederland (national roles have no region). A role that may act on records gets the
// record from its own region, 404 from another region (its existence is not revealed), and 403
// when the role may not act at all.
BOOST_AUTO_TEST_CASE(record_routes_respect_region_scope) {
    TestServer server;
    auto client = server.client();
    auto author = server.login("forensic_doctor", "oost_brabant");
    auto exam = client.send("POST", "/api/v1/exams?submit=true", registry::test::examBody("oost_brabant"), author.token);
    BOOST_TEST_REQUIRE(exam.status == 201);
    const std::string id = exam.json()->getValue<std::string>("id");

    struct Caller {
        std::string role, region, token;
    };
    std::vector<Caller> callers{{"forensic_doctor", "oost_brabant", author.token}};
    for (const auto& role : kAllRoles) {
        const bool national = role == "loef" || role == "researcher" || role == "admin";
        if (national) {
            callers.push_back({role, "", server.login(role).token});
            continue;
        }
        if (role != "forensic_doctor") callers.push_back({role, "oost_brabant", server.login(role, "oost_brabant").token});
        callers.push_back({role, "midden_nederland", server.login(role, "midden_nederland").token});
    }
    for (const auto& route : server.routes()) {
        if (route.pattern.find("{id}") == std::string::npos || route.pattern.rfind("/api/v1/exams/", 0) != 0) continue;
        if (route.method == "DELETE" || route.pattern.find("/lock") != std::string::npos) continue;  // would change the record under test
        const std::string path = route.pattern.substr(0, route.pattern.find("{id}")) + id +
                                 route.pattern.substr(route.pattern.find("{id}") + 4);
        const auto& allowed = expectations().at(route.method + " " + route.pattern);
        for (const auto& c : callers) {
            BOOST_TEST_CONTEXT(route.method << " " << route.pattern << " as " << c.role << " from "
                                            << (c.region.empty() ? "national" : c.region)) {
                auto r = client.send(route.method, path, "{}", c.token);
                if (!allowed.count(c.role)) {
                    BOOST_TEST(r.status == 403);
                } else if (!c.region.empty() && c.region != "oost_brabant") {
                    BOOST_TEST(r.status == 404);
                } else {
                    BOOST_TEST(r.status != 401);
                    BOOST_TEST(r.status != 403);
                    BOOST_TEST(r.status != 404);
                    BOOST_TEST(r.status < 500);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
