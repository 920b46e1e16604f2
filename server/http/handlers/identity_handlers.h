#pragma once

#include "server/db/pool.h"
#include "server/http/router.h"
#include "server/services/audit_service.h"
#include "server/services/auth_service.h"
#include "server/services/user_service.h"

namespace registry::http {

struct IdentityDeps {
    services::AuthService* auth;
    services::UserService* users;
    services::AuditService* audit;
    db::ConnectionPool* pool;
    std::size_t maxJsonDepth;
    bool secureCookies;  // the server speaks TLS: session cookies get Secure
};

// Sessions, /me, /regions, the users API and the audit log API.
void addIdentityRoutes(Router& router, IdentityDeps deps);

Poco::JSON::Object::Ptr userJson(const db::UserRecord& user);
Poco::JSON::Object::Ptr principalJson(const Principal& principal);
// The 201 body of a completed sign-in (either step): {token, expires_at, user, ...}.
Poco::JSON::Object::Ptr loginJson(const services::LoginResult& result);

// ?cookie=true|false of either sign-in step (400 for anything else): the web app's cookie session.
bool cookieSessionWanted(const Request& req);

// The 201 answer of a completed sign-in: the bearer token in the body, or with `cookie` the token
// only in an HttpOnly cookie and the session's CSRF token in the body.
Response signedInResponse(const services::LoginResult& result, bool cookie, bool secureCookies);

}  // namespace registry::http
