#include "server/http/handlers/import_handlers.h"

#include "server/core/errors.h"
#include "server/http/handler_support.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace registry::http {
namespace {

Poco::Dynamic::Var orNull(const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); }

Poco::JSON::Object::Ptr ordered() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr jobJson(const services::ImportJobView& v) {
    auto o = ordered();
    o->set("id", v.id);
    o->set("status", v.status);
    o->set("mapping", v.mapping);
    o->set("file_name", v.sourceName);
    o->set("dry_run", v.dryRun);
    o->set("on_error", v.onError);
    auto progress = ordered();
    progress->set("phase", v.progress.phase);
    progress->set("total", static_cast<Poco::Int64>(v.progress.total));
    progress->set("done", static_cast<Poco::Int64>(v.progress.done));
    progress->set("imported", static_cast<Poco::Int64>(v.progress.imported));
    progress->set("already_present", static_cast<Poco::Int64>(v.progress.alreadyPresent));
    progress->set("rejected", static_cast<Poco::Int64>(v.progress.rejected));
    o->set("progress", progress);
    if (v.summary) {
        const auto& s = *v.summary;
        auto summary = ordered();
        summary->set("sha256", s.sha256);
        summary->set("encoding", s.encoding);
        summary->set("delimiter", std::string(1, s.delimiter));
        summary->set("read", static_cast<Poco::Int64>(s.read));
        summary->set("imported", static_cast<Poco::Int64>(s.imported));
        summary->set("already_present", static_cast<Poco::Int64>(s.alreadyPresent));
        summary->set("rejected", static_cast<Poco::Int64>(s.rejected));
        summary->set("aborted", s.aborted);
        o->set("summary", summary);
        Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
        for (const auto& e : s.errors) {
            auto row = ordered();
            row->set("record", static_cast<Poco::Int64>(e.record));
            row->set("dossier", e.dossier);
            row->set("column", e.column);
            row->set("value", e.valueShown ? Poco::Dynamic::Var(e.value) : Poco::Dynamic::Var());
            row->set("code", e.code);
            row->set("message_nl", e.messageNl);
            row->set("message_en", e.messageEn);
            errors->add(row);
        }
        o->set("errors", errors);
    } else {
        o->set("summary", Poco::Dynamic::Var());
        o->set("errors", Poco::Dynamic::Var());
    }
    if (v.failureCode.empty()) {
        o->set("failure", Poco::Dynamic::Var());
    } else {
        auto failure = ordered();
        failure->set("code", v.failureCode);
        failure->set("message", v.failureMessage);
        o->set("failure", failure);
    }
    o->set("created_at", v.createdAt);
    o->set("finished_at", orNull(v.finishedAt));
    return o;
}

bool flagParam(const Request& req, const std::string& name) {
    const auto value = req.queryParam(name).value_or("false");
    if (value != "true" && value != "false") throw Error(ErrorKind::BadRequest, name + " must be true or false.");
    return value == "true";
}

}  // namespace

void addImportRoutes(Router& router, ImportDeps d) {
    router.add("POST", "/api/v1/imports", [d](Request& req) {
        const std::string type = Poco::toLower(Poco::trim(req.contentType.substr(0, req.contentType.find(';'))));
        if (type != "text/csv") {
            throw Error(ErrorKind::UnsupportedMediaType, "Send the spreadsheet export as text/csv.");
        }
        const auto mapping = req.queryParam("mapping");
        if (!mapping || mapping->empty()) {
            throw validationFailed({{"mapping", "required", "mapping names the source layout, e.g. legacy-interim-2025"}});
        }
        const bool dryRun = flagParam(req, "dry_run");
        const auto onError = req.queryParam("on_error").value_or("skip");
        if (onError != "skip" && onError != "abort") throw Error(ErrorKind::BadRequest, "on_error must be skip or abort.");
        std::string fileName = req.queryParam("file_name").value_or("upload.csv");
        const bool plain = !fileName.empty() && fileName.size() <= 200 &&
                           std::none_of(fileName.begin(), fileName.end(), [](char c) {
                               return static_cast<unsigned char>(c) < 0x20 || c == '/' || c == '\\' || c == 0x7F;
                           });
        if (!plain) throw validationFailed({{"file_name", "type", "file_name must be a plain name of at most 200 characters"}});
        auto job = d.jobs->submit(callerOf(req), std::move(req.body), *mapping, fileName, dryRun,
                                  onError == "abort" ? import::OnError::Abort : import::OnError::Skip);
        auto body = ordered();
        body->set("id", job.id);
        body->set("status", job.status);
        body->set("href", "/api/v1/imports/" + job.id);
        return Response::json(202, body).withHeader("Location", "/api/v1/imports/" + job.id);
    }, "import.run", RouteOptions{d.maxUploadBytes});

    router.add("GET", "/api/v1/imports/{id}", [d](Request& req) {
        return Response::json(200, jobJson(d.jobs->get(callerOf(req), req.pathParam("id"))));
    }, "import.run");
}

}  // namespace registry::http
