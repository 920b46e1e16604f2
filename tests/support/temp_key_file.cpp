#include "tests/support/temp_key_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace registry::test {

TempKeyFile::TempKeyFile(const std::string& content, mode_t mode) {
    const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/registry-test-key-XXXXXX";
    const int fd = ::mkstemp(&templ[0]);
    if (fd < 0) throw std::runtime_error("cannot create " + templ);
    path = templ;
    const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    const bool moded = ::fchmod(fd, mode) == 0;
    ::close(fd);
    if (!written || !moded) {
        ::unlink(path.c_str());
        throw std::runtime_error("cannot write the key file " + path);
    }
}

TempKeyFile::~TempKeyFile() { ::unlink(path.c_str()); }

}  // namespace registry::test
