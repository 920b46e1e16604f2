#include "tests/support/report_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <sstream>
#include <stdexcept>

namespace registry::test {

Poco::JSON::Object::Ptr tableOf(const Poco::JSON::Object::Ptr& report, const std::string& code) {
    auto tables = report->getArray("tables");
    for (std::size_t i = 0; i < tables->size(); ++i) {
        if (tables->getObject(i)->getValue<std::string>("code") == code) return tables->getObject(i);
    }
    throw std::runtime_error("the report has no table " + code);
}

std::optional<double> cellOf(const Poco::JSON::Object::Ptr& table, const std::string& row, const std::string& column) {
    auto columns = table->getArray("columns");
    std::size_t col = columns->size();
    for (std::size_t c = 0; c < columns->size(); ++c) {
        if (columns->getObject(c)->getValue<std::string>("code") == column) col = c;
    }
    if (col == columns->size()) throw std::runtime_error("no column " + column);
    auto rows = table->getArray("rows");
    for (std::size_t r = 0; r < rows->size(); ++r) {
        if (rows->getObject(r)->getValue<std::string>("code") != row) continue;
        auto cell = rows->getObject(r)->getArray("cells")->get(col);
        if (cell.type() == typeid(Poco::JSON::Object::Ptr)) {
            auto mark = cell.extract<Poco::JSON::Object::Ptr>();
            if (!mark->optValue<bool>("suppressed", false)) {
                throw std::runtime_error("cell " + row + "/" + column + " is an object but not a suppression mark");
            }
            return std::nullopt;
        }
        if (cell.isEmpty()) return 0.0;
        return cell.convert<double>();
    }
    throw std::runtime_error("no row " + row);
}

std::string unzipEntry(const std::string& zipBytes, const std::string& name) {
    std::istringstream in(zipBytes);
    Poco::Zip::ZipArchive archive(in);
    auto it = archive.findHeader(name);
    if (it == archive.headerEnd()) return "";
    std::istringstream again(zipBytes);
    Poco::Zip::ZipInputStream zin(again, it->second);
    std::ostringstream out;
    out << zin.rdbuf();
    return out.str();
}

std::vector<std::string> zipEntries(const std::string& zipBytes) {
    std::istringstream in(zipBytes);
    Poco::Zip::ZipArchive archive(in);
    std::vector<std::string> names;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) names.push_back(it->first);
    return names;
}

}  // namespace registry::test
