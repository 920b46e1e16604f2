#pragma once

#include <string>

namespace registry {

// The authenticated caller of a request.
struct Principal {
    std::string userId;
    std::string username;
    std::string displayName;
    std::string role;
    std::string region;  // empty: national
    std::string organisation;
    std::string sessionId;
    // A session of a user who must enrol a second factor and has not: it may only enrol.
    bool enrolmentOnly = false;
    // The session's absolute expiry (ISO 8601 UTC), so the web app can say when it ends.
    std::string sessionExpiresAt{};
};

}  // namespace registry
