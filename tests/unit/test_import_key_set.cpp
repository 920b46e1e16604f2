#include <boost/test/unit_test.hpp>

#include "import/key_set.h"

#include <cstdint>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

using registry::import::KeySet;

BOOST_AUTO_TEST_SUITE(import_key_set)

BOOST_AUTO_TEST_CASE(a_key_is_refused_the_second_time_whether_it_is_recent_or_merged_long_ago) {
    KeySet keys(4);  // merges into the sorted part after every 4 new keys
    std::set<std::uint64_t> truth;
    std::mt19937_64 random(20261202);
    for (int i = 0; i < 5000; ++i) {
        // Drawn from 3000 values spread over the whole range: about a third of the draws repeat
        // a key, some still in the buffer, most merged many rounds ago.
        const std::uint64_t k = (random() % 3000) * 6148914691236517ull;
        const bool fresh = truth.insert(k).second;
        BOOST_TEST_REQUIRE(keys.insert(k) == fresh, "key " << k << " at draw " << i);
    }
    BOOST_TEST(keys.size() == truth.size());
    keys.clear();
    BOOST_TEST(keys.size() == 0u);
    BOOST_TEST(keys.insert(*truth.begin()));
}

BOOST_AUTO_TEST_CASE(the_short_key_is_the_first_64_bits_of_the_pseudonym) {
    const std::string pseudonym = "00ff10a0b0c0d0e1" + std::string(48, 'a');
    BOOST_TEST(KeySet::shortKey(pseudonym) == 0x00ff10a0b0c0d0e1ull);
    BOOST_TEST(KeySet::shortKey("FFFFFFFFFFFFFFFF") == 0xffffffffffffffffull);
    KeySet keys;
    BOOST_TEST(keys.insert(pseudonym));
    BOOST_TEST(!keys.insert("00ff10a0b0c0d0e1" + std::string(48, 'b')));  // same first 64 bits
    BOOST_CHECK_THROW(KeySet::shortKey("00ff"), std::invalid_argument);
    BOOST_CHECK_THROW(KeySet::shortKey("00ff10a0b0c0d0eg"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
