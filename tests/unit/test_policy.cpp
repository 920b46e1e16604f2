#include <boost/test/unit_test.hpp>

#include "server/core/errors.h"
#include "server/core/policy.h"

using registry::Principal;
using registry::core::Policy;

BOOST_AUTO_TEST_SUITE(policy)

BOOST_AUTO_TEST_CASE(roles_get_exactly_their_actions) {
    BOOST_TEST(Policy::allows("forensic_doctor", "exam.create"));
    BOOST_TEST(!Policy::allows("loef", "exam.create"));
    BOOST_TEST(Policy::allows("loef", "exam.lock"));
    BOOST_TEST(!Policy::allows("forensic_doctor", "exam.lock"));
    BOOST_TEST(!Policy::allows("admin", "exam.read"));  // admins see no clinical data
    BOOST_TEST(!Policy::allows("researcher", "exam.read"));  // no record-level API access
    BOOST_TEST(Policy::allows("researcher", "export.research"));
    BOOST_TEST(Policy::allows("police", "report.police"));
    BOOST_TEST(!Policy::allows("police", "report.om"));
    BOOST_TEST(!Policy::allows("forensic_doctor", "no.such.action"));
}

BOOST_AUTO_TEST_CASE(require_throws_forbidden) {
    Principal p;
    p.role = "police";
    BOOST_CHECK_THROW(Policy::require(p, "user.manage"), registry::Error);
    BOOST_CHECK_NO_THROW(Policy::require(p, "outcome.record"));
}

BOOST_AUTO_TEST_CASE(draft_actions_belong_to_the_author) {
    Principal author{"u1", "a", "A", "forensic_doctor", "oost_brabant", "", ""};
    Principal colleague{"u2", "c", "C", "forensic_doctor", "oost_brabant", "", ""};
    Principal loef{"u3", "l", "L", "loef", "", "", ""};
    BOOST_CHECK_NO_THROW(Policy::requireAuthor(author, "u1", "exam.update"));
    BOOST_CHECK_THROW(Policy::requireAuthor(colleague, "u1", "exam.update"), registry::Error);
    BOOST_CHECK_THROW(Policy::requireAuthor(loef, "u3", "exam.update"), registry::Error);  // role lacks the action
    Principal nobody{"", "x", "X", "forensic_doctor", "", "", ""};
    BOOST_CHECK_THROW(Policy::requireAuthor(nobody, "", "exam.submit"), registry::Error);
}

BOOST_AUTO_TEST_CASE(region_scope_binds_regional_roles_only) {
    Principal doctor{"1", "d", "D", "forensic_doctor", "oost_brabant", "", ""};
    BOOST_TEST(*Policy::regionScope(doctor) == "oost_brabant");
    Principal lead{"2", "l", "L", "pilot_lead", "", "", ""};
    BOOST_TEST(!Policy::regionScope(lead).has_value());
    Principal loef{"3", "f", "F", "loef", "midden_nederland", "", ""};
    BOOST_TEST(!Policy::regionScope(loef).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

#include "server/core/ids.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>

BOOST_AUTO_TEST_SUITE(ids)

BOOST_AUTO_TEST_CASE(only_canonical_uuids_are_ids) {
    using registry::core::isUuid;
    BOOST_TEST(isUuid("6f1c0000-0000-4000-8000-000000000000"));
    BOOST_TEST(isUuid("6F1CABCD-0000-4000-8000-00000000000F"));
    BOOST_TEST(!isUuid("6f1c0000000040008000000000000000"));
    BOOST_TEST(!isUuid("6f1c0000-0000-4000-8000-00000000000g"));
    BOOST_TEST(!isUuid("6f1c0000-0000-4000-8000-0000000000000"));
    BOOST_TEST(!isUuid("------------------------------------"));
    BOOST_TEST(!isUuid("x'); DROP TABLE exams;--"));
    BOOST_TEST(!isUuid(""));
}

BOOST_AUTO_TEST_CASE(time_ordered_ids_are_version_7_and_sort_by_the_millisecond_they_were_made) {
    using registry::core::timeOrderedUuid;
    const auto first = timeOrderedUuid();
    BOOST_TEST(registry::core::isUuid(first));
    BOOST_TEST(first[14] == '7');                                       // version
    BOOST_TEST(std::string("89ab").find(first[19]) != std::string::npos);  // RFC 9562 variant
    // The leading 48 bits are the time in ms: now, give or take the test's own run.
    const auto ms = std::stoull(first.substr(0, 8) + first.substr(9, 4), nullptr, 16);
    const auto now = static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count());
    BOOST_TEST(ms <= now);
    BOOST_TEST(now - ms < 60000u);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto later = timeOrderedUuid();
    BOOST_TEST(later > first);  // a later millisecond sorts after, as PostgreSQL orders uuids (bytewise)
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) seen.insert(timeOrderedUuid());
    BOOST_TEST(seen.size() == 10000u);  // the random tail keeps ids of one millisecond apart
}

BOOST_AUTO_TEST_SUITE_END()
