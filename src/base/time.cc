#include "base/time.h"

#include <sstream>

#include <date/date.h>

namespace ketaclinic {

Instant SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<Instant> ParseRfc3339(std::string_view text, std::string_view field) {
  const std::string input(text);
  auto fail = [&](const std::string& why) -> Result<Instant> {
    return tl::unexpected(Error::InvalidArgument(std::string(field), why));
  };
  // RFC 3339 allows a lower-case 't' and 'z'; date::parse wants the canonical letters.
  std::string canonical = input;
  if (canonical.size() > 10 && canonical[10] == 't') canonical[10] = 'T';
  if (!canonical.empty() && canonical.back() == 'z') canonical.back() = 'Z';
  if (canonical.size() < 20 || canonical[10] != 'T') {
    return fail("'" + input + "' is not an RFC 3339 date-time such as 2026-11-29T09:30:00Z");
  }
  std::chrono::sys_time<std::chrono::milliseconds> parsed;
  std::istringstream stream(canonical);
  if (canonical.back() == 'Z') {
    stream >> date::parse("%FT%TZ", parsed);
  } else {
    stream >> date::parse("%FT%T%Ez", parsed);
  }
  if (stream.fail() || stream.peek() != std::char_traits<char>::eof()) {
    return fail("'" + input +
                "' is not an RFC 3339 date-time with a zone (Z or +hh:mm), such as "
                "2026-11-29T09:30:00Z");
  }
  return std::chrono::floor<std::chrono::seconds>(parsed);
}

std::string FormatRfc3339(Instant instant) { return date::format("%FT%TZ", instant); }

double MinutesBetween(Instant from, Instant to) {
  return std::chrono::duration<double, std::ratio<60>>(to - from).count();
}

}  // namespace ketaclinic
