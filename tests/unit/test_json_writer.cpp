#include <boost/test/unit_test.hpp>

#include "server/core/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using registry::core::writeJson;

BOOST_AUTO_TEST_SUITE(json_writer)

BOOST_AUTO_TEST_CASE(scalars) {
    BOOST_TEST(writeJson(Poco::Dynamic::Var()) == "null");
    BOOST_TEST(writeJson(true) == "true");
    BOOST_TEST(writeJson(42) == "42");
    BOOST_TEST(writeJson(Poco::Int64(-9223372036854775807LL)) == "-9223372036854775807");
    BOOST_TEST(writeJson(Poco::UInt64(18446744073709551615ULL)) == "18446744073709551615");
    BOOST_TEST(writeJson(10.8) == "10.8");
    BOOST_TEST(writeJson(0.1 + 0.2) == "0.30000000000000004");  // round-trips exactly
    BOOST_TEST(writeJson(std::nan("")) == "null");
    BOOST_TEST(writeJson(std::string("oost_brabant")) == "\"oost_brabant\"");
}

// Found by fuzz_json_body: "-0" read back as the integer 0 and wrote differently the second time.
BOOST_AUTO_TEST_CASE(negative_zero_is_written_as_zero_so_it_round_trips) {
    BOOST_TEST(writeJson(Poco::Dynamic::Var(-0.0)) == "0");
    auto parsed = Poco::JSON::Parser().parse("{\"a\": -0e-320}");
    const std::string once = writeJson(parsed);
    BOOST_TEST(writeJson(Poco::JSON::Parser().parse(once)) == once);
}

// Found by fuzz_json_body: -9223372337203685477.5808 was written "-9223372337203686000", which
// reads back as an integer literal beyond 64 bits and is refused; the exponent form is a double.
BOOST_AUTO_TEST_CASE(whole_doubles_beyond_64_bit_integers_are_written_with_an_exponent) {
    const double big = -9223372337203685477.5808;
    const std::string written = writeJson(big);
    BOOST_TEST(written.find("e+18") != std::string::npos, written);
    BOOST_TEST(std::stod(written) == big);
    BOOST_TEST(writeJson(1.0e19) == "1e+19");
    BOOST_TEST(writeJson(1234567890123456.0) == "1234567890123456");  // an integer literal any field can hold
    auto parsed = Poco::JSON::Parser().parse("{\"d\": -9223372337203685477.5808}");
    const std::string once = writeJson(parsed);
    BOOST_TEST(writeJson(Poco::JSON::Parser().parse(once)) == once);
}

BOOST_AUTO_TEST_CASE(strings_are_escaped) {
    const std::string hostile = "a\"b\\c\n\t\x01\x7f</script> é";
    const std::string text = writeJson(hostile);
    BOOST_TEST(text == "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f</script> é\"");
    Poco::JSON::Parser parser;
    BOOST_TEST(parser.parse("[" + text + "]").extract<Poco::JSON::Array::Ptr>()->getElement<std::string>(0) == hostile);
}

BOOST_AUTO_TEST_CASE(objects_keep_their_key_order_and_nest) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("zeta", 1);
    o->set("alpha", "x");
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    a->add(1);
    a->add(Poco::Dynamic::Var());
    Poco::JSON::Object::Ptr inner = new Poco::JSON::Object;
    inner->set("k", false);
    a->add(inner);
    o->set("list", a);
    BOOST_TEST(writeJson(o) == R"({"zeta":1,"alpha":"x","list":[1,null,{"k":false}]})");
}

BOOST_AUTO_TEST_CASE(parsed_documents_round_trip) {
    const std::string text = R"({"a":[1,2.5,"three",true,null,{"b":{"c":[]}}],"d":"\u00e9\n"})";
    Poco::JSON::Parser parser;
    auto parsed = parser.parse(text);
    parser.reset();
    auto again = parser.parse(writeJson(parsed));
    BOOST_TEST(writeJson(again) == writeJson(parsed));
}

BOOST_AUTO_TEST_SUITE_END()
