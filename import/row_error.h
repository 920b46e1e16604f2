#pragma once

#include <string>

namespace registry::import {

// One rejected record, as the error report shows it. `value` is the cell as found, left empty
// for identifying columns (valueShown false); `dossier` is the record's Dossiernummer as found,
// so that the person who holds the sheet can find the row (the report goes only to them).
struct RowError {
    long record = 0;  // the header is record 1
    std::string dossier;
    std::string column;
    std::string value;
    bool valueShown = true;
    std::string code;  // stable, see errorMessages()
    std::string messageNl;
    std::string messageEn;
};

struct ErrorMessages {
    const char* nl;
    const char* en;
};

// The Dutch and English message of an error code; nullptr members for an unknown code.
// Codes: missing_value, invalid_date, invalid_time, nonexistent_time, not_a_number, unknown_code,
// unknown_region, duplicate_key, out_of_range, too_long, in_future, invalid_value, inconsistent,
// field_count, invalid_reference. (`order` is worded from the fields' labels.)
ErrorMessages errorMessages(const std::string& code);

// A RowError with the catalogue's messages for `code`.
RowError rowError(long record, const std::string& column, const std::string& code);

}  // namespace registry::import
