#include "server/http/static_site.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace registry::http {
namespace {

const std::map<std::string, std::string>& contentTypes() {
    // Only what the app ships; any other file in the root is not served at all.
    static const std::map<std::string, std::string> types = {
        {"html", "text/html; charset=utf-8"},   {"js", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},     {"json", "application/json; charset=utf-8"},
        {"svg", "image/svg+xml"},                {"png", "image/png"},
        {"ico", "image/x-icon"},                 {"woff2", "font/woff2"},
    };
    return types;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read web asset " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

const std::set<std::string>& StaticSite::pages() {
    static const std::set<std::string> paths = {"/",      "/signin",       "/dashboard", "/exams",
                                                 "/exam",  "/exam/history", "/outcome",   "/account/two-factor"};
    return paths;
}

std::string StaticSite::contentTypeFor(const std::string& path) {
    const auto dot = path.rfind('.');
    const auto slash = path.rfind('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    auto it = contentTypes().find(path.substr(dot + 1));
    return it == contentTypes().end() ? "" : it->second;
}

StaticSite::StaticSite(const std::string& root) {
    if (root.empty()) return;
    Poco::File top(root);
    if (!top.exists() || !top.isDirectory()) throw std::runtime_error("web.root '" + root + "' is not a directory");
    // Depth-first walk; dot-files and dot-directories (editor or VCS droppings) are skipped.
    std::vector<std::pair<std::string, std::string>> pending{{root, ""}};
    while (!pending.empty()) {
        auto [dir, prefix] = pending.back();
        pending.pop_back();
        for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
            const std::string name = it.name();
            if (name.empty() || name[0] == '.') continue;
            const std::string urlPath = prefix + "/" + name;
            if (it->isDirectory()) {
                pending.emplace_back(it->path(), urlPath);
            } else if (it->isFile()) {
                const std::string type = contentTypeFor(name);
                if (!type.empty()) files_[urlPath] = File{type, readFile(it->path())};
            }
        }
    }
}

std::optional<Response> StaticSite::serve(const Request& request) const {
    if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
    const bool page = pages().count(request.path) > 0;
    auto it = files_.find(page ? "/index.html" : request.path);
    if (it == files_.end()) return std::nullopt;
    // The app's files change with every deployment: the browser revalidates instead of caching.
    return Response::text(200, it->second.contentType, it->second.body).withHeader("Cache-Control", "no-cache");
}

}  // namespace registry::http
