#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/qr_code.h"
#include "server/core/totp.h"

#include <set>
#include <stdexcept>
#include <string>

namespace totp = registry::core::totp;
namespace crypto = registry::crypto;

namespace {

// The SHA-1 seed of RFC 6238 appendix B: the ASCII string "12345678901234567890".
const std::string kRfcSecret = "12345678901234567890";

}  // namespace

BOOST_AUTO_TEST_SUITE(totp_codes)

// RFC 2202 section 3, test cases 1 and 2.
BOOST_AUTO_TEST_CASE(hmac_sha1_rfc2202) {
    BOOST_TEST(crypto::toHex(crypto::hmacSha1(std::string(20, '\x0b'), "Hi There")) ==
               "b617318655057264e28bc0b6fb378c8ef146be00");
    BOOST_TEST(crypto::toHex(crypto::hmacSha1("Jefe", "what do ya want for nothing?")) ==
               "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

// RFC 6238 appendix B, every SHA-1 row (8 digits, 30 s step).
BOOST_AUTO_TEST_CASE(rfc6238_appendix_b_sha1) {
    const std::pair<long long, const char*> rows[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
    };
    for (const auto& [time, expected] : rows) {
        BOOST_TEST_CONTEXT("T = " << time) {
            BOOST_TEST(totp::codeAt(kRfcSecret, totp::stepAt(time), 8) == expected);
            // The six-digit code apps show is the low six digits of the same value.
            BOOST_TEST(totp::codeAt(kRfcSecret, totp::stepAt(time)) == std::string(expected).substr(2));
        }
    }
}

BOOST_AUTO_TEST_CASE(steps_are_thirty_seconds) {
    BOOST_TEST(totp::stepAt(0) == 0);
    BOOST_TEST(totp::stepAt(29) == 0);
    BOOST_TEST(totp::stepAt(30) == 1);
    BOOST_TEST(totp::stepAt(59) == 1);
    BOOST_TEST(totp::stepAt(-1) == -1);
}

BOOST_AUTO_TEST_CASE(verify_accepts_one_step_of_skew_and_no_more) {
    const std::int64_t now = totp::stepAt(1111111111);
    for (std::int64_t delta : {-1, 0, 1}) {
        auto matched = totp::verify(kRfcSecret, totp::codeAt(kRfcSecret, now + delta), now, 0);
        BOOST_TEST_REQUIRE(matched.has_value());
        BOOST_TEST(*matched == now + delta);
    }
    for (std::int64_t delta : {-3, -2, 2, 3}) {
        const std::string code = totp::codeAt(kRfcSecret, now + delta);
        // A far code could collide with a near one by chance; this seed's codes do not.
        BOOST_TEST_REQUIRE(code != totp::codeAt(kRfcSecret, now - 1));
        BOOST_TEST_REQUIRE(code != totp::codeAt(kRfcSecret, now));
        BOOST_TEST_REQUIRE(code != totp::codeAt(kRfcSecret, now + 1));
        BOOST_TEST(!totp::verify(kRfcSecret, code, now, 0).has_value());
    }
}

BOOST_AUTO_TEST_CASE(verify_refuses_replay_and_older_steps) {
    const std::int64_t now = totp::stepAt(1234567890);
    const std::string current = totp::codeAt(kRfcSecret, now);
    BOOST_TEST(totp::verify(kRfcSecret, current, now, now - 1).has_value());
    BOOST_TEST(!totp::verify(kRfcSecret, current, now, now).has_value());
    // Once the current step was used, the previous step's code is no good either.
    BOOST_TEST(!totp::verify(kRfcSecret, totp::codeAt(kRfcSecret, now - 1), now, now).has_value());
    BOOST_TEST(totp::verify(kRfcSecret, totp::codeAt(kRfcSecret, now + 1), now, now).has_value());
}

BOOST_AUTO_TEST_CASE(verify_refuses_malformed_codes) {
    const std::int64_t now = totp::stepAt(59);
    const std::string code = totp::codeAt(kRfcSecret, now);
    BOOST_TEST(!totp::verify(kRfcSecret, "", now, 0).has_value());
    BOOST_TEST(!totp::verify(kRfcSecret, code + "0", now, 0).has_value());
    BOOST_TEST(!totp::verify(kRfcSecret, code.substr(1), now, 0).has_value());
    BOOST_TEST(!totp::verify(kRfcSecret, " " + code.substr(1), now, 0).has_value());
    BOOST_TEST(!totp::verify(kRfcSecret, "12345a", now, 0).has_value());
}

// RFC 4648 section 10.
BOOST_AUTO_TEST_CASE(base32_rfc4648_vectors) {
    const std::pair<const char*, const char*> rows[] = {{"", ""},          {"f", "MY"},          {"fo", "MZXQ"},
                                                        {"foo", "MZXW6"},  {"foob", "MZXW6YQ"},  {"fooba", "MZXW6YTB"},
                                                        {"foobar", "MZXW6YTBOI"}};
    for (const auto& [plain, encoded] : rows) {
        BOOST_TEST(totp::base32Encode(plain) == encoded);
        BOOST_TEST(totp::base32Decode(encoded) == plain);
    }
    BOOST_TEST(totp::base32Decode("mzxw 6ytb oi======") == "foobar");
    BOOST_CHECK_THROW(totp::base32Decode("MZ1W"), std::invalid_argument);
    const std::string secret = crypto::randomBytes(totp::kSecretBytes);
    BOOST_TEST(totp::base32Decode(totp::base32Encode(secret)) == secret);
}

BOOST_AUTO_TEST_CASE(otpauth_uri_names_issuer_account_and_parameters) {
    BOOST_TEST(totp::otpauthUri("Strangulation registry", "demo.admin", kRfcSecret) ==
               "otpauth://totp/Strangulation%20registry:demo.admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
               "&issuer=Strangulation%20registry&algorithm=SHA1&digits=6&period=30");
    // A ':' in a name cannot split the label in the wrong place.
    BOOST_TEST(totp::otpauthUri("a:b", "c", "x").find("otpauth://totp/a%3Ab:c?") == 0u);
}

BOOST_AUTO_TEST_CASE(recovery_codes_are_random_and_normalise) {
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        const std::string code = totp::newRecoveryCode();
        BOOST_TEST(code.size() == 19u);
        BOOST_TEST(code[4] == '-');
        BOOST_TEST(totp::normaliseRecoveryCode(code).size() == 16u);
        seen.insert(code);
    }
    BOOST_TEST(seen.size() == 20u);
    BOOST_TEST(totp::normaliseRecoveryCode(" K3VQ-7hxa m2pd-9RTW ") == "k3vq7hxam2pd9rtw");
}

BOOST_AUTO_TEST_CASE(qr_code_is_an_svg_of_a_valid_symbol_size) {
    const std::string svg = registry::core::qrCodeSvg(totp::otpauthUri("Registry", "demo.admin", kRfcSecret));
    BOOST_TEST(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0) == 0u);
    const auto start = svg.find("viewBox=\"0 0 ") + 13;
    const int size = std::stoi(svg.substr(start));
    // A QR symbol of version v is 17 + 4v modules wide, plus the 4-module quiet zone each side.
    const int modules = size - 8;
    BOOST_TEST(modules >= 21);
    BOOST_TEST((modules - 17) % 4 == 0);
    BOOST_TEST(svg.find("h1v1h-1z") != std::string::npos);
    // The three finder patterns make the top-left module dark.
    BOOST_TEST(svg.find("d=\"M4,4h1v1h-1z") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
