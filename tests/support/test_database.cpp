#include "tests/support/test_database.h"

#include "server/core/crypto.h"
#include "server/db/schema_setup.h"

#include <pqxx/pqxx>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <unistd.h>
#include <mutex>
#include <stdexcept>

namespace registry::test {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) {
        throw std::runtime_error(std::string(name) + " is not set: run the tests through ./test.sh");
    }
    return value;
}

// One template per test process: CTest runs the suites as separate processes, in parallel.
const std::string kTemplate = "registry_test_template_" + std::to_string(::getpid());

void prepareTemplate() {
    static std::once_flag once;
    std::call_once(once, [] {
        pqxx::connection admin(TestDatabase::url("postgres", "postgres"));
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + kTemplate + " WITH (FORCE)");
        tx.exec("CREATE DATABASE " + kTemplate + " OWNER registry_owner");
        db::setUpSchema(TestDatabase::url(kTemplate, "registry_owner"), TestDatabase::schemaDir());
        // Dropped when the process ends, so that a long run does not pile templates up.
        static struct DropAtExit {
            ~DropAtExit() {
                try {
                    pqxx::connection c(TestDatabase::url("postgres", "postgres"));
                    pqxx::nontransaction t(c);
                    t.exec("DROP DATABASE IF EXISTS " + kTemplate + " WITH (FORCE)");
                } catch (const std::exception&) {
                }
            }
        } dropAtExit;
    });
}

}  // namespace

std::string TestDatabase::sourceDir() {
    const char* dir = std::getenv("REGISTRY_SOURCE_DIR");
    return dir && *dir ? dir : REGISTRY_SOURCE_DIR;
}

std::string TestDatabase::schemaDir() { return sourceDir() + "/schema"; }

std::string TestDatabase::url(const std::string& database, const std::string& user) {
    return "postgresql:///" + database + "?host=" + env("REGISTRY_TEST_PGHOST") + "&port=" + env("REGISTRY_TEST_PGPORT") +
           "&user=" + user;
}

TestDatabase::TestDatabase() {
    prepareTemplate();
    name_ = "t_" + crypto::toHex(crypto::randomBytes(8));
    pqxx::connection admin(url("postgres", "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name_ + " TEMPLATE " + kTemplate + " OWNER registry_owner");
}

TestDatabase::~TestDatabase() {
    try {
        pqxx::connection admin(url("postgres", "postgres"));
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
        // A leftover database in a throwaway cluster harms nothing.
    }
}

std::string TestDatabase::serviceUrl() const { return url(name_, "registry_app"); }
std::string TestDatabase::ownerUrl() const { return url(name_, "registry_owner"); }
std::string TestDatabase::adminUrl() const { return url(name_, "postgres"); }

void TestDatabase::execute(const std::string& sql) const {
    pqxx::connection c(ownerUrl());
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
}

long long TestDatabase::scalar(const std::string& sql) const {
    pqxx::connection c(ownerUrl());
    pqxx::read_transaction tx(c);
    return tx.exec(sql)[0][0].as<long long>();
}

void TestDatabase::terminateConnections(const std::string& user) const {
    pqxx::connection admin(url("postgres", "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND ($2 = '' OR usename = $2)",
                   name_, user);
    // Termination is asynchronous; wait until the backends are really gone.
    for (int i = 0; i < 500; ++i) {
        auto left = tx.exec_params(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND ($2 = '' OR usename = $2) AND pid <> pg_backend_pid()",
            name_, user);
        if (left[0][0].as<int>() == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void TestDatabase::takeOffline() {
    {
        pqxx::connection admin(url("postgres", "postgres"));
        pqxx::nontransaction tx(admin);
        tx.exec("ALTER DATABASE " + name_ + " WITH ALLOW_CONNECTIONS false");
    }
    terminateConnections();
}

void TestDatabase::bringOnline() {
    pqxx::connection admin(url("postgres", "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("ALTER DATABASE " + name_ + " WITH ALLOW_CONNECTIONS true");
}

}  // namespace registry::test
