#pragma once

#include "server/core/caller.h"
#include "server/services/exam_service.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace registry::services {

struct OutcomeView {
    std::string examId;
    int version = 0;
    std::string part;  // police | prosecutor
    Poco::JSON::Object::Ptr fields;
    std::string updatedAt;
};

// Justice outcomes: police and OM each write only their own part of an exam's outcome, addressed
// by exam id or by the (pseudonymised) police reference. Versioned and audited like exam data.
class OutcomeService {
public:
    explicit OutcomeService(ExamService& exams) : exams_(exams) {}

    OutcomeView record(const core::Caller& caller, const std::string& examId, const Poco::JSON::Object& body);
    OutcomeView recordByPoliceReference(const core::Caller& caller, const Poco::JSON::Object& body);

private:
    OutcomeView write(pqxx::transaction_base& tx, const core::Caller& caller, const db::ExamRow& exam,
                      const Poco::JSON::Object& fields);

    ExamService& exams_;
};

}  // namespace registry::services
