#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace registry::db {

// A named, parameterised SQL statement. Repositories declare them as `static const Query` next to
// the method that runs them; each one registers itself so that every pooled connection prepares
// it (pqxx prepares lazily, on first use).
struct Query {
    Query(const char* name, const char* sql);
    const char* name;
    const char* sql;
};

const std::vector<const Query*>& registeredQueries();

template <typename... Args>
pqxx::result exec(pqxx::transaction_base& tx, const Query& query, const Args&... args) {
    return tx.exec_prepared(query.name, args...);
}

}  // namespace registry::db
