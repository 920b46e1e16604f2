#include "server/http/handlers/report_handlers.h"

#include "reports/renderers.h"
#include "server/core/errors.h"
#include "server/http/handler_support.h"
#include "server/http/json_body.h"

#include <Poco/JSON/Array.h>

namespace registry::http {
namespace {

// Only the parameters of API.md: a misspelt one is refused rather than silently ignored.
void refuseUnknownParameters(const Request& req) {
    static const std::set<std::string> known{"region", "from", "to", "granularity", "format", "delimiter", "suppress"};
    std::vector<FieldError> errors;
    for (const auto& [name, value] : req.query) {
        if (!known.count(name)) errors.push_back({name, "unknown_field", "unknown query parameter"});
    }
    if (!errors.empty()) throw validationFailed(errors);
}

Poco::JSON::Object::Ptr exportJson(const db::ExportRow& row) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", row.id);
    o->set("status", row.status);
    o->set("requested_at", row.requestedAt);
    Poco::JSON::Object::Ptr filters = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    filters->set("region", row.region);
    filters->set("from", row.from);
    filters->set("to", row.to);
    o->set("filters", filters);
    o->set("record_count", row.recordCount);
    o->set("form_versions", row.formVersions);
    Poco::JSON::Object::Ptr links = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const std::string base = "/api/v1/exports/" + row.id + "/data?format=";
    for (const char* f : {"csv", "odm", "codebook", "r", "spss"}) links->set(f, base + f);
    o->set("downloads", links);
    return o;
}

}  // namespace

void addReportRoutes(Router& router, ReportDeps d) {
    router.add(
        "GET", "/api/v1/reports",
        [d](Request& req) {
            Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
            for (const auto& kind : d.reports->kinds(callerOf(req))) {
                Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
                item->set("kind", kind);
                item->set("title", reports::ReportEngine::titleNl(kind));
                item->set("href", "/api/v1/reports/" + kind);
                items->add(item);
            }
            Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            body->set("items", items);
            body->set("formats", Poco::JSON::Array::Ptr([] {
                          auto* a = new Poco::JSON::Array;
                          for (const char* f : {"json", "csv", "xlsx", "html"}) a->add(std::string(f));
                          return a;
                      }()));
            return Response::json(200, body);
        },
        "reports.list");

    router.add(
        "GET", "/api/v1/reports/{kind}",
        [d](Request& req) {
            refuseUnknownParameters(req);
            auto params = reports::ReportEngine::parseParams(
                req.pathParam("kind"), req.queryParam("region").value_or(""), req.queryParam("from").value_or(""),
                req.queryParam("to").value_or(""), req.queryParam("granularity").value_or(""));
            const std::string format = req.queryParam("format").value_or("json");
            const std::string delimiter = req.queryParam("delimiter").value_or(",");
            const std::string suppress = req.queryParam("suppress").value_or("true");
            std::vector<FieldError> errors;
            if (format != "json" && format != "csv" && format != "xlsx" && format != "html") {
                errors.push_back({"format", "code_list", "format must be json, csv, xlsx or html"});
            }
            if (delimiter != "," && delimiter != ";" && delimiter != "comma" && delimiter != "semicolon") {
                errors.push_back({"delimiter", "code_list", "delimiter must be , or ; (comma or semicolon)"});
            }
            if (suppress != "true" && suppress != "false") {
                errors.push_back({"suppress", "type", "suppress must be true or false"});
            }
            if (!errors.empty()) throw validationFailed(errors);
            params.suppress = suppress == "true";
            const auto report = d.reports->run(callerOf(req), params, format);
            const std::string stem = "report-" + params.kind + "-" + report.provenance.parameters.at("from") + "-" +
                                     report.provenance.parameters.at("to");
            Response r;
            if (format == "json") {
                r = Response::text(200, "application/json; charset=utf-8", reports::renderJson(report));
            } else if (format == "csv") {
                const bool semicolon = delimiter == ";" || delimiter == "semicolon";
                r = Response::text(200, "application/zip", reports::renderCsvZip(report, semicolon));
                r.withHeader("Content-Disposition", "attachment; filename=\"" + stem + ".zip\"");
            } else if (format == "xlsx") {
                r = Response::text(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   reports::renderXlsx(report));
                r.withHeader("Content-Disposition", "attachment; filename=\"" + stem + ".xlsx\"");
            } else {
                r = Response::text(200, "text/html; charset=utf-8", reports::renderHtml(report));
            }
            r.withHeader("Cache-Control", "no-store");
            return r;
        },
        "reports.list");

    router.add(
        "POST", "/api/v1/exports/research",
        [d](Request& req) {
            JsonFields in(parseJsonObject(req, d.maxJsonDepth), {"region", "from", "to"});
            reports::ExportFilter filter;
            filter.region = in.string("region", false, 63).value_or("");
            filter.from = in.string("from", false, 10).value_or("");
            filter.to = in.string("to", false, 10).value_or("");
            in.finish();
            const auto row = d.exports->create(callerOf(req), filter);
            return Response::json(202, exportJson(row)).withHeader("Location", "/api/v1/exports/" + row.id);
        },
        "export.research");

    router.add(
        "GET", "/api/v1/exports/{id}",
        [d](Request& req) { return Response::json(200, exportJson(d.exports->status(callerOf(req), req.pathParam("id")))); },
        "export.research");

    router.add(
        "GET", "/api/v1/exports/{id}/data",
        [d](Request& req) {
            const std::string format = req.queryParam("format").value_or("csv");
            const std::string id = req.pathParam("id");
            Response r;
            r.status = 200;
            r.writer = d.exports->data(callerOf(req), id, format);
            static const std::map<std::string, std::pair<std::string, std::string>> types{
                {"csv", {"text/csv; charset=utf-8", ".csv"}},
                {"odm", {"application/xml; charset=utf-8", ".odm.xml"}},
                {"codebook", {"text/csv; charset=utf-8", "-codebook.csv"}},
                {"r", {"text/plain; charset=utf-8", ".r"}},
                {"spss", {"text/plain; charset=utf-8", ".sps"}}};
            const auto& t = types.at(format);
            r.contentType = t.first;
            r.withHeader("Content-Disposition", "attachment; filename=\"research-export-" + id + t.second + "\"");
            r.withHeader("Cache-Control", "no-store");
            return r;
        },
        "export.research");

    router.add(
        "GET", "/api/v1/codebook",
        [d](Request& req) {
            const std::string format = req.queryParam("format").value_or("redcap");
            const std::string body = d.exports->codebook(callerOf(req), format);
            if (format == "json") return Response::text(200, "application/json; charset=utf-8", body);
            return Response::text(200, "text/csv; charset=utf-8", body)
                .withHeader("Content-Disposition", "attachment; filename=\"codebook-redcap.csv\"");
        },
        "codebook.read");
}

}  // namespace registry::http
