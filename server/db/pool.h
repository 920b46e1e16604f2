#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace registry::db {

struct PoolSettings {
    std::string url;
    std::size_t size = 8;
    std::chrono::milliseconds acquireTimeout{5000};
    int statementTimeoutMs = 30000;
    std::string applicationName = "registry";
    std::chrono::milliseconds validateAfterIdle{10000};
};

// A bounded pool of PostgreSQL connections. Connections are opened lazily, so the server starts
// (and answers /ready 503) while the database is down; a connection found broken when it is
// returned is dropped and replaced on demand. Waiting for a free connection ends in a 503 error.
class ConnectionPool {
public:
    explicit ConnectionPool(PoolSettings settings);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    class Lease {
    public:
        Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        pqxx::connection& operator*() { return *connection_; }
        pqxx::connection* operator->() { return connection_.get(); }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<pqxx::connection> connection_;
        int exceptionsAtStart_;
    };

    // Throws registry::Error(ServiceUnavailable) when no connection can be had in time.
    Lease acquire();

    struct Stats {
        std::size_t inUse = 0;
        std::size_t idle = 0;
        std::size_t capacity = 0;
    };
    Stats stats() const;

    // Whether the database answers a trivial query now (readiness).
    bool ping();

    // Closes idle connections and refuses further leases; leased ones close when returned.
    void close();

private:
    std::unique_ptr<pqxx::connection> open();
    // A connection idle for a while may have been cut (database restart, failover, firewall):
    // check it with one round trip before handing it out, rather than failing a request.
    static bool stillAlive(pqxx::connection& connection);
    void release(std::unique_ptr<pqxx::connection> connection, bool suspect);

    PoolSettings settings_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    struct Idle {
        std::unique_ptr<pqxx::connection> connection;
        std::chrono::steady_clock::time_point since;
        bool suspect;  // a sibling was found cut: check this one before use
    };
    std::vector<Idle> idle_;
    std::size_t open_ = 0;  // idle + leased + being opened
    bool closed_ = false;
};

}  // namespace registry::db
