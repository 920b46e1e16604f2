#include "tests/support/raw_http.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

namespace registry::test {

RawConnection::RawConnection(std::uint16_t port) : socket_(Poco::Net::SocketAddress("127.0.0.1", port)) {
    socket_.setNoDelay(true);
}

void RawConnection::send(const std::string& bytes) { socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size())); }

void RawConnection::closeSending() { socket_.shutdownSend(); }

std::string RawConnection::Reply::header(const std::string& name) const {
    auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? "" : it->second;
}

bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    try {
        if (!socket_.poll(Poco::Timespan(left.count()), Poco::Net::Socket::SELECT_READ)) return false;
        char chunk[16384];
        const int n = socket_.receiveBytes(chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    } catch (const Poco::Exception&) {
        return false;  // reset by the peer
    }
}

RawConnection::Reply RawConnection::read(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Reply reply;
    std::size_t headEnd;
    while ((headEnd = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) return reply;
    }
    const std::string head = buffer_.substr(0, headEnd);
    buffer_.erase(0, headEnd + 4);
    std::size_t lineEnd = head.find("\r\n");
    const std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.rfind("HTTP/1.1 ", 0) != 0 && statusLine.rfind("HTTP/1.0 ", 0) != 0) return reply;
    reply.status = std::stoi(statusLine.substr(9, 3));
    while (lineEnd != std::string::npos) {
        const std::size_t next = head.find("\r\n", lineEnd + 2);
        const std::string line = head.substr(lineEnd + 2, next == std::string::npos ? std::string::npos : next - lineEnd - 2);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            reply.headers[Poco::toLower(line.substr(0, colon))] = Poco::trim(line.substr(colon + 1));
        }
        lineEnd = next;
    }
    if (reply.status == 100) return read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (Poco::icompare(reply.header("transfer-encoding"), "chunked") == 0) {
        for (;;) {
            std::size_t sizeEnd;
            while ((sizeEnd = buffer_.find("\r\n")) == std::string::npos) {
                if (!fill(deadline)) return reply;
            }
            const std::size_t size = std::stoul(buffer_.substr(0, sizeEnd), nullptr, 16);
            while (buffer_.size() < sizeEnd + 2 + size + 2) {
                if (!fill(deadline)) return reply;
            }
            reply.body += buffer_.substr(sizeEnd + 2, size);
            buffer_.erase(0, sizeEnd + 2 + size + 2);
            if (size == 0) break;
        }
    } else {
        const std::size_t length = reply.header("content-length").empty() ? 0 : std::stoul(reply.header("content-length"));
        while (buffer_.size() < length) {
            if (!fill(deadline)) return reply;
        }
        reply.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
    }
    reply.received = true;
    return reply;
}

}  // namespace registry::test
