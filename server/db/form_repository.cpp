#include "server/db/form_repository.h"

#include "server/core/crypto.h"
#include "server/core/form_definition.h"
#include "server/db/migrator.h"
#include "server/db/query.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace registry::db {

std::vector<int> FormRepository::sync(pqxx::connection& owner, const std::string& formsDir) {
    static const std::regex pattern(R"([a-z_]+-v(\d+)\.json)");
    std::vector<int> loaded;
    Poco::File dir(formsDir);
    if (!dir.exists()) throw MigrationError("form directory '" + formsDir + "' does not exist");
    pqxx::work tx(owner);
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
        std::smatch match;
        const std::string name = it.name();
        if (!std::regex_match(name, match, pattern)) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        core::FormDefinition definition = [&] {
            try {
                return core::FormDefinition::fromJson(text.str());
            } catch (const std::exception& e) {
                throw MigrationError("form definition " + name + " is invalid: " + e.what());
            }
        }();
        if (definition.version() != std::stoi(match[1].str())) {
            throw MigrationError("form definition " + name + " declares version " + std::to_string(definition.version()));
        }
        const std::string checksum = crypto::sha256Hex(text.str());
        auto existing = tx.exec_params("SELECT checksum FROM form_definitions WHERE version = $1", definition.version());
        if (!existing.empty()) {
            if (existing[0][0].as<std::string>() != checksum) {
                throw MigrationError("form definition " + name +
                                     " differs from the published version; publish a new version instead");
            }
            continue;
        }
        tx.exec_params("INSERT INTO form_definitions (version, form, definition, checksum) VALUES ($1, $2, $3::jsonb, $4)",
                       definition.version(), definition.form(), text.str(), checksum);
        loaded.push_back(definition.version());
    }
    tx.commit();
    return loaded;
}

static const Query kDefinition{"form_definition", "SELECT definition::text FROM form_definitions WHERE version = $1"};
std::optional<std::string> FormRepository::definition(pqxx::transaction_base& tx, int version) {
    auto rows = exec(tx, kDefinition, version);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

static const Query kVersions{"form_versions", "SELECT version FROM form_definitions ORDER BY version"};
std::vector<int> FormRepository::versions(pqxx::transaction_base& tx) {
    std::vector<int> out;
    for (const auto& row : exec(tx, kVersions)) out.push_back(row[0].as<int>());
    return out;
}

static const Query kDismissalCodes{"dismissal_codes_current", R"SQL(
SELECT list_version, code FROM dismissal_codes
 WHERE list_version = (SELECT max(list_version) FROM dismissal_codes) ORDER BY code)SQL"};
std::set<std::string> FormRepository::dismissalCodes(pqxx::transaction_base& tx, int& listVersion) {
    std::set<std::string> codes;
    listVersion = 0;
    for (const auto& row : exec(tx, kDismissalCodes)) {
        listVersion = row[0].as<int>();
        codes.insert(row[1].as<std::string>());
    }
    return codes;
}

}  // namespace registry::db
