#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/pseudonym.h"
#include "tests/support/test_server.h"

using registry::core::KeyFileError;
using registry::core::Pseudonymiser;

BOOST_AUTO_TEST_SUITE(pseudonym_key_chain)

BOOST_AUTO_TEST_CASE(each_later_key_is_applied_to_the_previous_pseudonym) {
    const std::string k1 = registry::test::writeTestKeyFile();
    const std::string k2 = registry::test::writeTestKeyFile();
    const std::string k3 = registry::test::writeTestKeyFile();
    const auto v1 = Pseudonymiser::fromKeyFile(k1, 1);
    const auto v2 = Pseudonymiser::fromKeyFiles({k1}, k2, 2);
    const auto v3 = Pseudonymiser::fromKeyFiles({k1, k2}, k3, 3);
    const std::string ref = " pl0912-2026 123456 ";
    const std::string p1 = v1.pseudonymise(ref);
    BOOST_TEST(v2.baseVersion() == 1);
    BOOST_TEST(v3.keyVersion() == 3);
    BOOST_TEST(v2.pseudonymise(ref) != p1);
    BOOST_TEST(v2.forward(p1, 1) == v2.pseudonymise(ref));
    BOOST_TEST(v3.forward(p1, 1) == v3.pseudonymise(ref));
    BOOST_TEST(v3.forward(v2.pseudonymise(ref), 2) == v3.pseudonymise(ref));
    BOOST_TEST(v3.forward(v3.pseudonymise(ref), 3) == v3.pseudonymise(ref));
    const auto all = v3.pseudonymsAllVersions("PL09122026123456");
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0] == p1);
    BOOST_TEST(all[1] == v2.pseudonymise(ref));
    BOOST_TEST(all[2] == v3.pseudonymise(ref));
    BOOST_CHECK_THROW(v2.forward(p1, 0), std::out_of_range);
    BOOST_CHECK_THROW(v2.forward(p1, 3), std::out_of_range);
    // A chain of one key is the plain HMAC of before rotation existed.
    BOOST_TEST(Pseudonymiser::fromKeyFiles({}, k1, 1).pseudonymise(ref) == p1);
}

BOOST_AUTO_TEST_CASE(a_chain_must_fit_its_version_and_not_repeat_the_current_key) {
    const std::string k1 = registry::test::writeTestKeyFile();
    const std::string k2 = registry::test::writeTestKeyFile();
    BOOST_CHECK_THROW(Pseudonymiser::fromKeyFiles({k1}, k2, 1), KeyFileError);
    BOOST_CHECK_THROW(Pseudonymiser::fromKeyFiles({k2}, k2, 2), KeyFileError);
    // Starting later than version 1 is allowed: the chain's base is then that version.
    BOOST_TEST(Pseudonymiser::fromKeyFiles({k1}, k2, 5).baseVersion() == 4);
}

BOOST_AUTO_TEST_SUITE_END()
