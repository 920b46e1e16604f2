#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace registry {

// One failing field of a request: `code` is one of the stable codes of API.md
// (required, type, code_list, range, length, rule, unknown_field, ...).
struct FieldError {
    std::string field;
    std::string code;
    std::string message;
};

// The kinds of failure a caller can be told about. Mapped to HTTP status and problem+json in
// exactly one place (server/http/problem.cpp) and to CLI exit codes in server/app.
enum class ErrorKind {
    BadRequest,            // 400 malformed request (JSON, UTF-8, parameters)
    Unauthorized,          // 401
    Forbidden,             // 403
    NotFound,              // 404 (also: outside the caller's scope)
    MethodNotAllowed,      // 405 with Allow
    RequestTimeout,        // 408 headers or body not received in time
    Conflict,              // 409
    LengthRequired,        // 411 a body sent without Content-Length (chunked)
    PreconditionFailed,    // 412 stale If-Match
    PayloadTooLarge,       // 413
    UriTooLong,            // 414
    UnsupportedMediaType,  // 415
    ValidationFailed,      // 422 with field errors
    PreconditionRequired,  // 428 missing If-Match
    TooManyRequests,       // 429
    HeaderFieldsTooLarge,  // 431
    ServiceUnavailable,    // 503 (database down, pool exhausted)
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string detail, std::vector<FieldError> errors = {})
        : std::runtime_error(detail), kind_(kind), detail_(std::move(detail)), errors_(std::move(errors)) {}

    ErrorKind kind() const { return kind_; }
    const std::string& detail() const { return detail_; }
    const std::vector<FieldError>& errors() const { return errors_; }
    // Extra response headers (Retry-After, Allow).
    const std::map<std::string, std::string>& headers() const { return headers_; }
    Error& withHeader(const std::string& name, const std::string& value) {
        headers_[name] = value;
        return *this;
    }

private:
    ErrorKind kind_;
    std::string detail_;
    std::vector<FieldError> errors_;
    std::map<std::string, std::string> headers_;
};

// A 422 listing every failing field.
inline Error validationFailed(std::vector<FieldError> errors) {
    const auto count = errors.size();
    return Error(ErrorKind::ValidationFailed, std::to_string(count) + " field(s) are invalid.", std::move(errors));
}

}  // namespace registry
