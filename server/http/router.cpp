#include "server/http/router.h"

#include "server/core/errors.h"

#include <cctype>

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

std::string decodeSegment(const std::string& segment) {
    std::string decoded;
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] != '%') {
            decoded += segment[i];
            continue;
        }
        if (i + 2 >= segment.size() || !std::isxdigit(static_cast<unsigned char>(segment[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(segment[i + 2]))) {
            throw Error(ErrorKind::BadRequest, "The request path holds a malformed percent-escape.");
        }
        decoded += static_cast<char>(std::stoi(segment.substr(i + 1, 2), nullptr, 16));
        i += 2;
    }
    return decoded;
}

namespace {
bool isParam(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Handler handler, const std::string& action,
                 RouteOptions options) {
    routes_.push_back(Route{method, pattern, splitPath(pattern), std::move(handler), action, options});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    std::vector<std::string> segments;
    for (const auto& raw : splitPath(path)) segments.push_back(decodeSegment(raw));
    std::set<std::string> allowed;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> params;
        bool matches = true;
        for (std::size_t i = 0; i < segments.size() && matches; ++i) {
            if (isParam(route.segments[i])) {
                params[route.segments[i].substr(1, route.segments[i].size() - 2)] = segments[i];
            } else {
                matches = route.segments[i] == segments[i];
            }
        }
        if (!matches) continue;
        for (const auto& [name, value] : params) {
            if (value.find('/') != std::string::npos || value.find('\0') != std::string::npos) {
                throw Error(ErrorKind::BadRequest, "The path parameter " + name + " may not hold an encoded slash or NUL.");
            }
        }
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            return Match{&route.handler, route.pattern, route.action, std::move(params), route.options.maxBodyBytes};
        }
        allowed.insert(route.method);
    }
    if (allowed.empty()) {
        throw Error(ErrorKind::NotFound, "No resource at " + (path.size() > 200 ? path.substr(0, 200) + "..." : path) + ".");
    }
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
