#include "server/http/handlers/session_handlers.h"

#include "server/http/handler_support.h"
#include "server/http/handlers/identity_handlers.h"
#include "server/http/json_body.h"

#include <Poco/JSON/Array.h>

namespace registry::http {

void addSessionRoutes(Router& router, SessionDeps deps) {
    router.add("POST", "/api/v1/sessions/second-factor", [deps](Request& req) {
        const char* const failed =
            "The sign-in code is incorrect, expired or already used, or the sign-in step has expired.";
        // ?cookie=true: the web app's second step; its session goes into the HttpOnly cookie.
        const bool cookie = cookieSessionWanted(req);
        std::optional<std::string> challenge, code;
        // A malformed second step is the same 401 as a wrong code: nothing to learn from it.
        try {
            JsonFields in(parseJsonObject(req, deps.maxJsonDepth), {"challenge_token", "code"});
            challenge = in.string("challenge_token", true, 128);
            code = in.string("code", true, 64);
            in.finish();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::ValidationFailed) throw;
            throw Error(ErrorKind::Unauthorized, failed);
        }
        return signedInResponse(deps.auth->completeSecondFactor(*challenge, *code, callerOf(req)), cookie,
                                deps.secureCookies);
    });

    router.add("GET", "/api/v1/sessions", [deps](Request& req) {
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& info : deps.auth->listSessions(callerOf(req))) {
            const auto& s = info.session;
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            o->set("id", s.id);
            o->set("created_at", s.createdAt);
            o->set("last_seen_at", s.lastSeenAt);
            o->set("expires_at", s.expiresAt);
            o->set("client_address", s.clientAddress.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.clientAddress));
            o->set("enrolment_only", s.enrolmentOnly);
            o->set("current", info.current);
            items->add(o);
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("items", items);
        return Response::json(200, body);
    }, "session.list");

    router.add("DELETE", "/api/v1/sessions/{id}", [deps](Request& req) {
        deps.auth->endSession(req.pathParam("id"), callerOf(req));
        return Response::noContent();
    }, "session.end");

    router.add("POST", "/api/v1/me/second-factor", [deps](Request& req) {
        auto offer = deps.twoFactor->begin(callerOf(req));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("secret", offer.secret);
        body->set("otpauth_uri", offer.otpauthUri);
        body->set("qr_svg", offer.qrSvg);
        return Response::json(201, body);
    }, "second_factor.enrol");

    router.add("POST", "/api/v1/me/second-factor/confirm", [deps](Request& req) {
        JsonFields in(parseJsonObject(req, deps.maxJsonDepth), {"code"});
        auto code = in.string("code", true, 16);
        in.finish();
        Poco::JSON::Array::Ptr codes = new Poco::JSON::Array;
        for (const auto& c : deps.twoFactor->confirm(*code, callerOf(req))) codes->add(c);
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("enrolled", true);
        body->set("recovery_codes", codes);
        return Response::json(200, body);
    }, "second_factor.enrol");

    router.add("DELETE", "/api/v1/users/{id}/second-factor", [deps](Request& req) {
        deps.twoFactor->reset(req.pathParam("id"), callerOf(req));
        return Response::noContent();
    }, "user.manage");

    router.add("DELETE", "/api/v1/users/{id}/sessions", [deps](Request& req) {
        const int ended = deps.auth->endAllSessions(req.pathParam("id"), callerOf(req));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("ended", ended);
        return Response::json(200, body);
    }, "user.manage");
}

}  // namespace registry::http
