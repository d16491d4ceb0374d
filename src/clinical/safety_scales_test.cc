// CADSS, CADSS-6, MOAA/S and the C-SSRS screener. Expected values are worked by hand from the
// definitions in clinical.md §2.5, §1.7 and §2.8.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinical/scales.h"

namespace ketaclinic::clinical {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ScaleScore Score(Scale scale, const std::vector<int>& items) {
  Result<ScaleScore> score = ScoreScale(scale, items);
  EXPECT_TRUE(score) << score.error().ToString();
  return score ? *std::move(score) : ScaleScore{};
}

// --- CADSS: 23 items 0-4, total 0-92, no bands; CADSS-6 = items 1, 2, 6, 7, 15, 22 (§2.5) ----

TEST(CadssTest, MinimumAndMaximum) {
  const ScaleScore low = Score(Scale::kCadss, std::vector<int>(23, 0));
  EXPECT_EQ(low.total, 0);
  EXPECT_EQ(low.band, "n/a");
  EXPECT_THAT(low.subscores, ElementsAre(Subscore{"cadss6", 0}));
  const ScaleScore high = Score(Scale::kCadss, std::vector<int>(23, 4));
  EXPECT_EQ(high.total, 92);  // 23 x 4
  EXPECT_EQ(high.band, "n/a");
  EXPECT_THAT(high.subscores, ElementsAre(Subscore{"cadss6", 24}));  // 6 x 4
  EXPECT_THAT(high.findings, IsEmpty());
}

TEST(CadssTest, ExtractsTheCadss6Items) {
  // Items (1-based) 1 = 1, 2 = 2, 6 = 3, 7 = 4, 15 = 1, 22 = 2 are the CADSS-6 items: 13.
  // Items 3 = 4 and 23 = 4 are not: the full total is 13 + 8 = 21.
  std::vector<int> items(23, 0);
  items[0] = 1;
  items[1] = 2;
  items[5] = 3;
  items[6] = 4;
  items[14] = 1;
  items[21] = 2;
  items[2] = 4;
  items[22] = 4;
  const ScaleScore score = Score(Scale::kCadss, items);
  EXPECT_EQ(score.total, 21);
  EXPECT_THAT(score.subscores, ElementsAre(Subscore{"cadss6", 13}));
}

TEST(CadssTest, ItemsNeighbouringTheShortFormAreNotInIt) {
  // Items 3, 5, 8, 14, 16, 21, 23 (the neighbours of the CADSS-6 items) at 4: total 28,
  // CADSS-6 0.
  std::vector<int> items(23, 0);
  for (int item : {3, 5, 8, 14, 16, 21, 23}) items[static_cast<size_t>(item - 1)] = 4;
  const ScaleScore score = Score(Scale::kCadss, items);
  EXPECT_EQ(score.total, 28);
  EXPECT_THAT(score.subscores, ElementsAre(Subscore{"cadss6", 0}));
}

TEST(Cadss6Test, ScoredAlone) {
  EXPECT_EQ(Score(Scale::kCadss6, {0, 0, 0, 0, 0, 0}).total, 0);
  EXPECT_EQ(Score(Scale::kCadss6, {4, 4, 4, 4, 4, 4}).total, 24);  // 6 x 4
  const ScaleScore score = Score(Scale::kCadss6, {1, 2, 3, 4, 1, 2});
  EXPECT_EQ(score.total, 13);  // 1+2+3+4+1+2
  EXPECT_EQ(score.band, "n/a");
  EXPECT_THAT(score.subscores, IsEmpty());
  EXPECT_THAT(score.findings, IsEmpty());
}

// --- MOAA/S: 0-5 with the meanings of clinical.md §1.7; <= 2 stops (sedation_stop, §6 [D]) ---

TEST(MoaasTest, BandIsTheMeaningOfEachLevel) {
  const std::vector<std::string> meanings = {"no response to pain",
                                             "no response to mild prodding",
                                             "responds only after mild prodding/shaking",
                                             "responds only after name called loudly/repeatedly",
                                             "lethargic response to name in normal tone",
                                             "responds readily to name in normal tone"};
  for (int level = 0; level <= 5; ++level) {
    const ScaleScore score = Score(Scale::kMoaas, {level});
    EXPECT_EQ(score.total, level);
    EXPECT_EQ(score.band, meanings[static_cast<size_t>(level)]);
  }
}

TEST(MoaasTest, ThreeAndAboveHaveNoFinding) {
  for (int level : {3, 4, 5}) EXPECT_THAT(Score(Scale::kMoaas, {level}).findings, IsEmpty());
}

TEST(MoaasTest, TwoAndBelowStopTheInfusion) {
  EXPECT_EQ(kDefaultSedationStopMoaas, 2);
  for (int level : {0, 1, 2}) {
    const ScaleScore score = Score(Scale::kMoaas, {level});
    ASSERT_EQ(score.findings.size(), 1u) << level;
    EXPECT_EQ(score.findings[0].rule_id, "sedation.moaas-stop");
    EXPECT_EQ(score.findings[0].severity, Severity::kBlock);
    EXPECT_THAT(score.findings[0].message, HasSubstr("stop the infusion"));
    EXPECT_THAT(score.findings[0].source, HasSubstr("sedation_stop"));
  }
  EXPECT_THAT(Score(Scale::kMoaas, {0}).findings[0].message, HasSubstr("no response to pain"));
  EXPECT_THAT(Score(Scale::kMoaas, {1}).findings[0].message,
              testing::Not(HasSubstr("no response to pain")));
}

// --- C-SSRS screener: 6 yes/no items; high if 4, 5 or 6 yes, moderate if 3, low if 1-2 only
//     (the common triage [R]); high blocks (clinical.md §2.8 [D]) --------------------------

struct CssrsCase {
  std::vector<int> items;
  int yes_count;
  const char* risk;
  const char* rule;  // nullptr: no finding
  Severity severity;
};

TEST(CssrsScreenerTest, Triage) {
  const std::vector<CssrsCase> cases = {
      {{0, 0, 0, 0, 0, 0}, 0, "none", nullptr, Severity::kInfo},
      {{1, 0, 0, 0, 0, 0}, 1, "low", "suicide-risk.cssrs-positive", Severity::kWarning},
      {{0, 1, 0, 0, 0, 0}, 1, "low", "suicide-risk.cssrs-positive", Severity::kWarning},
      {{1, 1, 0, 0, 0, 0}, 2, "low", "suicide-risk.cssrs-positive", Severity::kWarning},
      {{1, 1, 1, 0, 0, 0}, 3, "moderate", "suicide-risk.cssrs-positive", Severity::kWarning},
      {{1, 1, 0, 1, 0, 0}, 3, "high", "suicide-risk.cssrs-high", Severity::kBlock},
      {{1, 1, 1, 0, 1, 0}, 4, "high", "suicide-risk.cssrs-high", Severity::kBlock},
      {{0, 0, 0, 0, 0, 1}, 1, "high", "suicide-risk.cssrs-high", Severity::kBlock},
      {{1, 1, 1, 1, 1, 1}, 6, "high", "suicide-risk.cssrs-high", Severity::kBlock},
  };
  for (const CssrsCase& c : cases) {
    const ScaleScore score = Score(Scale::kCssrsScreener, c.items);
    EXPECT_EQ(score.total, c.yes_count);
    EXPECT_EQ(score.band, c.risk);
    if (c.rule == nullptr) {
      EXPECT_THAT(score.findings, IsEmpty());
      continue;
    }
    ASSERT_EQ(score.findings.size(), 1u) << c.risk;
    EXPECT_EQ(score.findings[0].rule_id, c.rule);
    EXPECT_EQ(score.findings[0].severity, c.severity);
    EXPECT_THAT(score.findings[0].source, HasSubstr("clinical.md §2.8"));
  }
}

TEST(CssrsScreenerTest, MessagesNameTheYesItemsAndTheAction) {
  EXPECT_THAT(Score(Scale::kCssrsScreener, {1, 1, 0, 1, 0, 0}).findings[0].message,
              HasSubstr("high risk (yes to items 1, 2, 4): same-day evaluation"));
  EXPECT_THAT(Score(Scale::kCssrsScreener, {1, 0, 0, 0, 0, 0}).findings[0].message,
              HasSubstr("low risk (yes to item 1)"));
}

}  // namespace
}  // namespace ketaclinic::clinical
