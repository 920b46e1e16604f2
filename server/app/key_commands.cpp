#include "server/app/key_commands.h"

#include "server/app/operator_commands.h"
#include "server/app/settings.h"
#include "server/core/errors.h"
#include "server/services/key_rotation_service.h"

#include <Poco/NumberParser.h>

#include <iostream>

namespace registry::app {
namespace {

int intOption(const CommandLine& cl, const std::string& name, int fallback, int min, int max) {
    const std::string text = cl.option(name);
    if (text.empty()) return fallback;
    int value = 0;
    if (!Poco::NumberParser::tryParse(text, value) || value < min || value > max) {
        throw UsageError("--" + name + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max));
    }
    return value;
}

}  // namespace

int runKeysCommand(const CommandLine& cl, const Config& config) {
    if (cl.words.size() != 2 || cl.words[1] != "rotate") throw UsageError("keys rotate [--batch-size N] [--pause-ms N]");
    cl.allowOnly({"batch-size", "pause-ms"});
    const int batch = intOption(cl, "batch-size", 1000, 1, 100000);
    const int pause = intOption(cl, "pause-ms", 0, 0, 60000);
    const auto chain = loadPseudonymiser(config);
    db::ConnectionPool pool(poolSettings(config, "db.url"));
    services::KeyRotationService rotation(pool, chain);
    try {
        const auto summary = rotation.rotate(operatorCaller(), batch, std::chrono::milliseconds(pause),
                                             [](const services::RotationSummary& s) {
                                                 std::cout << "batch " << s.batches << ": " << s.examsRekeyed
                                                           << " exam(s), " << s.versionsRekeyed
                                                           << " version(s) re-keyed so far\n"
                                                           << std::flush;
                                             });
        if (summary.alreadyComplete) {
            std::cout << "every record is already under key version " << summary.targetVersion << "\n";
            return 0;
        }
        std::cout << (summary.resumed ? "resumed and finished" : "finished") << ": every record is under key version "
                  << summary.targetVersion << "; " << summary.examsRekeyed << " exam(s) and " << summary.versionsRekeyed
                  << " version(s) re-keyed by this run\n";
        return 0;
    } catch (const Error& e) {
        std::cerr << "registry: " << e.detail() << "\n";
        return e.kind() == ErrorKind::ServiceUnavailable ? 69 : 65;
    }
}

}  // namespace registry::app
