#include <boost/test/unit_test.hpp>

#include "tests/support/test_server.h"


using registry::test::TestServer;

BOOST_AUTO_TEST_SUITE(system_endpoints)

BOOST_AUTO_TEST_CASE(health_and_ready_answer_200) {
    TestServer server;
    auto client = server.client();
    auto health = client.get("/health");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(health.json()->getValue<std::string>("status") == "ok");
    auto ready = client.get("/ready");
    BOOST_TEST(ready.status == 200);
    BOOST_TEST(ready.json()->getValue<std::string>("status") == "ready");
}

BOOST_AUTO_TEST_CASE(ready_is_503_while_the_database_is_down_and_recovers) {
    TestServer server;
    auto client = server.client();
    BOOST_TEST(client.get("/ready").status == 200);
    server.db().takeOffline();
    auto down = client.get("/ready");
    BOOST_TEST(down.status == 503);
    BOOST_TEST(down.header("Content-Type").rfind("application/problem+json", 0) == 0);
    BOOST_TEST(client.get("/health").status == 200);
    server.db().bringOnline();
    auto again = client.get("/ready");
    BOOST_TEST(again.status == 200, again.body);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_problem) {
    TestServer server;
    auto r = server.client().get("/api/v1/no-such-thing");
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.header("Content-Type").rfind("application/problem+json", 0) == 0);
    auto body = r.json();
    BOOST_TEST(body->getValue<int>("status") == 404);
    BOOST_TEST(body->has("type"));
    BOOST_TEST(body->has("title"));
    BOOST_TEST(body->has("detail"));
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
    TestServer server;
    auto r = server.client().request("DELETE", "/health");
    BOOST_TEST(r.status == 405);
    BOOST_TEST(r.header("Allow") == "GET");
}

BOOST_AUTO_TEST_CASE(request_id_is_echoed_or_generated) {
    TestServer server;
    auto client = server.client();
    auto echoed = client.request("GET", "/health", "", {{"X-Request-Id", "trace-abc.123"}});
    BOOST_TEST(echoed.header("X-Request-Id") == "trace-abc.123");
    auto generated = client.get("/health");
    BOOST_TEST(generated.header("X-Request-Id").size() == 36u);
    // Header injection attempts are not echoed.
    auto hostile = client.request("GET", "/health", "", {{"X-Request-Id", "a b<script>"}});
    BOOST_TEST(hostile.header("X-Request-Id") != "a b<script>");
    BOOST_TEST(client.get("/nope").header("X-Request-Id").size() == 36u);
}

BOOST_AUTO_TEST_CASE(security_headers_on_every_response) {
    TestServer server;
    auto client = server.client();
    for (const auto& r : {client.get("/health"), client.get("/missing")}) {
        BOOST_TEST(r.header("X-Content-Type-Options") == "nosniff");
        BOOST_TEST(r.header("Cache-Control") == "no-store");
        BOOST_TEST(!r.header("Content-Security-Policy").empty());
        BOOST_TEST(r.header("Strict-Transport-Security").empty());  // plain HTTP
    }
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_and_status) {
    TestServer server;
    auto client = server.client();
    client.get("/health");
    client.get("/health");
    client.get("/missing/thing");
    auto r = client.get("/metrics");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
    BOOST_TEST(r.body.find("registry_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 2") !=
               std::string::npos);
    BOOST_TEST(r.body.find("route=\"unmatched\",method=\"GET\",status=\"404\"") != std::string::npos);
    BOOST_TEST(r.body.find("registry_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 2") !=
               std::string::npos);
    BOOST_TEST(r.body.find("registry_db_pool_connections{state=\"idle\"}") != std::string::npos);
    BOOST_TEST(r.body.find("registry_build_info{version=") != std::string::npos);
    // Raw paths never become labels.
    BOOST_TEST(r.body.find("/missing/thing") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
