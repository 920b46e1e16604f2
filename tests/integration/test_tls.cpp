#include <boost/test/unit_test.hpp>

#include "tests/support/test_server.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using registry::test::TestServer;

namespace {

// --- RAII for OpenSSL objects and file descriptors ---------------------------------------------

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
    void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509, X509_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL, SSL_free>>;
struct BioDeleter {
    void operator()(BIO* p) const { BIO_free_all(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd& operator=(Fd&&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

std::string opensslErrors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text;
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + opensslErrors()); }

std::string pemOf(const std::function<int(BIO*)>& write) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) fail("PEM encoding failed");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void writeFile(const std::string& path, const std::string& content, mode_t mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    if (::fchmod(fd.get(), mode) != 0) throw std::runtime_error("cannot chmod " + path);
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
}

// A throwaway self-signed RSA-2048 certificate for CN=localhost (SAN DNS:localhost, IP:127.0.0.1),
// valid for one day, written to a private temporary directory that is removed on destruction.
class SelfSignedCert {
public:
    SelfSignedCert() {
        const char* tmp = std::getenv("REGISTRY_TEST_TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tls-test-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (!::mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
        dir_ = buffer.data();
        certPath_ = dir_ + "/cert.pem";
        keyPath_ = dir_ + "/key.pem";
        try {
            generate();
        } catch (...) {
            cleanup();
            throw;
        }
    }
    ~SelfSignedCert() { cleanup(); }
    SelfSignedCert(const SelfSignedCert&) = delete;
    SelfSignedCert& operator=(const SelfSignedCert&) = delete;

    const std::string& certPath() const { return certPath_; }
    const std::string& keyPath() const { return keyPath_; }
    const std::string& dir() const { return dir_; }

private:
    void generate() {
        PkeyPtr key(EVP_RSA_gen(2048));
        if (!key) fail("RSA key generation failed");

        X509Ptr cert(X509_new());
        if (!cert) fail("X509_new failed");
        if (X509_set_version(cert.get(), X509_VERSION_3) != 1) fail("X509_set_version failed");
        unsigned char serial[8];
        if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes failed");
        serial[0] &= 0x7f;  // positive
        std::unique_ptr<BIGNUM, OsslDeleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
        if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) fail("serial failed");
        if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) ||
            !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600)) {
            fail("validity failed");
        }
        if (X509_set_pubkey(cert.get(), key.get()) != 1) fail("X509_set_pubkey failed");
        X509_NAME* name = X509_get_subject_name(cert.get());
        if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                                       -1, -1, 0) != 1 ||
            X509_set_issuer_name(cert.get(), name) != 1) {
            fail("subject failed");
        }
        X509V3_CTX v3;
        X509V3_set_ctx_nodb(&v3);
        X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
        X509ExtPtr san(X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"));
        if (!san || X509_add_ext(cert.get(), san.get(), -1) != 1) fail("subjectAltName failed");
        if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("X509_sign failed");

        const std::string keyPem = pemOf([&](BIO* bio) {
            return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        });
        const std::string certPem = pemOf([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
        writeFile(keyPath_, keyPem, 0600);
        writeFile(certPath_, certPem, 0644);
    }

    void cleanup() noexcept {
        ::unlink(keyPath_.c_str());
        ::unlink(certPath_.c_str());
        ::rmdir(dir_.c_str());
    }

    std::string dir_;
    std::string certPath_;
    std::string keyPath_;
};

// --- a raw OpenSSL client ---------------------------------------------------------------------

Fd connectLoopback(std::uint16_t port) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    timeval timeout{};
    timeout.tv_sec = 15;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    return fd;
}

struct Handshake {
    bool ok = false;
    int version = 0;           // negotiated protocol (SSL_version) when ok
    unsigned long reason = 0;  // ERR_GET_REASON of the first queued error when not ok
    std::string error;         // OpenSSL error text when not ok
    std::string statusLine;    // first line of the /health answer when ok and asked for
};

// Completes a TLS handshake with 127.0.0.1:port. minVersion/maxVersion 0 leave the client's
// defaults; `permissive` drops the client's security level to 0 so that it is able to offer
// legacy protocols and ciphers. With `requestHealth`, GET /health is sent over the connection.
Handshake handshake(std::uint16_t port, int minVersion, int maxVersion, bool permissive, bool requestHealth = false) {
    ERR_clear_error();
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) fail("SSL_CTX_new failed");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (permissive) {
        SSL_CTX_set_security_level(ctx.get(), 0);
        if (SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0") != 1) fail("SSL_CTX_set_cipher_list failed");
    }
    if (minVersion && SSL_CTX_set_min_proto_version(ctx.get(), minVersion) != 1) fail("set_min_proto_version failed");
    if (maxVersion && SSL_CTX_set_max_proto_version(ctx.get(), maxVersion) != 1) fail("set_max_proto_version failed");

    Fd socket = connectLoopback(port);
    SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl) fail("SSL_new failed");
    if (SSL_set_fd(ssl.get(), socket.get()) != 1) fail("SSL_set_fd failed");
    SSL_set_tlsext_host_name(ssl.get(), "localhost");

    Handshake result;
    const int rc = SSL_connect(ssl.get());
    if (rc != 1) {
        const int sslError = SSL_get_error(ssl.get(), rc);
        const unsigned long first = ERR_peek_error();
        result.reason = first ? static_cast<unsigned long>(ERR_GET_REASON(first)) : 0;
        result.error = "SSL_connect=" + std::to_string(rc) + " SSL_get_error=" + std::to_string(sslError) + " " +
                       opensslErrors();
        return result;
    }
    result.ok = true;
    result.version = SSL_version(ssl.get());
    if (requestHealth) {
        const std::string request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) == static_cast<int>(request.size())) {
            std::string answer;
            char buffer[1024];
            int n = 0;
            while (answer.find("\r\n") == std::string::npos && (n = SSL_read(ssl.get(), buffer, sizeof buffer)) > 0) {
                answer.append(buffer, static_cast<std::size_t>(n));
            }
            result.statusLine = answer.substr(0, answer.find("\r\n"));
        }
    }
    SSL_shutdown(ssl.get());
    ERR_clear_error();
    return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(self_signed_certificate_is_generated_with_a_private_key_file) {
    std::string dir;
    std::string certPath;
    std::string keyPath;
    {
        SelfSignedCert cert;
        dir = cert.dir();
        certPath = cert.certPath();
        keyPath = cert.keyPath();
        struct stat info {};
        BOOST_REQUIRE(::stat(keyPath.c_str(), &info) == 0);
        BOOST_TEST((info.st_mode & 0777) == 0600u);
        BOOST_REQUIRE(::stat(certPath.c_str(), &info) == 0);
        BOOST_TEST(info.st_size > 0);

        BioPtr bio(BIO_new_file(certPath.c_str(), "r"));
        BOOST_REQUIRE(bio);
        X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        BOOST_REQUIRE(x509);
        char cn[64] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(x509.get()), NID_commonName, cn, sizeof cn);
        BOOST_TEST(std::string(cn) == "localhost");
        BOOST_TEST(X509_check_host(x509.get(), "localhost", 0, 0, nullptr) == 1);
    }
    struct stat info {};
    BOOST_TEST(::stat(keyPath.c_str(), &info) != 0);  // cleaned up
    BOOST_TEST(::stat(certPath.c_str(), &info) != 0);
    BOOST_TEST(::stat(dir.c_str(), &info) != 0);
}

BOOST_AUTO_TEST_CASE(health_over_https_carries_hsts_and_nosniff) {
    SelfSignedCert cert;
    TestServer server({{"tls.certificate", cert.certPath()}, {"tls.private_key", cert.keyPath()}});
    auto health = server.client().get("/health");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(health.json()->getValue<std::string>("status") == "ok");
    BOOST_TEST(health.header("Strict-Transport-Security").rfind("max-age=", 0) == 0u,
               "Strict-Transport-Security: '" << health.header("Strict-Transport-Security") << "'");
    BOOST_TEST(health.header("X-Content-Type-Options") == "nosniff");
}

BOOST_AUTO_TEST_CASE(server_refuses_tls_1_1_and_accepts_1_2_and_1_3) {
    SelfSignedCert cert;
    TestServer server({{"tls.certificate", cert.certPath()}, {"tls.private_key", cert.keyPath()}});
    const std::uint16_t port = server.port();

    // Control: the permissive client is able to handshake at all (pinned to TLS 1.2), and the
    // connection really serves the API.
    const Handshake v12 = handshake(port, TLS1_2_VERSION, TLS1_2_VERSION, true, true);
    BOOST_TEST(v12.ok, "TLS 1.2 handshake failed: " << v12.error);
    BOOST_TEST(v12.version == TLS1_2_VERSION);
    BOOST_TEST(v12.statusLine == "HTTP/1.1 200 OK");

    // The same client pinned to TLS 1.1: the server answers with a protocol_version alert.
    const Handshake v11 = handshake(port, TLS1_1_VERSION, TLS1_1_VERSION, true);
    BOOST_TEST(!v11.ok, "TLS 1.1 handshake unexpectedly succeeded, version " << v11.version);
    BOOST_TEST(v11.reason == static_cast<unsigned long>(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION),
               "expected the server's protocol_version alert, got: " << v11.error);

    const Handshake v13 = handshake(port, TLS1_3_VERSION, TLS1_3_VERSION, false, true);
    BOOST_TEST(v13.ok, "TLS 1.3 handshake failed: " << v13.error);
    BOOST_TEST(v13.version == TLS1_3_VERSION);
    BOOST_TEST(v13.statusLine == "HTTP/1.1 200 OK");

    const Handshake defaults = handshake(port, 0, 0, false);
    BOOST_TEST(defaults.ok, "default handshake failed: " << defaults.error);
    BOOST_TEST(defaults.version >= TLS1_2_VERSION);
}

BOOST_AUTO_TEST_CASE(plain_http_to_the_https_port_is_not_served) {
    SelfSignedCert cert;
    TestServer server({{"tls.certificate", cert.certPath()}, {"tls.private_key", cert.keyPath()}});

    std::string answer;
    try {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server.port()));
        socket.setReceiveTimeout(Poco::Timespan(15, 0));
        const std::string request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        char buffer[1024];
        int n = 0;
        while ((n = socket.receiveBytes(buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
    } catch (const Poco::Exception& e) {
        BOOST_TEST_MESSAGE("plain HTTP request failed as expected: " << e.displayText());
    }
    BOOST_TEST(answer.rfind("HTTP/1.1 200", 0) != 0u, "plain HTTP was answered: " << answer.substr(0, 200));
    BOOST_TEST(answer.find("\"status\"") == std::string::npos);

    // The same through the project's HTTP client: it fails or gets no 200.
    try {
        auto r = registry::test::HttpClient(server.port(), false).get("/health");
        BOOST_TEST(r.status != 200);
    } catch (const std::exception& e) {
        BOOST_TEST_MESSAGE("plain HTTP client failed as expected: " << e.what());
    }

    // The HTTPS side still works afterwards.
    BOOST_TEST(server.client().get("/health").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
