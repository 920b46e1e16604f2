#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/pseudonym.h"

#include <stdexcept>
#include <string>

namespace crypto = registry::crypto;

namespace {

std::string repeat(char c, std::size_t n) { return std::string(n, c); }
std::string hmacHex(const std::string& key, const std::string& data) {
    return crypto::toHex(crypto::hmacSha256(key, data));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crypto_primitives)

BOOST_AUTO_TEST_CASE(sha256_known_values) {
    BOOST_TEST(crypto::sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(crypto::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(crypto::sha256("abc").size() == 32u);
    BOOST_TEST(crypto::toHex(crypto::sha256("abc")) == crypto::sha256Hex("abc"));
}

// RFC 4231 section 4.
BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231) {
    BOOST_TEST(hmacHex(repeat('\x0b', 20), "Hi There") ==
               "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    BOOST_TEST(hmacHex("Jefe", "what do ya want for nothing?") ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    BOOST_TEST(hmacHex(repeat('\xaa', 20), repeat('\xdd', 50)) ==
               "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    BOOST_TEST(hmacHex(crypto::fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat('\xcd', 50)) ==
               "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    BOOST_TEST(hmacHex(repeat('\x0c', 20), "Test With Truncation").substr(0, 32) == "a3b6167473100ee06e0c796c2955552b");
    BOOST_TEST(hmacHex(repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First") ==
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    BOOST_TEST(hmacHex(repeat('\xaa', 131),
                       "This is a test using a larger than block-size key and a larger than block-size data. "
                       "The key needs to be hashed before being used by the HMAC algorithm.") ==
               "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

BOOST_AUTO_TEST_CASE(hmac_sha256_empty_key_and_data) {
    BOOST_TEST(hmacHex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    BOOST_TEST(crypto::hmacSha256("k", "d").size() == 32u);
}

BOOST_AUTO_TEST_CASE(pbkdf2_rfc7914_vectors) {
    BOOST_TEST(crypto::toHex(crypto::pbkdf2Sha256("passwd", "salt", 1, 64)) ==
               "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
               "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    BOOST_TEST(crypto::toHex(crypto::pbkdf2Sha256("Password", "NaCl", 80000, 64)) ==
               "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
               "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

BOOST_AUTO_TEST_CASE(pbkdf2_password_salt_vectors) {
    BOOST_TEST(crypto::toHex(crypto::pbkdf2Sha256("password", "salt", 1, 32)) ==
               "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    BOOST_TEST(crypto::toHex(crypto::pbkdf2Sha256("password", "salt", 2, 32)) ==
               "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
    BOOST_TEST(crypto::toHex(crypto::pbkdf2Sha256("password", "salt", 4096, 32)) ==
               "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
}

BOOST_AUTO_TEST_CASE(pbkdf2_rejects_zero_parameters) {
    BOOST_CHECK_THROW(crypto::pbkdf2Sha256("p", "s", 0, 32), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::pbkdf2Sha256("p", "s", 1, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(random_bytes) {
    BOOST_TEST(crypto::randomBytes(0).empty());
    const std::string a = crypto::randomBytes(32);
    const std::string b = crypto::randomBytes(32);
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(constant_time_equal) {
    BOOST_TEST(crypto::constantTimeEqual("", ""));
    BOOST_TEST(crypto::constantTimeEqual("abc", "abc"));
    BOOST_TEST(!crypto::constantTimeEqual("abc", "abd"));
    BOOST_TEST(!crypto::constantTimeEqual("abc", "abcd"));
    BOOST_TEST(!crypto::constantTimeEqual("", "a"));
    BOOST_TEST(crypto::constantTimeEqual(std::string("a\0b", 3), std::string("a\0b", 3)));
    BOOST_TEST(!crypto::constantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

BOOST_AUTO_TEST_CASE(hex_round_trip) {
    BOOST_TEST(crypto::toHex(std::string("\x00\xff\x10\xab", 4)) == "00ff10ab");
    BOOST_TEST(crypto::fromHex("00FF10aB") == std::string("\x00\xff\x10\xab", 4));
    BOOST_TEST(crypto::toHex("").empty());
    BOOST_TEST(crypto::fromHex("").empty());
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    BOOST_TEST(crypto::fromHex(crypto::toHex(all)) == all);
}

BOOST_AUTO_TEST_CASE(hex_invalid_input) {
    BOOST_CHECK_THROW(crypto::fromHex("abc"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::fromHex("0g"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::fromHex("0x00"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::fromHex(" 00"), std::invalid_argument);
}

// RFC 4648 section 10.
BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                                           {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        BOOST_TEST(crypto::base64Encode(plain) == encoded);
        BOOST_TEST(crypto::base64Decode(encoded) == plain);
    }
}

BOOST_AUTO_TEST_CASE(base64_binary_round_trip) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    for (std::size_t n = 0; n <= all.size(); n += 37) {
        const std::string part = all.substr(0, n);
        BOOST_TEST(crypto::base64Decode(crypto::base64Encode(part)) == part);
    }
    // Trailing zero bytes must survive decoding (padding is not data).
    const std::string zeros("\x01\x00\x00", 3);
    BOOST_TEST(crypto::base64Decode(crypto::base64Encode(zeros)) == zeros);
    BOOST_TEST(crypto::base64Decode("AA==") == std::string(1, '\0'));
}

BOOST_AUTO_TEST_CASE(base64_invalid_input) {
    for (const char* bad : {"Zg=", "Zg===", "Z===", "====", "Zm=v", "=Zm9", "Zm9v\n", " Zm9v", "Zm9-", "Zm9_",
                            "Zh==", "Zm9=", "Zm8", "Zm9vY", "Zm\x80v"}) {
        BOOST_CHECK_THROW(crypto::base64Decode(bad), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_CASE(base64_url_encoding) {
    BOOST_TEST(crypto::base64UrlEncode(std::string("\xfb\xff", 2)) == "-_8");
    BOOST_TEST(crypto::base64UrlEncode("f") == "Zg");
    BOOST_TEST(crypto::base64UrlEncode("foobar") == "Zm9vYmFy");
    BOOST_TEST(crypto::base64UrlEncode("").empty());
    const std::string token = crypto::base64UrlEncode(crypto::randomBytes(32));
    BOOST_TEST(token.size() == 43u);
    BOOST_TEST(token.find_first_of("+/=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(sealed_values_open_only_with_their_key_and_context) {
    const std::string key = crypto::randomBytes(32);
    const std::string sealed = crypto::seal(key, "LOEF-2026-10009", "job/11");
    BOOST_TEST(sealed.size() == 12u + 15u + 16u);
    BOOST_TEST(sealed.find("LOEF") == std::string::npos);
    BOOST_TEST(crypto::unseal(key, sealed, "job/11") == "LOEF-2026-10009");
    BOOST_TEST(crypto::seal(key, "LOEF-2026-10009", "job/11") != sealed);  // a fresh nonce each time
    BOOST_CHECK_THROW(crypto::unseal(key, sealed, "job/12"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::unseal(crypto::randomBytes(32), sealed, "job/11"), std::invalid_argument);
    std::string altered = sealed;
    altered[14] = static_cast<char>(altered[14] ^ 1);
    BOOST_CHECK_THROW(crypto::unseal(key, altered, "job/11"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::unseal(key, sealed.substr(0, 20), "job/11"), std::invalid_argument);
    BOOST_CHECK_THROW(crypto::seal("short", "x", ""), std::invalid_argument);
    BOOST_TEST(crypto::unseal(key, crypto::seal(key, "", ""), "").empty());
}

BOOST_AUTO_TEST_CASE(derived_keys_differ_by_purpose_and_version_and_are_no_pseudonym) {
    using registry::core::Pseudonymiser;
    const Pseudonymiser one(1, std::string(32, 'a'));
    const Pseudonymiser two(2, std::string(32, 'b'));
    BOOST_TEST(one.derivedKey("x", 1).size() == 32u);
    BOOST_TEST(one.derivedKey("x", 1) == Pseudonymiser(1, std::string(32, 'a')).derivedKey("x", 1));
    BOOST_TEST(one.derivedKey("x", 1) != one.derivedKey("y", 1));
    BOOST_TEST(one.derivedKey("x", 1) != two.derivedKey("x", 2));
    BOOST_TEST(crypto::toHex(one.derivedKey("x", 1)) != one.pseudonymise("registry derived key: x"));
    BOOST_CHECK_THROW(one.derivedKey("x", 2), std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()
