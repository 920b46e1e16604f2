#pragma once

#include <string>

namespace registry::core {

// Whether `text` is a UUID in its canonical 8-4-4-4-12 hexadecimal form. Ids from a URL or a
// filter are checked with this before they reach SQL, so a malformed one is a plain 404 or 400.
bool isUuid(const std::string& text);

// A random (version 4) UUID from OpenSSL's CSPRNG, canonical lower-case form. For bulk work:
// Poco's UUIDGenerator opens /dev/urandom for every id.
std::string randomUuid();

// A time-ordered (version 7, RFC 9562) UUID: the first 48 bits are the Unix time in milliseconds,
// the remaining 74 free bits random. Rows inserted one after another then land at the right-hand
// end of a uuid primary-key index instead of on a random page of it, which is what bulk writes
// (the importer's exams, audit events) pay for as the table grows. It tells the millisecond the
// id was made: use it only where that moment is stored beside it anyway (created_at, occurred_at).
std::string timeOrderedUuid();

}  // namespace registry::core
