#pragma once

#include "server/http/router.h"
#include "server/services/exam_service.h"
#include "server/services/outcome_service.h"

#include <cstddef>

namespace registry::http {

struct ExamDeps {
    services::ExamService* exams;
    services::OutcomeService* outcomes;
    services::FormCatalog* forms;
    db::ConnectionPool* pool;
    std::size_t maxJsonDepth;
};

// /api/v1/exams..., outcomes, form definitions and the dismissal-code list.
void addExamRoutes(Router& router, ExamDeps deps);

}  // namespace registry::http
