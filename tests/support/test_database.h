#pragma once

#include <string>

namespace registry::test {

// A fresh database per test, cloned from a template that the current migrations were applied
// to once per test process. Needs REGISTRY_TEST_PGHOST / REGISTRY_TEST_PGPORT (set by ./test.sh)
// pointing at a private cluster with the roles of scripts/lib.sh.
class TestDatabase {
public:
    TestDatabase();
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& name() const { return name_; }
    std::string serviceUrl() const;  // registry_app: what the server uses
    std::string ownerUrl() const;    // registry_owner: migrations, test set-up
    std::string adminUrl() const;    // the cluster superuser, on this database

    // Runs SQL as the owner role (test set-up and inspection, outside the service's privileges).
    void execute(const std::string& sql) const;
    // The first column of the first row of a query run as the owner, as an integer.
    long long scalar(const std::string& sql) const;

    // Ends every open connection of `user` to this database, as a database restart would.
    void terminateConnections(const std::string& user = "") const;

    // Makes the database refuse new connections and ends the open ones, as if it were down.
    void takeOffline();
    void bringOnline();

    static std::string url(const std::string& database, const std::string& user);
    static std::string schemaDir();
    static std::string sourceDir();

private:
    std::string name_;
};

}  // namespace registry::test
