#include <boost/test/unit_test.hpp>

#include "server/app/config.h"
#include "server/app/settings.h"

#include <cstdio>
#include <fstream>

using registry::app::Config;
using registry::app::ConfigError;

namespace {
std::string writeFile(const std::string& text) {
    char name[] = "/tmp/registry-config-XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    std::ofstream(name) << text;
    return name;
}

std::string keyOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.key();
    }
    return "<no error>";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(defaults_hold_every_contract_key) {
    Config config = Config::fromDefaults();
    for (const char* key : {"http.address", "http.port", "http.max_threads", "http.max_body_bytes", "db.url",
                            "db.report_url", "db.pool_size", "pseudonym.key_file", "tls.certificate", "tls.private_key",
                            "auth.pbkdf2_iterations", "reports.min_cell", "log.level", "log.format"}) {
        BOOST_TEST_CONTEXT(key) { BOOST_CHECK(config.values().count(key) == 1); }
    }
    BOOST_TEST(config.getInt("http.port", 0, 65535) == 8080);
    BOOST_TEST(config.getInt("http.max_body_bytes", 0, 1LL << 40) == 1048576);
    BOOST_TEST(config.getInt("auth.pbkdf2_iterations", 0, 1LL << 40) == 600000);
    BOOST_TEST(config.getInt("reports.min_cell", 0, 100) == 10);
}

BOOST_AUTO_TEST_CASE(environment_overrides_files_which_override_defaults) {
    const auto file = writeFile("http.port = 9000\ndb.pool_size = 3\n");
    Config config = Config::load({file}, {{"REGISTRY_DB_POOL_SIZE", "5"}, {"UNRELATED", "x"}});
    BOOST_TEST(config.getInt("http.port", 0, 65535) == 9000);
    BOOST_TEST(config.getInt("db.pool_size", 1, 100) == 5);
    std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(environment_name_is_upper_case_with_underscores) {
    BOOST_TEST(Config::environmentName("db.url") == "REGISTRY_DB_URL");
    BOOST_TEST(Config::environmentName("http.max_body_bytes") == "REGISTRY_HTTP_MAX_BODY_BYTES");
}

BOOST_AUTO_TEST_CASE(unknown_key_in_file_is_refused_naming_it) {
    const auto file = writeFile("htp.port = 9000\n");
    BOOST_TEST(keyOf([&] { Config::load({file}, {}); }) == "htp.port");
    std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(missing_file_is_a_configuration_error) {
    BOOST_CHECK_THROW(Config::load({"/nonexistent/registry.properties"}, {}), ConfigError);
}

BOOST_AUTO_TEST_CASE(invalid_values_name_their_key) {
    Config config = Config::fromDefaults();
    config.set("http.port", "eighty");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "http.port");
    config = Config::fromDefaults();
    config.set("http.port", "70000");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "http.port");
    config = Config::fromDefaults();
    config.set("http.address", "not an address");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "http.address");
    config = Config::fromDefaults();
    config.set("db.url", "");
    BOOST_TEST(keyOf([&] { registry::app::poolSettings(config, "db.url"); }) == "db.url");
    config = Config::fromDefaults();
    config.set("http.metrics_loopback_only", "perhaps");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "http.metrics_loopback_only");
    config = Config::fromDefaults();
    config.set("http.trusted_proxies", "10.0.0.1, proxy.example");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "http.trusted_proxies");
    config = Config::fromDefaults();
    config.set("tls.certificate", "/etc/hostname");
    BOOST_TEST(keyOf([&] { registry::app::serverSettings(config); }) == "tls.private_key");
}

BOOST_AUTO_TEST_CASE(report_url_falls_back_to_db_url) {
    Config config = Config::fromDefaults();
    config.set("db.url", "postgresql:///a");
    BOOST_TEST(registry::app::poolSettings(config, "db.report_url").url == "postgresql:///a");
    config.set("db.report_url", "postgresql:///replica");
    BOOST_TEST(registry::app::poolSettings(config, "db.report_url").url == "postgresql:///replica");
}

BOOST_AUTO_TEST_SUITE_END()
