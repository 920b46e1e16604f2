#include <boost/test/unit_test.hpp>

#include "server/core/errors.h"
#include "server/http/router.h"

using registry::Error;
using registry::ErrorKind;
using registry::http::Request;
using registry::http::Response;
using registry::http::Router;

namespace {
Router sample() {
    Router router;
    auto ok = [](Request&) { return Response::noContent(); };
    router.add("GET", "/api/v1/exams", ok);
    router.add("POST", "/api/v1/exams", ok);
    router.add("GET", "/api/v1/exams/{id}", ok);
    router.add("PATCH", "/api/v1/exams/{id}", ok);
    router.add("POST", "/api/v1/exams/{id}/submit", ok);
    return router;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(matches_literal_and_parameter_segments) {
    auto router = sample();
    auto m = router.match("POST", "/api/v1/exams/abc-123/submit");
    BOOST_TEST(m.pattern == "/api/v1/exams/{id}/submit");
    BOOST_TEST(m.params.at("id") == "abc-123");
    BOOST_TEST(router.match("GET", "/api/v1/exams").pattern == "/api/v1/exams");
    BOOST_TEST(router.match("GET", "/api/v1/exams/").pattern == "/api/v1/exams");
}

BOOST_AUTO_TEST_CASE(parameters_are_percent_decoded) {
    auto router = sample();
    BOOST_TEST(router.match("GET", "/api/v1/exams/a%20b").params.at("id") == "a b");
}

BOOST_AUTO_TEST_CASE(unknown_path_is_not_found) {
    auto router = sample();
    try {
        router.match("GET", "/api/v1/nothing");
        BOOST_FAIL("expected an error");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::NotFound));
    }
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
    auto router = sample();
    try {
        router.match("DELETE", "/api/v1/exams/42");
        BOOST_FAIL("expected an error");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::MethodNotAllowed));
        BOOST_TEST(e.headers().at("Allow") == "GET, PATCH");
    }
}

BOOST_AUTO_TEST_CASE(head_is_served_by_get) {
    auto router = sample();
    BOOST_TEST(router.match("HEAD", "/api/v1/exams/1").pattern == "/api/v1/exams/{id}");
}

BOOST_AUTO_TEST_SUITE_END()
