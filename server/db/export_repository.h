#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>

namespace registry::db {

struct ExportRow {
    std::string id, requestedBy, requestedAt, region, from, to, status, formVersions;
    long long recordCount = 0;
};

class ExportRepository {
public:
    static void insert(pqxx::transaction_base& tx, const ExportRow& row);
    // Only the researcher who asked sees an export (nullopt otherwise, answered 404).
    static std::optional<ExportRow> find(pqxx::transaction_base& tx, const std::string& id, const std::string& userId);
};

}  // namespace registry::db
