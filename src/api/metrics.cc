#include "api/metrics.h"

#include <sstream>

namespace ketaclinic::api {
namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Label values are route templates and methods of our own table, but escape anyway.
std::string Escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::RecordRequest(std::string_view method, std::string_view route, int status,
                            std::chrono::nanoseconds duration) {
  const double seconds = Seconds(duration);
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), std::string(route), status}];
  Histogram& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum_seconds += seconds;
}

void Metrics::RecordDatabase(std::chrono::nanoseconds duration) {
  std::lock_guard lock(mutex_);
  ++db_calls_;
  db_seconds_ += Seconds(duration);
}

std::string Metrics::Render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP kc_http_requests_total HTTP requests by method, route template and status.\n"
         "# TYPE kc_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "kc_http_requests_total{method=\"" << Escape(method) << "\",route=\"" << Escape(route)
        << "\",status=\"" << status << "\"} " << count << '\n';
  }
  out << "# HELP kc_http_request_duration_seconds Time from a parsed request to its response.\n"
         "# TYPE kc_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string label = "route=\"" + Escape(route) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "kc_http_request_duration_seconds_bucket{" << label << ",le=\"" << kBuckets[i]
          << "\"} " << h.buckets[i] << '\n';
    }
    out << "kc_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << h.count
        << '\n';
    out << "kc_http_request_duration_seconds_sum{" << label << "} " << h.sum_seconds << '\n';
    out << "kc_http_request_duration_seconds_count{" << label << "} " << h.count << '\n';
  }
  out << "# HELP kc_db_seconds_total Time spent in database work by request handlers.\n"
         "# TYPE kc_db_seconds_total counter\n"
      << "kc_db_seconds_total " << db_seconds_ << '\n'
      << "# HELP kc_db_calls_total Database units of work by request handlers.\n"
         "# TYPE kc_db_calls_total counter\n"
      << "kc_db_calls_total " << db_calls_ << '\n';
  return out.str();
}

}  // namespace ketaclinic::api
