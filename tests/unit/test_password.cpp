#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/password.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <vector>
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
}

// An unknown user costs what a wrong password costs, so that the time of a refused login does
// not tell whether the name exists. Compared as medians of one against the other (no absolute
// time), with enough iterations that the key derivation dominates.
BOOST_AUTO_TEST_CASE(an_unknown_user_costs_what_a_wrong_password_costs) {
    constexpr unsigned kIterations = 40000;
    const std::string stored = PasswordHasher(kIterations).hash("correct horse battery");
    const auto median = [](auto&& work) {
        std::vector<double> times;
        for (int i = 0; i < 11; ++i) {
            const auto start = std::chrono::steady_clock::now();
            work();
            times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        return times[times.size() / 2];
    };
    const double wrongPassword = median([&] { (void)PasswordHasher::verify("wrong horse battery", stored); });
    const double unknownUser = median([&] { PasswordHasher::burnVerifyTime(kIterations); });
    const double ratio = unknownUser / wrongPassword;
    BOOST_TEST(ratio > 0.5, "unknown user: " << unknownUser << " s, wrong password: " << wrongPassword << " s");
    BOOST_TEST(ratio < 2.0, "unknown user: " << unknownUser << " s, wrong password: " << wrongPassword << " s");
    // The comparison can fail: padding with a single iteration is far cheaper than a verification.
    const double noPadding = median([&] { PasswordHasher::burnVerifyTime(1); });
    BOOST_TEST(noPadding / wrongPassword < 0.5);
    BOOST_CHECK_NO_THROW(PasswordHasher::burnVerifyTime(0));
}

BOOST_AUTO_TEST_SUITE_END()
