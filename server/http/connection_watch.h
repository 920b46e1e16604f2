#pragma once

#include <Poco/Net/Socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace registry::http {

// Watches every open client connection from one thread, so that no connection can hold a worker
// longer than the server allows:
// - while a request's headers or body are being read, the connection has a deadline; a client
//   that trickles bytes (each receive well within the socket timeout) still meets it, and its
//   socket is then shut for reading, which ends the blocked receive at once;
// - stop() ends idle keep-alive connections at once instead of waiting out their timeout.
class ConnectionWatch {
public:
    using Clock = std::chrono::steady_clock;

    class Entry {
    public:
        explicit Entry(poco_socket_t fd) : fd_(fd) {}
        // Reading must finish by `deadline`.
        void arm(Clock::time_point deadline);
        void disarm();
        // The connection waits for the client's next request (or is about to close).
        void setIdle(bool idle);
        // True once the watch ended a read that overran its deadline.
        bool expired() const { return expired_.load(); }

    private:
        friend class ConnectionWatch;
        const poco_socket_t fd_;
        mutable std::mutex mutex_;
        bool armed_ = false;
        bool idle_ = true;
        Clock::time_point deadline_{};
        std::atomic<bool> expired_{false};
    };

    ConnectionWatch();
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch&) = delete;
    ConnectionWatch& operator=(const ConnectionWatch&) = delete;

    std::shared_ptr<Entry> enroll(poco_socket_t fd);
    void withdraw(const std::shared_ptr<Entry>& entry);
    // Shuts every idle connection (both directions); busy ones finish their request first.
    void endIdle();
    // Shuts every connection.
    void endAll();
    std::size_t size() const;

private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::set<std::shared_ptr<Entry>> entries_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace registry::http
