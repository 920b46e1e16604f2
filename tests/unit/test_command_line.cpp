#include <boost/test/unit_test.hpp>

#include "server/app/command_line.h"

using registry::app::CommandLine;
using registry::app::UsageError;

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(parses_words_options_flags_and_configs) {
    auto cl = CommandLine::parse({"--config", "a.properties", "user", "add", "--username", "anna", "--role=police",
                                  "--password-stdin", "--config=b.properties"},
                                 {"password-stdin"});
    BOOST_TEST(cl.words == (std::vector<std::string>{"user", "add"}));
    BOOST_TEST(cl.option("username") == "anna");
    BOOST_TEST(cl.option("role") == "police");
    BOOST_TEST(cl.flag("password-stdin"));
    BOOST_TEST(cl.configFiles == (std::vector<std::string>{"a.properties", "b.properties"}));
}

BOOST_AUTO_TEST_CASE(usage_errors) {
    BOOST_CHECK_THROW(CommandLine::parse({"serve", "--config"}, {}), UsageError);
    BOOST_CHECK_THROW(CommandLine::parse({"user", "--password-stdin=x"}, {"password-stdin"}), UsageError);
    BOOST_CHECK_THROW(CommandLine::parse({"user", "-x"}, {}), UsageError);
    BOOST_CHECK_THROW(CommandLine::parse({"user", "--a", "1", "--a", "2"}, {}), UsageError);
    auto cl = CommandLine::parse({"serve", "--bogus", "1"}, {});
    BOOST_CHECK_THROW(cl.allowOnly({}), UsageError);
    BOOST_CHECK_THROW(cl.requiredOption("username"), UsageError);
}

BOOST_AUTO_TEST_CASE(help_anywhere) {
    BOOST_TEST(CommandLine::parse({"migrate", "--help"}, {}).help);
}

BOOST_AUTO_TEST_SUITE_END()
