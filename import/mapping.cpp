#include "import/mapping.h"

#include "import/csv_reader.h"
#include "import/file_refused.h"
#include "import/local_time.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace registry::import {
namespace {

std::string lowerAscii(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

ColumnRule::Kind kindOf(const std::string& kind, const std::string& column) {
    static const std::map<std::string, ColumnRule::Kind> kinds = {
        {"text", ColumnRule::Kind::Text},         {"code", ColumnRule::Kind::Code},
        {"codes", ColumnRule::Kind::Codes},       {"integer", ColumnRule::Kind::Integer},
        {"datetime", ColumnRule::Kind::DateTime}, {"time", ColumnRule::Kind::Time},
        {"check", ColumnRule::Kind::Check}};
    const auto it = kinds.find(kind);
    if (it == kinds.end()) throw std::invalid_argument("column '" + column + "': unknown kind '" + kind + "'");
    return it->second;
}

// The codes a rule may produce must be codes of its field (or true/false for a bool field).
void checkValues(const ColumnRule& rule, const core::FieldDef& f) {
    for (const auto& [from, to] : rule.values) {
        if (f.type == core::FieldType::Bool) {
            if (!to.isBoolean()) throw std::invalid_argument("column '" + rule.column + "': '" + from + "' must map to true or false");
        } else if (!to.isString() || !f.findCode(to.extract<std::string>())) {
            throw std::invalid_argument("column '" + rule.column + "': '" + from + "' maps to " + to.toString() +
                                        ", which is not a code of " + f.code);
        }
    }
}

}  // namespace

Mapping Mapping::load(const std::string& directory, const std::string& name, const core::FormDefinition& def) {
    // The name becomes part of a path: only plain names, so that no upload can point elsewhere.
    if (!std::regex_match(name, std::regex("^[a-z0-9][a-z0-9_-]{0,63}$"))) {
        throw FileRefused("unknown_mapping", "there is no mapping named '" + name.substr(0, 64) + "'");
    }
    std::ifstream in(directory + "/" + name + ".json", std::ios::binary);
    if (!in) throw FileRefused("unknown_mapping", "there is no mapping named '" + name + "' in " + directory);
    std::ostringstream text;
    text << in.rdbuf();
    return fromJson(text.str(), name, def);
}

Mapping Mapping::fromJson(const std::string& text, const std::string& name, const core::FormDefinition& def) {
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception& e) {
        throw std::invalid_argument("mapping " + name + " is not a JSON object: " + e.what());
    }
    Mapping m;
    m.name_ = name;
    m.formVersion_ = root->optValue<int>("form_version", 1);
    if (m.formVersion_ != def.version()) {
        throw std::invalid_argument("mapping " + name + " is for form version " + std::to_string(m.formVersion_));
    }
    m.keyColumn_ = root->getValue<std::string>("key_column");
    std::map<std::string, std::map<std::string, Poco::Dynamic::Var>> sets;
    if (auto valueSets = root->getObject("value_sets")) {
        for (const auto& setName : valueSets->getNames()) {
            auto set = valueSets->getObject(setName);
            if (!set) throw std::invalid_argument("value set " + setName + " must be an object");
            for (const auto& from : set->getNames()) sets[setName][lowerAscii(from)] = set->get(from);
        }
    }
    if (auto labels = root->getObject("labels")) {
        for (const auto& field : labels->getNames()) {
            auto pair = labels->getObject(field);
            m.labels_[field] = {pair->getValue<std::string>("nl"), pair->getValue<std::string>("en")};
        }
    }
    auto columns = root->getArray("columns");
    if (!columns || columns->size() == 0) throw std::invalid_argument("mapping " + name + " has no columns");
    std::map<std::string, std::size_t> timeOwners;
    for (std::size_t i = 0; i < columns->size(); ++i) {
        auto c = columns->getObject(i);
        if (!c) throw std::invalid_argument("mapping " + name + ": columns[" + std::to_string(i) + "] is not an object");
        ColumnRule rule;
        rule.column = c->getValue<std::string>("column");
        rule.kind = kindOf(c->getValue<std::string>("kind"), rule.column);
        rule.field = c->optValue<std::string>("field", "");
        rule.required = c->optValue<bool>("required", false);
        rule.separator = c->optValue<std::string>("separator", "");
        rule.unknownCode = c->optValue<std::string>("unknown_error", "unknown_code");
        rule.timeColumn = c->optValue<std::string>("time_column", "");
        rule.timeRequired = c->optValue<bool>("time_required", false);
        if (!errorMessages(rule.unknownCode).en) {
            throw std::invalid_argument("column '" + rule.column + "': unknown error code " + rule.unknownCode);
        }
        if (c->has("values")) {
            if (c->isObject("values")) {
                auto values = c->getObject("values");
                for (const auto& from : values->getNames()) rule.values[lowerAscii(from)] = values->get(from);
            } else {
                const auto setName = c->getValue<std::string>("values");
                if (!sets.count(setName)) throw std::invalid_argument("column '" + rule.column + "': no value set " + setName);
                rule.values = sets[setName];
            }
        }
        const bool needsField = rule.kind != ColumnRule::Kind::Time && rule.kind != ColumnRule::Kind::Check;
        if (needsField) {
            const auto* f = def.field(rule.field);
            if (!f) throw std::invalid_argument("column '" + rule.column + "': the form has no field '" + rule.field + "'");
            rule.identifying = f->identifying;
            if (rule.kind == ColumnRule::Kind::Code || rule.kind == ColumnRule::Kind::Codes) checkValues(rule, *f);
            if (rule.kind == ColumnRule::Kind::Codes && rule.separator.empty()) {
                throw std::invalid_argument("column '" + rule.column + "' holds several codes but has no separator");
            }
            if (rule.kind == ColumnRule::Kind::DateTime) {
                if (f->type != core::FieldType::Timestamp) {
                    throw std::invalid_argument("column '" + rule.column + "': " + rule.field + " is not a timestamp");
                }
                if (rule.timeColumn.empty()) throw std::invalid_argument("column '" + rule.column + "' needs a time_column");
                timeOwners[rule.timeColumn] = i;
                if (const auto* p = def.precisionField(rule.field)) m.precisionFields_[rule.field] = p->code;
            }
        } else if (!rule.field.empty()) {
            throw std::invalid_argument("column '" + rule.column + "' is read with another column and names no field");
        }
        m.rules_.push_back(std::move(rule));
    }
    for (const auto& [timeColumn, owner] : timeOwners) {
        const bool found = std::any_of(m.rules_.begin(), m.rules_.end(), [&](const ColumnRule& r) {
            return r.column == timeColumn && r.kind == ColumnRule::Kind::Time;
        });
        if (!found) throw std::invalid_argument("time column '" + timeColumn + "' is not declared with kind time");
        (void)owner;
    }
    if (std::none_of(m.rules_.begin(), m.rules_.end(), [&](const ColumnRule& r) { return r.column == m.keyColumn_; })) {
        throw std::invalid_argument("key column '" + m.keyColumn_ + "' is not a column of the mapping");
    }
    return m;
}

void Mapping::bind(const std::vector<std::string>& header) {
    header_ = header;
    ruleOfColumn_.assign(header.size(), -1);
    columnIndex_.clear();
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i].empty()) continue;  // an unnamed column is refused below
        if (columnIndex_.count(header[i])) {
            throw FileRefused("bad_header", "column '" + header[i] + "' occurs twice in the header");
        }
        columnIndex_[header[i]] = i;
    }
    std::vector<std::string> missing;
    for (std::size_t r = 0; r < rules_.size(); ++r) {
        const auto it = columnIndex_.find(rules_[r].column);
        if (it == columnIndex_.end()) {
            missing.push_back(rules_[r].column);
        } else {
            ruleOfColumn_[it->second] = static_cast<int>(r);
        }
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& c : missing) list += (list.empty() ? "'" : ", '") + c + "'";
        throw FileRefused("bad_header", "the header lacks column(s) " + list + " of mapping " + name_);
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (ruleOfColumn_[i] < 0 && header[i].empty()) {
            throw FileRefused("bad_header", "column " + std::to_string(i + 1) +
                                                " has no name in the header but holds data: name it or delete it");
        }
        if (ruleOfColumn_[i] < 0) {
            throw FileRefused("bad_header", "column " + std::to_string(i + 1) + " ('" + header[i].substr(0, 80) +
                                                "') is not part of mapping " + name_);
        }
    }
    keyIndex_ = columnIndex_.at(keyColumn_);
}

bool Mapping::identifyingColumn(std::size_t index) const {
    const int r = ruleOfColumn_.at(index);
    return r >= 0 && rules_[static_cast<std::size_t>(r)].identifying;
}

int Mapping::columnOfField(const std::string& field) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
        const auto& rule = rules_[static_cast<std::size_t>(ruleOfColumn_[i])];
        if (rule.field == field) return static_cast<int>(i);
        const auto p = precisionFields_.find(rule.field);
        if (p != precisionFields_.end() && p->second == field) return static_cast<int>(i);
    }
    return -1;
}

std::pair<std::string, std::string> Mapping::label(const std::string& field) const {
    const auto it = labels_.find(field);
    return it == labels_.end() ? std::make_pair(field, field) : it->second;
}

MappedRecord Mapping::apply(const std::vector<std::string>& values) const {
    MappedRecord out;
    out.fields = new Poco::JSON::Object;
    const auto lookup = [](const ColumnRule& rule, const std::string& v) -> const Poco::Dynamic::Var* {
        const auto it = rule.values.find(lowerAscii(v));
        return it == rule.values.end() ? nullptr : &it->second;
    };
    for (std::size_t i = 0; i < header_.size(); ++i) {
        const auto& rule = rules_[static_cast<std::size_t>(ruleOfColumn_[i])];
        const std::string v = trimCell(values[i]);
        switch (rule.kind) {
            case ColumnRule::Kind::Time:
                break;  // read with its date
            case ColumnRule::Kind::DateTime: {
                const std::size_t t = columnIndex_.at(rule.timeColumn);
                const std::string time = trimCell(values[t]);
                if (v.empty()) {
                    if (rule.required || !time.empty()) out.errors.push_back({i, "missing_value", rule.field});
                    break;
                }
                const auto day = parseDutchDate(v);
                if (!day) {
                    out.errors.push_back({i, "invalid_date", rule.field});
                    break;
                }
                int minutes = 0;
                std::string precision = "exact";
                if (time.empty()) {
                    if (rule.timeRequired) {
                        out.errors.push_back({t, "missing_value", rule.field});
                        break;
                    }
                    precision = "day";
                } else if (const auto m = parseClockTime(time)) {
                    minutes = *m;
                } else {
                    out.errors.push_back({t, "invalid_time", rule.field});
                    break;
                }
                const auto instant = amsterdamToInstant(*day, minutes);
                if (instant.kind == AmsterdamInstant::Kind::Nonexistent) {
                    out.errors.push_back({t, "nonexistent_time", rule.field});
                    break;
                }
                out.fields->set(rule.field, instant.iso);
                const auto p = precisionFields_.find(rule.field);
                if (p != precisionFields_.end()) out.fields->set(p->second, precision);
                break;
            }
            default: {
                if (v.empty()) {
                    if (rule.required) out.errors.push_back({i, "missing_value", rule.field});
                    break;
                }
                if (rule.kind == ColumnRule::Kind::Text) {
                    out.fields->set(rule.field, v);
                } else if (rule.kind == ColumnRule::Kind::Integer) {
                    const std::size_t sign = v[0] == '-' ? 1 : 0;
                    const bool digitsOnly = v.size() > sign && v.size() - sign <= 9 &&
                                            std::all_of(v.begin() + static_cast<long>(sign), v.end(),
                                                        [](char d) { return d >= '0' && d <= '9'; });
                    if (!digitsOnly) {
                        out.errors.push_back({i, "not_a_number", rule.field});
                    } else {
                        out.fields->set(rule.field, static_cast<Poco::Int64>(std::stoll(v)));
                    }
                } else if (rule.kind == ColumnRule::Kind::Codes) {
                    Poco::JSON::Array::Ptr codes = new Poco::JSON::Array;
                    bool ok = true;
                    std::size_t from = 0;
                    while (from <= v.size()) {
                        std::size_t at = v.find(rule.separator, from);
                        if (at == std::string::npos) at = v.size();
                        const std::string part = trimCell(v.substr(from, at - from));
                        from = at + rule.separator.size();
                        if (part.empty()) continue;
                        if (const auto* code = lookup(rule, part)) {
                            codes->add(*code);
                        } else {
                            ok = false;
                        }
                    }
                    if (!ok) {
                        out.errors.push_back({i, rule.unknownCode, rule.field});
                    } else if (codes->size() > 0) {
                        out.fields->set(rule.field, codes);
                    }
                } else if (const auto* code = lookup(rule, v)) {
                    if (rule.kind == ColumnRule::Kind::Code) out.fields->set(rule.field, *code);
                } else {
                    out.errors.push_back({i, rule.unknownCode, rule.field});
                }
            }
        }
    }
    return out;
}

}  // namespace registry::import
