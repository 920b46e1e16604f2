#include "server/http/handlers/identity_handlers.h"

#include "server/core/ids.h"
#include "server/core/policy.h"
#include "server/db/reference_repository.h"
#include "server/http/handler_support.h"
#include "server/http/json_body.h"
#include "server/http/session_cookie.h"

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>


namespace registry::http {

Poco::JSON::Object::Ptr principalJson(const Principal& p) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", p.userId);
    o->set("username", p.username);
    o->set("display_name", p.displayName);
    o->set("role", p.role);
    o->set("region", p.region.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(p.region));
    o->set("organisation", p.organisation.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(p.organisation));
    return o;
}

Poco::JSON::Object::Ptr loginJson(const services::LoginResult& result) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("token", result.token);
    body->set("expires_at", result.expiresAt);
    body->set("user", principalJson(result.user));
    // true: this session may only enrol a second factor (POST /api/v1/me/second-factor).
    body->set("second_factor_enrolment_required", result.enrolmentRequired);
    return body;
}

bool cookieSessionWanted(const Request& req) {
    const auto cookieMode = req.queryParam("cookie");
    if (cookieMode && *cookieMode != "true" && *cookieMode != "false") {
        throw Error(ErrorKind::BadRequest, "cookie must be true or false.");
    }
    return cookieMode && *cookieMode == "true";
}

Response signedInResponse(const services::LoginResult& result, bool cookie, bool secureCookies) {
    Poco::JSON::Object::Ptr body = loginJson(result);
    if (!cookie) return Response::json(201, body);
    // The web app's session: the token goes only into the HttpOnly cookie, never into the body
    // where script could read it; the body carries the CSRF token instead.
    body->remove("token");
    body->set("csrf_token", csrfTokenFor(result.token));
    return Response::json(201, body).withHeader("Set-Cookie", sessionCookieHeader(result.token, secureCookies));
}

namespace {

Poco::JSON::Object::Ptr auditJson(const db::StoredAuditEvent& s) {
    const auto& e = s.event;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    auto opt = [](const std::string& v) { return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v); };
    o->set("seq", s.seq);
    o->set("id", e.id);
    o->set("action", e.action);
    o->set("occurred_at", e.occurredAt);
    o->set("outcome", e.outcome);
    o->set("user_id", opt(e.userId));
    o->set("username", opt(e.username));
    o->set("role", opt(e.role));
    o->set("region", opt(e.region));
    o->set("on_behalf_of", opt(e.onBehalfOf));
    o->set("client_address", opt(e.clientAddress));
    o->set("request_id", opt(e.requestId));
    o->set("object_type", opt(e.objectType));
    o->set("object_id", opt(e.objectId));
    o->set("subject_pseudonym", opt(e.subjectPseudonym));
    o->set("purpose", e.purpose);
    o->set("detail", opt(e.detail));
    o->set("prev_hash", s.prevHash);
    o->set("hash", s.hash);
    return o;
}

}  // namespace

Poco::JSON::Object::Ptr userJson(const db::UserRecord& u) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", u.id);
    o->set("username", u.username);
    o->set("display_name", u.displayName);
    o->set("role", u.role);
    o->set("region", u.region.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(u.region));
    o->set("organisation", u.organisation.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(u.organisation));
    o->set("disabled", u.disabled);
    o->set("created_at", u.createdAt);
    o->set("updated_at", u.updatedAt);
    return o;
}

void addIdentityRoutes(Router& router, IdentityDeps deps) {
    router.add("POST", "/api/v1/sessions", [deps](Request& req) {
        JsonFields in(parseJsonObject(req, deps.maxJsonDepth), {"username", "password"});
        auto username = in.string("username", true, 256);
        auto password = in.string("password", true, 1024);
        // Every malformed login is the same 401 as a wrong password: nothing to learn from it.
        try {
            in.finish();
        } catch (const Error&) {
            throw Error(ErrorKind::Unauthorized, "The username or password is incorrect.");
        }
        // ?cookie=true: the web app's sign-in, with the session in an HttpOnly cookie.
        const bool cookie = cookieSessionWanted(req);
        auto result = deps.auth->login(*username, *password, callerOf(req));
        if (!result.challengeToken.empty()) {
            // Password right, second factor still to come: no session yet, only a token that
            // POST /api/v1/sessions/second-factor accepts, for a few minutes.
            Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            body->set("second_factor_required", true);
            body->set("challenge_token", result.challengeToken);
            body->set("expires_at", result.expiresAt);
            Poco::JSON::Array::Ptr methods = new Poco::JSON::Array;
            methods->add("totp");
            methods->add("recovery_code");
            body->set("methods", methods);
            return Response::json(200, body);
        }
        return signedInResponse(result, cookie, deps.secureCookies);
    });

    router.add("DELETE", "/api/v1/sessions/current", [deps](Request& req) {
        deps.auth->logout(callerOf(req));
        auto response = Response::noContent();
        if (!req.header("Authorization")) response.withHeader("Set-Cookie", clearedSessionCookieHeader(deps.secureCookies));
        return response;
    }, "session.delete");

    router.add("GET", "/api/v1/me", [deps](Request& req) {
        auto body = principalJson(*req.user);
        body->set("permissions", [&] {
            Poco::JSON::Array::Ptr actions = new Poco::JSON::Array;
            for (const auto& action : core::Policy::actions()) {
                if (core::Policy::allows(req.user->role, action)) actions->add(action);
            }
            return actions;
        }());
        // The web app shows when the session ends, and sends a session that may only enrol
        // straight to enrolment (also after a reload, when the login answer is gone).
        if (!req.user->sessionExpiresAt.empty()) body->set("expires_at", req.user->sessionExpiresAt);
        body->set("second_factor_enrolment_required", req.user->enrolmentOnly);
        // A reloaded web page has lost its CSRF token; its cookie session can ask for it again
        // here (a GET another origin cannot read).
        if (!req.header("Authorization")) {
            if (auto token = sessionCookieToken(req)) body->set("csrf_token", csrfTokenFor(*token));
        }
        return Response::json(200, body);
    }, "me.read");

    router.add("GET", "/api/v1/regions", [deps](Request&) {
        auto lease = deps.pool->acquire();
        pqxx::read_transaction tx(*lease);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& region : db::ReferenceRepository::regions(tx)) {
            Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            r->set("code", region.code);
            r->set("name_nl", region.nameNl);
            r->set("name_en", region.nameEn);
            r->set("pilot_start", region.pilotStart);
            items->add(r);
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("items", items);
        return Response::json(200, body);
    }, "regions.read");

    router.add("POST", "/api/v1/users", [deps](Request& req) {
        JsonFields in(parseJsonObject(req, deps.maxJsonDepth),
                      {"username", "display_name", "role", "region", "organisation", "password"});
        services::NewUser user;
        user.username = in.string("username", true, 64).value_or("");
        user.displayName = in.string("display_name", true, 200).value_or("");
        user.role = in.string("role", true, 32).value_or("");
        user.region = in.string("region", false, 64).value_or("");
        user.organisation = in.string("organisation", false, 64).value_or("");
        user.password = in.string("password", true, 1024).value_or("");
        in.add(services::UserService::check(user));
        in.finish();
        auto created = deps.users->create(user, callerOf(req));
        return Response::json(201, userJson(created)).withHeader("Location", "/api/v1/users/" + created.id);
    }, "user.manage");

    router.add("GET", "/api/v1/users", [deps](Request& req) {
        const int limit = pageLimit(req);
        const std::string after = req.queryParam("cursor").value_or("");
        auto users = deps.users->list(after, limit, callerOf(req));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& u : users) items->add(userJson(u));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("items", items);
        body->set("next_cursor", static_cast<int>(users.size()) == limit ? Poco::Dynamic::Var(users.back().username)
                                                                          : Poco::Dynamic::Var());
        return Response::json(200, body);
    }, "user.manage");

    router.add("GET", "/api/v1/users/{id}", [deps](Request& req) {
        return Response::json(200, userJson(deps.users->get(req.pathParam("id"), callerOf(req))));
    }, "user.manage");

    router.add("PATCH", "/api/v1/users/{id}", [deps](Request& req) {
        JsonFields in(parseJsonObject(req, deps.maxJsonDepth),
                      {"display_name", "role", "region", "organisation", "password", "disabled"});
        services::UserUpdate update;
        update.displayName = in.string("display_name", false, 200);
        update.role = in.string("role", false, 32);
        update.region = in.nullableString("region", 64);
        update.organisation = in.nullableString("organisation", 64);
        update.password = in.string("password", false, 1024);
        update.disabled = in.boolean("disabled", false);
        in.add(services::UserService::check(update));
        in.finish();
        const std::string& id = req.pathParam("id");
        if (!core::isUuid(id)) throw Error(ErrorKind::NotFound, "No such user.");
        return Response::json(200, userJson(deps.users->update(id, update, callerOf(req))));
    }, "user.manage");

    router.add("GET", "/api/v1/audit", [deps](Request& req) {
        db::AuditFilter filter;
        filter.limit = pageLimit(req);
        filter.userId = req.queryParam("user").value_or("");
        filter.objectId = req.queryParam("object").value_or("");
        filter.action = req.queryParam("action").value_or("");
        filter.from = req.queryParam("from").value_or("");
        filter.to = req.queryParam("to").value_or("");
        if (auto cursor = req.queryParam("cursor")) {
            Poco::Int64 seq = 0;
            if (!Poco::NumberParser::tryParse64(*cursor, seq) || seq < 1) throw Error(ErrorKind::BadRequest, "cursor is invalid.");
            filter.beforeSeq = seq;
        }
        auto events = deps.audit->list(filter, callerOf(req));
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& e : events) items->add(auditJson(e));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("items", items);
        body->set("next_cursor", static_cast<int>(events.size()) == filter.limit
                                     ? Poco::Dynamic::Var(std::to_string(events.back().seq))
                                     : Poco::Dynamic::Var());
        return Response::json(200, body);
    }, "audit.read");
}

}  // namespace registry::http
