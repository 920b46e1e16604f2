#include <boost/test/unit_test.hpp>

#include "server/core/policy.h"
#include "tests/support/test_server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <set>
#include <string>
#include <vector>

using registry::test::TestServer;

// The OpenAPI document (server/web/openapi.json, compiled in) against the router it describes:
// every route the server answers is documented, nothing is documented that the server does not
// answer, and the roles and public routes match the policy.
namespace {

using Poco::JSON::Object;

Object::Ptr fetchDocument(const TestServer& server) {
    auto r = server.client().get("/api/v1/openapi.json");
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.header("Content-Type") == "application/json; charset=utf-8");
    Object::Ptr doc;
    BOOST_REQUIRE_NO_THROW(doc = r.json());
    BOOST_TEST_REQUIRE(!doc.isNull());
    return doc;
}

// Follows a local "$ref" (#/components/...) to the object it names; other objects are returned as they are.
Object::Ptr resolve(const Object::Ptr& doc, Object::Ptr object) {
    for (int hops = 0; object && object->has("$ref") && hops < 8; ++hops) {
        const auto ref = object->getValue<std::string>("$ref");
        BOOST_TEST_REQUIRE(ref.rfind("#/", 0) == 0, "non-local $ref " << ref);
        Object::Ptr at = doc;
        std::string rest = ref.substr(2);
        while (at && !rest.empty()) {
            const auto slash = rest.find('/');
            const std::string name = rest.substr(0, slash);
            rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
            at = at->getObject(name);
        }
        BOOST_TEST_REQUIRE(!at.isNull(), "dangling $ref " << ref);
        object = at;
    }
    return object;
}

std::set<std::string> documentedOperations(const Object::Ptr& doc) {
    std::set<std::string> out;
    auto paths = doc->getObject("paths");
    for (const auto& path : paths->getNames()) {
        auto item = paths->getObject(path);
        BOOST_TEST_REQUIRE(!item.isNull(), "paths[" << path << "] is not an object");
        for (const auto& method : item->getNames()) {
            if (!item->getObject(method)) continue;  // parameters, summary, description
            out.insert(Poco::toUpper(method) + " " + path);
        }
    }
    return out;
}

bool usesProblemSchema(const Object::Ptr& doc, const Object::Ptr& response) {
    auto content = response ? response->getObject("content") : nullptr;
    auto media = content ? content->getObject("application/problem+json") : nullptr;
    auto schema = media ? media->getObject("schema") : nullptr;
    return schema && schema->has("$ref") &&
           schema->getValue<std::string>("$ref") == "#/components/schemas/Problem" && !resolve(doc, schema).isNull();
}

// One documented route: responses, summary, description, security against the policy, and its
// path parameters against the pattern.
void checkOperation(const Object::Ptr& doc, const registry::http::Router::RouteInfo& route, const Object::Ptr& operation) {
    const std::string key = route.method + " " + route.pattern;
    auto responses = operation->getObject("responses");
    BOOST_TEST((!responses.isNull() && responses->size() > 0u), key << " documents no responses");
    BOOST_TEST(!operation->optValue<std::string>("summary", "").empty(), key << " has no summary");
    const auto description = operation->optValue<std::string>("description", "");
    BOOST_TEST(!description.empty(), key << " has no description");

    // Public routes opt out of the global bearer requirement; protected ones name their action
    // and exactly the roles the policy allows.
    if (route.action.empty()) {
        auto security = operation->getArray("security");
        BOOST_TEST((!security.isNull() && security->size() == 0u), key << " is public but not security: []");
    } else {
        BOOST_TEST(!operation->has("security"), key << " must keep the global bearer requirement");
        BOOST_TEST(operation->optValue<std::string>("x-action", "") == route.action, key << ": x-action differs");
        std::set<std::string> documented;
        if (auto roles = operation->getArray("x-roles")) {
            for (unsigned i = 0; i < roles->size(); ++i) documented.insert(roles->getElement<std::string>(i));
        }
        const auto allowed = registry::core::Policy::rolesFor(route.action);
        BOOST_TEST((documented == std::set<std::string>(allowed.begin(), allowed.end())),
                   key << ": x-roles differ from the policy");
        for (const auto& role : allowed) {
            BOOST_TEST(description.find(role) != std::string::npos, key << ": description does not name role " << role);
        }
    }

    // Every {name} of the pattern is a declared path parameter, and nothing else is.
    std::set<std::string> pathParams;
    if (auto params = operation->getArray("parameters")) {
        for (unsigned i = 0; i < params->size(); ++i) {
            auto p = resolve(doc, params->getObject(i));
            if (p && p->optValue<std::string>("in", "") == "path") pathParams.insert(p->optValue<std::string>("name", ""));
        }
    }
    std::set<std::string> expected;
    for (const auto& segment : registry::http::splitPath(route.pattern)) {
        if (segment.size() > 2 && segment.front() == '{') expected.insert(segment.substr(1, segment.size() - 2));
    }
    BOOST_TEST((pathParams == expected), key << ": path parameters differ from the pattern");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(document_is_public_json_openapi_3) {
    TestServer server;
    auto doc = fetchDocument(server);
    BOOST_TEST(doc->getValue<std::string>("openapi").rfind("3.0", 0) == 0);
    BOOST_TEST(doc->getObject("info")->getValue<std::string>("title") == "Strangulation-pilot registry API");
    auto scheme = doc->getObject("components")->getObject("securitySchemes")->getObject("bearerAuth");
    BOOST_TEST_REQUIRE(!scheme.isNull());
    BOOST_TEST(scheme->getValue<std::string>("type") == "http");
    BOOST_TEST(scheme->getValue<std::string>("scheme") == "bearer");
    BOOST_TEST(doc->getArray("security")->size() == 1u);
    for (const char* schema : {"Problem", "Exam", "ExamPage", "HistoryEntry", "Outcome", "User", "UserPage", "AuditEvent",
                               "AuditPage", "Session", "Me", "Regions", "FormList", "DismissalCodes"}) {
        BOOST_TEST(doc->getObject("components")->getObject("schemas")->has(schema), "schema " << schema << " is missing");
    }
}

BOOST_AUTO_TEST_CASE(every_route_is_documented_and_nothing_else) {
    TestServer server;
    auto doc = fetchDocument(server);
    auto paths = doc->getObject("paths");
    std::set<std::string> routes;
    for (const auto& route : server.routes()) {
        const std::string key = route.method + " " + route.pattern;
        routes.insert(key);
        BOOST_TEST_CONTEXT(key) {
            auto path = paths->getObject(route.pattern);
            Object::Ptr operation = path ? path->getObject(Poco::toLower(route.method)) : Object::Ptr();
            BOOST_TEST(!operation.isNull(), key << " is not documented in server/web/openapi.json");
            if (operation) checkOperation(doc, route, operation);
        }
    }
    for (const auto& documented : documentedOperations(doc)) {
        BOOST_TEST(routes.count(documented) == 1u, documented << " is documented but the server has no such route");
    }
}

BOOST_AUTO_TEST_CASE(every_operation_documents_a_problem_response) {
    TestServer server;
    auto doc = fetchDocument(server);
    auto paths = doc->getObject("paths");
    for (const auto& key : documentedOperations(doc)) {
        BOOST_TEST_CONTEXT(key) {
            const auto space = key.find(' ');
            auto operation = paths->getObject(key.substr(space + 1))->getObject(Poco::toLower(key.substr(0, space)));
            auto responses = operation ? operation->getObject("responses") : Object::Ptr();
            BOOST_TEST(!responses.isNull(), key << " has no responses object");
            bool problem4xx = false;
            for (const auto& status : responses ? responses->getNames() : std::vector<std::string>{}) {
                auto response = resolve(doc, responses->getObject(status));
                BOOST_TEST(!response.isNull(), "response " << status << " is not an object");
                if (!response) continue;
                BOOST_TEST(response->has("description"), "response " << status << " has no description");
                const bool error = status.size() == 3 && (status[0] == '4' || status[0] == '5');
                if (error) {
                    BOOST_TEST(usesProblemSchema(doc, response), "response " << status << " is not a Problem");
                    if (status[0] == '4') problem4xx = true;
                }
            }
            BOOST_TEST(problem4xx, key << " documents no 4xx Problem response");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
