#include <boost/test/unit_test.hpp>

#include "server/core/errors.h"
#include "server/http/session_cookie.h"
#include "server/http/static_site.h"

using namespace registry::http;

BOOST_AUTO_TEST_SUITE(session_cookie)

BOOST_AUTO_TEST_CASE(the_csrf_token_is_tied_to_one_session) {
    const std::string a = csrfTokenFor("token-a"), b = csrfTokenFor("token-b");
    BOOST_TEST(a == csrfTokenFor("token-a"));
    BOOST_TEST(a != b);
    BOOST_TEST(a.size() == 43u);  // 32 bytes, base64url without padding
    BOOST_TEST(a.find("token") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_unsafe_methods_need_the_csrf_token) {
    Request request;  // no headers at all
    for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
        request.method = method;
        BOOST_CHECK_NO_THROW(requireCsrf(request, "token"));
    }
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
        request.method = method;
        BOOST_CHECK_THROW(requireCsrf(request, "token"), registry::Error);
    }
}

BOOST_AUTO_TEST_CASE(cookies_are_httponly_strict_and_secure_under_tls) {
    BOOST_TEST(sessionCookieHeader("abc", false) == "registry_session=abc; Path=/; HttpOnly; SameSite=Strict");
    BOOST_TEST(sessionCookieHeader("abc", true) == "registry_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
    BOOST_TEST(clearedSessionCookieHeader(true) == "registry_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

BOOST_AUTO_TEST_CASE(static_files_have_a_type_or_are_not_served) {
    BOOST_TEST(StaticSite::contentTypeFor("/js/app.js") == "text/javascript; charset=utf-8");
    BOOST_TEST(StaticSite::contentTypeFor("index.html") == "text/html; charset=utf-8");
    BOOST_TEST(StaticSite::contentTypeFor("/vendor/chart.umd.min.js") == "text/javascript; charset=utf-8");
    BOOST_TEST(StaticSite::contentTypeFor("notes.txt") == "");
    BOOST_TEST(StaticSite::contentTypeFor("/dir.js/README") == "");
    BOOST_TEST(StaticSite::contentTypeFor("Makefile") == "");
}

BOOST_AUTO_TEST_SUITE_END()
