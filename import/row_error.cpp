#include "import/row_error.h"

#include <map>

namespace registry::import {

ErrorMessages errorMessages(const std::string& code) {
    static const std::map<std::string, ErrorMessages> kMessages = {
        {"missing_value", {"verplichte waarde ontbreekt", "missing required value"}},
        {"invalid_date", {"ongeldige datum", "invalid date"}},
        {"invalid_time", {"ongeldige tijd", "invalid time"}},
        {"nonexistent_time",
         {"tijdstip bestaat niet (overgang naar zomertijd)", "time does not exist (change to summer time)"}},
        {"not_a_number", {"geen getal", "not a number"}},
        {"unknown_code", {"onbekende code", "unknown code"}},
        {"unknown_region", {"onbekende regio", "unknown region"}},
        {"duplicate_key", {"Dossiernummer komt eerder in het bestand voor", "duplicate Dossiernummer"}},
        {"out_of_range", {"buiten het toegestane bereik", "out of range"}},
        {"too_long", {"waarde te lang", "value too long"}},
        {"in_future", {"tijdstip in de toekomst", "time in the future"}},
        {"invalid_value", {"ongeldige waarde", "invalid value"}},
        {"inconsistent", {"strijdig met andere antwoorden", "inconsistent with other answers"}},
        {"field_count", {"verkeerd aantal kolommen", "wrong number of columns"}},
        {"invalid_reference", {"kenmerk bevat geen letters of cijfers", "reference holds no letters or digits"}},
    };
    const auto it = kMessages.find(code);
    return it == kMessages.end() ? ErrorMessages{nullptr, nullptr} : it->second;
}

RowError rowError(long record, const std::string& column, const std::string& code) {
    RowError e;
    e.record = record;
    e.column = column;
    e.code = code;
    const auto m = errorMessages(code);
    e.messageNl = m.nl ? m.nl : code;
    e.messageEn = m.en ? m.en : code;
    return e;
}

}  // namespace registry::import
