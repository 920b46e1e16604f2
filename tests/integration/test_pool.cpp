#include <boost/test/unit_test.hpp>

#include "server/core/errors.h"
#include "server/db/pool.h"
#include "tests/support/test_database.h"

using registry::Error;
using registry::ErrorKind;
using registry::db::ConnectionPool;
using registry::test::TestDatabase;

namespace {
registry::db::PoolSettings settings(const TestDatabase& db, std::size_t size) {
    registry::db::PoolSettings s;
    s.url = db.serviceUrl();
    s.size = size;
    s.acquireTimeout = std::chrono::milliseconds(200);
    return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(connection_pool)

BOOST_AUTO_TEST_CASE(waiting_for_a_full_pool_ends_in_service_unavailable) {
    TestDatabase db;
    ConnectionPool pool(settings(db, 1));
    auto held = pool.acquire();
    BOOST_TEST(pool.stats().inUse == 1u);
    try {
        pool.acquire();
        BOOST_FAIL("a second lease from a pool of one must not be granted");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::ServiceUnavailable));
    }
}

BOOST_AUTO_TEST_CASE(returned_connections_are_reused) {
    TestDatabase db;
    ConnectionPool pool(settings(db, 2));
    int pid = 0;
    {
        auto lease = pool.acquire();
        pqxx::nontransaction tx(*lease);
        pid = tx.exec("SELECT pg_backend_pid()")[0][0].as<int>();
    }
    BOOST_TEST(pool.stats().idle == 1u);
    auto lease = pool.acquire();
    pqxx::nontransaction tx(*lease);
    BOOST_TEST(tx.exec("SELECT pg_backend_pid()")[0][0].as<int>() == pid);
}

BOOST_AUTO_TEST_CASE(broken_connections_are_discarded_and_replaced) {
    TestDatabase db;
    ConnectionPool pool(settings(db, 1));
    {
        auto lease = pool.acquire();
        pqxx::nontransaction tx(*lease);
        tx.exec("SELECT 1");
    }
    db.terminateConnections("registry_app");
    {
        auto lease = pool.acquire();
        BOOST_CHECK_THROW(
            {
                pqxx::nontransaction tx(*lease);
                tx.exec("SELECT 1");
            },
            pqxx::broken_connection);
    }
    BOOST_TEST(pool.stats().idle == 0u);
    auto lease = pool.acquire();
    pqxx::nontransaction tx(*lease);
    BOOST_TEST(tx.exec("SELECT 1")[0][0].as<int>() == 1);
}

BOOST_AUTO_TEST_CASE(idle_connections_cut_by_the_server_are_replaced_without_failing_a_request) {
    TestDatabase db;
    auto s = settings(db, 1);
    s.validateAfterIdle = std::chrono::milliseconds(0);
    ConnectionPool pool(s);
    {
        auto lease = pool.acquire();
        pqxx::nontransaction tx(*lease);
        tx.exec("SELECT 1");
    }
    db.terminateConnections("registry_app");
    auto lease = pool.acquire();
    pqxx::nontransaction tx(*lease);
    BOOST_TEST(tx.exec("SELECT 1")[0][0].as<int>() == 1);
}

BOOST_AUTO_TEST_CASE(unreachable_database_is_service_unavailable) {
    registry::db::PoolSettings s;
    s.url = TestDatabase::url("no_such_database", "registry_app");
    ConnectionPool pool(s);
    BOOST_CHECK_THROW(pool.acquire(), Error);
    BOOST_TEST(pool.stats().inUse == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
