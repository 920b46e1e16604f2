#include <boost/test/unit_test.hpp>

#include "server/core/ids.h"

BOOST_AUTO_TEST_SUITE(random_uuid)

BOOST_AUTO_TEST_CASE(random_uuids_are_version_4_and_distinct) {
    const auto a = registry::core::randomUuid(), b = registry::core::randomUuid();
    BOOST_TEST(registry::core::isUuid(a));
    BOOST_TEST(a != b);
    BOOST_TEST(a[14] == '4');
    BOOST_TEST(std::string("89ab").find(a[19]) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
