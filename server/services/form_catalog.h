#pragma once

#include "server/core/form_definition.h"
#include "server/core/validator.h"
#include "server/db/pool.h"

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace registry::services {

// The published form definitions and database code lists, loaded once and kept: a published
// version never changes, so caching is safe.
// Inside a transaction, use the overloads that take it: they read through the caller's own
// connection, so that a request never holds one pool lease while it waits for a second.
class FormCatalog {
public:
    explicit FormCatalog(db::ConnectionPool& pool) : pool_(pool) {}

    // Throws registry::Error(NotFound) for an unknown version.
    std::shared_ptr<const core::FormDefinition> get(int version);
    std::shared_ptr<const core::FormDefinition> get(pqxx::transaction_base& tx, int version);
    int latestVersion();
    int latestVersion(pqxx::transaction_base& tx);  // through the caller's transaction
    std::vector<int> versions();
    const core::ExternalCodeLists& codeLists();
    const core::ExternalCodeLists& codeLists(pqxx::transaction_base& tx);
    int dismissalListVersion(pqxx::transaction_base& tx);

private:
    void loadCodeLists(pqxx::transaction_base& tx);

    db::ConnectionPool& pool_;
    std::mutex mutex_;
    std::map<int, std::shared_ptr<const core::FormDefinition>> forms_;
    core::ExternalCodeLists codeLists_;
    int dismissalListVersion_ = 0;
    bool codeListsLoaded_ = false;
};

}  // namespace registry::services
