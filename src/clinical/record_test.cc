// Record versioning (DESIGN.md §7, clinical.md §5.2): corrections are new versions with an
// author, a time and a reason; a withdrawn or superseded version is never changed again.

#include "clinical/record.h"

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

Instant At(const char* text) { return *ParseRfc3339(text, "t"); }

RecordMeta FirstVersion() {
  RecordMeta meta;
  meta.id = "rec-1";
  meta.author = "nurse-ana";
  meta.recorded_at = At("2026-11-29T09:30:00Z");
  return meta;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

TEST(RecordTest, AFreshRecordIsVersionOneAndActive) {
  const RecordMeta meta;
  EXPECT_EQ(meta.version, 1);
  EXPECT_EQ(meta.status, RecordStatus::kActive);
  EXPECT_TRUE(meta.id.empty());  // storage assigns it
}

TEST(RecordTest, AmendWritesTheNextVersionWithItsAuthorTimeAndReason) {
  const RecordMeta first = FirstVersion();
  auto second = Amend(first, "dr-lee", At("2026-11-29T10:00:00Z"), "weight re-measured");
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(second->id, "rec-1");  // the same record, a new version
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->author, "dr-lee");
  EXPECT_EQ(second->recorded_at, At("2026-11-29T10:00:00Z"));
  EXPECT_EQ(second->status, RecordStatus::kActive);
  EXPECT_EQ(second->reason, "weight re-measured");
  // The version it replaces is untouched (it is a value; storage marks it amended).
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.author, "nurse-ana");

  auto third = Amend(*second, "nurse-ana", At("2026-11-29T10:05:00Z"), "typo in site");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->version, 3);
}

TEST(RecordTest, MarkEnteredInErrorIsANewWithdrawnVersion) {
  auto withdrawn = MarkEnteredInError(FirstVersion(), "dr-lee", At("2026-11-29T11:00:00Z"),
                                      "entered on the wrong patient");
  ASSERT_TRUE(withdrawn.has_value()) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->id, "rec-1");
  EXPECT_EQ(withdrawn->version, 2);
  EXPECT_EQ(withdrawn->status, RecordStatus::kEnteredInError);
  EXPECT_EQ(withdrawn->author, "dr-lee");
  EXPECT_EQ(withdrawn->reason, "entered on the wrong patient");
}

TEST(RecordTest, AuthorAndReasonAreRequiredAndBothAreNamedAtOnce) {
  auto amended = Amend(FirstVersion(), "", At("2026-11-29T10:00:00Z"), "");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(amended.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(amended.error()), (std::vector<std::string>{"author", "reason"}));

  auto withdrawn = MarkEnteredInError(FirstVersion(), "dr-lee", At("2026-11-29T10:00:00Z"), "");
  ASSERT_FALSE(withdrawn.has_value());
  EXPECT_EQ(Fields(withdrawn.error()), (std::vector<std::string>{"reason"}));
}

TEST(RecordTest, BlankAuthorOrReasonCountsAsMissing) {
  auto amended = Amend(FirstVersion(), "  ", At("2026-11-29T10:00:00Z"), "\t\n");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(Fields(amended.error()), (std::vector<std::string>{"author", "reason"}));
}

TEST(RecordTest, TheLastRepresentableVersionCannotBeAmended) {
  RecordMeta last = FirstVersion();
  last.version = std::numeric_limits<int>::max();
  auto amended = Amend(last, "dr-lee", At("2026-11-29T10:00:00Z"), "typo");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(Fields(amended.error()), (std::vector<std::string>{"version"}));
  last.version = std::numeric_limits<int>::max() - 1;
  auto next = Amend(last, "dr-lee", At("2026-11-29T10:00:00Z"), "typo");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->version, std::numeric_limits<int>::max());
}

TEST(RecordTest, AWithdrawnRecordCannotBeAmendedOrWithdrawnAgain) {
  auto withdrawn =
      MarkEnteredInError(FirstVersion(), "dr-lee", At("2026-11-29T11:00:00Z"), "wrong patient");
  ASSERT_TRUE(withdrawn.has_value());
  auto amended = Amend(*withdrawn, "dr-lee", At("2026-11-29T12:00:00Z"), "undo");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(Fields(amended.error()), (std::vector<std::string>{"status"}));
  EXPECT_NE(amended.error().problems()[0].reason.find("entered-in-error"), std::string::npos);
  EXPECT_FALSE(
      MarkEnteredInError(*withdrawn, "dr-lee", At("2026-11-29T12:00:00Z"), "again").has_value());
}

TEST(RecordTest, ASupersededVersionCannotBeAmended) {
  RecordMeta superseded = FirstVersion();
  superseded.status = RecordStatus::kAmended;  // storage's mark on a replaced version
  auto amended = Amend(superseded, "dr-lee", At("2026-11-29T12:00:00Z"), "fix");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(Fields(amended.error()), (std::vector<std::string>{"status"}));
  EXPECT_FALSE(
      MarkEnteredInError(superseded, "dr-lee", At("2026-11-29T12:00:00Z"), "fix").has_value());
}

// Back-dating: one second before the version it replaces is refused; the same second is fine.
TEST(RecordTest, AnAmendmentCannotBeDatedBeforeTheVersionItReplaces) {
  const RecordMeta first = FirstVersion();
  auto early = Amend(first, "dr-lee", first.recorded_at - seconds(1), "backdated");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(Fields(early.error()), (std::vector<std::string>{"recorded_at"}));
  EXPECT_FALSE(MarkEnteredInError(first, "dr-lee", first.recorded_at - minutes(60), "backdated")
                   .has_value());
  EXPECT_TRUE(Amend(first, "dr-lee", first.recorded_at, "same second").has_value());
  EXPECT_TRUE(Amend(first, "dr-lee", first.recorded_at + seconds(1), "a second later").has_value());
}

TEST(RecordTest, EveryProblemIsReportedTogether) {
  RecordMeta superseded = FirstVersion();
  superseded.status = RecordStatus::kAmended;
  auto amended = Amend(superseded, "", superseded.recorded_at - seconds(1), "");
  ASSERT_FALSE(amended.has_value());
  EXPECT_EQ(Fields(amended.error()),
            (std::vector<std::string>{"author", "reason", "status", "recorded_at"}));
}

TEST(RecordTest, StatusNamesRoundTrip) {
  for (RecordStatus status :
       {RecordStatus::kActive, RecordStatus::kAmended, RecordStatus::kEnteredInError}) {
    auto parsed = ParseRecordStatus(RecordStatusName(status), "status");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, status);
  }
  EXPECT_STREQ(RecordStatusName(RecordStatus::kActive), "active");
  EXPECT_STREQ(RecordStatusName(RecordStatus::kAmended), "amended");
  EXPECT_STREQ(RecordStatusName(RecordStatus::kEnteredInError), "entered-in-error");
}

TEST(RecordTest, UnknownStatusNamesTheField) {
  for (const char* bad : {"deleted", "Active", "", "entered_in_error"}) {
    auto parsed = ParseRecordStatus(bad, "records[3].status");
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(Fields(parsed.error()), (std::vector<std::string>{"records[3].status"}));
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
