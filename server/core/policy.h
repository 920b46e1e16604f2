#pragma once

#include "server/core/principal.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace registry::core {

// Roles of API.md.
const std::set<std::string>& knownRoles();

// The one place that decides who may do what. Actions are the audit action codes
// (e.g. "exam.read"); every protected route names one.
class Policy {
public:
    // Whether the role may perform the action at all (403 when not).
    static bool allows(const std::string& role, const std::string& action);
    // Throws registry::Error(Forbidden) when not allowed.
    static void require(const Principal& user, const std::string& action);
    // Actions on a draft belong to its author alone (exam.update, exam.submit, exam.delete);
    // throws registry::Error(Forbidden) for anyone else.
    static void requireAuthor(const Principal& user, const std::string& authorId, const std::string& action);
    // The regions whose records the user may touch for this action: nullopt = every region.
    // Applied inside SQL; a record outside it answers 404.
    static std::optional<std::string> regionScope(const Principal& user);
    // The roles that may perform an action (documentation, OpenAPI, the access matrix test).
    static std::vector<std::string> rolesFor(const std::string& action);
    static const std::vector<std::string>& actions();
    // The NEN 7513 purpose recorded with an action by this role.
    static std::string purposeOf(const std::string& role, const std::string& action);
};

}  // namespace registry::core
