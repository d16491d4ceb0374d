#include "cli/progress_bar.h"

#include <ostream>
#include <string>

namespace ketaclinic::cli {

void ProgressBar::Update(int64_t done, int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  constexpr int kWidth = 40;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1;
  const int filled = static_cast<int>(fraction * kWidth);
  out_ << '\r' << label_ << " [" << std::string(static_cast<size_t>(filled), '#')
       << std::string(static_cast<size_t>(kWidth - filled), ' ') << "] "
       << static_cast<int>(fraction * 100) << "% (" << done << "/" << total << ")" << std::flush;
}

void ProgressBar::Finish() {
  if (drawn_) out_ << '\n' << std::flush;
}

}  // namespace ketaclinic::cli
