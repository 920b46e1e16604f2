#include "server/db/query.h"

namespace registry::db {
namespace {
std::vector<const Query*>& registry() {
    static std::vector<const Query*> queries;
    return queries;
}
}  // namespace

Query::Query(const char* n, const char* s) : name(n), sql(s) { registry().push_back(this); }

const std::vector<const Query*>& registeredQueries() { return registry(); }

}  // namespace registry::db
