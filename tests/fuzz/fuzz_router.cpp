// The router's path matching and percent-decoding, over the registry's real route table (every
// path and method of server/web/openapi.json, which tests/integration/test_openapi.cpp keeps in
// step with the server). Input: one byte choosing the method, then the raw request path.
//
// Properties beyond "no crash, no sanitizer report":
//  - a miss or a bad path is one of the documented refusals (404, 405 with Allow, 400), never
//    another exception, which the server would answer with a 500;
//  - a match is a registered route of that method (or GET for HEAD) whose literal segments
//    equal the decoded path segments, and whose parameters hold no slash and no NUL;
//  - decoding is exact: percent-encoding a decoded segment again decodes to the same bytes.

#include "fuzz_support.h"

#include "server/http/router.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cctype>

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

using namespace registry;

namespace {

const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"};

struct Table {
    http::Router router;
    std::set<std::pair<std::string, std::string>> routes;  // method, pattern
    http::Handler handler = [](http::Request&) { return http::Response{}; };  // never called
};

const Table& table() {
    static const Table* built = [] {
        auto* t = new Table;
        std::ifstream in(std::string(REGISTRY_SOURCE_DIR) + "/server/web/openapi.json");
        std::stringstream text;
        text << in.rdbuf();
        const auto doc = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        const auto paths = doc->getObject("paths");
        for (const auto& path : paths->getNames()) {
            for (const auto& method : paths->getObject(path)->getNames()) {
                std::string upper = Poco::toUpper(method);
                if (upper == "PARAMETERS") continue;
                t->router.add(upper, path, t->handler, "action");
                t->routes.insert({upper, path});
            }
        }
        FUZZ_REQUIRE(t->routes.size() > 20);
        return t;
    }();
    return *built;
}

std::string percentEncode(const std::string& raw) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : raw) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto& t = table();
    const std::string method = kMethods[data[0] % (sizeof kMethods / sizeof kMethods[0])];
    const std::string path(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::vector<std::string> decoded;
    bool decodable = true;
    for (const auto& raw : http::splitPath(path)) {
        FUZZ_REQUIRE(!raw.empty() && raw.find('/') == std::string::npos);
        try {
            decoded.push_back(http::decodeSegment(raw));
        } catch (const Error& e) {
            FUZZ_REQUIRE(e.kind() == ErrorKind::BadRequest);
            decodable = false;
            break;
        }
        FUZZ_REQUIRE(http::decodeSegment(percentEncode(decoded.back())) == decoded.back());
    }

    try {
        const auto match = t.router.match(method, path);
        FUZZ_REQUIRE(decodable);
        FUZZ_REQUIRE(match.handler != nullptr);
        const std::string routeMethod = method == "HEAD" && !t.routes.count({"HEAD", match.pattern}) ? "GET" : method;
        FUZZ_REQUIRE(t.routes.count({routeMethod, match.pattern}) == 1);
        const auto pattern = http::splitPath(match.pattern);
        FUZZ_REQUIRE(pattern.size() == decoded.size());
        std::size_t params = 0;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i].front() == '{') {
                const auto& value = match.params.at(pattern[i].substr(1, pattern[i].size() - 2));
                FUZZ_REQUIRE(value == decoded[i]);
                FUZZ_REQUIRE(value.find('/') == std::string::npos && value.find('\0') == std::string::npos);
                ++params;
            } else {
                FUZZ_REQUIRE(pattern[i] == decoded[i]);
            }
        }
        FUZZ_REQUIRE(match.params.size() == params);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::MethodNotAllowed) {
            FUZZ_REQUIRE(decodable);
            FUZZ_REQUIRE(e.headers().count("Allow") == 1 && !e.headers().at("Allow").empty());
        } else if (e.kind() == ErrorKind::NotFound) {
            FUZZ_REQUIRE(decodable);
        } else {
            FUZZ_REQUIRE(e.kind() == ErrorKind::BadRequest);
        }
    }
    return 0;
}
