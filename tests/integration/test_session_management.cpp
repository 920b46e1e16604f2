#include <boost/test/unit_test.hpp>

#include "tests/support/test_server.h"

#include <atomic>
#include <thread>

using registry::test::TestServer;

namespace {

std::string credentials(const TestServer::Account& a) {
    return "{\"username\":\"" + a.username + "\",\"password\":\"" + a.password + "\"}";
}

std::string freshToken(TestServer& server, const TestServer::Account& a) {
    auto r = server.client().send("POST", "/api/v1/sessions", credentials(a));
    BOOST_TEST_REQUIRE(r.status == 201);
    return r.json()->getValue<std::string>("token");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session_management)

BOOST_AUTO_TEST_CASE(a_user_lists_and_ends_their_own_sessions) {
    TestServer server;
    auto user = server.login("forensic_doctor", "oost_brabant");
    const std::string other = freshToken(server, user);
    auto client = server.client();
    auto list = client.get("/api/v1/sessions", user.token);
    BOOST_TEST_REQUIRE(list.status == 200);
    auto items = list.json()->getArray("items");
    BOOST_TEST_REQUIRE(items->size() == 2u);
    std::string otherId;
    int current = 0;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto s = items->getObject(static_cast<unsigned>(i));
        if (s->getValue<bool>("current")) {
            ++current;
        } else {
            otherId = s->getValue<std::string>("id");
        }
        BOOST_TEST(!s->getValue<std::string>("expires_at").empty());
    }
    BOOST_TEST(current == 1);
    // Nobody else sees or ends these sessions: someone else's id is the same 404 as none.
    auto stranger = server.login("forensic_doctor", "oost_brabant");
    BOOST_TEST(client.get("/api/v1/sessions", stranger.token).json()->getArray("items")->size() == 1u);
    BOOST_TEST(client.send("DELETE", "/api/v1/sessions/" + otherId, "", stranger.token).status == 404);
    BOOST_TEST(client.get("/api/v1/me", other).status == 200);

    BOOST_TEST(client.send("DELETE", "/api/v1/sessions/" + otherId, "", user.token).status == 204);
    BOOST_TEST(client.get("/api/v1/me", other).status == 401);
    BOOST_TEST(client.get("/api/v1/me", user.token).status == 200);
    BOOST_TEST(client.send("DELETE", "/api/v1/sessions/" + otherId, "", user.token).status == 404);
    BOOST_TEST(client.send("DELETE", "/api/v1/sessions/not-a-uuid", "", user.token).status == 404);
    BOOST_TEST(client.get("/api/v1/sessions", user.token).json()->getArray("items")->size() == 1u);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'session.end' AND outcome = "
                                  "'success' AND object_id = '" + otherId + "'") == 1);
}

BOOST_AUTO_TEST_CASE(an_admin_ends_every_session_of_a_user) {
    TestServer server;
    auto admin = server.login("admin");
    auto user = server.login("police", "oost_brabant");
    const std::string second = freshToken(server, user);
    auto client = server.client();
    BOOST_TEST(client.send("DELETE", "/api/v1/users/" + user.id + "/sessions", "", user.token).status == 403);
    auto r = client.send("DELETE", "/api/v1/users/" + user.id + "/sessions", "", admin.token);
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.json()->getValue<int>("ended") == 2);
    BOOST_TEST(client.get("/api/v1/me", user.token).status == 401);
    BOOST_TEST(client.get("/api/v1/me", second).status == 401);
    BOOST_TEST(client.get("/api/v1/me", admin.token).status == 200);
    BOOST_TEST(client.send("DELETE", "/api/v1/users/00000000-0000-4000-8000-000000000000/sessions", "", admin.token)
                   .status == 404);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'user.sessions_end' AND object_id = '" +
                                  user.id + "' AND detail = '2 session(s) ended'") == 1);
}

// One user far over the limit, another at the same time within it: only the first is refused.
BOOST_AUTO_TEST_CASE(the_rate_limit_refuses_only_the_noisy_user) {
    TestServer server({{"ratelimit.per_second", "1"}, {"ratelimit.burst", "5"}});
    auto noisy = server.login("forensic_doctor", "oost_brabant");
    auto quiet = server.login("forensic_doctor", "oost_brabant");
    std::atomic<int> refused{0}, quietOk{0}, quietOther{0};
    std::string retryAfter, problemType;
    std::thread flood([&] {
        auto client = server.client();
        for (int i = 0; i < 40; ++i) {
            auto r = client.get("/api/v1/me", noisy.token);
            if (r.status == 429) {
                if (refused++ == 0) {
                    retryAfter = r.header("retry-after");
                    problemType = r.header("content-type");
                }
            }
        }
    });
    std::thread calm([&] {
        auto client = server.client();
        for (int i = 0; i < 3; ++i) (client.get("/api/v1/me", quiet.token).status == 200 ? quietOk : quietOther)++;
    });
    flood.join();
    calm.join();
    // 40 requests against 5 at once and one a second: refused unless each took over a second.
    BOOST_TEST(refused.load() >= 1);
    BOOST_TEST(quietOk.load() == 3);
    BOOST_TEST(quietOther.load() == 0);
    BOOST_TEST(std::stoi(retryAfter) >= 1);
    BOOST_TEST(problemType.find("application/problem+json") == 0u);
    auto metrics = server.client().get("/metrics");
    BOOST_TEST(metrics.body.find("registry_rate_limited_total " + std::to_string(refused.load())) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
