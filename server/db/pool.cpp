#include "server/db/pool.h"

#include "server/core/errors.h"
#include "server/db/query.h"

#include <Poco/Logger.h>

namespace registry::db {

ConnectionPool::ConnectionPool(PoolSettings settings) : settings_(std::move(settings)) {}

ConnectionPool::~ConnectionPool() { close(); }

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)), exceptionsAtStart_(std::uncaught_exceptions()) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), exceptionsAtStart_(other.exceptionsAtStart_) {}

ConnectionPool::Lease::~Lease() {
    // Returned while an exception unwinds: the connection may be what failed (pqxx does not
    // always mark a cut connection closed), so it must prove itself before it is reused.
    if (connection_) pool_->release(std::move(connection_), std::uncaught_exceptions() > exceptionsAtStart_);
}

std::unique_ptr<pqxx::connection> ConnectionPool::open() {
    auto connection = std::make_unique<pqxx::connection>(settings_.url);
    {
        pqxx::nontransaction setup(*connection);
        setup.exec("SET statement_timeout = " + std::to_string(settings_.statementTimeoutMs));
        setup.exec("SET application_name = " + setup.quote(settings_.applicationName));
        setup.exec("SET TIME ZONE 'UTC'");
    }
    for (const Query* query : registeredQueries()) connection->prepare(query->name, query->sql);
    return connection;
}

ConnectionPool::Lease ConnectionPool::acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + settings_.acquireTimeout;
    while (true) {
        if (closed_) throw Error(ErrorKind::ServiceUnavailable, "The service is shutting down.");
        if (!idle_.empty()) {
            Idle entry = std::move(idle_.back());
            idle_.pop_back();
            if (!entry.suspect && std::chrono::steady_clock::now() - entry.since < settings_.validateAfterIdle) {
                return Lease(this, std::move(entry.connection));
            }
            lock.unlock();
            const bool alive = stillAlive(*entry.connection);
            lock.lock();
            if (alive) return Lease(this, std::move(entry.connection));
            --open_;  // dropped; the loop opens a fresh one
            continue;
        }
        if (open_ < settings_.size) {
            ++open_;
            lock.unlock();
            try {
                return Lease(this, open());
            } catch (const std::exception& e) {
                Poco::Logger::get("registry.db").error(std::string("cannot connect to the database: ") + e.what());
                lock.lock();
                --open_;
                available_.notify_one();
                throw Error(ErrorKind::ServiceUnavailable, "The database is not available.");
            }
        }
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= settings_.size) {
            throw Error(ErrorKind::ServiceUnavailable, "All database connections are busy; try again shortly.");
        }
    }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> connection, bool suspect) {
    const bool alive = connection->is_open() && (!suspect || stillAlive(*connection));
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || !alive) {
        connection.reset();
        --open_;
        // One connection cut usually means all were (a database restart or failover): make every
        // idle one prove itself before it is used again.
        for (auto& idle : idle_) idle.suspect = true;
    } else {
        idle_.push_back(Idle{std::move(connection), std::chrono::steady_clock::now(), false});
    }
    available_.notify_one();
}

ConnectionPool::Stats ConnectionPool::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return Stats{open_ - idle_.size(), idle_.size(), settings_.size};
}

bool ConnectionPool::stillAlive(pqxx::connection& connection) {
    try {
        pqxx::nontransaction tx(connection);
        tx.exec("SELECT 1");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool ConnectionPool::ping() {
    try {
        auto lease = acquire();
        pqxx::nontransaction tx(*lease);
        tx.exec("SELECT 1");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void ConnectionPool::close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    open_ -= idle_.size();
    idle_.clear();
    available_.notify_all();
}

}  // namespace registry::db
