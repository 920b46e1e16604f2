#pragma once

#include "server/db/pool.h"

#include <pqxx/pqxx>

namespace registry::db {

// Runs `work` in one read-write transaction on a pooled connection and commits when it returns.
// An exception rolls back everything, audit events included.
template <typename Work>
auto inTransaction(ConnectionPool& pool, Work&& work) {
    auto lease = pool.acquire();
    pqxx::work tx(*lease);
    if constexpr (std::is_void_v<decltype(work(tx))>) {
        work(tx);
        tx.commit();
    } else {
        auto result = work(tx);
        tx.commit();
        return result;
    }
}

}  // namespace registry::db
