#include "server/http/session_cookie.h"

#include "server/core/crypto.h"
#include "server/core/errors.h"

#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/HTTPRequest.h>

namespace registry::http {

std::optional<std::string> sessionCookieToken(const Request& request) {
    if (!request.raw) return std::nullopt;
    Poco::Net::NameValueCollection cookies;
    request.raw->getCookies(cookies);
    if (!cookies.has(kSessionCookie)) return std::nullopt;
    const std::string& token = cookies.get(kSessionCookie);
    if (token.empty()) return std::nullopt;
    return token;
}

std::string csrfTokenFor(const std::string& sessionToken) {
    return crypto::base64UrlEncode(crypto::hmacSha256(sessionToken, "registry csrf v1"));
}

void requireCsrf(const Request& request, const std::string& sessionToken) {
    const std::string& m = request.method;
    if (m == "GET" || m == "HEAD" || m == "OPTIONS") return;
    const auto given = request.header(kCsrfHeader);
    if (!given || !crypto::constantTimeEqual(*given, csrfTokenFor(sessionToken))) {
        throw Error(ErrorKind::Forbidden,
                    "A request authenticated by the session cookie must carry the session's X-CSRF-Token header.");
    }
}

std::string sessionCookieHeader(const std::string& token, bool secure) {
    return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string clearedSessionCookieHeader(bool secure) {
    return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

}  // namespace registry::http
