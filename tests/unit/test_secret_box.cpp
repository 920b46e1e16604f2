#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/key_file.h"
#include "server/core/secret_box.h"
#include "tests/support/temp_key_file.h"


#include <stdexcept>
#include <string>

using registry::core::KeyFileError;
using registry::core::SecretBox;
using registry::test::TempKeyFile;
namespace crypto = registry::crypto;

namespace {

std::string flipLastHexDigit(std::string sealed) {
    sealed.back() = sealed.back() == '0' ? '1' : '0';
    return sealed;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(secret_box)

BOOST_AUTO_TEST_CASE(a_sealed_secret_opens_only_with_its_key_and_context) {
    const SecretBox box(std::string(32, 'k'));
    const std::string secret = crypto::randomBytes(20);
    const std::string sealed = box.seal(secret, "user_totp:a");
    BOOST_TEST(SecretBox::isSealed(sealed));
    BOOST_TEST(sealed.find(crypto::toHex(secret)) == std::string::npos);
    // 12-byte nonce + 20 bytes + 16-byte tag, as hex after "v1:".
    BOOST_TEST(sealed.size() == 3u + 2u * (12u + 20u + 16u));
    BOOST_TEST(box.open(sealed, "user_totp:a") == secret);
    // A fresh nonce each time: the same secret never seals to the same text.
    BOOST_TEST(box.seal(secret, "user_totp:a") != sealed);

    BOOST_CHECK_THROW(box.open(sealed, "user_totp:b"), std::runtime_error);
    BOOST_CHECK_THROW(box.open(flipLastHexDigit(sealed), "user_totp:a"), std::runtime_error);
    BOOST_CHECK_THROW(SecretBox(std::string(32, 'x')).open(sealed, "user_totp:a"), std::runtime_error);
    BOOST_CHECK_THROW(box.open(crypto::toHex(secret), "user_totp:a"), std::runtime_error);  // clear, not sealed
    BOOST_CHECK_THROW(box.open("v1:abc", "user_totp:a"), std::runtime_error);
    BOOST_CHECK_THROW(box.open("v1:" + std::string(40, '0'), "user_totp:a"), std::runtime_error);
    BOOST_CHECK_THROW(SecretBox(std::string(31, 'k')), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_key_file_is_checked_like_the_pseudonym_key) {
    const std::string hex = crypto::toHex(crypto::randomBytes(64));
    const TempKeyFile good(hex + "\n", 0600);
    const auto box = SecretBox::fromKeyFile(good.path, "TOTP secret key file");
    BOOST_TEST(box->open(box->seal("abc", "c"), "c") == "abc");

    const TempKeyFile readable(hex, 0640);
    try {
        SecretBox::fromKeyFile(readable.path, "TOTP secret key file");
        BOOST_FAIL("a group-readable key file was accepted");
    } catch (const KeyFileError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("TOTP secret key file '" + readable.path + "'") == 0u);
        BOOST_TEST(message.find("group or others") != std::string::npos);
        BOOST_TEST(message.find(hex) == std::string::npos);
    }
    const TempKeyFile shortKey(crypto::toHex(crypto::randomBytes(31)), 0600);
    BOOST_CHECK_THROW(SecretBox::fromKeyFile(shortKey.path, "TOTP secret key file"), KeyFileError);
    const TempKeyFile notHex("not a key at all", 0600);
    BOOST_CHECK_THROW(SecretBox::fromKeyFile(notHex.path, "TOTP secret key file"), KeyFileError);
    BOOST_CHECK_THROW(SecretBox::fromKeyFile("/nonexistent/totp.key", "TOTP secret key file"), KeyFileError);
}

BOOST_AUTO_TEST_SUITE_END()
