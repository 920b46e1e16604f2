#include "server/services/form_catalog.h"

#include "server/core/errors.h"
#include "server/db/form_repository.h"

#include <pqxx/pqxx>

namespace registry::services {

std::shared_ptr<const core::FormDefinition> FormCatalog::get(int version) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = forms_.find(version);
        if (it != forms_.end()) return it->second;
    }
    std::optional<std::string> text;
    {
        auto lease = pool_.acquire();
        pqxx::read_transaction tx(*lease);
        text = db::FormRepository::definition(tx, version);
    }
    if (!text) throw Error(ErrorKind::NotFound, "There is no form version " + std::to_string(version) + ".");
    auto form = std::make_shared<const core::FormDefinition>(core::FormDefinition::fromJson(*text));
    std::lock_guard<std::mutex> lock(mutex_);
    return forms_.emplace(version, form).first->second;
}

std::vector<int> FormCatalog::versions() {
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    return db::FormRepository::versions(tx);
}

int FormCatalog::latestVersion() {
    auto all = versions();
    if (all.empty()) throw Error(ErrorKind::ServiceUnavailable, "No form definition is published; run registry migrate.");
    return all.back();
}

void FormCatalog::loadCodeLists() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (codeListsLoaded_) return;
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    codeLists_["dismissal_codes"] = db::FormRepository::dismissalCodes(tx, dismissalListVersion_);
    codeListsLoaded_ = true;
}

const core::ExternalCodeLists& FormCatalog::codeLists() {
    loadCodeLists();
    return codeLists_;
}

int FormCatalog::dismissalListVersion() {
    loadCodeLists();
    return dismissalListVersion_;
}

}  // namespace registry::services
