#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace registry::db {

struct RegionRow {
    std::string code, nameNl, nameEn, pilotStart;
};

struct DismissalCodeRow {
    int listVersion = 0;
    std::string code, labelNl, labelEn, validFrom, validTo;
};

// Reference data that lives in schema/: the pilot regions and the dismissal-code lists.
class ReferenceRepository {
public:
    static std::vector<RegionRow> regions(pqxx::transaction_base& tx);
    static std::vector<DismissalCodeRow> dismissalCodes(pqxx::transaction_base& tx);
};

}  // namespace registry::db
