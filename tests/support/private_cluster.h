#pragma once

#include <string>

namespace registry::test {

// A PostgreSQL cluster of the test's own (initdb in a fresh directory, Unix socket only), with
// the three roles of scripts/lib.sh and one database, for tests that stop and crash the
// database itself. Run as the `postgres` user when the tests run as root (initdb refuses root).
class PrivateCluster {
public:
    PrivateCluster();
    ~PrivateCluster();
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;

    void start();
    // pg_ctl stop -m immediate: as a crash, no shutdown checkpoint.
    void crash();
    std::string url(const std::string& user, const std::string& database = "registry") const;

private:
    void pgctl(const std::string& args) const;
    std::string dir_;
    std::string bin_;
};

}  // namespace registry::test
