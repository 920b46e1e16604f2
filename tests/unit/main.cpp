#define BOOST_TEST_MODULE registry_unit
#include <boost/test/unit_test.hpp>
