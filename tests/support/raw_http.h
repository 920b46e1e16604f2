#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace registry::test {

// An HTTP/1.1 exchange byte by byte over a plain socket, for what a well-behaved client library
// will not send: truncated bodies, missing lengths, oversized heads, slow clients.
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port);

    void send(const std::string& bytes);
    // No more bytes from this side (the peer sees end of stream).
    void closeSending();

    struct Reply {
        bool received = false;  // false: the connection closed or timed out before a full response
        int status = 0;
        std::map<std::string, std::string> headers;  // names lower-cased
        std::string body;
        std::string header(const std::string& name) const;
    };
    // Reads one response (Content-Length or chunked body), waiting at most `timeout` in all.
    Reply read(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    Poco::Net::StreamSocket& socket() { return socket_; }

private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    Poco::Net::StreamSocket socket_;
    std::string buffer_;
};

}  // namespace registry::test
