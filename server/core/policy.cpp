#include "server/core/policy.h"

#include "server/core/errors.h"

#include <map>

namespace registry::core {
namespace {

const std::map<std::string, std::set<std::string>>& table() {
    // Derived from the role and endpoint tables of API.md.
    static const std::map<std::string, std::set<std::string>> rules = {
        {"session.delete", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"session.list", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"session.end", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"second_factor.enrol", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"me.read", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"regions.read", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"forms.read", {"forensic_doctor", "police", "prosecutor", "loef", "researcher", "pilot_lead", "admin"}},
        {"exam.create", {"forensic_doctor"}},
        {"exam.list", {"forensic_doctor", "loef"}},
        {"exam.read", {"forensic_doctor", "loef"}},
        {"exam.update", {"forensic_doctor"}},
        {"exam.delete", {"forensic_doctor"}},
        {"exam.submit", {"forensic_doctor"}},
        {"exam.amend", {"forensic_doctor", "loef"}},
        {"exam.history", {"forensic_doctor", "loef"}},
        {"exam.lock", {"loef"}},
        {"exam.unlock", {"loef"}},
        {"outcome.record", {"police", "prosecutor"}},
        {"outcome.codes", {"police", "prosecutor", "loef", "researcher"}},
        {"reports.list", {"researcher", "pilot_lead", "loef", "police", "prosecutor"}},
        {"report.evaluation", {"researcher", "pilot_lead", "loef"}},
        {"report.om", {"researcher", "pilot_lead", "loef", "prosecutor"}},
        {"report.police", {"researcher", "pilot_lead", "loef", "police"}},
        {"report.loef", {"researcher", "pilot_lead", "loef"}},
        {"export.research", {"researcher"}},
        {"codebook.read", {"researcher", "loef"}},
        {"import.run", {"loef", "admin"}},
        {"dashboard.read", {"pilot_lead", "loef"}},
        {"audit.read", {"admin"}},
        {"user.manage", {"admin"}},
    };
    return rules;
}

}  // namespace

const std::set<std::string>& knownRoles() {
    static const std::set<std::string> roles = {"forensic_doctor", "police", "prosecutor", "loef",
                                                "researcher", "pilot_lead", "admin"};
    return roles;
}

bool Policy::allows(const std::string& role, const std::string& action) {
    auto it = table().find(action);
    return it != table().end() && it->second.count(role) > 0;
}

void Policy::require(const Principal& user, const std::string& action) {
    if (!allows(user.role, action)) {
        throw Error(ErrorKind::Forbidden, "Your role (" + user.role + ") may not perform " + action + ".");
    }
}

void Policy::requireAuthor(const Principal& user, const std::string& authorId, const std::string& action) {
    require(user, action);
    if (user.userId.empty() || user.userId != authorId) {
        throw Error(ErrorKind::Forbidden, "Only the author of a draft may perform " + action + ".");
    }
}

std::optional<std::string> Policy::regionScope(const Principal& user) {
    // LOEF, researchers and admins work nationally; the others are bound to their region when
    // they have one (an empty region means national).
    if (user.role == "loef" || user.role == "researcher" || user.role == "admin" || user.region.empty()) {
        return std::nullopt;
    }
    return user.region;
}

std::vector<std::string> Policy::rolesFor(const std::string& action) {
    auto it = table().find(action);
    if (it == table().end()) return {};
    return {it->second.begin(), it->second.end()};
}

const std::vector<std::string>& Policy::actions() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [action, roles] : table()) out.push_back(action);
        return out;
    }();
    return names;
}

std::string Policy::purposeOf(const std::string& role, const std::string& action) {
    if (action.rfind("report.", 0) == 0 || action == "reports.list" || action == "dashboard.read") return "evaluation";
    if (action == "export.research" || action == "codebook.read") return "research";
    if (role == "forensic_doctor") return "care";
    if (role == "police" || role == "prosecutor") return "justice";
    if (role == "loef" && action.rfind("exam.", 0) == 0) return "quality";
    return "administration";
}

}  // namespace registry::core
