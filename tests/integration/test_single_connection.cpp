#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/test_server.h"

#include <thread>
#include <vector>

using registry::test::examBody;
using registry::test::TestServer;

// With a pool of one connection, no request may wait for a second lease while it holds the
// first: a refusal outside the caller's scope is 404 at once (not 503 after the acquire timeout)
// and its denied event is recorded; forms and code lists load on first use without a second lease.
BOOST_AUTO_TEST_SUITE(single_connection)

BOOST_AUTO_TEST_CASE(out_of_scope_requests_are_404_and_audited_with_one_connection) {
    TestServer server(std::map<std::string, std::string>{{"db.pool_size", "1"}, {"db.acquire_timeout_ms", "1500"}});
    auto author = server.login("forensic_doctor", "oost_brabant");
    auto stranger = server.login("forensic_doctor", "midden_nederland");
    auto police = server.login("police", "midden_nederland");
    auto client = server.client();
    // The first exam of a fresh server: the form and the code lists are loaded inside its request.
    auto created = client.send("POST", "/api/v1/exams?submit=true", examBody("oost_brabant"), author.token);
    BOOST_TEST_REQUIRE(created.status == 201);
    const std::string id = created.json()->getValue<std::string>("id");

    const auto denied = [&] {
        return server.db().scalar("SELECT count(*) FROM audit_events WHERE outcome = 'denied' AND object_id = '" + id + "'");
    };
    BOOST_TEST(client.get("/api/v1/exams/" + id, stranger.token).status == 404);
    BOOST_TEST(client.get("/api/v1/exams/" + id + "/history", stranger.token).status == 404);
    BOOST_TEST(client.send("POST", "/api/v1/exams/" + id + "/amendments", R"({"changes": {}, "reason": "x"})", stranger.token,
                           {{"If-Match", "\"1\""}})
                   .status == 404);
    BOOST_TEST(client.send("PUT", "/api/v1/exams/" + id + "/outcome", R"({"fields": {"aangifte": "yes"}})", police.token)
                   .status == 404);
    BOOST_TEST(denied() == 4);

    // Several at once still do not stall each other.
    std::vector<std::thread> threads;
    std::atomic<int> notFound{0};
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            if (server.client().get("/api/v1/exams/" + id, stranger.token).status == 404) ++notFound;
        });
    }
    for (auto& t : threads) t.join();
    BOOST_TEST(notFound.load() == 6);
    BOOST_TEST(denied() == 10);
    // The author still reads it.
    BOOST_TEST(client.get("/api/v1/exams/" + id, author.token).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
