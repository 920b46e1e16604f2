#include "server/db/schema_setup.h"

#include "server/db/form_repository.h"
#include "server/db/migrator.h"

#include <pqxx/pqxx>

namespace registry::db {

std::vector<std::string> setUpSchema(const std::string& ownerUrl, const std::string& schemaDir) {
    // The forms are published under the migration lock, on its connection: two instances that
    // start together cannot both insert the same version.
    return Migrator(ownerUrl, schemaDir).migrate([&](pqxx::connection& owner) {
        std::vector<std::string> changes;
        for (int version : FormRepository::sync(owner, schemaDir + "/forms")) {
            changes.push_back("form definition version " + std::to_string(version));
        }
        return changes;
    });
}

}  // namespace registry::db
