#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>

namespace registry::core {

// Compact JSON text of a Poco JSON value (objects in their key order, arrays, strings, numbers,
// booleans, null). Poco's Stringifier writes through an ostream character by character and was
// most of the cost of a list page; this appends to one string.
std::string writeJson(const Poco::Dynamic::Var& value);
void appendJson(std::string& out, const Poco::Dynamic::Var& value);

}  // namespace registry::core
