#include "server/http/router.h"

#include "server/core/errors.h"

#include <Poco/URI.h>

#include <set>

namespace registry::http {

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> segments;
    std::string current;
    for (char c : path) {
        if (c == '/') {
            if (!current.empty()) segments.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) segments.push_back(current);
    return segments;
}

namespace {
bool isParam(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Handler handler, const std::string& action) {
    routes_.push_back(Route{method, pattern, splitPath(pattern), std::move(handler), action});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    const auto segments = splitPath(path);
    std::set<std::string> allowed;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> params;
        bool matches = true;
        for (std::size_t i = 0; i < segments.size() && matches; ++i) {
            if (isParam(route.segments[i])) {
                std::string decoded;
                Poco::URI::decode(segments[i], decoded);
                params[route.segments[i].substr(1, route.segments[i].size() - 2)] = decoded;
            } else {
                matches = route.segments[i] == segments[i];
            }
        }
        if (!matches) continue;
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            return Match{&route.handler, route.pattern, route.action, std::move(params)};
        }
        allowed.insert(route.method);
    }
    if (allowed.empty()) throw Error(ErrorKind::NotFound, "No resource at " + path + ".");
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    throw Error(ErrorKind::MethodNotAllowed, "Method " + method + " is not allowed here; use " + allow + ".")
        .withHeader("Allow", allow);
}

std::vector<Router::RouteInfo> Router::routes() const {
    std::vector<RouteInfo> info;
    for (const auto& route : routes_) info.push_back({route.method, route.pattern, route.action});
    return info;
}

}  // namespace registry::http
