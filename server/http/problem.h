#pragma once

#include "server/core/errors.h"
#include "server/http/request.h"

#include <exception>
#include <string>

namespace registry::http {

// The one place where failures become HTTP answers (RFC 7807 application/problem+json).
int statusOf(ErrorKind kind);
Response problem(const Error& error);
// Any exception, typed or not. Unknown failures become a 500 whose body carries only the request
// id; `logMessage` receives what the operator should see in the log (never sent to the client).
Response problemFromException(std::exception_ptr failure, const std::string& requestId, std::string& logMessage);

}  // namespace registry::http
