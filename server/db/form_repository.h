#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace registry::db {

class FormRepository {
public:
    // Loads every schema/forms/<form>-v<N>.json into form_definitions (owner connection). A version
    // already published with different content is refused: records keep the version they were
    // made with, so a version must never change. Returns the versions newly loaded.
    static std::vector<int> sync(pqxx::connection& owner, const std::string& formsDir);

    static std::optional<std::string> definition(pqxx::transaction_base& tx, int version);
    static std::vector<int> versions(pqxx::transaction_base& tx);
    // Codes of the newest list version of the dismissal-code reference table.
    static std::set<std::string> dismissalCodes(pqxx::transaction_base& tx, int& listVersion);
};

}  // namespace registry::db
