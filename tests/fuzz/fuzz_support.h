#pragma once

// Shared by the fuzz targets: the real exam form, its database code lists, and a JSON reader
// that goes through the same entry point as a request body.

#include "server/core/errors.h"
#include "server/core/form_definition.h"
#include "server/core/validator.h"
#include "server/http/json_body.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace registry::fuzz {

inline const core::FormDefinition& examForm() {
    static const core::FormDefinition def =
        core::FormDefinition::fromFile(std::string(REGISTRY_SOURCE_DIR) + "/schema/forms/exam-v1.json");
    return def;
}

// As schema/003_exams.sql seeds them: a code the validator cannot look up would be a set-up
// error (std::logic_error), not a finding.
inline const core::ExternalCodeLists& codeLists() {
    static const core::ExternalCodeLists lists = {
        {"dismissal_codes", {"01", "02", "03", "04", "05", "06", "20", "31", "41", "51", "62", "70"}}};
    return lists;
}

// A fixed clock: a run must not depend on the day it is run.
inline std::chrono::system_clock::time_point fixedNow() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'780'000'000));  // 2026-05-28
}

// The body as the exam handlers read it (server's default depth limit); null when the reader
// refuses it with a client error, which is the expected outcome for most inputs.
inline Poco::JSON::Object::Ptr readBody(const std::string& body, std::size_t maxDepth = 32) {
    http::Request request;
    request.contentType = "application/json";
    request.body = body;
    try {
        return http::parseJsonObject(request, maxDepth);
    } catch (const Error& e) {
        // Only the refusals the reader documents (400, 422 for overflowing numbers); anything
        // else, including any other exception type, would reach the client as a 500.
        if (e.kind() != ErrorKind::BadRequest && e.kind() != ErrorKind::ValidationFailed) {
            std::fprintf(stderr, "parseJsonObject refused with kind %d: %s\n", static_cast<int>(e.kind()), e.what());
            std::abort();
        }
        return nullptr;
    }
}

// A property that must hold; libFuzzer records the input that broke it.
#define FUZZ_REQUIRE(condition)                                                         \
    do {                                                                                \
        if (!(condition)) {                                                             \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                               \
        }                                                                               \
    } while (0)

}  // namespace registry::fuzz
