#include "server/db/reference_repository.h"

#include "server/db/query.h"

namespace registry::db {

static const Query kRegions{"regions_all", "SELECT code, name_nl, name_en, pilot_start::text FROM regions ORDER BY sort_order"};
std::vector<RegionRow> ReferenceRepository::regions(pqxx::transaction_base& tx) {
    std::vector<RegionRow> out;
    for (const auto& r : exec(tx, kRegions)) {
        out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()});
    }
    return out;
}

static const Query kDismissalCodes{"dismissal_codes_all", R"SQL(
SELECT list_version, code, label_nl, label_en, valid_from::text, coalesce(valid_to::text, '')
  FROM dismissal_codes ORDER BY list_version, code)SQL"};
std::vector<DismissalCodeRow> ReferenceRepository::dismissalCodes(pqxx::transaction_base& tx) {
    std::vector<DismissalCodeRow> out;
    for (const auto& r : exec(tx, kDismissalCodes)) {
        out.push_back({r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                       r[4].as<std::string>(), r[5].as<std::string>()});
    }
    return out;
}

}  // namespace registry::db
