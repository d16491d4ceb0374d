#include "base/time.h"

#include <gtest/gtest.h>

namespace ketaclinic {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// 2026-11-29T09:30:00Z as seconds since the epoch, worked by hand: 20,786 days from 1970-01-01
// to 2026-11-29 (56 x 365 days, 14 leap days, 332 days into 2026), times 86,400, plus 9.5 h.
constexpr std::int64_t kReferenceEpochSeconds = 20786LL * 86400 + 9LL * 3600 + 30LL * 60;

TEST(Rfc3339, ParsesUtcAndOffsets) {
  const Instant expected{seconds(kReferenceEpochSeconds)};
  EXPECT_EQ(ParseRfc3339("2026-11-29T09:30:00Z", "t").value(), expected);
  EXPECT_EQ(ParseRfc3339("2026-11-29T10:30:00+01:00", "t").value(), expected);
  EXPECT_EQ(ParseRfc3339("2026-11-29T04:30:00-05:00", "t").value(), expected);
  EXPECT_EQ(ParseRfc3339("2026-11-29t09:30:00.750z", "t").value(), expected);
}

TEST(Rfc3339, RefusesTimesWithoutZoneAndNamesTheField) {
  for (const char* bad : {"2026-11-29T09:30:00", "2026-11-29", "29/11/2026 09:30", "",
                          "2026-13-01T00:00:00Z", "2026-11-29T09:30:00Zjunk"}) {
    auto parsed = ParseRfc3339(bad, "vitals[3].time");
    ASSERT_FALSE(parsed) << bad;
    ASSERT_EQ(parsed.error().problems().size(), 1u);
    EXPECT_EQ(parsed.error().problems()[0].field, "vitals[3].time");
  }
}

TEST(Rfc3339, FormatsRoundTrip) {
  const Instant t{seconds(kReferenceEpochSeconds)};
  EXPECT_EQ(FormatRfc3339(t), "2026-11-29T09:30:00Z");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(t + hours(1000)), "t").value(), t + hours(1000));
}

TEST(Clock, FixedClockAdvances) {
  FixedClock clock(Instant{seconds(0)});
  clock.Advance(seconds(90));
  EXPECT_EQ(clock.Now(), Instant{seconds(90)});
  EXPECT_DOUBLE_EQ(MinutesBetween(Instant{seconds(0)}, clock.Now()), 1.5);
}

}  // namespace
}  // namespace ketaclinic
