#include "tests/support/replica_cluster.h"

#include "server/core/crypto.h"

#include <Poco/File.h>
#include <Poco/Glob.h>
#include <pqxx/pqxx>

#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace registry::test {
namespace {

// Its own socket directory, so the port number cannot clash with any other cluster.
constexpr int kPort = 55443;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set (run the tests through ./test.sh)");
    return v;
}

void run(const std::string& command) {
    const std::string full = ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
    if (std::system((full + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + full);
}

std::string primaryUrl() {
    return "postgresql:///postgres?host=" + env("REGISTRY_TEST_PGHOST") + "&port=" + env("REGISTRY_TEST_PGPORT") +
           "&user=postgres";
}

}  // namespace

ReplicaCluster::ReplicaCluster() {
    std::set<std::string> bins;
    Poco::Glob::glob("/usr/lib/postgresql/*/bin/pg_basebackup", bins);
    if (bins.empty()) throw std::runtime_error("PostgreSQL binaries not found under /usr/lib/postgresql");
    bin_ = bins.rbegin()->substr(0, bins.rbegin()->size() - std::string("/pg_basebackup").size());
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    dir_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/replica-" + crypto::toHex(crypto::randomBytes(6));
    Poco::File(dir_).createDirectories();
    if (::geteuid() == 0 && std::system(("chown postgres:postgres " + dir_).c_str()) != 0) {
        throw std::runtime_error("cannot chown " + dir_);
    }
    // A hot standby needs at least the primary's max_connections (and the like).
    std::string connections;
    {
        pqxx::connection p(primaryUrl());
        pqxx::nontransaction tx(p);
        connections = tx.exec("SELECT setting FROM pg_settings WHERE name = 'max_connections'")[0][0].as<std::string>();
    }
    // -R writes primary_conninfo and standby.signal: the copy starts as a streaming standby.
    run(bin_ + "/pg_basebackup -h " + env("REGISTRY_TEST_PGHOST") + " -p " + env("REGISTRY_TEST_PGPORT") +
        " -U postgres -D " + dir_ + "/data -R -X stream -c fast");
    run(bin_ + "/pg_ctl -D " + dir_ + "/data -w -t 60 -l " + dir_ + "/postgresql.log start -o \"-c listen_addresses='' " +
        "-c unix_socket_directories='" + dir_ + "' -p " + std::to_string(kPort) + " -c fsync=off -c hot_standby=on -c max_connections=" + connections + "\"");
    pqxx::connection c(url("postgres", "postgres"));
    pqxx::nontransaction tx(c);
    if (!tx.exec("SELECT pg_is_in_recovery()")[0][0].as<bool>()) throw std::runtime_error("the replica is not a standby");
}

ReplicaCluster::~ReplicaCluster() {
    try {
        run(bin_ + "/pg_ctl -D " + dir_ + "/data -w -t 60 -m immediate stop");
    } catch (...) {
    }
    try {
        Poco::File(dir_).remove(true);
    } catch (...) {
    }
}

std::string ReplicaCluster::url(const std::string& database, const std::string& user) const {
    return "postgresql:///" + database + "?host=" + dir_ + "&port=" + std::to_string(kPort) + "&user=" + user;
}

void ReplicaCluster::catchUp(const std::string& database, const std::string& sql, int timeoutSeconds) const {
    std::string target;
    {
        pqxx::connection p("postgresql:///" + database + "?host=" + env("REGISTRY_TEST_PGHOST") + "&port=" +
                           env("REGISTRY_TEST_PGPORT") + "&user=postgres");
        pqxx::nontransaction tx(p);
        target = tx.exec(sql)[0][0].c_str();
    }
    pqxx::connection r(url(database, "postgres"));
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    while (std::chrono::steady_clock::now() < deadline) {
        pqxx::nontransaction tx(r);
        seen = tx.exec(sql)[0][0].c_str();
        if (seen == target) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pqxx::nontransaction tx(r);
    const auto receiver = tx.exec("SELECT coalesce(max(status), 'no wal receiver') FROM pg_stat_wal_receiver");
    throw std::runtime_error("the replica did not catch up: " + seen + " instead of " + target + " (" +
                             receiver[0][0].c_str() + ")");
}

void ReplicaCluster::pauseReplay() const {
    pqxx::connection r(url("postgres", "postgres"));
    pqxx::nontransaction tx(r);
    tx.exec("SELECT pg_wal_replay_pause()");
    // Paused means paused: wait until the standby says so.
    for (int i = 0; i < 200; ++i) {
        if (tx.exec("SELECT pg_get_wal_replay_pause_state()")[0][0].as<std::string>() == "paused") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("the replica did not pause");
}

void ReplicaCluster::resumeReplay() const {
    pqxx::connection r(url("postgres", "postgres"));
    pqxx::nontransaction tx(r);
    tx.exec("SELECT pg_wal_replay_resume()");
}

}  // namespace registry::test
