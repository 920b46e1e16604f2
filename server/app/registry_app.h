#pragma once

#include "server/app/command_line.h"
#include "server/app/config.h"

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace registry::app {

// `registry` — one binary for the server and its operator commands. Exit codes follow
// sysexits.h: 0 ok, 64 usage, 65 data error, 69 database unavailable, 70 internal, 78 configuration.
class RegistryApp : public Poco::Util::ServerApplication {
public:
    static constexpr int kOk = 0;
    static constexpr int kUsage = 64;
    static constexpr int kDataError = 65;
    static constexpr int kUnavailable = 69;
    static constexpr int kSoftware = 70;
    static constexpr int kConfig = 78;

protected:
    int main(const std::vector<std::string>& args) override;

private:
    int dispatch(const CommandLine& cl);
    int serve(const CommandLine& cl, const Config& config);
    int migrate(const CommandLine& cl, const Config& config);
};

std::string usageText();

}  // namespace registry::app
