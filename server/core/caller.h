#pragma once

#include "server/core/principal.h"

#include <string>

namespace registry::core {

// Who is acting and from where: what every audited service call needs to know.
struct Caller {
    Principal user;            // empty userId: not (yet) authenticated, e.g. a failed login
    std::string clientAddress;
    std::string requestId;
    std::string onBehalfOf;    // for service accounts and operators acting for someone
};

}  // namespace registry::core
