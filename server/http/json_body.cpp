#include "server/http/json_body.h"

#include "server/core/errors.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <vector>

namespace registry::http {

bool isValidUtf8(const std::string& text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        std::size_t len;
        unsigned int cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += len;
    }
    return true;
}

namespace {
// Measured before parsing so that a hostile body cannot make the parser recurse deeply.
std::size_t nestingDepth(const std::string& text) {
    std::size_t depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
        else if ((c == '}' || c == ']') && depth > 0) --depth;
    }
    return deepest;
}
// Numbers JSON allows but no field can hold (beyond 64-bit integers or doubles) make Poco's
// parser fail as if the text were malformed; find them first and name the member that holds one.
std::vector<FieldError> overflowingNumbers(const std::string& text) {
    std::vector<FieldError> errors;
    std::vector<std::string> keys;  // innermost object's current key, per nesting level
    std::string lastString;
    bool inString = false, escaped = false;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
                current += c;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                lastString = current;
            } else {
                current += c;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            current.clear();
        } else if (c == '{' || c == '[') {
            keys.push_back(c == '{' ? "" : (keys.empty() ? "" : keys.back()));
        } else if (c == '}' || c == ']') {
            if (!keys.empty()) keys.pop_back();
        } else if (c == ':') {
            if (!keys.empty()) keys.back() = lastString;
        } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t end = i;
            while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '-' ||
                                         text[end] == '+' || text[end] == '.' || text[end] == 'e' || text[end] == 'E')) {
                ++end;
            }
            const std::string literal = text.substr(i, end - i);
            bool tooBig;
            if (literal.find_first_of(".eE") == std::string::npos) {
                const std::string digits = literal[0] == '-' ? literal.substr(1) : literal;
                const std::string limit = literal[0] == '-' ? "9223372036854775808" : "18446744073709551615";
                const auto significant = digits.find_first_not_of('0');
                const std::string trimmed = significant == std::string::npos ? "0" : digits.substr(significant);
                tooBig = trimmed.size() > limit.size() || (trimmed.size() == limit.size() && trimmed > limit);
            } else {
                errno = 0;
                const double value = std::strtod(literal.c_str(), nullptr);
                tooBig = errno == ERANGE && (value == HUGE_VAL || value == -HUGE_VAL);
            }
            if (tooBig) {
                const std::string field = keys.empty() || keys.back().empty() ? "(body)" : keys.back();
                errors.push_back({field, "range", field + " holds a number too large to store"});
            }
            i = end - 1;
        }
    }
    return errors;
}

// Builds the same tree as Poco's ParseHandler, but notes the first member name that occurs twice
// in one object: a proxy or client library that keeps the first of two would see another request
// than the registry, which would keep the last.
class StrictHandler : public Poco::JSON::ParseHandler {
public:
    StrictHandler() : Poco::JSON::ParseHandler(false) {}
    void startObject() override {
        Poco::JSON::ParseHandler::startObject();
        keys_.emplace_back();
    }
    void endObject() override {
        if (!keys_.empty()) keys_.pop_back();
        Poco::JSON::ParseHandler::endObject();
    }
    void key(const std::string& name) override {
        if (!keys_.empty() && !keys_.back().insert(name).second) {
            duplicate_ = name;
            throw Poco::JSON::JSONException("duplicate member name");
        }
        Poco::JSON::ParseHandler::key(name);
    }
    const std::optional<std::string>& duplicate() const { return duplicate_; }

private:
    std::vector<std::set<std::string>> keys_;
    std::optional<std::string> duplicate_;
};

}  // namespace

Poco::JSON::Object::Ptr parseJsonObject(const Request& request, std::size_t maxDepth) {
    const std::string type = Poco::toLower(Poco::trim(request.contentType));
    const std::string mediaType = Poco::trim(type.substr(0, type.find(';')));
    if (mediaType != "application/json" && mediaType != "application/merge-patch+json") {
        throw Error(ErrorKind::UnsupportedMediaType, "Send the request body as application/json.");
    }
    if (type.find("charset") != std::string::npos && type.find("charset=utf-8") == std::string::npos) {
        throw Error(ErrorKind::UnsupportedMediaType, "The request body must be UTF-8 encoded.");
    }
    if (request.body.empty()) throw Error(ErrorKind::BadRequest, "The request body is empty; a JSON object is expected.");
    if (!isValidUtf8(request.body)) throw Error(ErrorKind::BadRequest, "The request body is not valid UTF-8.");
    if (nestingDepth(request.body) > maxDepth) {
        throw Error(ErrorKind::BadRequest, "The JSON body is nested deeper than " + std::to_string(maxDepth) + " levels.");
    }
    auto overflows = overflowingNumbers(request.body);
    if (!overflows.empty()) {
        throw Error(ErrorKind::ValidationFailed, "The body holds numbers too large to store.", overflows);
    }
    Poco::Dynamic::Var parsed;
    Poco::SharedPtr<StrictHandler> handler = new StrictHandler;
    try {
        Poco::JSON::Parser parser(handler);
        parser.setDepth(maxDepth + 1);
        parsed = parser.parse(request.body);
    } catch (const std::exception&) {
        if (handler->duplicate()) {
            throw Error(ErrorKind::BadRequest, "The member \"" + *handler->duplicate() +
                                                   "\" occurs twice in one JSON object; send each member once.");
        }
        throw Error(ErrorKind::BadRequest, "The request body is not valid JSON.");
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw Error(ErrorKind::BadRequest, "The request body must be a JSON object.");
    }
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace registry::http
