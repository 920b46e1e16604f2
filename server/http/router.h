#pragma once

#include "server/http/request.h"

#include <functional>
#include <string>
#include <vector>

namespace registry::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
    // Largest request body of this route; 0 keeps the server's limit (uploads set their own).
    std::size_t maxBodyBytes = 0;
};

// Method + path-pattern routing. Patterns are literal segments and `{name}` parameters, e.g.
// /api/v1/exams/{id}/submit. A miss throws registry::Error: NotFound, or MethodNotAllowed as a
// 405 problem carrying the Allow header.
class Router {
public:
    struct Match {
        const Handler* handler = nullptr;
        std::string pattern;  // the route's pattern: the label for metrics and logs
        std::string action;   // policy action; empty for public routes (no session needed)
        std::map<std::string, std::string> params;
        std::size_t maxBodyBytes = 0;  // 0: the server's http.max_body_bytes
    };


    // `action` names the policy action the caller needs; empty makes the route public.
    void add(const std::string& method, const std::string& pattern, Handler handler, const std::string& action = "",
             RouteOptions options = {});
    // `path` is still percent-encoded: each segment is decoded exactly once, here. A parameter
    // that decodes to a slash or a NUL is refused (400).
    Match match(const std::string& method, const std::string& path) const;

    struct RouteInfo {
        std::string method;
        std::string pattern;
        std::string action;
    };
    std::vector<RouteInfo> routes() const;

private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
        std::string action;
        RouteOptions options;
    };
    std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);
// One percent-decoding of a path segment; 400 for a malformed escape.
std::string decodeSegment(const std::string& segment);

}  // namespace registry::http
