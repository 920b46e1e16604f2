#include "server/http/metrics.h"

#include <sstream>

namespace registry::http {
namespace {
std::string label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}
// Every label takes its value from a fixed set, so that no client can add series: methods beyond
// these become "other", statuses outside 100..599 become 0.
std::string methodLabel(const std::string& method) {
    static const char* const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    for (const char* m : known) {
        if (method == m) return m;
    }
    return "other";
}
}  // namespace

void Metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{route, methodLabel(method), status >= 100 && status <= 599 ? status : 0}];
    auto& h = latency_[route];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render(const Gauges& gauges) const {
    std::ostringstream out;
    out << "# HELP registry_build_info Version of the running registry.\n"
        << "# TYPE registry_build_info gauge\n"
        << "registry_build_info{version=\"" << label(gauges.version) << "\",commit=\"" << label(gauges.commit)
        << "\"} 1\n";
    out << "# HELP registry_db_pool_connections Database connections by state.\n"
        << "# TYPE registry_db_pool_connections gauge\n"
        << "registry_db_pool_connections{state=\"in_use\"} " << gauges.poolInUse << "\n"
        << "registry_db_pool_connections{state=\"idle\"} " << gauges.poolIdle << "\n"
        << "# HELP registry_db_pool_capacity Largest number of database connections.\n"
        << "# TYPE registry_db_pool_capacity gauge\n"
        << "registry_db_pool_capacity " << gauges.poolCapacity << "\n";
    const long open = open_.load(), busy = busy_.load();
    out << "# HELP registry_http_connections Open client connections: being served, or idle between requests.\n"
        << "# TYPE registry_http_connections gauge\n"
        << "registry_http_connections{state=\"busy\"} " << busy << "\n"
        << "registry_http_connections{state=\"idle\"} " << (open - busy) << "\n";
    out << "# HELP registry_rate_limited_total Requests refused by the per-user rate limit.\n"
        << "# TYPE registry_rate_limited_total counter\n"
        << "registry_rate_limited_total " << rateLimited_.load(std::memory_order_relaxed) << "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    out << "# HELP registry_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE registry_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        out << "registry_http_requests_total{route=\"" << label(std::get<0>(key)) << "\",method=\""
            << label(std::get<1>(key)) << "\",status=\"" << std::get<2>(key) << "\"} " << count << "\n";
    }
    out << "# HELP registry_http_request_duration_seconds Time to answer a request.\n"
        << "# TYPE registry_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        const std::string r = label(route);
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out << "registry_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i] << "\"} "
                << h.buckets[i] << "\n";
        }
        out << "registry_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << h.count << "\n"
            << "registry_http_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
            << "registry_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
    }
    return out.str();
}

}  // namespace registry::http
