#include "tests/support/private_cluster.h"

#include "server/core/crypto.h"

#include <Poco/File.h>
#include <Poco/Glob.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <unistd.h>

namespace registry::test {
namespace {
constexpr int kPort = 55499;

void run(const std::string& command) {
    const std::string full = ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
    if (std::system((full + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + full);
}
}  // namespace

PrivateCluster::PrivateCluster() {
    std::set<std::string> bins;
    Poco::Glob::glob("/usr/lib/postgresql/*/bin/initdb", bins);
    if (bins.empty()) throw std::runtime_error("PostgreSQL server binaries not found under /usr/lib/postgresql");
    bin_ = bins.rbegin()->substr(0, bins.rbegin()->size() - std::string("/initdb").size());
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    dir_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/cluster-" + crypto::toHex(crypto::randomBytes(6));
    Poco::File(dir_).createDirectories();
    if (::geteuid() == 0 && std::system(("chown postgres:postgres " + dir_).c_str()) != 0) {
        throw std::runtime_error("cannot chown " + dir_);
    }
    run(bin_ + "/initdb -D " + dir_ + "/data -U postgres --auth-local=trust --auth-host=reject --encoding=UTF8 --locale=C.UTF-8");
    start();
    pqxx::connection admin(url("postgres", "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE ROLE registry_service NOLOGIN");
    tx.exec("CREATE ROLE registry_owner LOGIN CREATEROLE CREATEDB");
    tx.exec("CREATE ROLE registry_app LOGIN IN ROLE registry_service");
    tx.exec("CREATE DATABASE registry OWNER registry_owner");
}

PrivateCluster::~PrivateCluster() {
    try {
        pgctl("stop -m immediate");
    } catch (...) {
    }
    try {
        Poco::File(dir_).remove(true);
    } catch (...) {
    }
}

void PrivateCluster::pgctl(const std::string& args) const { run(bin_ + "/pg_ctl -D " + dir_ + "/data -w -t 60 " + args); }

void PrivateCluster::start() {
    pgctl("-l " + dir_ + "/postgresql.log start -o \"-c listen_addresses='' -c unix_socket_directories='" + dir_ + "' -p " +
          std::to_string(kPort) + " -c fsync=off\"");
}

void PrivateCluster::crash() { pgctl("stop -m immediate"); }

std::string PrivateCluster::url(const std::string& user, const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_ + "&port=" + std::to_string(kPort) + "&user=" + user;
}

}  // namespace registry::test
