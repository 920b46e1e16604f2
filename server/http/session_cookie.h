#pragma once

#include "server/http/request.h"

#include <optional>
#include <string>

namespace registry::http {

// The web app keeps its session in an HttpOnly, SameSite=Strict cookie instead of a bearer
// header, so that script on the page (or anything injected into it) never sees the token.
// A cookie is sent by the browser on its own, so every state-changing request authenticated by
// it must also carry X-CSRF-Token: a value derived from the session token that only a page of
// this origin can have read (from the login response or GET /api/v1/me).
inline constexpr const char* kSessionCookie = "registry_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The session token in the request's Cookie header, if any.
std::optional<std::string> sessionCookieToken(const Request& request);

// base64url(HMAC-SHA256(token, purpose)): tied to one session, nothing stored.
std::string csrfTokenFor(const std::string& sessionToken);

// Throws registry::Error(Forbidden) when an unsafe method lacks the session's CSRF token.
void requireCsrf(const Request& request, const std::string& sessionToken);

// Set-Cookie values: the session (a browser-session cookie; the server decides expiry), and
// the one that removes it at sign-out. `secure` adds Secure (the server speaks TLS).
std::string sessionCookieHeader(const std::string& token, bool secure);
std::string clearedSessionCookieHeader(bool secure);

}  // namespace registry::http
