#include "server/services/audit_service.h"

#include "server/core/errors.h"
#include "server/core/ids.h"
#include "server/core/timestamp.h"
#include "server/db/transaction.h"


namespace registry::services {

std::vector<db::StoredAuditEvent> AuditService::list(const db::AuditFilter& filter, const core::Caller& caller) {
    std::vector<FieldError> errors;
    if (!filter.userId.empty() && !core::isUuid(filter.userId)) {
        errors.push_back({"user", "type", "user must be a user id (UUID)"});
    }
    for (const auto& [name, value] : {std::pair<std::string, std::string>{"from", filter.from}, {"to", filter.to}}) {
        if (!value.empty() && !core::parseTimestamp(value)) {
            errors.push_back({name, "type", name + " must be an ISO 8601 date-time with offset"});
        }
    }
    if (filter.objectId.size() > 200 || filter.action.size() > 100) errors.push_back({"object", "length", "filter too long"});
    if (!errors.empty()) throw Error(ErrorKind::BadRequest, "The audit filters are invalid.", errors);
    return db::inTransaction(pool_, [&](pqxx::work& tx) {
        auto events = db::AuditRepository::list(tx, filter);
        auto event = core::newAuditEvent(caller, "audit.read", "success", "audit_log");
        event.detail = "filters user=" + filter.userId + " object=" + filter.objectId + " action=" + filter.action +
                       " from=" + filter.from + " to=" + filter.to + " count=" + std::to_string(events.size());
        db::AuditRepository::append(tx, event);
        return events;
    });
}

}  // namespace registry::services
