#pragma once

#include <string>

namespace registry::core {

// Whether `text` is a UUID in its canonical 8-4-4-4-12 hexadecimal form. Ids from a URL or a
// filter are checked with this before they reach SQL, so a malformed one is a plain 404 or 400.
bool isUuid(const std::string& text);

// A random (version 4) UUID from OpenSSL's CSPRNG, canonical lower-case form. For bulk work:
// Poco's UUIDGenerator opens /dev/urandom for every id.
std::string randomUuid();

}  // namespace registry::core
