// The request body reader and the exam validator, as a create or a patch meets them: any bytes
// are refused with 400/422 or parsed; a parsed body is validated against the real exam form
// (schema/forms/exam-v1.json) in both modes and for every recorder, which must never throw.
//
// Properties beyond "no crash, no sanitizer report, no unexpected exception":
//  - what the JSON writer makes of a parsed body reads back to the same text (the registry
//    stores and serves what it wrote, so a lossy writer would change a medical record);
//  - the validator's normalised fields are a fixed point: validated again they pass unchanged;
//  - the derived values (server/core/derived.cpp) of a valid record can be computed.

#include "fuzz_support.h"

#include "server/core/derived.h"
#include "server/core/json_writer.h"

#include <cstdint>
#include <string>

using namespace registry;

namespace {

void checkValidation(const Poco::JSON::Object& fields, core::ValidationMode mode, const std::string& recorder) {
    const auto& def = fuzz::examForm();
    const auto first = core::validate(def, fields, mode, fuzz::fixedNow(), fuzz::codeLists(), recorder);
    FUZZ_REQUIRE(!first.fields.isNull());
    if (!first.ok()) return;
    // What the exam service derives from a valid record (intervals, windows) must not fail.
    core::derive(*first.fields);
    const auto second = core::validate(def, *first.fields, mode, fuzz::fixedNow(), fuzz::codeLists(), recorder);
    FUZZ_REQUIRE(second.ok());
    FUZZ_REQUIRE(core::writeJson(second.fields) == core::writeJson(first.fields));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    const auto parsed = fuzz::readBody(body);
    if (parsed.isNull()) return 0;

    const std::string written = core::writeJson(parsed);
    const auto reread = fuzz::readBody(written);
    FUZZ_REQUIRE(!reread.isNull());
    FUZZ_REQUIRE(core::writeJson(reread) == written);

    // An exam body carries its fields under "fields"; a bare object is fuzzed as fields too.
    const Poco::JSON::Object& fields =
        parsed->has("fields") && parsed->isObject("fields") ? *parsed->getObject("fields") : *parsed;
    for (const char* recorder : {"doctor", "police", "prosecutor"}) {
        checkValidation(fields, core::ValidationMode::Draft, recorder);
        checkValidation(fields, core::ValidationMode::Submit, recorder);
    }
    return 0;
}
