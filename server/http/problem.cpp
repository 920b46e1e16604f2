#include "server/http/problem.h"

#include <Poco/JSON/Array.h>
#include <pqxx/pqxx>

namespace registry::http {
namespace {

struct KindInfo {
    int status;
    const char* slug;
    const char* title;
};

KindInfo info(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadRequest: return {400, "bad-request", "Bad request"};
        case ErrorKind::Unauthorized: return {401, "unauthorized", "Authentication required"};
        case ErrorKind::Forbidden: return {403, "forbidden", "Forbidden"};
        case ErrorKind::NotFound: return {404, "not-found", "Not found"};
        case ErrorKind::MethodNotAllowed: return {405, "method-not-allowed", "Method not allowed"};
        case ErrorKind::RequestTimeout: return {408, "request-timeout", "Request timeout"};
        case ErrorKind::LengthRequired: return {411, "length-required", "Length required"};
        case ErrorKind::Conflict: return {409, "conflict", "Conflict"};
        case ErrorKind::PreconditionFailed: return {412, "precondition-failed", "Precondition failed"};
        case ErrorKind::PayloadTooLarge: return {413, "payload-too-large", "Payload too large"};
        case ErrorKind::UriTooLong: return {414, "uri-too-long", "URI too long"};
        case ErrorKind::UnsupportedMediaType: return {415, "unsupported-media-type", "Unsupported media type"};
        case ErrorKind::ValidationFailed: return {422, "validation-failed", "Validation failed"};
        case ErrorKind::PreconditionRequired: return {428, "precondition-required", "Precondition required"};
        case ErrorKind::TooManyRequests: return {429, "too-many-requests", "Too many requests"};
        case ErrorKind::HeaderFieldsTooLarge: return {431, "header-fields-too-large", "Request header fields too large"};
        case ErrorKind::ServiceUnavailable: return {503, "service-unavailable", "Service unavailable"};
    }
    return {500, "internal-error", "Internal server error"};
}

Response problemBody(int status, const std::string& slug, const std::string& title, const std::string& detail,
                     const std::vector<FieldError>& errors) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("type", "https://registry.strangulation-pilot.nl/problems/" + slug);
    body->set("title", title);
    body->set("status", status);
    body->set("detail", detail);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& e : errors) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("field", e.field);
        item->set("code", e.code);
        item->set("message", e.message);
        list->add(item);
    }
    body->set("errors", list);
    Response response = Response::json(status, body);
    response.contentType = "application/problem+json; charset=utf-8";
    return response;
}

}  // namespace

int statusOf(ErrorKind kind) { return info(kind).status; }

Response problem(const Error& error) {
    const auto i = info(error.kind());
    Response response = problemBody(i.status, i.slug, i.title, error.detail(), error.errors());
    for (const auto& [name, value] : error.headers()) response.withHeader(name, value);
    return response;
}

Response problemFromException(std::exception_ptr failure, const std::string& requestId, std::string& logMessage) {
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        return problem(e);
    } catch (const pqxx::too_many_connections& e) {
        // Before broken_connection, its base: PostgreSQL refused a new connection (53300).
        logMessage = std::string("database refused a connection: ") + e.what();
        return problem(Error(ErrorKind::ServiceUnavailable, "The database is at its connection limit; try again shortly.")
                           .withHeader("Retry-After", "2"));
    } catch (const pqxx::broken_connection& e) {
        logMessage = std::string("database connection lost: ") + e.what();
        return problem(Error(ErrorKind::ServiceUnavailable, "The database is not available; try again shortly.")
                           .withHeader("Retry-After", "2"));
    } catch (const pqxx::unique_violation& e) {
        logMessage = std::string("unique violation: ") + e.what();
        return problem(Error(ErrorKind::Conflict, "The request conflicts with an existing record."));
    } catch (const pqxx::transaction_rollback& e) {
        // 40001 serialization failure, 40P01 deadlock and the rest of class 40: nothing was
        // written and the same request may well succeed a moment later.
        logMessage = std::string("transaction rolled back by the database: ") + e.what();
        return problem(Error(ErrorKind::ServiceUnavailable, "The request collided with a concurrent change; retry it.")
                           .withHeader("Retry-After", "1"));
    } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() == "57014" || e.sqlstate() == "57P01" || e.sqlstate() == "57P03") {
            logMessage = std::string("database unavailable (") + e.sqlstate() + "): " + e.what();
            return problem(Error(ErrorKind::ServiceUnavailable, "The database is busy or unavailable; try again shortly.")
                               .withHeader("Retry-After", "2"));
        }
        logMessage = std::string("SQL error ") + e.sqlstate() + ": " + e.what();
    } catch (const std::exception& e) {
        logMessage = std::string("unhandled exception: ") + e.what();
    } catch (...) {
        logMessage = "unhandled non-standard exception";
    }
    return problemBody(500, "internal-error", "Internal server error",
                       "An internal error occurred; quote request id " + requestId + " when reporting it.", {});
}

}  // namespace registry::http
