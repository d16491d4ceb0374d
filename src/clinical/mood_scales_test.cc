// PHQ-9, GAD-7, MADRS and QIDS-SR16. Every expected total is worked by hand in the comment
// beside it, from the published scoring rule; every band from the published cut points.

#include <algorithm>
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

struct BandCase {
  std::vector<int> items;
  int total;
  const char* band;
};

void ExpectBands(Scale scale, const std::vector<BandCase>& cases) {
  for (const BandCase& c : cases) {
    const Result<ScaleScore> score = ScoreScale(scale, c.items);
    ASSERT_TRUE(score) << score.error().ToString();
    EXPECT_EQ(score->scale, scale);
    EXPECT_EQ(score->total, c.total) << c.band;
    EXPECT_EQ(score->band, c.band) << "total " << c.total;
    EXPECT_EQ(score->items, c.items);
  }
}

int CountRule(const ScaleScore& score, const std::string& rule) {
  return static_cast<int>(std::count_if(score.findings.begin(), score.findings.end(),
                                        [&](const Finding& f) { return f.rule_id == rule; }));
}

// --- PHQ-9: 9 items 0-3; bands 0-4, 5-9, 10-14, 15-19, 20-27 (clinical.md §2.1, LL382-3) -----

TEST(Phq9Test, BandBoundariesOnBothSides) {
  ExpectBands(Scale::kPhq9, {
                                {{0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "none-minimal"},        // minimum
                                {{1, 1, 1, 1, 0, 0, 0, 0, 0}, 4, "none-minimal"},        // 1+1+1+1
                                {{1, 1, 1, 1, 1, 0, 0, 0, 0}, 5, "mild"},                // 5 x 1
                                {{3, 3, 3, 0, 0, 0, 0, 0, 0}, 9, "mild"},                // 3+3+3
                                {{3, 3, 3, 1, 0, 0, 0, 0, 0}, 10, "moderate"},           // 9+1
                                {{3, 3, 3, 3, 2, 0, 0, 0, 0}, 14, "moderate"},           // 12+2
                                {{3, 3, 3, 3, 3, 0, 0, 0, 0}, 15, "moderately severe"},  // 5x3
                                {{3, 3, 3, 3, 3, 3, 1, 0, 0}, 19, "moderately severe"},  // 18+1
                                {{3, 3, 3, 3, 3, 3, 2, 0, 0}, 20, "severe"},             // 18+2
                                {{3, 3, 3, 3, 3, 3, 3, 3, 3}, 27, "severe"},  // maximum 9x3
                            });
}

TEST(Phq9Test, NoSuicideFindingWhenItem9IsZero) {
  // Items 1-8 at their maximum, item 9 = 0: total 24, severe, but no item-9 flag.
  const Result<ScaleScore> score = ScoreScale(Scale::kPhq9, {3, 3, 3, 3, 3, 3, 3, 3, 0});
  ASSERT_TRUE(score);
  EXPECT_EQ(score->total, 24);
  EXPECT_THAT(score->findings, IsEmpty());
}

TEST(Phq9Test, Item9AboveZeroRequiresASuicideRiskAssessment) {
  // clinical.md §2.1 [D]: item 9 > 0 triggers the suicide-risk workflow; a warning, at 1 and 3.
  for (int item9 : {1, 2, 3}) {
    const Result<ScaleScore> score = ScoreScale(Scale::kPhq9, {0, 0, 0, 0, 0, 0, 0, 0, item9});
    ASSERT_TRUE(score);
    EXPECT_EQ(score->total, item9);
    ASSERT_EQ(score->findings.size(), 1u);
    const Finding& f = score->findings[0];
    EXPECT_EQ(f.rule_id, "suicide-risk.phq9-item9");
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_THAT(f.message, HasSubstr("same-day suicide-risk assessment (C-SSRS)"));
    EXPECT_THAT(f.message, HasSubstr("is " + std::to_string(item9)));
    EXPECT_THAT(f.source, HasSubstr("clinical.md §2.1 [D]"));
  }
}

TEST(Phq9Test, LoincCodes) {
  // clinical.md §2.1 [S]: item 1 is 44250-9, item 9 is 44260-8, the total 44261-6.
  EXPECT_STREQ(kPhq9ItemLoinc[0], "44250-9");
  EXPECT_STREQ(kPhq9ItemLoinc[8], "44260-8");
  EXPECT_STREQ(kPhq9TotalLoinc, "44261-6");
  EXPECT_STREQ(kPhq9PanelLoinc, "44249-1");
}

// --- GAD-7: 7 items 0-3; bands 0-4, 5-9, 10-14, 15-21 (Spitzer 2006) ------------------------

TEST(Gad7Test, BandBoundariesOnBothSides) {
  ExpectBands(Scale::kGad7, {
                                {{0, 0, 0, 0, 0, 0, 0}, 0, "minimal"},    // minimum
                                {{2, 2, 0, 0, 0, 0, 0}, 4, "minimal"},    // 2+2
                                {{2, 2, 1, 0, 0, 0, 0}, 5, "mild"},       // 2+2+1
                                {{3, 3, 3, 0, 0, 0, 0}, 9, "mild"},       // 3+3+3
                                {{3, 3, 3, 1, 0, 0, 0}, 10, "moderate"},  // 9+1
                                {{3, 3, 3, 3, 2, 0, 0}, 14, "moderate"},  // 12+2
                                {{3, 3, 3, 3, 3, 0, 0}, 15, "severe"},    // 5x3
                                {{3, 3, 3, 3, 3, 3, 3}, 21, "severe"},    // maximum 7x3
                            });
}

TEST(Gad7Test, HasNoFindings) {
  const Result<ScaleScore> score = ScoreScale(Scale::kGad7, {3, 3, 3, 3, 3, 3, 3});
  ASSERT_TRUE(score);
  EXPECT_THAT(score->findings, IsEmpty());
  EXPECT_THAT(score->subscores, IsEmpty());
}

// --- MADRS: 10 items 0-6; bands 0-6, 7-19, 20-34, 35-60 (clinical.md §2.2) --------------------

TEST(MadrsTest, BandBoundariesOnBothSides) {
  ExpectBands(Scale::kMadrs, {
                                 {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "normal"},     // minimum
                                 {{6, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 6, "normal"},     // 6
                                 {{6, 1, 0, 0, 0, 0, 0, 0, 0, 0}, 7, "mild"},       // 6+1
                                 {{6, 6, 6, 1, 0, 0, 0, 0, 0, 0}, 19, "mild"},      // 18+1
                                 {{6, 6, 6, 2, 0, 0, 0, 0, 0, 0}, 20, "moderate"},  // 18+2
                                 {{6, 6, 6, 6, 6, 4, 0, 0, 0, 0}, 34, "moderate"},  // 30+4
                                 {{6, 6, 6, 6, 6, 5, 0, 0, 0, 0}, 35, "severe"},    // 30+5
                                 {{6, 6, 6, 6, 6, 6, 6, 6, 6, 6}, 60, "severe"},    // max 10x6
                             });
}

TEST(MadrsTest, Item10AtFourOrMoreIsASuicideRiskWarning) {
  // Item 10 (suicidal thoughts), threshold 4 [D]: 3 gives nothing, 4, 5 and 6 a warning.
  const Result<ScaleScore> below = ScoreScale(Scale::kMadrs, {0, 0, 0, 0, 0, 0, 0, 0, 0, 3});
  ASSERT_TRUE(below);
  EXPECT_THAT(below->findings, IsEmpty());
  for (int item10 : {4, 5, 6}) {
    const Result<ScaleScore> score = ScoreScale(Scale::kMadrs, {0, 0, 0, 0, 0, 0, 0, 0, 0, item10});
    ASSERT_TRUE(score);
    ASSERT_EQ(score->findings.size(), 1u);
    EXPECT_EQ(score->findings[0].rule_id, "suicide-risk.madrs-item10");
    EXPECT_EQ(score->findings[0].severity, Severity::kWarning);
    EXPECT_THAT(score->findings[0].message, HasSubstr("C-SSRS"));
    EXPECT_THAT(score->findings[0].source, HasSubstr("[D]"));
  }
}

TEST(MadrsTest, HighItemsElsewhereDoNotFlagSuicideRisk) {
  // Items 1-9 at 6 (total 54, severe), item 10 = 0: no finding.
  const Result<ScaleScore> score = ScoreScale(Scale::kMadrs, {6, 6, 6, 6, 6, 6, 6, 6, 6, 0});
  ASSERT_TRUE(score);
  EXPECT_EQ(score->total, 54);
  EXPECT_EQ(score->band, "severe");
  EXPECT_EQ(CountRule(*score, "suicide-risk.madrs-item10"), 0);
}

// --- QIDS-SR16: total = max(q1-q4) + q5 + max(q6-q9) + q10 + q11 + q12 + q13 + q14 +
//     max(q15, q16); bands 0-5, 6-10, 11-15, 16-20, 21-27 (clinical.md §2.3) ----------------

TEST(QidsSr16Test, BandBoundariesOnBothSides) {
  // Item order:     q1-q4 sleep | q5 | q6-q9 appetite | q10 q11 q12 q13 q14 | q15 q16
  ExpectBands(Scale::kQidsSr16,
              {
                  // minimum
                  {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "none"},
                  // sleep max(3,3,3,3) = 3, q10 = 2: 5 (the raw item sum would be 14)
                  {{3, 3, 3, 3, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}, 5, "none"},
                  // sleep 3 + q10 3 = 6
                  {{3, 3, 3, 3, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0}, 6, "mild"},
                  // sleep max(1,3,2,0) = 3, q5 3, appetite max(2,0,1,0) = 2, q10 2: 10
                  {{1, 3, 2, 0, 3, 2, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0}, 10, "mild"},
                  // the same + q11 1: 11
                  {{1, 3, 2, 0, 3, 2, 0, 1, 0, 2, 1, 0, 0, 0, 0, 0}, 11, "moderate"},
                  // sleep 3, q5 3, appetite max(0,3,0,0) = 3, q10 3, q11 3: 15
                  {{3, 0, 0, 0, 3, 0, 3, 0, 0, 3, 3, 0, 0, 0, 0, 0}, 15, "moderate"},
                  // the same + q13 1: 16
                  {{3, 0, 0, 0, 3, 0, 3, 0, 0, 3, 3, 0, 1, 0, 0, 0}, 16, "severe"},
                  // 15 + q13 3 + q14 2: 20
                  {{3, 0, 0, 0, 3, 0, 3, 0, 0, 3, 3, 0, 3, 2, 0, 0}, 20, "severe"},
                  // 15 + q13 3 + q14 3: 21
                  {{3, 0, 0, 0, 3, 0, 3, 0, 0, 3, 3, 0, 3, 3, 0, 0}, 21, "very severe"},
                  // maximum: 9 domains x 3 = 27 (the raw item sum would be 48)
                  {std::vector<int>(16, 3), 27, "very severe"},
              });
}

TEST(QidsSr16Test, MaxOfDomainArithmeticAndSubscores) {
  // q1-q4 = 1,2,0,3 -> sleep 3; q5 = 2; q6-q9 = 3,0,1,2 -> appetite/weight 3; q10 = 1;
  // q11 = 2; q12 = 0; q13 = 1; q14 = 2; q15,q16 = 0,3 -> psychomotor 3.
  // Total 3+2+3+1+2+0+1+2+3 = 17 (severe); the raw item sum is 23.
  const Result<ScaleScore> score =
      ScoreScale(Scale::kQidsSr16, {1, 2, 0, 3, 2, 3, 0, 1, 2, 1, 2, 0, 1, 2, 0, 3});
  ASSERT_TRUE(score);
  EXPECT_EQ(score->total, 17);
  EXPECT_EQ(score->band, "severe");
  EXPECT_THAT(
      score->subscores,
      ElementsAre(Subscore{"sleep", 3}, Subscore{"sad_mood", 2}, Subscore{"appetite_weight", 3},
                  Subscore{"concentration", 1}, Subscore{"self_view", 2},
                  Subscore{"suicidal_ideation", 0}, Subscore{"interest", 1}, Subscore{"energy", 2},
                  Subscore{"psychomotor", 3}));
  EXPECT_THAT(score->findings, IsEmpty());
}

TEST(QidsSr16Test, OnlyTheWorstItemOfADomainCounts) {
  // Hypersomnia q4 = 2 with q1 = 1: sleep max = 2. Increased appetite q7 = 3 and weight gain
  // q9 = 1: appetite max = 3. Restless q16 = 1, slowed q15 = 1: psychomotor 1. Total 2+3+1 = 6.
  const Result<ScaleScore> score =
      ScoreScale(Scale::kQidsSr16, {1, 0, 0, 2, 0, 0, 3, 0, 1, 0, 0, 0, 0, 0, 1, 1});
  ASSERT_TRUE(score);
  EXPECT_EQ(score->total, 6);
  EXPECT_EQ(score->band, "mild");
}

TEST(QidsSr16Test, Item12AboveZeroIsASuicideRiskWarning) {
  // clinical.md §2.3: item 12 (thoughts of death or suicide) is a trigger. 0 -> nothing.
  std::vector<int> items(16, 0);
  const Result<ScaleScore> none = ScoreScale(Scale::kQidsSr16, items);
  ASSERT_TRUE(none);
  EXPECT_THAT(none->findings, IsEmpty());
  for (int item12 : {1, 3}) {
    items[11] = item12;
    const Result<ScaleScore> score = ScoreScale(Scale::kQidsSr16, items);
    ASSERT_TRUE(score);
    EXPECT_EQ(score->total, item12);  // the suicidal-ideation domain is q12 alone
    ASSERT_EQ(score->findings.size(), 1u);
    EXPECT_EQ(score->findings[0].rule_id, "suicide-risk.qids-item12");
    EXPECT_EQ(score->findings[0].severity, Severity::kWarning);
    EXPECT_THAT(score->findings[0].source, HasSubstr("§2.3"));
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
