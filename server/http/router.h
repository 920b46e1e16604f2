#pragma once

#include "server/http/request.h"

#include <functional>
#include <string>
#include <vector>

namespace registry::http {

using Handler = std::function<Response(Request&)>;

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
    };

    // `action` names the policy action the caller needs; empty makes the route public.
    void add(const std::string& method, const std::string& pattern, Handler handler, const std::string& action = "");
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
    };
    std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);

}  // namespace registry::http
