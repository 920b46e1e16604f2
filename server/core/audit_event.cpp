#include "server/core/audit_event.h"

#include "server/core/crypto.h"
#include "server/core/ids.h"
#include "server/core/policy.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace registry::core {

AuditEvent newAuditEvent(const Caller& caller, const std::string& action, const std::string& outcome,
                         const std::string& objectType, const std::string& objectId) {
    AuditEvent e;
    e.id = timeOrderedUuid();
    e.action = action;
    e.occurredAt = Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%FZ");
    e.outcome = outcome;
    e.userId = caller.user.userId;
    e.username = caller.user.username;
    e.role = caller.user.role;
    e.region = caller.user.region;
    e.onBehalfOf = caller.onBehalfOf;
    e.clientAddress = caller.clientAddress;
    e.requestId = caller.requestId;
    e.objectType = objectType;
    e.objectId = objectId;
    e.purpose = Policy::purposeOf(caller.user.role, action);
    return e;
}

std::string canonicalEncoding(const AuditEvent& e) {
    std::string out = "audit-v1";
    for (const std::string* field :
         {&e.id, &e.action, &e.occurredAt, &e.outcome, &e.userId, &e.username, &e.role, &e.region, &e.onBehalfOf,
          &e.clientAddress, &e.requestId, &e.objectType, &e.objectId, &e.subjectPseudonym, &e.purpose, &e.detail}) {
        out += '|';
        out += std::to_string(field->size());
        out += ':';
        out += *field;
    }
    return out;
}

std::string chainHash(const std::string& prevHash, const AuditEvent& event) {
    return crypto::sha256Hex(prevHash + canonicalEncoding(event));
}

const std::string& genesisHash() {
    static const std::string zeros(64, '0');
    return zeros;
}

}  // namespace registry::core
