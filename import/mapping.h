#pragma once

#include "import/row_error.h"
#include "server/core/form_definition.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace registry::import {

// How one source column becomes (part of) an exam form field. See config/import/README.md.
struct ColumnRule {
    enum class Kind { Text, Code, Codes, Integer, DateTime, Time, Check };
    std::string column;
    Kind kind = Kind::Text;
    std::string field;  // empty for Time (read by its DateTime column) and Check
    bool required = false;
    bool identifying = false;
    std::map<std::string, Poco::Dynamic::Var> values;  // keys lower-cased
    std::string separator;                             // Codes: a property of the column
    std::string unknownCode = "unknown_code";          // error code for a value not in `values`
    std::string timeColumn;                            // DateTime
    bool timeRequired = false;                         // DateTime: without it the day is kept
};

// A record turned into form fields (identifying fields still in clear: the pipeline
// pseudonymises them) plus the cells that could not be read.
struct MappedRecord {
    Poco::JSON::Object::Ptr fields;
    struct CellError {
        std::size_t column;
        std::string code;
        std::string field;  // the field the cell was meant for (empty for a check column)
    };
    std::vector<CellError> errors;
};

// One source layout: which column goes to which field, and how its values translate. Loaded
// from config/import/<name>.json and checked against the form definition, so that a mapping
// can only produce fields and codes the form knows.
class Mapping {
public:
    // Throws FileRefused("unknown_mapping") for a missing file or a malformed name, and
    // std::invalid_argument (a configuration error) for a mapping that does not fit the form.
    static Mapping load(const std::string& directory, const std::string& name, const core::FormDefinition& def);
    static Mapping fromJson(const std::string& text, const std::string& name, const core::FormDefinition& def);

    const std::string& name() const { return name_; }
    int formVersion() const { return formVersion_; }
    const std::string& keyColumn() const { return keyColumn_; }

    // Matches the header to the rules: every mapped column must be there and every column of
    // the file must be mapped (an unexpected column would otherwise be dropped unnoticed).
    // Throws FileRefused("bad_header").
    void bind(const std::vector<std::string>& header);
    std::size_t width() const { return header_.size(); }
    const std::string& columnName(std::size_t index) const { return header_.at(index); }
    bool identifyingColumn(std::size_t index) const;
    std::size_t keyIndex() const { return keyIndex_; }

    // Needs bind(); `values` has width() cells, decoded.
    MappedRecord apply(const std::vector<std::string>& values) const;

    // The column a form field comes from (the date column of a date + time pair), or -1.
    int columnOfField(const std::string& field) const;
    // Whether any column fills `field` (a required field no column fills is not the sheet's fault).
    bool fills(const std::string& field) const { return columnOfField(field) >= 0; }
    // Words for a field in messages, e.g. {"onderzoek", "exam"}; the field code when unset.
    std::pair<std::string, std::string> label(const std::string& field) const;

private:
    std::string name_;
    int formVersion_ = 1;
    std::string keyColumn_;
    std::vector<ColumnRule> rules_;
    std::map<std::string, std::pair<std::string, std::string>> labels_;
    std::map<std::string, std::string> precisionFields_;  // timestamp field → its _precision field
    // After bind():
    std::vector<std::string> header_;
    std::vector<int> ruleOfColumn_;  // header index → rules_ index
    std::map<std::string, std::size_t> columnIndex_;
    std::size_t keyIndex_ = 0;
};

}  // namespace registry::import
