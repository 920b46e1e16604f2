#include <boost/test/unit_test.hpp>

#include "tests/support/exam_fixtures.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_server.h"

#include "server/app/config.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using registry::test::RawConnection;
using registry::test::TestServer;

// The HTTP transport as a hostile or broken client meets it: bodies cut short, requests without
// a length, heads that are too large or too slow, idle connections by the hundred. Every answer
// is problem+json with a request id, and nothing half-received is acted on.
namespace {

using Reply = RawConnection::Reply;

long long writes(TestServer& server) {
    return server.db().scalar("SELECT (SELECT count(*) FROM exams) + (SELECT count(*) FROM exam_versions)");
}

long long successEvents(TestServer& server, const std::string& action) {
    return server.db().scalar("SELECT count(*) FROM audit_events WHERE action = '" + action + "' AND outcome = 'success'");
}

void isProblem(const Reply& reply, int status) {
    BOOST_TEST_REQUIRE(reply.received);
    BOOST_TEST(reply.status == status);
    BOOST_TEST(reply.header("content-type").rfind("application/problem+json", 0) == 0);
    BOOST_TEST(!reply.header("x-request-id").empty());
    auto body = Poco::JSON::Parser().parse(reply.body).extract<Poco::JSON::Object::Ptr>();
    BOOST_TEST(body->getValue<int>("status") == status);
    BOOST_TEST(!body->getValue<std::string>("detail").empty());
}

std::string post(const std::string& path, const std::string& token, const std::string& headersAndBody) {
    return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" +
           (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") + headersAndBody;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transport)

BOOST_AUTO_TEST_CASE(a_body_shorter_than_its_content_length_is_refused_and_nothing_is_written) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    const long long before = writes(server);
    const long long created = successEvents(server, "exam.create");
    std::vector<std::thread> clients;
    std::atomic<int> refused{0};
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back([&, i] {
            RawConnection c(server.port());
            const std::string body = registry::test::examBody("oost_brabant", "", "PL0912-2026-" + std::to_string(100000 + i));
            c.send(post("/api/v1/exams?submit=" + std::string(i % 2 ? "true" : "false"), doctor.token,
                        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size() + 4000) +
                            "\r\n\r\n" + body));
            c.closeSending();
            auto reply = c.read();
            if (reply.received && reply.status == 400 && reply.body.find("Content-Length") != std::string::npos) ++refused;
        });
    }
    for (auto& t : clients) t.join();
    BOOST_TEST(refused.load() == 20);
    BOOST_TEST(writes(server) == before);
    BOOST_TEST(successEvents(server, "exam.create") == created);
    // The server is unharmed: a complete request still works.
    RawConnection ok(server.port());
    const std::string body = registry::test::examBody();
    ok.send(post("/api/v1/exams", doctor.token,
                 "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    BOOST_TEST(ok.read().status == 201);
}

BOOST_AUTO_TEST_CASE(a_request_without_content_length_has_no_body_and_is_answered_at_once) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    // The server used to wait for the client to close (60 s); 3 s is far more than an answer takes.
    RawConnection options(server.port());
    options.send("OPTIONS /api/v1/exams HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + doctor.token + "\r\n\r\n");
    auto reply = options.read(std::chrono::milliseconds(3000));
    isProblem(reply, 405);
    BOOST_TEST(reply.header("allow").find("POST") != std::string::npos);

    RawConnection login(server.port());
    login.send(post("/api/v1/sessions", "", "Content-Type: application/json\r\n\r\n"));
    isProblem(login.read(std::chrono::milliseconds(3000)), 400);

    // The connection stays usable: the next request on it is answered too.
    login.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    BOOST_TEST(login.read(std::chrono::milliseconds(3000)).status == 200);
}

BOOST_AUTO_TEST_CASE(chunked_or_ambiguous_request_bodies_are_refused) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    RawConnection chunked(server.port());
    chunked.send(post("/api/v1/exams", doctor.token,
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
    isProblem(chunked.read(), 411);
    RawConnection both(server.port());
    both.send(post("/api/v1/exams", doctor.token,
                   "Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}"));
    isProblem(both.read(), 400);
    RawConnection twice(server.port());
    twice.send(post("/api/v1/exams", doctor.token,
                    "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}"));
    isProblem(twice.read(), 400);
    RawConnection negative(server.port());
    negative.send(post("/api/v1/exams", doctor.token, "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"));
    isProblem(negative.read(), 400);
}

BOOST_AUTO_TEST_CASE(an_anonymous_request_is_refused_before_its_body_is_read) {
    TestServer server;
    // Announces half a megabyte and sends none of it: the 401 must not wait for the body.
    RawConnection c(server.port());
    c.send(post("/api/v1/exams", "", "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n"));
    auto reply = c.read(std::chrono::milliseconds(3000));
    isProblem(reply, 401);
    BOOST_TEST(Poco::icompare(reply.header("connection"), "close") == 0);
    // A wrong role is refused just as early.
    auto police = server.login("police", "oost_brabant");
    RawConnection p(server.port());
    p.send(post("/api/v1/exams", police.token, "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n"));
    isProblem(p.read(std::chrono::milliseconds(3000)), 403);
}

BOOST_AUTO_TEST_CASE(errors_met_while_parsing_the_head_are_problem_json_with_a_request_id) {
    TestServer server;
    auto ask = [&](const std::string& head) {
        RawConnection c(server.port());
        c.send(head);
        return c.read();
    };
    isProblem(ask("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"), 431);
    std::string many = "GET /health HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    isProblem(ask(many + "\r\n"), 431);
    isProblem(ask("GET /" + std::string(100 * 1024, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    isProblem(ask("GET /health?q=" + std::string(60 * 1024, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    isProblem(ask("GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: one\rtwo\r\n\r\n"), 431);
    isProblem(ask("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"), 400);
}

BOOST_AUTO_TEST_CASE(a_head_that_trickles_in_is_cut_off_with_408) {
    TestServer server(std::map<std::string, std::string>{{"http.header_timeout_seconds", "1"}});
    RawConnection c(server.port());
    const std::string head = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(100, 's') + "\r\n\r\n";
    Reply reply;
    for (std::size_t i = 0; i < head.size() && !reply.received; ++i) {
        try {
            c.send(head.substr(i, 1));
        } catch (const std::exception&) {
            break;  // the server has shut its side
        }
        if (c.socket().poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) reply = c.read();
    }
    if (!reply.received) reply = c.read();
    isProblem(reply, 408);
}

BOOST_AUTO_TEST_CASE(idle_and_trickling_connections_do_not_starve_health_or_login) {
    // With the shipped worker count (the other tests run with fewer).
    TestServer server(std::map<std::string, std::string>{
        {"http.max_threads", registry::app::Config::fromDefaults().getString("http.max_threads")}});
    auto account = server.createUser("forensic_doctor", "oost_brabant");
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<RawConnection>(server.port()));
    std::atomic<bool> done{false};
    std::vector<std::thread> tricklers;
    for (int i = 0; i < 100; ++i) {
        tricklers.emplace_back([&] {
            try {
                RawConnection c(server.port());
                const std::string head = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(200, 's');
                for (std::size_t k = 0; k < head.size() && !done; ++k) {
                    c.send(head.substr(k, 1));
                    std::this_thread::sleep_for(std::chrono::milliseconds(200));
                }
            } catch (const std::exception&) {
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // While 200 connections hold on, a new client is answered within the second the issue allows.
    for (int round = 0; round < 3; ++round) {
        RawConnection health(server.port());
        health.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        BOOST_TEST(health.read(std::chrono::milliseconds(1000)).status == 200);
        RawConnection login(server.port());
        const std::string body = "{\"username\":\"" + account.username + "\",\"password\":\"" + account.password + "\"}";
        login.send(post("/api/v1/sessions", "",
                        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
        BOOST_TEST(login.read(std::chrono::milliseconds(1000)).status == 201);
    }
    done = true;
    for (auto& t : tricklers) t.join();
}

BOOST_AUTO_TEST_CASE(paths_are_percent_decoded_exactly_once) {
    TestServer server;
    auto doctor = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    BOOST_TEST(client.get("/api/v1/forms/%31", doctor.token).status == 200);       // "1", decoded once
    BOOST_TEST(client.get("/api/v1/forms/%2531", doctor.token).status == 404);     // "%31", not form 1
    BOOST_TEST(client.get("/api/v1/forms/1%00garbage", doctor.token).status == 400);
    BOOST_TEST(client.get("/api/v1/exams/abc%2Fdef", doctor.token).status == 400);
    BOOST_TEST(client.get("/api/v1/exams/%zz", doctor.token).status == 400);
    // An encoded slash does not split a segment into two, so it cannot reach another route.
    BOOST_TEST(client.get("/api/v1%2Fexams", doctor.token).status == 404);
}

BOOST_AUTO_TEST_CASE(metric_labels_stay_bounded_whatever_clients_send) {
    TestServer server;
    for (int i = 0; i < 30; ++i) {
        RawConnection c(server.port());
        c.send("BREW" + std::to_string(i) + " /nowhere-" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        BOOST_TEST(c.read().received);
    }
    auto metrics = server.client().get("/metrics");
    BOOST_TEST(metrics.status == 200);
    BOOST_TEST(metrics.body.find("BREW") == std::string::npos);
    BOOST_TEST(metrics.body.find("nowhere") == std::string::npos);
    BOOST_TEST(metrics.body.find("method=\"other\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(duplicate_json_members_are_refused_at_any_depth) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    const long long users = server.db().scalar("SELECT count(*) FROM users");
    auto role = client.send("POST", "/api/v1/users",
                            R"({"username":"dup.role","display_name":"D","role":"researcher","role":"admin",
                                "password":"a long passphrase"})",
                            admin.token);
    BOOST_TEST(role.status == 400);
    BOOST_TEST(role.json()->getValue<std::string>("detail").find("\"role\" occurs twice") != std::string::npos);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM users") == users);

    auto victim = server.createUser("admin");
    auto login = client.send("POST", "/api/v1/sessions",
                             R"({"username":"nobody","username":")" + victim.username + R"(","password":")" +
                                 victim.password + R"("})");
    BOOST_TEST(login.status == 400);
    BOOST_TEST(login.json()->has("token") == false);

    auto doctor = server.login("forensic_doctor", "oost_brabant");
    const long long exams = server.db().scalar("SELECT count(*) FROM exams");
    auto nested = client.send("POST", "/api/v1/exams",
                              R"({"fields": {"region": "oost_brabant", "sex": "female", "sex": "male"}})", doctor.token);
    BOOST_TEST(nested.status == 400);
    auto inArray = client.send("POST", "/api/v1/exams",
                               R"({"fields": {"body_map": [{"type": "bruise", "type": "scratch"}]}})", doctor.token);
    BOOST_TEST(inArray.status == 400);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM exams") == exams);
    // The same name in two different objects is not a duplicate.
    auto fine = client.send("POST", "/api/v1/exams",
                            R"({"fields": {"region": "oost_brabant", "body_map": [{"type": "bruise"}, {"type": "scratch"}]}})",
                            doctor.token);
    BOOST_TEST(fine.status != 400);
}

BOOST_AUTO_TEST_SUITE_END()
