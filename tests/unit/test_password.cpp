#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/password.h"

#include <regex>
#include <stdexcept>
#include <string>

using registry::core::PasswordHasher;

namespace {

constexpr unsigned kTestIterations = 1000;  // production uses >= 600,000; tests only need the shape

std::string field(const std::string& stored, int index) {
    std::string::size_type start = 0;
    for (int i = 0; i < index; ++i) start = stored.find('$', start) + 1;
    return stored.substr(start, stored.find('$', start) - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(password_hashing)

BOOST_AUTO_TEST_CASE(round_trip) {
    const PasswordHasher hasher(kTestIterations);
    const std::string stored = hasher.hash("correct horse battery");
    BOOST_TEST(PasswordHasher::verify("correct horse battery", stored));
    BOOST_TEST(!PasswordHasher::verify("correct horse batterY", stored));
    BOOST_TEST(!PasswordHasher::verify("", stored));
    BOOST_TEST(!PasswordHasher::verify("correct horse battery ", stored));
}

BOOST_AUTO_TEST_CASE(stored_format_shape) {
    const PasswordHasher hasher(kTestIterations);
    const std::string stored = hasher.hash("a long enough password");
    static const std::regex shape(R"(^pbkdf2-sha256\$1000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$)");
    BOOST_TEST(std::regex_match(stored, shape), stored);
    BOOST_TEST(registry::crypto::base64Decode(field(stored, 2)).size() == 16u);
    BOOST_TEST(registry::crypto::base64Decode(field(stored, 3)).size() == 32u);
    BOOST_TEST(hasher.iterations() == kTestIterations);
}

BOOST_AUTO_TEST_CASE(salt_is_random) {
    const PasswordHasher hasher(kTestIterations);
    const std::string a = hasher.hash("same password here");
    const std::string b = hasher.hash("same password here");
    BOOST_TEST(a != b);
    BOOST_TEST(field(a, 2) != field(b, 2));
    BOOST_TEST(PasswordHasher::verify("same password here", a));
    BOOST_TEST(PasswordHasher::verify("same password here", b));
}

// Computed independently (Python hashlib.pbkdf2_hmac, salt = bytes 0..15): the stored format is
// interoperable and the iteration count is taken from the stored value, not from a hasher.
BOOST_AUTO_TEST_CASE(verifies_independently_computed_hash) {
    const std::string stored = "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$AhaeZ02AwPxykuhhDI8XvhQN8GKvmqM+qF6qvs/98I0=";
    BOOST_TEST(PasswordHasher::verify("correct horse battery", stored));
    BOOST_TEST(!PasswordHasher::verify("correct horse battery!", stored));
    const std::string otherCount = "pbkdf2-sha256$1001$AAECAwQFBgcICQoLDA0ODw==$AhaeZ02AwPxykuhhDI8XvhQN8GKvmqM+qF6qvs/98I0=";
    BOOST_TEST(!PasswordHasher::verify("correct horse battery", otherCount));
}

BOOST_AUTO_TEST_CASE(malformed_stored_values_rejected_without_throwing) {
    const std::string salt = "AAECAwQFBgcICQoLDA0ODw==";
    const std::string hash = "AhaeZ02AwPxykuhhDI8XvhQN8GKvmqM+qF6qvs/98I0=";
    const std::string malformed[] = {
        "",
        "pbkdf2-sha256",
        "pbkdf2-sha256$1000$" + salt,
        "pbkdf2-sha256$1000$" + salt + "$",
        "pbkdf2-sha256$1000$" + salt + "$" + hash + "$",
        "pbkdf2-sha256$1000$" + salt + "$" + hash + "$extra",
        "pbkdf2-sha1$1000$" + salt + "$" + hash,
        "PBKDF2-SHA256$1000$" + salt + "$" + hash,
        "$1000$" + salt + "$" + hash,
        "pbkdf2-sha256$$" + salt + "$" + hash,
        "pbkdf2-sha256$0$" + salt + "$" + hash,
        "pbkdf2-sha256$-1$" + salt + "$" + hash,
        "pbkdf2-sha256$+1000$" + salt + "$" + hash,
        "pbkdf2-sha256$01000$" + salt + "$" + hash,
        "pbkdf2-sha256$ 1000$" + salt + "$" + hash,
        "pbkdf2-sha256$1e3$" + salt + "$" + hash,
        "pbkdf2-sha256$10000001$" + salt + "$" + hash,
        "pbkdf2-sha256$4294967297$" + salt + "$" + hash,
        "pbkdf2-sha256$99999999999999999999999$" + salt + "$" + hash,
        "pbkdf2-sha256$1000$$" + hash,
        "pbkdf2-sha256$1000$not base64!$" + hash,
        "pbkdf2-sha256$1000$" + salt + "$not base64!",
        "pbkdf2-sha256$1000$" + salt + "$" + hash.substr(0, 40),
        "pbkdf2-sha256$1000$" + salt + "$" + salt,
        "pbkdf2-sha256$1000$" + salt + "$" + hash + "\n",
    };
    for (const auto& stored : malformed) {
        bool result = true;
        BOOST_CHECK_NO_THROW(result = PasswordHasher::verify("correct horse battery", stored));
        BOOST_TEST(!result, "accepted: " << stored);
    }
}

BOOST_AUTO_TEST_CASE(iteration_bounds) {
    BOOST_CHECK_THROW(PasswordHasher(0), std::invalid_argument);
    BOOST_CHECK_THROW(PasswordHasher(PasswordHasher::kMaxIterations + 1), std::invalid_argument);
    BOOST_CHECK_NO_THROW(PasswordHasher(1));
    BOOST_TEST(PasswordHasher::kMinLength == 12u);
}

BOOST_AUTO_TEST_CASE(burn_verify_time_never_throws) {
    BOOST_CHECK_NO_THROW(PasswordHasher::burnVerifyTime(kTestIterations));
    BOOST_CHECK_NO_THROW(PasswordHasher::burnVerifyTime(0));
}

BOOST_AUTO_TEST_SUITE_END()
