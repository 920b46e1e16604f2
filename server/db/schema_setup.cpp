#include "server/db/schema_setup.h"

#include "server/db/fact_storage.h"
#include "server/db/form_repository.h"
#include "server/db/migrator.h"

#include <pqxx/pqxx>

namespace registry::db {

std::vector<std::string> setUpSchema(const std::string& ownerUrl, const std::string& schemaDir) {
    // The forms are published, and the report storage regenerated from them, under the
    // migration lock, on its connection: two instances that start together cannot both insert
    // the same version or regenerate the triggers at once.
    return Migrator(ownerUrl, schemaDir).migrate([&](pqxx::connection& owner) {
        std::vector<std::string> changes;
        for (int version : FormRepository::sync(owner, schemaDir + "/forms")) {
            changes.push_back("form definition version " + std::to_string(version));
        }
        if (FactStorage::sync(owner)) changes.push_back("report storage (exam_facts) regenerated from the form definitions");
        return changes;
    });
}

}  // namespace registry::db
