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
};

}  // namespace registry
