#pragma once

#include <string>

namespace registry::test {

// A real streaming replica of the shared test cluster (REGISTRY_TEST_PGHOST/PORT): pg_basebackup -R
// into a fresh directory, started hot-standby on a Unix socket of its own. Run as the `postgres`
// user when the tests run as root. Stopped and removed on destruction.
class ReplicaCluster {
public:
    ReplicaCluster();
    ~ReplicaCluster();
    ReplicaCluster(const ReplicaCluster&) = delete;
    ReplicaCluster& operator=(const ReplicaCluster&) = delete;

    std::string url(const std::string& database, const std::string& user) const;
    // Waits until `sql` (one value) gives on the replica what it gives on the primary now.
    void catchUp(const std::string& database, const std::string& sql, int timeoutSeconds = 60) const;
    // Stops / resumes applying the primary's WAL (the standby still answers reads).
    void pauseReplay() const;
    void resumeReplay() const;

private:
    std::string dir_;
    std::string bin_;
};

}  // namespace registry::test
