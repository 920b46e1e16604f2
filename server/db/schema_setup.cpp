#include "server/db/schema_setup.h"

#include "server/db/form_repository.h"
#include "server/db/migrator.h"

#include <pqxx/pqxx>

namespace registry::db {

std::vector<std::string> setUpSchema(const std::string& ownerUrl, const std::string& schemaDir) {
    auto changes = Migrator(ownerUrl, schemaDir).migrate();
    pqxx::connection owner(ownerUrl);
    for (int version : FormRepository::sync(owner, schemaDir + "/forms")) {
        changes.push_back("form definition version " + std::to_string(version));
    }
    return changes;
}

}  // namespace registry::db
