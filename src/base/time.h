#ifndef KETACLINIC_BASE_TIME_H_
#define KETACLINIC_BASE_TIME_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ketaclinic {

// A moment in UTC, to the second: what every clinical record and rule uses. Durations are
// std::chrono durations; a rule never reads the wall clock itself, it is given `now`.
using Instant = std::chrono::sys_seconds;

// Where "now" comes from. Rules take an Instant; the edges of the system (CLI, server) own a
// Clock, and tests use a FixedClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

// The system's UTC wall clock.
class SystemClock final : public Clock {
 public:
  Instant Now() const override;
};

// A clock that says what it is told: for tests and replays.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Instant now) : now_(now) {}
  Instant Now() const override { return now_; }
  void Set(Instant now) { now_ = now; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  Instant now_;
};

// Parses an RFC 3339 date-time ("2026-11-29T09:30:00Z", "2026-11-29T10:30:00+01:00"; a
// fractional second is accepted and truncated) to UTC. A date-time without an offset is
// refused: a clinical time must say which zone it is in. Errors name `field`.
Result<Instant> ParseRfc3339(std::string_view text, std::string_view field);

// "2026-11-29T09:30:00Z".
std::string FormatRfc3339(Instant instant);

// Minutes from `from` to `to` (negative if `to` is earlier), as a double for rule thresholds.
double MinutesBetween(Instant from, Instant to);

}  // namespace ketaclinic

#endif  // KETACLINIC_BASE_TIME_H_
