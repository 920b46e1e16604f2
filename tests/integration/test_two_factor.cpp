#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/totp.h"
#include "tests/support/cli_runner.h"
#include "tests/support/test_server.h"

#include <pqxx/pqxx>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

using registry::test::HttpResult;
using registry::test::TestServer;
namespace totp = registry::core::totp;

namespace {

std::string credentials(const TestServer::Account& a) {
    return "{\"username\":\"" + a.username + "\",\"password\":\"" + a.password + "\"}";
}

std::string secondStep(const std::string& challenge, const std::string& code) {
    return "{\"challenge_token\":\"" + challenge + "\",\"code\":\"" + code + "\"}";
}

// Codes are computed from the clock, as a phone would. Keeping clear of the end of a 30 s step
// makes "the current step" the same for the test and for the server a moment later.
std::int64_t currentStep() {
    if (std::time(nullptr) % totp::kStepSeconds >= totp::kStepSeconds - 2) {
        std::this_thread::sleep_for(std::chrono::seconds(3));
    }
    return totp::stepAt(static_cast<std::int64_t>(std::time(nullptr)));
}

struct Enrolled {
    std::string secret;  // raw bytes
    std::vector<std::string> recoveryCodes;
};

// Enrols the account's second factor with the current code, as the web page would.
Enrolled enrol(const registry::test::HttpClient& client, const std::string& token) {
    auto offer = client.send("POST", "/api/v1/me/second-factor", "", token);
    BOOST_TEST_REQUIRE(offer.status == 201);
    Enrolled e;
    e.secret = totp::base32Decode(offer.json()->getValue<std::string>("secret"));
    const auto confirm = client.send("POST", "/api/v1/me/second-factor/confirm",
                                     "{\"code\":\"" + totp::codeAt(e.secret, currentStep()) + "\"}", token);
    BOOST_TEST_REQUIRE(confirm.status == 200);
    auto codes = confirm.json()->getArray("recovery_codes");
    for (std::size_t i = 0; i < codes->size(); ++i) e.recoveryCodes.push_back(codes->getElement<std::string>(i));
    return e;
}

// The password step of an enrolled user: the challenge token.
std::string passwordStep(const registry::test::HttpClient& client, const TestServer::Account& a) {
    auto r = client.send("POST", "/api/v1/sessions", credentials(a));
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST_REQUIRE(r.json()->getValue<bool>("second_factor_required"));
    BOOST_TEST(!r.json()->has("token"));
    return r.json()->getValue<std::string>("challenge_token");
}

// A six-digit code that is none of the codes accepted around `step`.
std::string wrongCode(const std::string& secret, std::int64_t step) {
    for (int candidate = 0;; ++candidate) {
        std::string code = std::to_string(100000 + candidate);
        bool valid = false;
        for (std::int64_t s = step - 2; s <= step + 2; ++s) valid = valid || totp::codeAt(secret, s) == code;
        if (!valid) return code;
    }
}

std::string storedSecret(TestServer& server, const std::string& userId) {
    pqxx::connection c(server.db().ownerUrl());
    pqxx::read_transaction tx(c);
    return tx.exec_params("SELECT secret FROM user_totp WHERE user_id = $1::uuid", userId)[0][0].as<std::string>();
}

long long auditCount(TestServer& server, const std::string& action, const std::string& detail) {
    return server.db().scalar("SELECT count(*) FROM audit_events WHERE action = '" + action + "' AND detail LIKE '" +
                              detail + "%'");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(two_factor)

BOOST_AUTO_TEST_CASE(enrolment_offers_a_uri_and_a_qr_code_and_is_confirmed_by_a_code) {
    TestServer server;
    auto account = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    auto offer = client.send("POST", "/api/v1/me/second-factor", "", account.token);
    BOOST_TEST_REQUIRE(offer.status == 201);
    auto body = offer.json();
    const auto secret = body->getValue<std::string>("secret");
    BOOST_TEST(totp::base32Decode(secret).size() == totp::kSecretBytes);
    BOOST_TEST(body->getValue<std::string>("otpauth_uri").rfind("otpauth://totp/", 0) == 0u);
    BOOST_TEST(body->getValue<std::string>("otpauth_uri").find("secret=" + secret) != std::string::npos);
    BOOST_TEST(body->getValue<std::string>("qr_svg").rfind("<svg", 0) == 0u);

    // Not confirmed yet: the password alone still signs in.
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(account)).status == 201);
    auto wrong = client.send("POST", "/api/v1/me/second-factor/confirm",
                             "{\"code\":\"" + wrongCode(totp::base32Decode(secret), currentStep()) + "\"}",
                             account.token);
    BOOST_TEST(wrong.status == 422);
    BOOST_TEST(wrong.body.find("\"field\":\"code\"") != std::string::npos);

    auto confirm = client.send("POST", "/api/v1/me/second-factor/confirm",
                               "{\"code\":\"" + totp::codeAt(totp::base32Decode(secret), currentStep()) + "\"}",
                               account.token);
    BOOST_TEST_REQUIRE(confirm.status == 200);
    auto codes = confirm.json()->getArray("recovery_codes");
    BOOST_TEST(codes->size() == 10u);
    // Only hashes are stored.
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM recovery_codes WHERE code_hash = '" +
                                  codes->getElement<std::string>(0) + "'") == 0);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL") == 10);
    // A second enrolment would replace the device: refused until an admin resets it.
    BOOST_TEST(client.send("POST", "/api/v1/me/second-factor", "", account.token).status == 409);
    // Now the password step gives no session.
    passwordStep(client, account);
}

BOOST_AUTO_TEST_CASE(two_step_sign_in_refuses_wrong_replayed_and_far_codes) {
    TestServer server;
    auto account = server.login("police", "oost_brabant");
    auto client = server.client();
    const auto enrolled = enrol(client, account.token);

    // A code two steps ahead is outside the one step of skew.
    std::string challenge = passwordStep(client, account);
    auto step = currentStep();
    auto far = client.send("POST", "/api/v1/sessions/second-factor",
                           secondStep(challenge, totp::codeAt(enrolled.secret, step + 2)));
    BOOST_TEST(far.status == 401);
    auto wrong = client.send("POST", "/api/v1/sessions/second-factor",
                             secondStep(challenge, wrongCode(enrolled.secret, step)));
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(wrong.body == far.body);
    BOOST_TEST(wrong.header("content-type").find("application/problem+json") == 0u);

    // The next step's code (within skew, newer than the one used to enrol) signs in, once.
    step = currentStep();
    const std::string code = totp::codeAt(enrolled.secret, step + 1);
    auto ok = client.send("POST", "/api/v1/sessions/second-factor", secondStep(challenge, code));
    BOOST_TEST_REQUIRE(ok.status == 201);
    const auto token = ok.json()->getValue<std::string>("token");
    BOOST_TEST(client.get("/api/v1/me", token).status == 200);
    // The challenge was consumed with it.
    BOOST_TEST(client.send("POST", "/api/v1/sessions/second-factor", secondStep(challenge, code)).status == 401);

    auto replay = client.send("POST", "/api/v1/sessions/second-factor", secondStep(passwordStep(client, account), code));
    BOOST_TEST(replay.status == 401);
    BOOST_TEST(auditCount(server, "login.second_factor", "code already used") == 1);
    BOOST_TEST(auditCount(server, "login.second_factor", "wrong code") == 2);
    BOOST_TEST(auditCount(server, "login", "second factor: totp") == 1);

    // A made-up challenge token is the same 401.
    auto forged = client.send("POST", "/api/v1/sessions/second-factor", secondStep("not-a-challenge", code));
    BOOST_TEST(forged.status == 401);
    BOOST_TEST(client.send("POST", "/api/v1/sessions/second-factor", "{\"code\": 123456}").status == 401);
}

BOOST_AUTO_TEST_CASE(the_web_apps_second_step_opens_a_cookie_session) {
    TestServer server;
    auto account = server.login("police", "oost_brabant");
    auto client = server.client();
    const auto enrolled = enrol(client, account.token);

    auto first = client.send("POST", "/api/v1/sessions?cookie=true", credentials(account));
    BOOST_TEST_REQUIRE(first.status == 200);
    BOOST_TEST(first.header("set-cookie").empty());  // the password alone opens no session
    const auto challenge = first.json()->getValue<std::string>("challenge_token");
    auto bogus = client.send("POST", "/api/v1/sessions/second-factor?cookie=yes",
                             secondStep(challenge, enrolled.recoveryCodes.at(0)));
    BOOST_TEST(bogus.status == 400);

    auto second = client.send("POST", "/api/v1/sessions/second-factor?cookie=true",
                              secondStep(challenge, enrolled.recoveryCodes.at(0)));
    BOOST_TEST_REQUIRE(second.status == 201);
    BOOST_TEST(!second.json()->has("token"));
    const auto csrf = second.json()->getValue<std::string>("csrf_token");
    const std::string setCookie = second.header("set-cookie");
    BOOST_TEST_REQUIRE(setCookie.rfind("registry_session=", 0) == 0u);
    BOOST_TEST(setCookie.find("HttpOnly") != std::string::npos);
    BOOST_TEST(setCookie.find("SameSite=Strict") != std::string::npos);
    const std::string cookie = setCookie.substr(0, setCookie.find(';'));

    auto me = client.request("GET", "/api/v1/me", "", {{"Cookie", cookie}});
    BOOST_TEST_REQUIRE(me.status == 200);
    BOOST_TEST(me.json()->getValue<std::string>("csrf_token") == csrf);
    BOOST_TEST(me.json()->getValue<std::string>("expires_at") == second.json()->getValue<std::string>("expires_at"));
    BOOST_TEST(!me.json()->getValue<bool>("second_factor_enrolment_required"));
}

BOOST_AUTO_TEST_CASE(a_recovery_code_works_once) {
    TestServer server;
    auto account = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    const auto enrolled = enrol(client, account.token);
    const std::string code = enrolled.recoveryCodes.at(3);
    std::string shouted = code;
    for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto first = client.send("POST", "/api/v1/sessions/second-factor", secondStep(passwordStep(client, account), shouted));
    BOOST_TEST(first.status == 201);
    auto again = client.send("POST", "/api/v1/sessions/second-factor", secondStep(passwordStep(client, account), code));
    BOOST_TEST(again.status == 401);
    BOOST_TEST(auditCount(server, "login", "second factor: recovery code (9 left)") == 1);
    BOOST_TEST(auditCount(server, "login.second_factor", "wrong or used recovery code") == 1);
    // Another code still works.
    auto other = client.send("POST", "/api/v1/sessions/second-factor",
                             secondStep(passwordStep(client, account), enrolled.recoveryCodes.at(4)));
    BOOST_TEST(other.status == 201);
}

BOOST_AUTO_TEST_CASE(failed_codes_lock_the_account_like_failed_passwords) {
    TestServer server;  // lockout after 5 failures within 15 minutes (the defaults)
    auto account = server.login("prosecutor", "oost_brabant");
    auto client = server.client();
    const auto enrolled = enrol(client, account.token);
    const std::string challenge = passwordStep(client, account);
    for (int i = 0; i < 5; ++i) {
        auto r = client.send("POST", "/api/v1/sessions/second-factor",
                             secondStep(challenge, wrongCode(enrolled.secret, currentStep())));
        BOOST_TEST(r.status == 401);
    }
    // Even the right code is refused now, and so is the password step.
    auto locked = client.send("POST", "/api/v1/sessions/second-factor",
                              secondStep(challenge, totp::codeAt(enrolled.secret, currentStep() + 1)));
    BOOST_TEST(locked.status == 429);
    BOOST_TEST(!locked.header("retry-after").empty());
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(account)).status == 429);
    BOOST_TEST(auditCount(server, "login.second_factor", "locked") == 1);
}

BOOST_AUTO_TEST_CASE(a_mandatory_role_that_has_not_enrolled_can_only_enrol) {
    TestServer server(std::map<std::string, std::string>{{"auth.require_2fa_roles", "admin,loef,researcher"}});
    auto admin = server.createUser("admin");
    auto client = server.client();
    auto login = client.send("POST", "/api/v1/sessions", credentials(admin));
    BOOST_TEST_REQUIRE(login.status == 201);
    BOOST_TEST(login.json()->getValue<bool>("second_factor_enrolment_required"));
    const auto token = login.json()->getValue<std::string>("token");

    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/v1/exams"}, {"GET", "/api/v1/users"}, {"GET", "/api/v1/audit"},
             {"GET", "/api/v1/sessions"}, {"GET", "/api/v1/regions"}}) {
        BOOST_TEST_CONTEXT(method << " " << path) {
            auto r = client.send(method, path, "", token);
            BOOST_TEST(r.status == 403);
            BOOST_TEST(r.body.find("second factor") != std::string::npos);
        }
    }
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE outcome = 'denied' AND user_id = '" +
                                  admin.id + "' AND detail = 'second-factor enrolment required'") == 5);

    // Who am I is open to it: that is how the web app, also after a reload, knows to enrol first.
    auto me = client.get("/api/v1/me", token);
    BOOST_TEST_REQUIRE(me.status == 200);
    BOOST_TEST(me.json()->getValue<bool>("second_factor_enrolment_required"));
    BOOST_TEST(me.json()->getValue<std::string>("expires_at") == login.json()->getValue<std::string>("expires_at"));

    // A role outside the setting is not held up.
    auto police = server.login("police", "oost_brabant");
    auto policeMe = client.get("/api/v1/me", police.token);
    BOOST_TEST(policeMe.status == 200);
    BOOST_TEST(!policeMe.json()->getValue<bool>("second_factor_enrolment_required"));

    enrol(client, token);
    BOOST_TEST(client.get("/api/v1/users", token).status == 200);
    me = client.get("/api/v1/me", token);
    BOOST_TEST(me.status == 200);
    BOOST_TEST(!me.json()->getValue<bool>("second_factor_enrolment_required"));
}

BOOST_AUTO_TEST_CASE(an_admin_reset_removes_the_second_factor_and_is_audited) {
    TestServer server;
    auto admin = server.login("admin");
    auto user = server.login("forensic_doctor", "oost_brabant");
    auto client = server.client();
    enrol(client, user.token);
    passwordStep(client, user);

    BOOST_TEST(client.send("DELETE", "/api/v1/users/" + user.id + "/second-factor", "", user.token).status == 403);
    BOOST_TEST(client.send("DELETE", "/api/v1/users/" + user.id + "/second-factor", "", admin.token).status == 204);
    BOOST_TEST(client.send("DELETE", "/api/v1/users/00000000-0000-4000-8000-000000000000/second-factor", "",
                           admin.token).status == 404);
    // Their sessions ended with it, and the password alone signs in again.
    BOOST_TEST(client.get("/api/v1/me", user.token).status == 401);
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(user)).status == 201);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'second_factor.reset' AND object_id = '" +
                                  user.id + "' AND user_id = '" + admin.id + "'") == 1);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM recovery_codes WHERE user_id = '" + user.id + "'") == 0);
}

// The operator's way out when no admin can sign in (the only admin lost their phone).
BOOST_AUTO_TEST_CASE(the_operator_resets_a_second_factor_from_the_command_line) {
    TestServer server;
    auto admin = server.login("admin");
    auto client = server.client();
    enrol(client, admin.token);
    passwordStep(client, admin);
    const auto config = registry::test::writePropertiesFile("db.url = " + server.db().serviceUrl() + "\nlog.level = warning\n");
    auto r = registry::test::runRegistry({"--config", config, "user", "reset-2fa", admin.username});
    BOOST_TEST_REQUIRE(r.exitCode == 0);
    BOOST_TEST(client.get("/api/v1/me", admin.token).status == 401);
    BOOST_TEST(client.send("POST", "/api/v1/sessions", credentials(admin)).status == 201);
    BOOST_TEST(server.db().scalar("SELECT count(*) FROM audit_events WHERE action = 'second_factor.reset' AND "
                                  "username = 'registry-cli' AND object_id = '" + admin.id + "'") == 1);
    auto unknown = registry::test::runRegistry({"--config", config, "user", "reset-2fa", "nobody-here"});
    BOOST_TEST(unknown.exitCode == 65);
}

BOOST_AUTO_TEST_CASE(totp_secrets_are_sealed_at_rest_and_sign_in_still_works) {
    TestServer server;
    auto account = server.login("police", "oost_brabant");
    auto client = server.client();
    const auto enrolled = enrol(client, account.token);

    // What a copy of the database holds: AES-256-GCM under auth.totp_key_file, not the secret.
    const std::string stored = storedSecret(server, account.id);
    BOOST_TEST(stored.rfind("v1:", 0) == 0u);
    BOOST_TEST(stored.find(registry::crypto::toHex(enrolled.secret)) == std::string::npos);
    BOOST_TEST(stored.find(totp::base32Encode(enrolled.secret)) == std::string::npos);
    BOOST_TEST(stored.size() == 3u + 2u * (12u + enrolled.secret.size() + 16u));

    const auto challenge = passwordStep(client, account);
    auto ok = client.send("POST", "/api/v1/sessions/second-factor",
                          secondStep(challenge, totp::codeAt(enrolled.secret, currentStep() + 1)));
    BOOST_TEST(ok.status == 201);
}

BOOST_AUTO_TEST_CASE(a_clear_secret_from_before_is_sealed_at_the_next_start) {
    TestServer server;
    auto account = server.login("police", "oost_brabant");
    const auto enrolled = enrol(server.client(), account.token);
    // As an enrolment made before secrets were sealed left it (schema/020).
    server.db().execute("UPDATE user_totp SET secret = '" + registry::crypto::toHex(enrolled.secret) +
                        "' WHERE user_id = '" + account.id + "'");

    registry::app::RegistryServer restarted(server.config());
    restarted.start();
    const std::string stored = storedSecret(server, account.id);
    BOOST_TEST(stored.rfind("v1:", 0) == 0u);
    BOOST_TEST(stored.find(registry::crypto::toHex(enrolled.secret)) == std::string::npos);
    BOOST_TEST(auditCount(server, "second_factor.seal_secrets", "1 clear TOTP secret(s) sealed") == 1);

    registry::test::HttpClient client(restarted.port());
    auto ok = client.send("POST", "/api/v1/sessions/second-factor",
                          secondStep(passwordStep(client, account), totp::codeAt(enrolled.secret, currentStep() + 1)));
    BOOST_TEST(ok.status == 201);
    restarted.stop();
}

BOOST_AUTO_TEST_CASE(the_server_refuses_to_start_without_a_safe_totp_key_file) {
    TestServer server;
    const std::map<std::string, std::string> base = {
        {"REGISTRY_DB_URL", server.db().serviceUrl()}, {"REGISTRY_DB_MIGRATE_ON_START", "false"},
        {"REGISTRY_HTTP_PORT", "0"}, {"REGISTRY_PSEUDONYM_KEY_FILE", registry::test::writeTestKeyFile()}};
    auto missing = registry::test::runRegistry({"serve"}, base);
    BOOST_TEST(missing.exitCode == 78);
    BOOST_TEST(missing.err.find("auth.totp_key_file") != std::string::npos);

    const auto key = registry::test::writeTestKeyFile();
    auto env = base;
    env["REGISTRY_AUTH_TOTP_KEY_FILE"] = key;
    ::chmod(key.c_str(), 0640);
    auto readable = registry::test::runRegistry({"serve"}, env);
    BOOST_TEST(readable.exitCode == 78);
    BOOST_TEST(readable.err.find("auth.totp_key_file") != std::string::npos);
    BOOST_TEST(readable.err.find("group or others") != std::string::npos);

    std::ofstream(key, std::ios::trunc) << registry::crypto::toHex(registry::crypto::randomBytes(16)) << "\n";
    ::chmod(key.c_str(), 0600);
    auto shortKey = registry::test::runRegistry({"serve"}, env);
    BOOST_TEST(shortKey.exitCode == 78);
    BOOST_TEST(shortKey.err.find("too short") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
