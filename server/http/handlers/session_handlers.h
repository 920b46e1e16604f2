#pragma once

#include "server/http/router.h"
#include "server/services/auth_service.h"
#include "server/services/two_factor_service.h"

#include <cstddef>

namespace registry::http {

struct SessionDeps {
    services::AuthService* auth;
    services::TwoFactorService* twoFactor;
    std::size_t maxJsonDepth;
    bool secureCookies;  // the server speaks TLS: session cookies get Secure
};

// The second sign-in step, second-factor enrolment and reset, and session management.
void addSessionRoutes(Router& router, SessionDeps deps);

}  // namespace registry::http
