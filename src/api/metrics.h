#ifndef KETACLINIC_API_METRICS_H_
#define KETACLINIC_API_METRICS_H_

// The server's counters in the Prometheus text format (GET /metrics): requests by method, route
// template and status; request latency as a histogram per route template; database time.
// Labels carry route templates, never concrete paths, so no patient id ever appears.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace ketaclinic::api {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets.
  static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,  0.1,    0.25,  1.0,  5.0};

  void RecordRequest(std::string_view method, std::string_view route, int status,
                     std::chrono::nanoseconds duration);
  void RecordDatabase(std::chrono::nanoseconds duration);
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  uint64_t db_calls_ = 0;
  double db_seconds_ = 0;
};

// Adds the time from construction to destruction to the database time.
class DatabaseTimer {
 public:
  explicit DatabaseTimer(Metrics& metrics)
      : metrics_(metrics), start_(std::chrono::steady_clock::now()) {}
  ~DatabaseTimer() { metrics_.RecordDatabase(std::chrono::steady_clock::now() - start_); }
  DatabaseTimer(const DatabaseTimer&) = delete;
  DatabaseTimer& operator=(const DatabaseTimer&) = delete;

 private:
  Metrics& metrics_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_METRICS_H_
