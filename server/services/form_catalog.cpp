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
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    return get(tx, version);
}

std::shared_ptr<const core::FormDefinition> FormCatalog::get(pqxx::transaction_base& tx, int version) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = forms_.find(version);
        if (it != forms_.end()) return it->second;
    }
    // The code lists come with the first form, so that validation never has to fetch them later.
    loadCodeLists(tx);
    const auto text = db::FormRepository::definition(tx, version);
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
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    return latestVersion(tx);
}

int FormCatalog::latestVersion(pqxx::transaction_base& tx) {
    auto all = db::FormRepository::versions(tx);
    if (all.empty()) throw Error(ErrorKind::ServiceUnavailable, "No form definition is published; run registry migrate.");
    return all.back();
}

void FormCatalog::loadCodeLists(pqxx::transaction_base& tx) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (codeListsLoaded_) return;
    codeLists_["dismissal_codes"] = db::FormRepository::dismissalCodes(tx, dismissalListVersion_);
    codeListsLoaded_ = true;
}

const core::ExternalCodeLists& FormCatalog::codeLists() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (codeListsLoaded_) return codeLists_;
    }
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(*lease);
    return codeLists(tx);
}

const core::ExternalCodeLists& FormCatalog::codeLists(pqxx::transaction_base& tx) {
    loadCodeLists(tx);
    return codeLists_;
}

int FormCatalog::dismissalListVersion(pqxx::transaction_base& tx) {
    loadCodeLists(tx);
    return dismissalListVersion_;
}

}  // namespace registry::services
