#pragma once

#include "server/http/request.h"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace registry::http {

// The web app's static files (server/web/app, or web.root in production). Every file is read
// once at start and served from memory: the set of answerable paths is fixed then, so no request
// path ever reaches the file system and nothing outside the root (or a dot-file) can be served.
// The app's pages (e.g. /dashboard) all answer its one index.html; the app routes in the browser.
class StaticSite {
public:
    // An empty root serves nothing. Throws std::runtime_error when the root is not a directory.
    explicit StaticSite(const std::string& root);

    // The file for GET/HEAD of `path`, or nullopt (the caller answers 404 as for any route).
    std::optional<Response> serve(const Request& request) const;
    std::size_t fileCount() const { return files_.size(); }

    // Paths of the app's pages: the browser app decides what each shows.
    static const std::set<std::string>& pages();
    static std::string contentTypeFor(const std::string& path);

private:
    struct File {
        std::string contentType;
        std::string body;
    };
    std::map<std::string, File> files_;
};

}  // namespace registry::http
