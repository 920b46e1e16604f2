#include "server/app/registry_app.h"

#include <vector>

int main(int argc, char** argv) {
    // Poco's own option parser would reject subcommand options; "--" hands every argument to
    // RegistryApp::main, which parses them itself.
    std::vector<char*> args{argv[0], const_cast<char*>("--")};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    registry::app::RegistryApp app;
    return app.run(static_cast<int>(args.size()), args.data());
}
