// Trial adequacy and the Maudsley Staging Method, against the rules of clinical.md §1.2 worked
// by hand (each expected level is derived in the comment beside it).

#include "clinical/staging.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

constexpr double kWeeks = 4;  // clinical.md §1.2 ELIG-02: >= 4 weeks at adequate dose
constexpr int kAdequate = 3;  // §6 athf_adequacy_min

AntidepressantTrial Trial(const std::string& drug, double mg, double weeks,
                          TrialOutcome outcome = TrialOutcome::kNoResponse) {
  AntidepressantTrial t;
  t.drug = drug;
  t.daily_dose_mg = mg;
  t.start = Date{year(2025), month(9), day(1)};
  t.weeks_at_dose = weeks;
  t.adherence = Adherence::kGood;
  t.outcome = outcome;
  return t;
}

// Items for `scale` whose total is `total`, each counted item as high as it goes, in order. The
// QIDS-SR16 total counts one item per symptom domain (clinical.md §2.3): q1, q5, q6, q10-q15.
ScaleScore ScoreWithTotal(Scale scale, int total) {
  const ScaleInfo& info = GetScaleInfo(scale);
  std::vector<int> items(static_cast<size_t>(info.item_count), 0);
  std::vector<size_t> counted;
  if (scale == Scale::kQidsSr16) {
    counted = {0, 4, 5, 9, 10, 11, 12, 13, 14};
  } else {
    for (size_t i = 0; i < items.size(); ++i) counted.push_back(i);
  }
  int left = total;
  for (const size_t i : counted) {
    items[i] = std::min(left, info.item_max);
    left -= items[i];
  }
  auto score = ScoreScale(scale, items);
  EXPECT_TRUE(score.has_value());
  return score.value_or(ScaleScore{});
}

TEST(AdequateDoseTableTest, LookupByTheFirstWordInLowerCase) {
  EXPECT_EQ(DrugKey("  Venlafaxine XR"), "venlafaxine");
  EXPECT_EQ(DrugKey("SERTRALINE"), "sertraline");
  auto row = FindMinimumAdequateDose("Sertraline");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row.value_or(AdequateDose{}).min_daily_dose_mg, 50);
  row = FindMinimumAdequateDose("bupropion XL");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row.value_or(AdequateDose{}).min_daily_dose_mg, 300);
  EXPECT_FALSE(FindMinimumAdequateDose("phenelzine").has_value());  // left out on purpose
  EXPECT_FALSE(FindMinimumAdequateDose("").has_value());
}

TEST(AdequateDoseTableTest, SortedUniqueCitedAndPositive) {
  const std::vector<AdequateDose>& table = MinimumAdequateDoses();
  ASSERT_GE(table.size(), 20u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_GT(table[i].min_daily_dose_mg, 0) << table[i].drug;
    EXPECT_NE(table[i].source.find("[R]"), std::string_view::npos) << table[i].drug;
    EXPECT_EQ(DrugKey(table[i].drug), table[i].drug);
    if (i > 0) {
      EXPECT_LT(table[i - 1].drug, table[i].drug);
    }
  }
}

// Sertraline 150 mg/day >= 50 for 8 weeks >= 2 x 4: level 4, adequate; no response: failed.
TEST(RateTrialTest, LongAdequateTrialIsLevelFour) {
  const TrialRating r = RateTrial(Trial("sertraline", 150, 8), kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 4);
  EXPECT_TRUE(r.adequate);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.dose, DoseAdequacy::kAdequate);
  EXPECT_EQ(r.minimum_adequate_dose_mg, 50);
  EXPECT_NE(r.basis.find("table minimum 50 mg/day"), std::string::npos) << r.basis;
}

// The duration boundary: 4 weeks is enough, 3.9 is not (level 1), 7.9 is still level 3.
TEST(RateTrialTest, DurationBoundaries) {
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 4), kWeeks, kAdequate).athf, 3);
  EXPECT_TRUE(RateTrial(Trial("sertraline", 100, 4), kWeeks, kAdequate).adequate);
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 3.9), kWeeks, kAdequate).athf, 1);
  EXPECT_FALSE(RateTrial(Trial("sertraline", 100, 3), kWeeks, kAdequate).adequate);
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 7.9), kWeeks, kAdequate).athf, 3);
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 0), kWeeks, kAdequate).athf, 0);
  // A protocol asking 6 weeks: 5 weeks is level 1, 12 weeks level 4.
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 5), 6, kAdequate).athf, 1);
  EXPECT_EQ(RateTrial(Trial("sertraline", 100, 12), 6, kAdequate).athf, 4);
}

// The dose boundary: citalopram 20 mg is the minimum (level 3), 19 mg below it (level 2).
TEST(RateTrialTest, DoseBoundaries) {
  EXPECT_EQ(RateTrial(Trial("citalopram", 20, 6), kWeeks, kAdequate).athf, 3);
  const TrialRating low = RateTrial(Trial("citalopram", 19, 6), kWeeks, kAdequate);
  EXPECT_EQ(low.athf, 2);
  EXPECT_EQ(low.dose, DoseAdequacy::kBelowMinimum);
  EXPECT_FALSE(low.adequate);
  EXPECT_FALSE(low.failed);
}

// A drug not in the table: unknown dose is level 2 at most; the clinician's judgment decides.
TEST(RateTrialTest, ClinicianJudgesDrugsOutsideTheTable) {
  AntidepressantTrial t = Trial("phenelzine", 60, 6);
  TrialRating r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.dose, DoseAdequacy::kUnknown);
  EXPECT_EQ(r.athf, 2);
  EXPECT_FALSE(r.minimum_adequate_dose_mg.has_value());
  t.adequate_dose = true;
  r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 3);
  EXPECT_NE(r.basis.find("clinician judged it adequate"), std::string::npos) << r.basis;
  t.adequate_dose = false;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 2);
}

// The clinician's judgment is followed over the table, and the basis says so.
TEST(RateTrialTest, ClinicianJudgmentOverridesTheTableVisibly) {
  AntidepressantTrial t = Trial("sertraline", 200, 6);
  t.adequate_dose = false;  // e.g. an ultra-rapid metabolizer with a low level
  TrialRating r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 2);
  EXPECT_NE(r.basis.find("clinician judged it not adequate"), std::string::npos) << r.basis;
  t = Trial("sertraline", 25, 6);
  t.adequate_dose = true;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 3);
  t.adequate_dose = false;  // agrees with the table: nothing to say
  r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.basis.find("clinician"), std::string::npos) << r.basis;
}

// Poor adherence or intolerance subtracts 1 once (clinical.md §1.2 [S-low]).
TEST(RateTrialTest, PoorAdherenceAndIntoleranceSubtractOne) {
  AntidepressantTrial t = Trial("escitalopram", 10, 4);
  t.adherence = Adherence::kPoor;
  TrialRating r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 2);  // 3 - 1
  EXPECT_FALSE(r.adequate);
  t.outcome = TrialOutcome::kIntolerance;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 2);  // still 3 - 1, not 3 - 2
  t.adherence = Adherence::kUnknown;                   // unknown is not poor
  r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 2);
  EXPECT_FALSE(r.failed);  // intolerance is not non-response
  t.outcome = TrialOutcome::kNoResponse;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 3);
  // Never below 0.
  t = Trial("escitalopram", 10, 0);
  t.adherence = Adherence::kPoor;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 0);
}

// Augmentation adds 1 to an adequate trial: 3 -> 4, 4 -> 5; nothing below level 3.
TEST(RateTrialTest, AugmentationAddsOneToAnAdequateTrial) {
  AntidepressantTrial t = Trial("venlafaxine", 150, 5);
  t.augmentation = true;
  t.augmentation_agent = "lithium";
  TrialRating r = RateTrial(t, kWeeks, kAdequate);
  EXPECT_EQ(r.athf, 4);
  EXPECT_NE(r.basis.find("augmented with lithium +1"), std::string::npos) << r.basis;
  t.weeks_at_dose = 10;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 5);
  t.adherence = Adherence::kPoor;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 4);  // 4 + 1 - 1
  t = Trial("venlafaxine", 37.5, 10);
  t.augmentation = true;
  EXPECT_EQ(RateTrial(t, kWeeks, kAdequate).athf, 2);
}

TEST(RateTrialTest, OnlyNonResponseOrPartialResponseFails) {
  EXPECT_TRUE(
      RateTrial(Trial("duloxetine", 60, 6, TrialOutcome::kNoResponse), kWeeks, kAdequate).failed);
  EXPECT_TRUE(
      RateTrial(Trial("duloxetine", 60, 6, TrialOutcome::kPartialResponse), kWeeks, kAdequate)
          .failed);
  const TrialRating response =
      RateTrial(Trial("duloxetine", 60, 6, TrialOutcome::kResponse), kWeeks, kAdequate);
  EXPECT_TRUE(response.adequate);
  EXPECT_FALSE(response.failed);
}

// A protocol that demands ATHF 4: a 4-week adequate trial (level 3) is no longer adequate.
TEST(RateTrialTest, AdequacyMinimumComesFromTheProtocol) {
  EXPECT_FALSE(RateTrial(Trial("sertraline", 100, 4), kWeeks, 4).adequate);
  EXPECT_TRUE(RateTrial(Trial("sertraline", 100, 8), kWeeks, 4).adequate);
}

TEST(MsmTest, DurationPoints) {
  EXPECT_EQ(MsmDurationPoints(0), 1);
  EXPECT_EQ(MsmDurationPoints(12), 1);
  EXPECT_EQ(MsmDurationPoints(13), 2);
  EXPECT_EQ(MsmDurationPoints(24), 2);
  EXPECT_EQ(MsmDurationPoints(25), 3);
}

TEST(MsmTest, TreatmentFailurePoints) {
  const std::vector<std::pair<int, int>> cases = {{0, 0}, {1, 1}, {2, 1}, {3, 2},  {4, 2},
                                                  {5, 3}, {6, 3}, {7, 4}, {10, 4}, {11, 5}};
  for (const auto& [failed, points] : cases) {
    EXPECT_EQ(MsmTreatmentFailurePoints(failed), points) << failed;
  }
}

TEST(MsmTest, Categories) {
  EXPECT_STREQ(MsmCategory(3), "mild");
  EXPECT_STREQ(MsmCategory(6), "mild");
  EXPECT_STREQ(MsmCategory(7), "moderate");
  EXPECT_STREQ(MsmCategory(10), "moderate");
  EXPECT_STREQ(MsmCategory(11), "severe");
  EXPECT_STREQ(MsmCategory(15), "severe");
}

// 18 months (2) + severe without psychosis (4) + 3 failed (2) + augmentation (1) + ECT (1) = 10.
TEST(MsmTest, WorkedExample) {
  const MsmScore s = ScoreMsm({18, MsmSeverity::kSevereWithoutPsychosis, 3, true, true});
  EXPECT_EQ(s.duration, 2);
  EXPECT_EQ(s.severity, 4);
  EXPECT_EQ(s.treatment_failure, 2);
  EXPECT_EQ(s.augmentation, 1);
  EXPECT_EQ(s.ect, 1);
  EXPECT_EQ(s.total, 10);
  EXPECT_EQ(s.category, "moderate");
  // The extremes: 1 + 1 + 1 = 3 and 3 + 5 + 5 + 1 + 1 = 15.
  EXPECT_EQ(ScoreMsm({6, MsmSeverity::kSubsyndromal, 1, false, false}).total, 3);
  const MsmScore top = ScoreMsm({30, MsmSeverity::kSevereWithPsychosis, 11, true, true});
  EXPECT_EQ(top.total, 15);
  EXPECT_EQ(top.category, "severe");
}

TEST(MsmTest, SeverityFromTheBaselineBand) {
  struct Case {
    Scale scale;
    int total;
    MsmSeverity expected;
  };
  const std::vector<Case> cases = {
      {Scale::kPhq9, 4, MsmSeverity::kSubsyndromal},
      {Scale::kPhq9, 5, MsmSeverity::kMild},
      {Scale::kPhq9, 14, MsmSeverity::kModerate},
      {Scale::kPhq9, 15, MsmSeverity::kModerate},  // moderately severe
      {Scale::kPhq9, 19, MsmSeverity::kModerate},
      {Scale::kPhq9, 20, MsmSeverity::kSevereWithoutPsychosis},
      {Scale::kMadrs, 6, MsmSeverity::kSubsyndromal},
      {Scale::kMadrs, 7, MsmSeverity::kMild},
      {Scale::kMadrs, 19, MsmSeverity::kMild},
      {Scale::kMadrs, 20, MsmSeverity::kModerate},
      {Scale::kMadrs, 34, MsmSeverity::kModerate},
      {Scale::kMadrs, 35, MsmSeverity::kSevereWithoutPsychosis},
      {Scale::kQidsSr16, 5, MsmSeverity::kSubsyndromal},
      {Scale::kQidsSr16, 6, MsmSeverity::kMild},
      {Scale::kQidsSr16, 15, MsmSeverity::kModerate},
      {Scale::kQidsSr16, 16, MsmSeverity::kSevereWithoutPsychosis},
      {Scale::kQidsSr16, 21, MsmSeverity::kSevereWithoutPsychosis},
  };
  for (const Case& c : cases) {
    const ScaleScore score = ScoreWithTotal(c.scale, c.total);
    ASSERT_EQ(score.total, c.total);
    EXPECT_EQ(MsmSeverityFromScore(score, false), c.expected)
        << GetScaleInfo(c.scale).name << " " << c.total;
  }
  EXPECT_EQ(MsmSeverityFromScore(ScoreWithTotal(Scale::kPhq9, 7), true),
            MsmSeverity::kSevereWithPsychosis);
  EXPECT_FALSE(MsmSeverityFromScore(ScoreWithTotal(Scale::kGad7, 15), false).has_value());
}

RC_GTEST_PROP(StagingProperties, RatingIsBoundedAndConsistent, ()) {
  AntidepressantTrial t =
      Trial(*rc::gen::element<std::string>("sertraline", "phenelzine", "x"),
            *rc::gen::inRange(1, 3000) / 10.0, *rc::gen::inRange(0, 400) / 10.0,
            *rc::gen::element(TrialOutcome::kResponse, TrialOutcome::kPartialResponse,
                              TrialOutcome::kNoResponse, TrialOutcome::kIntolerance));
  t.adherence = *rc::gen::element(Adherence::kGood, Adherence::kPoor, Adherence::kUnknown);
  t.augmentation = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) t.adequate_dose = *rc::gen::arbitrary<bool>();
  const double min_weeks = *rc::gen::inRange(1, 13);
  const int adequacy_min = *rc::gen::inRange(1, 6);
  const TrialRating r = RateTrial(t, min_weeks, adequacy_min);
  RC_ASSERT(r.athf >= 0 && r.athf <= 5);
  RC_ASSERT(r.adequate == (r.athf >= adequacy_min));
  RC_ASSERT(!r.failed || r.adequate);
  // More weeks at the same dose never lowers the rating.
  AntidepressantTrial longer = t;
  longer.weeks_at_dose += *rc::gen::inRange(0, 100) / 10.0;
  RC_ASSERT(RateTrial(longer, min_weeks, adequacy_min).athf >= r.athf);
}

RC_GTEST_PROP(StagingProperties, MsmTotalIsTheSumOfItsParts, ()) {
  const MsmInput input{*rc::gen::inRange(0, 240), static_cast<MsmSeverity>(*rc::gen::inRange(1, 6)),
                       *rc::gen::inRange(0, 30), *rc::gen::arbitrary<bool>(),
                       *rc::gen::arbitrary<bool>()};
  const MsmScore s = ScoreMsm(input);
  RC_ASSERT(s.total == s.duration + s.severity + s.treatment_failure + s.augmentation + s.ect);
  RC_ASSERT(s.total >= 2 && s.total <= 15);
  RC_ASSERT(input.failed_medications == 0 || s.total >= 3);
  RC_ASSERT(s.category == std::string(MsmCategory(s.total)));
}

}  // namespace
}  // namespace ketaclinic::clinical
