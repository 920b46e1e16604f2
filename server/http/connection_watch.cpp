#include "server/http/connection_watch.h"

#include <sys/socket.h>

namespace registry::http {

void ConnectionWatch::Entry::arm(Clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = true;
    deadline_ = deadline;
}

void ConnectionWatch::Entry::disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = false;
}

void ConnectionWatch::Entry::setIdle(bool idle) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_ = idle;
}

ConnectionWatch::ConnectionWatch() : thread_([this] { run(); }) {}

ConnectionWatch::~ConnectionWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::shared_ptr<ConnectionWatch::Entry> ConnectionWatch::enroll(poco_socket_t fd) {
    auto entry = std::make_shared<Entry>(fd);
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.insert(entry);
    return entry;
}

void ConnectionWatch::withdraw(const std::shared_ptr<Entry>& entry) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(entry);
}

void ConnectionWatch::endIdle() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : entries_) {
        std::lock_guard<std::mutex> entryLock(entry->mutex_);
        if (entry->idle_) ::shutdown(entry->fd_, SHUT_RDWR);
    }
}

void ConnectionWatch::endAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : entries_) ::shutdown(entry->fd_, SHUT_RDWR);
}

std::size_t ConnectionWatch::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

void ConnectionWatch::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(50));
        const auto now = Clock::now();
        for (const auto& entry : entries_) {
            std::lock_guard<std::mutex> entryLock(entry->mutex_);
            if (entry->armed_ && now >= entry->deadline_) {
                entry->armed_ = false;
                entry->expired_ = true;
                // Reading only: the worker can still send its 408 before it closes.
                ::shutdown(entry->fd_, SHUT_RD);
            }
        }
    }
}

}  // namespace registry::http
