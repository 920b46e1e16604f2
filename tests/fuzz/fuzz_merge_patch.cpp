// The JSON merge patch (RFC 7396) that PATCH /api/v1/exams/{id} applies to a draft's fields.
// Input: the target document, a NUL byte, the patch document; both are read as request bodies.
//
// Properties beyond "no crash, no sanitizer report":
//  - a null in the patch removes the member; any other non-object value replaces it exactly;
//    members the patch does not name are kept as they were;
//  - a patch applied twice gives what it gave once (RFC 7396 patches are idempotent), so a
//    client that retries a PATCH cannot change the record twice;
//  - diffFields (the audit and history change list) names only members the patch touched, and
//    nothing for a document compared with itself;
//  - the merged document can be validated as a draft without an exception.

#include "fuzz_support.h"

#include "server/core/json_merge.h"
#include "server/core/json_writer.h"

#include <cstdint>
#include <cstring>
#include <string>

using namespace registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* begin = reinterpret_cast<const char*>(data);
    const auto* separator = static_cast<const char*>(std::memchr(begin, 0, size));
    if (separator == nullptr) return 0;
    const auto target = fuzz::readBody(std::string(begin, separator));
    const auto patch = fuzz::readBody(std::string(separator + 1, begin + size));
    if (target.isNull() || patch.isNull()) return 0;
    const std::string targetBefore = core::writeJson(target), patchBefore = core::writeJson(patch);

    const auto merged = core::applyMergePatch(*target, *patch);
    FUZZ_REQUIRE(!merged.isNull());
    FUZZ_REQUIRE(core::writeJson(target) == targetBefore && core::writeJson(patch) == patchBefore);

    for (const auto& name : patch->getNames()) {
        const auto value = patch->get(name);
        if (value.isEmpty()) {
            FUZZ_REQUIRE(!merged->has(name));
        } else if (patch->isObject(name)) {
            FUZZ_REQUIRE(merged->isObject(name));
        } else {
            FUZZ_REQUIRE(core::writeJson(merged->get(name)) == core::writeJson(value));
        }
    }
    for (const auto& name : target->getNames()) {
        if (!patch->has(name)) FUZZ_REQUIRE(core::writeJson(merged->get(name)) == core::writeJson(target->get(name)));
    }

    const auto twice = core::applyMergePatch(*merged, *patch);
    FUZZ_REQUIRE(core::writeJson(twice) == core::writeJson(merged));

    for (const auto& change : core::diffFields(*target, *merged)) FUZZ_REQUIRE(patch->has(change.field));
    FUZZ_REQUIRE(core::diffFields(*merged, *merged).empty());

    core::validate(fuzz::examForm(), *merged, core::ValidationMode::Draft, fuzz::fixedNow(), fuzz::codeLists());
    return 0;
}
