#pragma once

#include "server/core/form_definition.h"
#include "server/core/validator.h"
#include "server/db/pool.h"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace registry::services {

// The published form definitions and database code lists, loaded once and kept: a published
// version never changes, so caching is safe.
class FormCatalog {
public:
    explicit FormCatalog(db::ConnectionPool& pool) : pool_(pool) {}

    // Throws registry::Error(NotFound) for an unknown version.
    std::shared_ptr<const core::FormDefinition> get(int version);
    int latestVersion();
    std::vector<int> versions();
    const core::ExternalCodeLists& codeLists();
    int dismissalListVersion();

private:
    void loadCodeLists();

    db::ConnectionPool& pool_;
    std::mutex mutex_;
    std::map<int, std::shared_ptr<const core::FormDefinition>> forms_;
    core::ExternalCodeLists codeLists_;
    int dismissalListVersion_ = 0;
    bool codeListsLoaded_ = false;
};

}  // namespace registry::services
