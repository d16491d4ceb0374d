#ifndef KETACLINIC_CLI_PROGRESS_BAR_H_
#define KETACLINIC_CLI_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace ketaclinic::cli {

// A one-line progress bar redrawn in place ("\r"), at most 10 times a second. For a terminal
// only; callers print plain lines otherwise.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, const char* label) : out_(out), label_(label) {}
  void Update(int64_t done, int64_t total);
  void Finish();

 private:
  std::ostream& out_;
  const char* label_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_PROGRESS_BAR_H_
