#include <boost/test/unit_test.hpp>

#include "server/core/json_merge.h"
#include "server/http/json_body.h"

#include <Poco/JSON/Parser.h>

using registry::core::applyMergePatch;
using registry::core::diffFields;
using registry::core::jsonText;

namespace {
Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_merge)

// The examples of RFC 7396 section 3 that apply to objects.
BOOST_AUTO_TEST_CASE(merge_patch_follows_rfc_7396) {
    auto target = json(R"({"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"})");
    auto patch = json(R"({"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]})");
    auto merged = applyMergePatch(*target, *patch);
    BOOST_TEST(jsonText(merged->get("title")) == "\"Hello!\"");
    BOOST_TEST(jsonText(merged->get("author")) == R"({"givenName":"John"})");
    BOOST_TEST(jsonText(merged->get("tags")) == R"(["example"])");
    BOOST_TEST(jsonText(merged->get("content")) == "\"This will be unchanged\"");
    BOOST_TEST(merged->has("phoneNumber"));
    // The inputs are untouched.
    BOOST_TEST(jsonText(target->get("title")) == "\"Goodbye!\"");
    BOOST_TEST(!target->has("phoneNumber"));
}

// Found by tests/fuzz/fuzz_merge_patch: an object patched onto an absent or non-object member
// kept its nulls, so the same patch sent again (a client's retry) changed the record again.
BOOST_AUTO_TEST_CASE(an_object_patched_onto_a_non_object_drops_its_nulls) {
    const auto target = json(R"({"a":5,"b":{"c":1}})");
    const auto patch = json(R"({"a":{"x":null,"y":2},"z":{"q":{"r":null}}})");
    const auto merged = applyMergePatch(*target, *patch);
    BOOST_TEST(jsonText(merged) == R"({"a":{"y":2},"b":{"c":1},"z":{"q":{}}})");
    BOOST_TEST(jsonText(applyMergePatch(*merged, *patch)) == jsonText(merged));
}

BOOST_AUTO_TEST_CASE(null_removes_a_member) {
    auto merged = applyMergePatch(*json(R"({"a":"b","c":1})"), *json(R"({"a":null})"));
    BOOST_TEST(!merged->has("a"));
    BOOST_TEST(merged->has("c"));
}

BOOST_AUTO_TEST_CASE(diff_lists_added_changed_and_removed_members) {
    auto before = json(R"({"sex":"female","photo_count":12,"mechanism":["two_hands"],"notes":"x"})");
    auto after = json(R"({"sex":"female","photo_count":14,"mechanism":["two_hands","ligature"],"episodes":2})");
    auto changes = diffFields(*before, *after);
    std::map<std::string, std::pair<std::string, std::string>> byField;
    for (const auto& c : changes) {
        byField[c.field] = {c.before.isEmpty() ? "absent" : jsonText(c.before), c.after.isEmpty() ? "absent" : jsonText(c.after)};
    }
    BOOST_TEST(byField.size() == 4u);
    BOOST_TEST(byField["photo_count"].first == "12");
    BOOST_TEST(byField["photo_count"].second == "14");
    BOOST_TEST(byField["mechanism"].second == R"(["two_hands","ligature"])");
    BOOST_TEST(byField["episodes"].first == "absent");
    BOOST_TEST(byField["notes"].second == "absent");
    BOOST_TEST(diffFields(*before, *before).empty());
}

BOOST_AUTO_TEST_CASE(utf8_validation) {
    using registry::http::isValidUtf8;
    BOOST_TEST(isValidUtf8("plain ascii"));
    BOOST_TEST(isValidUtf8("Oost-Brabant \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
    BOOST_TEST(!isValidUtf8("caf\xe9"));                // Latin-1
    BOOST_TEST(!isValidUtf8("\xc0\xaf"));               // overlong '/'
    BOOST_TEST(!isValidUtf8("\xed\xa0\x80"));           // UTF-16 surrogate
    BOOST_TEST(!isValidUtf8("\xf4\x90\x80\x80"));       // beyond U+10FFFF
    BOOST_TEST(!isValidUtf8("\xe2\x82"));               // truncated
}

BOOST_AUTO_TEST_SUITE_END()
