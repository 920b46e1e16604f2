#include "server/core/key_file.h"

#include "server/core/crypto.h"

#include <openssl/crypto.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace registry::core {
namespace {

// A key file is tiny; refusing anything large avoids reading e.g. a device or a wrong file.
constexpr off_t kMaxKeyFileSize = 4096;

bool isAsciiSpace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string trimAsciiSpace(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && isAsciiSpace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && isAsciiSpace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// Wipes a buffer that held key material when it goes out of scope.
struct Wipe {
    std::string& s;
    ~Wipe() {
        if (!s.empty()) OPENSSL_cleanse(&s[0], s.size());
    }
};

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string octalMode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

}  // namespace

std::string readKeyFile(const std::string& path, const std::string& what, std::size_t minBytes) {
    const auto error = [&](const std::string& problem) { return KeyFileError(what + " '" + path + "': " + problem); };
    // Check the mode on the descriptor we read from, not on the name, so the file cannot be
    // swapped between the check and the read.
    Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) throw error(std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) throw error(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw error("not a regular file");
    if ((st.st_mode & 077) != 0)
        throw error("mode " + octalMode(st.st_mode) + " grants access to group or others; it must be 0600 or 0400");
    if (st.st_size > kMaxKeyFileSize) throw error("file too large to be a key file");

    std::string content(static_cast<std::size_t>(kMaxKeyFileSize) + 1, '\0');
    Wipe wipeContent{content};
    std::size_t got = 0;
    for (;;) {
        const ssize_t n = ::read(file.fd, &content[got], content.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw error(std::string("cannot read: ") + std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
        if (got == content.size()) throw error("file too large to be a key file");
    }
    std::string hex = trimAsciiSpace(content.substr(0, got));
    Wipe wipeHex{hex};

    std::string key;
    try {
        key = crypto::fromHex(hex);
    } catch (const std::invalid_argument& e) {
        // e.what() is fixed text from fromHex, never the offending characters.
        throw error(std::string("content is not a hexadecimal key (") + e.what() + ")");
    }
    if (key.size() < minBytes) {
        const std::size_t got = key.size();
        OPENSSL_cleanse(&key[0], key.size());
        throw error("key too short: " + std::to_string(got) + " bytes, need at least " + std::to_string(minBytes) +
                    " (" + std::to_string(2 * minBytes) + " hex digits)");
    }
    return key;
}

}  // namespace registry::core
