#pragma once

#include "server/core/caller.h"

#include <string>

namespace registry::core {

// One NEN 7513 audit event with every element SECURITY.md lists. Empty strings stand for
// "not applicable" and are stored as NULL.
struct AuditEvent {
    std::string id;
    std::string action;       // e.g. exam.read, login, user.update
    std::string occurredAt;   // UTC, microseconds: 2026-11-28T20:39:16.123456Z
    std::string outcome;      // success | denied | error
    std::string userId;
    std::string username;
    std::string role;
    std::string region;
    std::string onBehalfOf;
    std::string clientAddress;
    std::string requestId;
    std::string objectType;
    std::string objectId;
    std::string subjectPseudonym;
    std::string purpose;
    std::string detail;       // never clinical content or identifying input
};

// A new event for `caller` with a fresh id and the current time.
AuditEvent newAuditEvent(const Caller& caller, const std::string& action, const std::string& outcome,
                         const std::string& objectType = "", const std::string& objectId = "");

// Length-prefixed encoding of every element in a fixed order: unambiguous whatever the values hold.
std::string canonicalEncoding(const AuditEvent& event);
// hash = SHA-256(prev_hash || canonical event), lower-case hex.
std::string chainHash(const std::string& prevHash, const AuditEvent& event);
// The prev_hash of the first event.
const std::string& genesisHash();

}  // namespace registry::core
