#include <boost/test/unit_test.hpp>

#include "server/core/errors.h"
#include "server/http/problem.h"

#include <Poco/JSON/Parser.h>
#include <pqxx/pqxx>

using namespace registry;

namespace {
Poco::JSON::Object::Ptr parse(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}
http::Response fromException(std::exception_ptr e, std::string& log) {
    return http::problemFromException(e, "req-1", log);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(problem_json)

BOOST_AUTO_TEST_CASE(validation_error_lists_every_field) {
    Error error(ErrorKind::ValidationFailed, "2 fields are invalid",
                {{"exam_at", "range", "must not be in the future"}, {"sex", "code_list", "unknown code"}});
    auto response = http::problem(error);
    BOOST_TEST(response.status == 422);
    BOOST_TEST(response.contentType.rfind("application/problem+json", 0) == 0);
    auto body = parse(response.body);
    BOOST_TEST(body->getValue<int>("status") == 422);
    BOOST_TEST(body->getValue<std::string>("title") == "Validation failed");
    BOOST_TEST(body->getValue<std::string>("detail") == "2 fields are invalid");
    BOOST_TEST(body->has("type"));
    auto errors = body->getArray("errors");
    BOOST_TEST(errors->size() == 2u);
    BOOST_TEST(errors->getObject(1)->getValue<std::string>("field") == "sex");
    BOOST_TEST(errors->getObject(1)->getValue<std::string>("code") == "code_list");
}

BOOST_AUTO_TEST_CASE(every_kind_has_its_status) {
    const std::pair<ErrorKind, int> cases[] = {
        {ErrorKind::BadRequest, 400},          {ErrorKind::Unauthorized, 401},
        {ErrorKind::Forbidden, 403},           {ErrorKind::NotFound, 404},
        {ErrorKind::MethodNotAllowed, 405},    {ErrorKind::Conflict, 409},
        {ErrorKind::PreconditionFailed, 412},  {ErrorKind::PayloadTooLarge, 413},
        {ErrorKind::UnsupportedMediaType, 415}, {ErrorKind::ValidationFailed, 422},
        {ErrorKind::PreconditionRequired, 428}, {ErrorKind::TooManyRequests, 429},
        {ErrorKind::ServiceUnavailable, 503},   {ErrorKind::RequestTimeout, 408},
        {ErrorKind::LengthRequired, 411},      {ErrorKind::UriTooLong, 414},
        {ErrorKind::HeaderFieldsTooLarge, 431}};
    for (const auto& [kind, status] : cases) BOOST_TEST(http::statusOf(kind) == status);
}

BOOST_AUTO_TEST_CASE(headers_of_an_error_reach_the_response) {
    auto response = http::problem(Error(ErrorKind::TooManyRequests, "slow down").withHeader("Retry-After", "900"));
    BOOST_TEST(response.status == 429);
    bool found = false;
    for (const auto& [name, value] : response.headers) found |= name == "Retry-After" && value == "900";
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(database_failures_map_to_503_and_409) {
    std::string log;
    auto broken = fromException(std::make_exception_ptr(pqxx::broken_connection("gone")), log);
    BOOST_TEST(broken.status == 503);
    auto unique = fromException(std::make_exception_ptr(pqxx::unique_violation("dup", "INSERT", "23505")), log);
    BOOST_TEST(unique.status == 409);
    auto timeout = fromException(std::make_exception_ptr(pqxx::sql_error("cancel", "SELECT", "57014")), log);
    BOOST_TEST(timeout.status == 503);
}

bool hasRetryAfter(const http::Response& response) {
    for (const auto& [name, value] : response.headers) {
        if (name == "Retry-After" && !value.empty()) return true;
    }
    return false;
}

// 53300 arrives as too_many_connections (a broken_connection); class 40 rollbacks wrote nothing
// and may be retried: both are 503 with Retry-After, never 500 or 409.
BOOST_AUTO_TEST_CASE(retryable_database_failures_are_503_with_retry_after) {
    std::string log;
    auto full = fromException(std::make_exception_ptr(pqxx::too_many_connections("too many clients")), log);
    BOOST_TEST(full.status == 503);
    BOOST_TEST(hasRetryAfter(full));
    BOOST_TEST(full.body.find("connection limit") != std::string::npos);
    auto serialization = fromException(std::make_exception_ptr(pqxx::serialization_failure("40001")), log);
    BOOST_TEST(serialization.status == 503);
    BOOST_TEST(hasRetryAfter(serialization));
    auto deadlock = fromException(std::make_exception_ptr(pqxx::deadlock_detected("40P01")), log);
    BOOST_TEST(deadlock.status == 503);
    auto rollback = fromException(std::make_exception_ptr(pqxx::transaction_rollback("40000")), log);
    BOOST_TEST(rollback.status == 503);
    BOOST_TEST(hasRetryAfter(rollback));
}

BOOST_AUTO_TEST_CASE(unknown_failure_is_500_with_only_the_request_id) {
    std::string log;
    auto response = fromException(std::make_exception_ptr(std::runtime_error("secret detail LOEF-2026-1")), log);
    BOOST_TEST(response.status == 500);
    BOOST_TEST(response.body.find("secret") == std::string::npos);
    BOOST_TEST(response.body.find("req-1") != std::string::npos);
    BOOST_TEST(log.find("secret detail") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
