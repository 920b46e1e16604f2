#include "tests/support/cli_runner.h"

#include "server/core/crypto.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <stdexcept>

namespace registry::test {

CliResult runRegistry(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                      const std::string& input) {
    const char* binary = std::getenv("REGISTRY_BINARY");
    if (!binary || !*binary) throw std::runtime_error("REGISTRY_BINARY is not set: run the tests through ctest");
    Poco::Pipe in, out, err;
    Poco::Process::Env environment(env.begin(), env.end());
    auto handle = Poco::Process::launch(binary, args, ".", &in, &out, &err, environment);
    {
        Poco::PipeOutputStream stdinStream(in);
        stdinStream << input;
    }
    in.close(Poco::Pipe::CLOSE_WRITE);
    Poco::PipeInputStream outStream(out), errStream(err);
    auto errText = std::async(std::launch::async, [&] {
        std::string text;
        Poco::StreamCopier::copyToString(errStream, text);
        return text;
    });
    CliResult result;
    Poco::StreamCopier::copyToString(outStream, result.out);
    result.err = errText.get();
    result.exitCode = handle.wait();
    return result;
}

std::string writePropertiesFile(const std::string& text) {
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    const std::string path =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/registry-" + crypto::toHex(crypto::randomBytes(6)) + ".properties";
    std::ofstream(path) << text;
    return path;
}

}  // namespace registry::test
