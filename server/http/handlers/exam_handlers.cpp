#include "server/http/handlers/exam_handlers.h"

#include "server/core/errors.h"
#include "server/db/reference_repository.h"
#include "server/http/handler_support.h"
#include "server/http/json_body.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

namespace registry::http {
namespace {

Poco::Dynamic::Var orNull(const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); }

Poco::JSON::Object::Ptr examJson(const services::ExamView& v) {
    const auto& r = v.row;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", r.id);
    o->set("form_version", r.formVersion);
    o->set("status", r.status);
    o->set("version", r.version);
    o->set("fields", v.fields);
    Poco::JSON::Object::Ptr refs = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    refs->set("victim_reference", r.victimPseudonym.empty() ? "absent" : "present");
    refs->set("police_reference", r.policePseudonym.empty() ? "absent" : "present");
    o->set("references", refs);
    o->set("derived", v.derived);
    o->set("created_at", r.createdAt);
    o->set("updated_at", r.updatedAt);
    o->set("submitted_at", orNull(r.submittedAt));
    o->set("locked_at", orNull(r.lockedAt));
    Poco::JSON::Object::Ptr author = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    author->set("id", r.authorId);
    author->set("display_name", r.authorName);
    o->set("author", author);
    return o;
}

Response examResponse(int status, const services::ExamView& v) {
    return Response::json(status, examJson(v)).withHeader("ETag", "\"" + std::to_string(v.row.version) + "\"");
}

// If-Match: "3", W/"3" or 3. Anything else is a stale precondition, never a match.
std::optional<int> ifMatch(const Request& req) {
    auto header = req.header("If-Match");
    if (!header) return std::nullopt;
    std::string value = *header;
    if (value.rfind("W/", 0) == 0) value = value.substr(2);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    int version = 0;
    if (!Poco::NumberParser::tryParse(value, version) || version < 1) return -1;
    return version;
}

Poco::JSON::Object::Ptr outcomeJson(const services::OutcomeView& v) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("exam_id", v.examId);
    o->set("version", v.version);
    o->set("part", v.part);
    o->set("fields", v.fields);
    o->set("updated_at", v.updatedAt);
    return o;
}

}  // namespace

void addExamRoutes(Router& router, ExamDeps d) {
    router.add("GET", "/api/v1/forms", [d](Request&) {
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (int version : d.forms->versions()) {
            auto form = d.forms->get(version);
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("form", form->form());
            item->set("version", version);
            item->set("fields", static_cast<int>(form->fields().size()));
            item->set("href", "/api/v1/forms/" + std::to_string(version));
            items->add(item);
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("items", items);
        body->set("current_version", d.forms->latestVersion());
        return Response::json(200, body);
    }, "forms.read");

    router.add("GET", "/api/v1/forms/{version}", [d](Request& req) {
        int version = 0;
        if (!Poco::NumberParser::tryParse(req.pathParam("version"), version) || version < 1) {
            throw Error(ErrorKind::NotFound, "There is no such form version.");
        }
        return Response::text(200, "application/json; charset=utf-8", d.forms->get(version)->json());
    }, "forms.read");

    router.add("GET", "/api/v1/sepot-codes", [d](Request&) {
        auto lease = d.pool->acquire();
        pqxx::read_transaction tx(*lease);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& code : db::ReferenceRepository::dismissalCodes(tx)) {
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("list_version", code.listVersion);
            item->set("code", code.code);
            item->set("label_nl", code.labelNl);
            item->set("label_en", code.labelEn);
            item->set("valid_from", code.validFrom);
            item->set("valid_to", orNull(code.validTo));
            items->add(item);
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("items", items);
        return Response::json(200, body);
    }, "outcome.codes");

    router.add("POST", "/api/v1/exams", [d](Request& req) {
        auto body = parseJsonObject(req, d.maxJsonDepth);
        const auto submitParam = req.queryParam("submit").value_or("false");
        if (submitParam != "true" && submitParam != "false") throw Error(ErrorKind::BadRequest, "submit must be true or false.");
        auto view = d.exams->create(callerOf(req), *body, submitParam == "true");
        return examResponse(201, view).withHeader("Location", "/api/v1/exams/" + view.row.id);
    }, "exam.create");

    router.add("GET", "/api/v1/exams", [d](Request& req) {
        services::ExamListQuery q;
        q.limit = pageLimit(req);
        q.region = req.queryParam("region").value_or("");
        q.status = req.queryParam("status").value_or("");
        q.from = req.queryParam("from").value_or("");
        q.to = req.queryParam("to").value_or("");
        q.cursor = req.queryParam("cursor").value_or("");
        auto page = d.exams->list(callerOf(req), q);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& v : page.items) items->add(examJson(v));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("items", items);
        body->set("next_cursor", orNull(page.nextCursor));
        return Response::json(200, body);
    }, "exam.list");

    router.add("GET", "/api/v1/exams/{id}", [d](Request& req) {
        return examResponse(200, d.exams->get(callerOf(req), req.pathParam("id")));
    }, "exam.read");

    router.add("PATCH", "/api/v1/exams/{id}", [d](Request& req) {
        auto body = parseJsonObject(req, d.maxJsonDepth);
        return examResponse(200, d.exams->patch(callerOf(req), req.pathParam("id"), *body, ifMatch(req)));
    }, "exam.update");

    router.add("DELETE", "/api/v1/exams/{id}", [d](Request& req) {
        d.exams->removeDraft(callerOf(req), req.pathParam("id"));
        return Response::noContent();
    }, "exam.delete");

    router.add("POST", "/api/v1/exams/{id}/submit", [d](Request& req) {
        return examResponse(200, d.exams->submit(callerOf(req), req.pathParam("id"), ifMatch(req)));
    }, "exam.submit");

    router.add("POST", "/api/v1/exams/{id}/amendments", [d](Request& req) {
        auto body = parseJsonObject(req, d.maxJsonDepth);
        return examResponse(201, d.exams->amend(callerOf(req), req.pathParam("id"), *body, ifMatch(req)));
    }, "exam.amend");

    router.add("GET", "/api/v1/exams/{id}/history", [d](Request& req) {
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const auto& entry : d.exams->history(callerOf(req), req.pathParam("id"))) {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            o->set("version", entry.row.version);
            o->set("kind", entry.row.kind);
            o->set("status", entry.row.status);
            o->set("changed_at", entry.row.changedAt);
            Poco::JSON::Object::Ptr by = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            by->set("id", entry.row.changedBy);
            by->set("display_name", entry.row.changedByName);
            o->set("changed_by", by);
            o->set("reason", orNull(entry.row.reason));
            Poco::JSON::Array::Ptr changes = new Poco::JSON::Array;
            for (const auto& c : entry.changes) {
                Poco::JSON::Object::Ptr change = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                change->set("field", c.field);
                change->set("old", c.before);
                change->set("new", c.after);
                changes->add(change);
            }
            o->set("changes", changes);
            items->add(o);
        }
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("items", items);
        return Response::json(200, body);
    }, "exam.history");

    router.add("POST", "/api/v1/exams/{id}/lock", [d](Request& req) {
        return examResponse(200, d.exams->setLocked(callerOf(req), req.pathParam("id"), true));
    }, "exam.lock");

    router.add("POST", "/api/v1/exams/{id}/unlock", [d](Request& req) {
        return examResponse(200, d.exams->setLocked(callerOf(req), req.pathParam("id"), false));
    }, "exam.unlock");

    router.add("PUT", "/api/v1/exams/{id}/outcome", [d](Request& req) {
        auto body = parseJsonObject(req, d.maxJsonDepth);
        return Response::json(200, outcomeJson(d.outcomes->record(callerOf(req), req.pathParam("id"), *body)));
    }, "outcome.record");

    router.add("PUT", "/api/v1/outcomes/by-police-reference", [d](Request& req) {
        auto body = parseJsonObject(req, d.maxJsonDepth);
        return Response::json(200, outcomeJson(d.outcomes->recordByPoliceReference(callerOf(req), *body)));
    }, "outcome.record");
}

}  // namespace registry::http
