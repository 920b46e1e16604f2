#define BOOST_TEST_MODULE registry_integration
#include <boost/test/unit_test.hpp>
