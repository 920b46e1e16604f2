#include <boost/test/unit_test.hpp>

#include "server/core/audit_event.h"
#include "server/core/crypto.h"

using namespace registry::core;

BOOST_AUTO_TEST_SUITE(audit_chain)

BOOST_AUTO_TEST_CASE(hash_is_sha256_over_prev_hash_and_canonical_event) {
    AuditEvent e;
    e.id = "1";
    e.action = "login";
    BOOST_TEST(chainHash(genesisHash(), e) == registry::crypto::sha256Hex(genesisHash() + canonicalEncoding(e)));
    BOOST_TEST(genesisHash() == std::string(64, '0'));
}

BOOST_AUTO_TEST_CASE(every_element_changes_the_hash) {
    AuditEvent base;
    const std::string h = chainHash(genesisHash(), base);
    for (std::string AuditEvent::*field :
         {&AuditEvent::id, &AuditEvent::action, &AuditEvent::occurredAt, &AuditEvent::outcome, &AuditEvent::userId,
          &AuditEvent::username, &AuditEvent::role, &AuditEvent::region, &AuditEvent::onBehalfOf,
          &AuditEvent::clientAddress, &AuditEvent::requestId, &AuditEvent::objectType, &AuditEvent::objectId,
          &AuditEvent::subjectPseudonym, &AuditEvent::purpose, &AuditEvent::detail}) {
        AuditEvent changed = base;
        changed.*field = "x";
        BOOST_TEST(chainHash(genesisHash(), changed) != h);
    }
    BOOST_TEST(chainHash(std::string(64, '1'), base) != h);
}

BOOST_AUTO_TEST_CASE(encoding_is_unambiguous_across_field_boundaries) {
    AuditEvent a, b;
    a.username = "ab";
    a.role = "c";
    b.username = "a";
    b.role = "bc";
    BOOST_TEST(canonicalEncoding(a) != canonicalEncoding(b));
}

BOOST_AUTO_TEST_CASE(new_events_carry_caller_time_and_purpose) {
    Caller caller;
    caller.user.userId = "u1";
    caller.user.role = "researcher";
    caller.requestId = "r1";
    auto e = newAuditEvent(caller, "report.evaluation", "success", "report", "evaluation");
    BOOST_TEST(e.id.size() == 36u);
    BOOST_TEST(e.occurredAt.size() == std::string("2026-11-28T20:39:16.123456Z").size());
    BOOST_TEST(e.occurredAt.back() == 'Z');
    BOOST_TEST(e.purpose == "evaluation");
    BOOST_TEST(e.userId == "u1");
    BOOST_TEST(e.requestId == "r1");
}

BOOST_AUTO_TEST_SUITE_END()
