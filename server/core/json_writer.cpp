#include "server/core/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <charconv>
#include <cmath>
#include <string_view>

namespace registry::core {
namespace {

void appendString(std::string& out, const std::string& s) {
    static const char* const hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xf];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void appendDouble(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    // Negative zero is zero to every field; written as "-0" it would read back as the integer 0
    // and write differently the second time (found by fuzz_json_body).
    if (d == 0.0) d = 0.0;
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, d);  // shortest round-trip form
    // A whole double beyond 64-bit integers in plain digits ("-9223372337203686000") would read
    // back as an integer literal no field can hold and be refused; its exponent form reads back
    // as the same double (found by fuzz_json_body).
    const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
    if (std::fabs(d) >= 9.0e18 && text.find_first_of(".eE") == std::string_view::npos) {
        result = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::scientific);
    }
    out.append(buffer, result.ptr);
}

}  // namespace

void appendJson(std::string& out, const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) {
        out += "null";
    } else if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto& object = value.extract<Poco::JSON::Object::Ptr>();
        if (object.isNull()) {
            out += "null";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& name : object->getNames()) {
            if (!first) out += ',';
            first = false;
            appendString(out, name);
            out += ':';
            appendJson(out, object->get(name));
        }
        out += '}';
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto& array = value.extract<Poco::JSON::Array::Ptr>();
        if (array.isNull()) {
            out += "null";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < array->size(); ++i) {
            if (i) out += ',';
            appendJson(out, array->get(static_cast<unsigned int>(i)));
        }
        out += ']';
    } else if (value.isBoolean()) {
        out += value.extract<bool>() ? "true" : "false";
    } else if (value.isInteger()) {
        out += value.isSigned() ? std::to_string(value.convert<Poco::Int64>()) : std::to_string(value.convert<Poco::UInt64>());
    } else if (value.isNumeric()) {
        appendDouble(out, value.convert<double>());
    } else {
        appendString(out, value.convert<std::string>());
    }
}

std::string writeJson(const Poco::Dynamic::Var& value) {
    std::string out;
    appendJson(out, value);
    return out;
}

}  // namespace registry::core
