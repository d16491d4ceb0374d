// Scale names, item validation and severities. Expected problems are written from the scale
// definitions (item counts and ranges of clinical.md §2 and §1.7), not from the code's output.

#include "clinical/scales.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinical/finding.h"

namespace ketaclinic::clinical {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SeverityTest, Names) {
  EXPECT_STREQ(SeverityName(Severity::kInfo), "info");
  EXPECT_STREQ(SeverityName(Severity::kWarning), "warning");
  EXPECT_STREQ(SeverityName(Severity::kBlock), "block");
}

TEST(ParseScaleNameTest, AcceptsEveryNameInAnyCase) {
  EXPECT_EQ(ParseScaleName("phq9"), Scale::kPhq9);
  EXPECT_EQ(ParseScaleName("PHQ9"), Scale::kPhq9);
  EXPECT_EQ(ParseScaleName("gad7"), Scale::kGad7);
  EXPECT_EQ(ParseScaleName("Madrs"), Scale::kMadrs);
  EXPECT_EQ(ParseScaleName("QIDS-SR16"), Scale::kQidsSr16);
  EXPECT_EQ(ParseScaleName("cadss"), Scale::kCadss);
  EXPECT_EQ(ParseScaleName("CADSS6"), Scale::kCadss6);
  EXPECT_EQ(ParseScaleName("moaas"), Scale::kMoaas);
  EXPECT_EQ(ParseScaleName("cssrs-screener"), Scale::kCssrsScreener);
}

TEST(ParseScaleNameTest, EveryScaleRoundTripsThroughItsName) {
  ASSERT_EQ(AllScales().size(), 8u);
  for (const ScaleInfo& info : AllScales()) {
    EXPECT_EQ(ParseScaleName(info.name), info.scale) << info.name;
    EXPECT_EQ(GetScaleInfo(info.scale).name, info.name);
  }
}

TEST(ParseScaleNameTest, UnknownNameListsTheKnownOnes) {
  for (const char* name : {"phq-9", "", "phq", "cadss 6"}) {
    const Result<Scale> scale = ParseScaleName(name);
    ASSERT_FALSE(scale) << name;
    EXPECT_EQ(scale.error().code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(scale.error().problems().size(), 1u);
    EXPECT_EQ(scale.error().problems()[0].field, "scale");
    EXPECT_THAT(scale.error().problems()[0].reason,
                HasSubstr("phq9, gad7, madrs, qids-sr16, cadss, cadss6, moaas, cssrs-screener"));
  }
}

std::vector<FieldProblem> Problems(Scale scale, const std::vector<int>& items) {
  const Result<ScaleScore> score = ScoreScale(scale, items);
  EXPECT_FALSE(score);
  if (score) return {};
  EXPECT_EQ(score.error().code(), ErrorCode::kInvalidArgument);
  return score.error().problems();
}

TEST(ValidateItemsTest, TooFewItems) {
  // PHQ-9 has 9 items (clinical.md §2.1); 8 given.
  EXPECT_THAT(Problems(Scale::kPhq9, {0, 0, 0, 0, 0, 0, 0, 0}),
              ElementsAre(FieldProblem{"items", "PHQ-9 has 9 items, got 8"}));
}

TEST(ValidateItemsTest, TooManyItems) {
  // MOAA/S is one observation (clinical.md §1.7).
  EXPECT_THAT(Problems(Scale::kMoaas, {3, 3}),
              ElementsAre(FieldProblem{"items", "MOAA/S has 1 item, got 2"}));
}

TEST(ValidateItemsTest, NoItems) {
  EXPECT_THAT(Problems(Scale::kGad7, {}),
              ElementsAre(FieldProblem{"items", "GAD-7 has 7 items, got 0"}));
}

TEST(ValidateItemsTest, NamesEveryBadItemAtOnce) {
  // PHQ-9 items are 0-3: item 2 (index 1) is 5, item 4 (index 3) is -1, item 9 (index 8) is 4.
  EXPECT_THAT(Problems(Scale::kPhq9, {0, 5, 0, -1, 0, 0, 0, 0, 4}),
              ElementsAre(FieldProblem{"items[1]", "must be 0-3, got 5 (item 2)"},
                          FieldProblem{"items[3]", "must be 0-3, got -1 (item 4)"},
                          FieldProblem{"items[8]", "must be 0-3, got 4 (item 9)"}));
}

TEST(ValidateItemsTest, WrongCountAndBadItemsTogether) {
  // GAD-7 with 8 items, the third of them 9.
  EXPECT_THAT(Problems(Scale::kGad7, {0, 0, 9, 0, 0, 0, 0, 0}),
              ElementsAre(FieldProblem{"items", "GAD-7 has 7 items, got 8"},
                          FieldProblem{"items[2]", "must be 0-3, got 9 (item 3)"}));
}

TEST(ValidateItemsTest, EachScalesRangeEndsAtItsMaximum) {
  // The first value past each scale's item maximum (clinical.md §2.1-§2.8, §1.7; GAD-7 from
  // Spitzer 2006) is refused; the maximum itself is accepted.
  struct Case {
    Scale scale;
    int count;
    int max;
  };
  for (const Case& c :
       {Case{Scale::kPhq9, 9, 3}, Case{Scale::kGad7, 7, 3}, Case{Scale::kMadrs, 10, 6},
        Case{Scale::kQidsSr16, 16, 3}, Case{Scale::kCadss, 23, 4}, Case{Scale::kCadss6, 6, 4},
        Case{Scale::kMoaas, 1, 5}, Case{Scale::kCssrsScreener, 6, 1}}) {
    const char* name = GetScaleInfo(c.scale).name;
    std::vector<int> items(static_cast<size_t>(c.count), c.max);
    EXPECT_TRUE(ScoreScale(c.scale, items)) << name;
    EXPECT_TRUE(ValidateItems(c.scale, items)) << name;
    items.back() = c.max + 1;
    const std::string last = std::to_string(c.count - 1);
    EXPECT_THAT(Problems(c.scale, items),
                ElementsAre(FieldProblem{"items[" + last + "]",
                                         "must be 0-" + std::to_string(c.max) + ", got " +
                                             std::to_string(c.max + 1) + " (item " +
                                             std::to_string(c.count) + ")"}))
        << name;
    items.front() = -1;
    EXPECT_EQ(Problems(c.scale, items).size(), c.count == 1 ? 1u : 2u) << name;
  }
}

TEST(ValidateItemsTest, ErrorMessageNamesTheScale) {
  const Result<ScaleScore> score = ScoreScale(Scale::kMadrs, {7});
  ASSERT_FALSE(score);
  EXPECT_EQ(score.error().message(), "invalid MADRS items");
  // Wrong count and item 1 out of 0-6.
  EXPECT_EQ(score.error().problems().size(), 2u);
}

}  // namespace
}  // namespace ketaclinic::clinical
