#include "server/core/fact_columns.h"

#include "server/core/crypto.h"

#include <map>
#include <set>
#include <stdexcept>

namespace registry::core {
namespace {

// Columns of exam_facts that are not generated; a field of that name gets a suffix.
const std::set<std::string>& fixedColumns() {
    static const std::set<std::string> names{"exam_id",          "region",           "status",
                                             "form_version",     "version",          "outcome_version",
                                             "victim_pseudonym", "hours_report_to_exam", "hours_incident_to_exam",
                                             "within_24h",       "within_48h",       "within_72h",
                                             "internal_only"};
    return names;
}

// PostgreSQL cuts identifiers at 63 bytes, which could make two long names collide: a long name
// is shortened with a hash of the full one.
std::string columnName(std::string name) {
    if (fixedColumns().count(name)) name += "_value";
    if (name.size() <= 63) return name;
    return name.substr(0, 54) + "_" + crypto::sha256Hex(name).substr(0, 8);
}

std::string sourceOf(const FieldDef& f) {
    if (f.recordedBy == "police") return "police_fields";
    if (f.recordedBy == "prosecutor") return "om_fields";
    return "fields";
}

const char* sqlTypeOf(FieldType type) {
    switch (type) {
        case FieldType::Enum: return "text";
        case FieldType::Bool: return "boolean";
        case FieldType::Integer: return "bigint";
        case FieldType::Timestamp: return "timestamptz";
        case FieldType::Date: return "date";
        default: return "boolean";
    }
}

}  // namespace

std::vector<FieldDef> mergedFields(const std::vector<const FormDefinition*>& definitions) {
    std::vector<FieldDef> merged;
    std::map<std::string, std::size_t> index;
    for (const FormDefinition* def : definitions) {
        for (const FieldDef& f : def->fields()) {
            auto it = index.find(f.code);
            if (it == index.end()) {
                index[f.code] = merged.size();
                merged.push_back(f);
                continue;
            }
            FieldDef& known = merged[it->second];
            if (known.type != f.type) {
                throw std::invalid_argument("field '" + f.code + "' changes type between form versions");
            }
            // Keep the first version's order, with later additions at the end; a code dropped
            // later stays reportable for the records that used it.
            std::vector<CodeDef> ordered;
            for (const CodeDef& c : known.codes) ordered.push_back(f.findCode(c.code) ? *f.findCode(c.code) : c);
            for (const CodeDef& c : f.codes) {
                if (!known.findCode(c.code)) ordered.push_back(c);
            }
            FieldDef updated = f;
            updated.codes = ordered;
            known = updated;
        }
    }
    return merged;
}

std::vector<FactColumn> factColumns(const std::vector<const FormDefinition*>& definitions) {
    std::vector<FactColumn> columns;
    for (const FieldDef& f : mergedFields(definitions)) {
        if (f.identifying) continue;
        FactColumn c;
        c.field = f.code;
        c.type = f.type;
        c.source = sourceOf(f);
        switch (f.type) {
            case FieldType::MultiEnum:
                for (const CodeDef& code : f.codes) {
                    FactColumn o = c;
                    o.kind = FactColumn::Kind::Option;
                    o.option = code.code;
                    o.name = columnName(f.code + "___" + code.code);
                    o.sqlType = "smallint";
                    columns.push_back(o);
                }
                continue;
            case FieldType::String:
            case FieldType::Text:
            case FieldType::List:
            case FieldType::Object:
                c.kind = FactColumn::Kind::Answered;
                break;
            default:
                c.kind = FactColumn::Kind::Value;
        }
        c.name = columnName(f.code);
        c.sqlType = sqlTypeOf(f.type);
        columns.push_back(c);
    }
    return columns;
}

bool isNonAnswerCode(const std::string& code) { return code == "unknown" || code == "not_asked"; }

}  // namespace registry::core
