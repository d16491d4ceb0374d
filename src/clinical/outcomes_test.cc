// Outcome definitions (clinical.md §2.9) against hand-worked numbers, each at, just below and
// just above its boundary; the arithmetic is in the comments.

#include "clinical/outcomes.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::hours;

// Monday 2026-03-02 00:00 UTC plus days and hours.
Instant Day(int day, int hour = 8) {
  return Instant(std::chrono::sys_days(std::chrono::year(2026) / 3 / 2)) + hours(24 * day + hour);
}

Assessment Phq9(int day, int total, int hour = 8) {
  Assessment a;
  a.scale = Scale::kPhq9;
  a.taken_at = Day(day, hour);
  a.total = total;
  return a;
}

Assessment Madrs(int day, int total) {
  Assessment a = Phq9(day, total);
  a.scale = Scale::kMadrs;
  return a;
}

// The usual induction: Mon/Wed/Fri at 09:00 for two weeks (days 0, 2, 4, 7, 9, 11).
std::vector<Instant> Induction() {
  return {Day(0, 9), Day(2, 9), Day(4, 9), Day(7, 9), Day(9, 9), Day(11, 9)};
}

std::vector<std::string> Rules(const OutcomeReport& report) {
  std::vector<std::string> rules;
  rules.reserve(report.findings.size());
  for (const Finding& f : report.findings) rules.push_back(f.rule_id);
  std::sort(rules.begin(), rules.end());
  return rules;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

// The baseline and the early check, failing the test when absent (and then a default).
Baseline BaselineOf(const ScaleOutcome& o) {
  EXPECT_TRUE(o.baseline.has_value());
  return o.baseline.value_or(Baseline{});
}
EarlyCheck EarlyOf(const ScaleOutcome& o) {
  EXPECT_TRUE(o.early_check.has_value());
  return o.early_check.value_or(EarlyCheck{});
}

const ScaleOutcome& Only(const OutcomeReport& report) {
  EXPECT_EQ(report.scales.size(), 1u);
  return report.scales.front();
}

TEST(OutcomeDefinitionsTest, ReductionPercent) {
  EXPECT_DOUBLE_EQ(ReductionPercent(20, 10).value_or(-1), 50.0);        // 10 / 20
  EXPECT_DOUBLE_EQ(ReductionPercent(20, 25).value_or(-1), -25.0);       // rose by 5 of 20
  EXPECT_NEAR(ReductionPercent(27, 14).value_or(-1), 48.148148, 1e-6);  // 13 / 27
  EXPECT_FALSE(ReductionPercent(0, 0).has_value());
}

TEST(OutcomeDefinitionsTest, CategoryOfAPercentAtEachBoundary) {
  const OutcomeProtocol p;
  EXPECT_EQ(ClassifyReduction(49.9, p), ResponseCategory::kPartial);
  EXPECT_EQ(ClassifyReduction(50.0, p), ResponseCategory::kResponse);
  EXPECT_EQ(ClassifyReduction(50.1, p), ResponseCategory::kResponse);
  EXPECT_EQ(ClassifyReduction(24.9, p), ResponseCategory::kNone);
  EXPECT_EQ(ClassifyReduction(25.0, p), ResponseCategory::kPartial);
  EXPECT_EQ(ClassifyReduction(-10.0, p), ResponseCategory::kNone);
}

TEST(OutcomeDefinitionsTest, CategoryOfWholeTotals) {
  const OutcomeProtocol p;
  // PHQ-9 baseline 20: 10 is exactly 50 %, 11 is 45 %, 15 is exactly 25 %, 16 is 20 %.
  EXPECT_EQ(Classify(20, 10, p), ResponseCategory::kResponse);
  EXPECT_EQ(Classify(20, 11, p), ResponseCategory::kPartial);
  EXPECT_EQ(Classify(20, 15, p), ResponseCategory::kPartial);
  EXPECT_EQ(Classify(20, 16, p), ResponseCategory::kNone);
  // Baseline 27: 14 is 13/27 = 48.1 %, 13 is 14/27 = 51.9 %.
  EXPECT_EQ(Classify(27, 14, p), ResponseCategory::kPartial);
  EXPECT_EQ(Classify(27, 13, p), ResponseCategory::kResponse);
  // MADRS baseline 59: 30 is 29/59 = 49.15 %, 29 is 30/59 = 50.85 %.
  EXPECT_EQ(Classify(59, 30, p), ResponseCategory::kPartial);
  EXPECT_EQ(Classify(59, 29, p), ResponseCategory::kResponse);
  // No baseline, or a baseline of 0: nothing to reduce from.
  EXPECT_EQ(Classify(std::nullopt, 3, p), ResponseCategory::kNotEvaluable);
  EXPECT_EQ(Classify(0, 0, p), ResponseCategory::kNotEvaluable);
}

TEST(OutcomeDefinitionsTest, FractionalThresholdTiesCountAsMet) {
  // 3 -> 2 is 33.333... %: at least 33.3 %, not at least 33.4 %.
  EXPECT_TRUE(ReductionAtLeast(3, 2, 33.3));
  EXPECT_FALSE(ReductionAtLeast(3, 2, 33.4));
  // 3 -> 2 is exactly one third: 100/3 % is met.
  EXPECT_TRUE(ReductionAtLeast(3, 2, 100.0 / 3.0));
}

TEST(OutcomeDefinitionsTest, RemissionPerScale) {
  OutcomeProtocol p;
  EXPECT_TRUE(IsRemission(Scale::kPhq9, 4, p));  // PHQ-9 < 5
  EXPECT_FALSE(IsRemission(Scale::kPhq9, 5, p));
  EXPECT_TRUE(IsRemission(Scale::kMadrs, 10, p));  // MADRS <= 10
  EXPECT_FALSE(IsRemission(Scale::kMadrs, 11, p));
  EXPECT_TRUE(IsRemission(Scale::kQidsSr16, 5, p));  // QIDS-SR16 <= 5
  EXPECT_FALSE(IsRemission(Scale::kQidsSr16, 6, p));
  p.madrs_remission_max_total = 12;  // ASPIRE
  EXPECT_TRUE(IsRemission(Scale::kMadrs, 12, p));
  EXPECT_FALSE(IsRemission(Scale::kMadrs, 13, p));
}

// Baseline 20 before the first infusion; 18 (10 %), 15 (25 %), 12 (40 %), 10 (50 %), 4 (80 %),
// then 3 (85 %) two weeks after the 4.
TEST(EvaluateOutcomesTest, ResponseRemissionAndSustainedRemission) {
  const std::vector<Assessment> a = {Phq9(0, 20), Phq9(2, 18), Phq9(4, 15), Phq9(7, 12),
                                     Phq9(9, 10), Phq9(11, 4), Phq9(25, 3)};
  auto report = EvaluateOutcomes(a, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report) << report.error().ToString();
  const ScaleOutcome& o = Only(*report);
  ASSERT_TRUE(o.baseline);
  EXPECT_EQ(BaselineOf(o).total, 20);
  EXPECT_FALSE(BaselineOf(o).marked);
  ASSERT_EQ(o.follow_up.size(), 6u);
  EXPECT_EQ(o.follow_up[0].infusions_before, 1);
  EXPECT_EQ(o.follow_up[0].category, ResponseCategory::kNone);
  EXPECT_EQ(o.follow_up[1].category, ResponseCategory::kPartial);
  EXPECT_EQ(o.follow_up[3].category, ResponseCategory::kResponse);
  EXPECT_EQ(o.response_at, Day(9));
  EXPECT_EQ(o.infusions_to_response, 4);
  // Day 0 09:00 to day 9 08:00: 8 days 23 h.
  EXPECT_NEAR(o.days_to_response.value_or(-1), 8.0 + 23.0 / 24.0, 1e-9);
  EXPECT_EQ(o.remission_at, Day(11));
  EXPECT_EQ(o.infusions_to_remission, 5);
  // Remission on day 11 and day 25: two in a row, 14 days apart.
  EXPECT_EQ(o.sustained_remission_since, Day(11));
  EXPECT_EQ(o.sustained_remission_at, Day(25));
  EXPECT_DOUBLE_EQ(o.best_reduction_percent.value_or(-1), 85.0);
  EXPECT_EQ(o.best_at, Day(25));
  // After 3 infusions: day 7 (12, 40 %), not below 20 %.
  ASSERT_TRUE(o.early_check);
  EXPECT_EQ(EarlyOf(o).after_infusions, 3);
  EXPECT_FALSE(EarlyOf(o).non_response);
  EXPECT_FALSE(o.relapse_at);
  EXPECT_FALSE(o.loss_of_response);
  EXPECT_TRUE(o.in_remission_now);
  EXPECT_EQ(Rules(*report), (std::vector<std::string>{"outcome.remission", "outcome.response",
                                                      "outcome.sustained-remission"}));
}

TEST(EvaluateOutcomesTest, SustainedRemissionNeedsTheFullSpanWithoutABreak) {
  const OutcomeProtocol p;
  // 13 days apart: not yet sustained.
  auto short_span = EvaluateOutcomes({Phq9(0, 20), Phq9(11, 4), Phq9(24, 3)}, Induction(), p);
  ASSERT_TRUE(short_span);
  EXPECT_FALSE(Only(*short_span).sustained_remission_at);
  // 14 days apart but a 5 (not remission) between them: the run restarts.
  auto broken =
      EvaluateOutcomes({Phq9(0, 20), Phq9(11, 4), Phq9(18, 5), Phq9(25, 3)}, Induction(), p);
  ASSERT_TRUE(broken);
  EXPECT_FALSE(Only(*broken).sustained_remission_at);
  // One remission alone, however long ago, is not sustained.
  auto single = EvaluateOutcomes({Phq9(0, 20), Phq9(11, 4)}, Induction(), p);
  ASSERT_TRUE(single);
  EXPECT_FALSE(Only(*single).sustained_remission_at);
}

// Baseline 20, response 10 on day 9; then 11 (45 %, >= 10) on day 30 and 12 on day 35: two in a
// row 5 days apart -> relapse from day 30, confirmed day 35.
TEST(EvaluateOutcomesTest, RelapseAfterResponse) {
  auto report = EvaluateOutcomes({Phq9(0, 20), Phq9(9, 10), Phq9(30, 11), Phq9(35, 12)},
                                 Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  const ScaleOutcome& o = Only(*report);
  EXPECT_EQ(o.relapse_at, Day(30));
  EXPECT_EQ(o.relapse_confirmed_at, Day(35));
  EXPECT_FALSE(o.loss_of_response);  // the relapse says it
  EXPECT_EQ(Rules(*report), (std::vector<std::string>{"outcome.relapse", "outcome.response"}));
}

TEST(EvaluateOutcomesTest, RelapseNeedsTheMinimumDaysApart) {
  // 4 days apart: not confirmed; the latest has lost the response.
  auto report = EvaluateOutcomes({Phq9(0, 20), Phq9(9, 10), Phq9(30, 11), Phq9(34, 12)},
                                 Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  const ScaleOutcome& o = Only(*report);
  EXPECT_FALSE(o.relapse_at);
  EXPECT_TRUE(o.loss_of_response);
  EXPECT_EQ(Rules(*report),
            (std::vector<std::string>{"outcome.loss-of-response", "outcome.response"}));
}

TEST(EvaluateOutcomesTest, RelapseNeedsTheRelapseTotal) {
  // Baseline 14, response 7 (50 %); then 9 and 9 (35.7 %, no response) but below 10.
  auto below = EvaluateOutcomes({Phq9(0, 14), Phq9(9, 7), Phq9(30, 9), Phq9(40, 9)}, Induction(),
                                OutcomeProtocol{});
  ASSERT_TRUE(below);
  EXPECT_FALSE(Only(*below).relapse_at);
  EXPECT_TRUE(Only(*below).loss_of_response);
  // 10 and 10: at the relapse total.
  auto at = EvaluateOutcomes({Phq9(0, 14), Phq9(9, 7), Phq9(30, 10), Phq9(40, 10)}, Induction(),
                             OutcomeProtocol{});
  ASSERT_TRUE(at);
  EXPECT_EQ(Only(*at).relapse_at, Day(30));
}

TEST(EvaluateOutcomesTest, MadrsRelapseAt22) {
  // Baseline 34, response 17 (50 %); 21 twice is not a relapse, 22 twice is.
  auto below = EvaluateOutcomes({Madrs(0, 34), Madrs(9, 17), Madrs(30, 21), Madrs(37, 21)},
                                Induction(), OutcomeProtocol{});
  ASSERT_TRUE(below);
  EXPECT_FALSE(Only(*below).relapse_at);
  auto at = EvaluateOutcomes({Madrs(0, 34), Madrs(9, 17), Madrs(30, 22), Madrs(37, 22)},
                             Induction(), OutcomeProtocol{});
  ASSERT_TRUE(at);
  EXPECT_EQ(Only(*at).relapse_confirmed_at, Day(37));
}

TEST(EvaluateOutcomesTest, ARunBrokenByAResponseRestarts) {
  // 11 on day 30, back to 9 (55 %, a response) on day 33, 11 on day 36: no two in a row.
  auto report =
      EvaluateOutcomes({Phq9(0, 20), Phq9(9, 10), Phq9(30, 11), Phq9(33, 9), Phq9(36, 11)},
                       Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  EXPECT_FALSE(Only(*report).relapse_at);
  EXPECT_TRUE(Only(*report).loss_of_response);
}

TEST(EvaluateOutcomesTest, EarlyNonResponseAtTwentyPercent) {
  // After 3 infusions (day 7 before the 4th): 17 is 15 % -> non-response; 16 is exactly 20 %.
  auto low = EvaluateOutcomes({Phq9(0, 20), Phq9(7, 17)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(low);
  ASSERT_TRUE(Only(*low).early_check);
  EXPECT_TRUE(EarlyOf(Only(*low)).non_response);
  EXPECT_NEAR(EarlyOf(Only(*low)).reduction_percent, 15.0, 1e-9);
  EXPECT_EQ(Rules(*low), (std::vector<std::string>{"outcome.early-non-response"}));
  auto at = EvaluateOutcomes({Phq9(0, 20), Phq9(7, 16)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(at);
  EXPECT_FALSE(EarlyOf(Only(*at)).non_response);
  EXPECT_TRUE(Rules(*at).empty());
}

TEST(EvaluateOutcomesTest, EarlyCheckUsesTheLatestAfterExactlyNInfusions) {
  // Two assessments after infusion 3 (day 5 and day 7 at the 4th infusion's 09:00 start: an
  // assessment at the same moment counts as before that infusion). The latest, 14 (30 %), wins.
  auto report =
      EvaluateOutcomes({Phq9(0, 20), Phq9(5, 18), Phq9(7, 14, 9)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  const ScaleOutcome& o = Only(*report);
  EXPECT_EQ(o.follow_up[1].infusions_before, 3);
  EXPECT_EQ(EarlyOf(o).taken_at, Day(7, 9));
  EXPECT_FALSE(EarlyOf(o).non_response);
  // With no assessment after exactly 3, the first one after more is used.
  auto later = EvaluateOutcomes({Phq9(0, 20), Phq9(9, 18)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(later);
  EXPECT_EQ(EarlyOf(Only(*later)).after_infusions, 4);
  EXPECT_TRUE(EarlyOf(Only(*later)).non_response);
}

TEST(EvaluateOutcomesTest, NoBaselineStillJudgesRemission) {
  // The first PHQ-9 comes after the first infusion: nothing is a baseline.
  auto report = EvaluateOutcomes({Phq9(2, 12), Phq9(9, 4)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  const ScaleOutcome& o = Only(*report);
  EXPECT_FALSE(o.baseline);
  EXPECT_EQ(o.follow_up[0].category, ResponseCategory::kNotEvaluable);
  EXPECT_EQ(o.remission_at, Day(9));
  EXPECT_EQ(Rules(*report), (std::vector<std::string>{"outcome.no-baseline", "outcome.remission"}));
}

TEST(EvaluateOutcomesTest, AMarkedBaselineWins) {
  // The pre-induction 22 from before this course is marked; the 8 before the first infusion is a
  // follow-up: 14/22 = 63.6 %, a response.
  Assessment marked = Phq9(-60, 22);
  marked.baseline = true;
  auto report = EvaluateOutcomes({marked, Phq9(0, 8)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  const ScaleOutcome& o = Only(*report);
  EXPECT_TRUE(BaselineOf(o).marked);
  EXPECT_EQ(BaselineOf(o).total, 22);
  EXPECT_EQ(o.follow_up[0].category, ResponseCategory::kResponse);
  EXPECT_EQ(o.follow_up[0].infusions_before, 0);
}

TEST(EvaluateOutcomesTest, WorseningAtTwentyFivePercent) {
  // Baseline 16: 20 is +4 = 25 % of 16 -> worsening; 19 is 18.75 %.
  auto at = EvaluateOutcomes({Phq9(0, 16), Phq9(7, 20)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(at);
  EXPECT_TRUE(Only(*at).worsening);
  EXPECT_EQ(Rules(*at),
            (std::vector<std::string>{"outcome.early-non-response", "outcome.worsening"}));
  auto below = EvaluateOutcomes({Phq9(0, 16), Phq9(7, 19)}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(below);
  EXPECT_FALSE(Only(*below).worsening);
}

TEST(EvaluateOutcomesTest, EachScaleOnItsOwn) {
  auto report = EvaluateOutcomes({Madrs(0, 30), Phq9(0, 20), Madrs(9, 10), Phq9(9, 12)},
                                 Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->scales.size(), 2u);
  EXPECT_EQ(report->scales[0].scale, Scale::kPhq9);  // PHQ-9, MADRS, QIDS-SR16 order
  EXPECT_FALSE(report->scales[0].response_at);       // 8/20 = 40 %
  EXPECT_EQ(report->scales[1].scale, Scale::kMadrs);
  EXPECT_EQ(report->scales[1].response_at, Day(9));  // 20/30 = 66.7 %, and 10 is remission
  EXPECT_EQ(report->scales[1].remission_at, Day(9));
}

TEST(EvaluateOutcomesTest, ItemsAreScoredAndTheLatestItemFindingsReported) {
  Assessment base = Phq9(0, 0);
  base.items = {3, 3, 2, 2, 2, 2, 2, 2, 0};  // 18
  base.total = 18;
  Assessment later = Phq9(9, 0);
  later.items = {1, 1, 1, 1, 1, 1, 1, 0, 1};  // 8, item 9 > 0
  later.total = 8;
  auto report = EvaluateOutcomes({base, later}, Induction(), OutcomeProtocol{});
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(Rules(*report),
            (std::vector<std::string>{"outcome.response", "suicide-risk.phq9-item9"}));
}

TEST(EvaluateOutcomesTest, InvalidAssessmentsNameEveryField) {
  Assessment wrong_total = Phq9(0, 10);
  wrong_total.items = {1, 1, 1, 1, 1, 1, 1, 1, 1};  // scores 9
  Assessment gad = Phq9(1, 5);
  gad.scale = Scale::kGad7;
  Assessment too_high = Phq9(2, 28);  // PHQ-9 is 0-27
  Assessment first = Phq9(3, 20);
  first.baseline = true;
  Assessment second = Phq9(4, 20);
  second.baseline = true;
  auto report =
      EvaluateOutcomes({wrong_total, gad, too_high, first, second}, {}, OutcomeProtocol{});
  ASSERT_FALSE(report);
  EXPECT_EQ(Fields(report.error()),
            (std::vector<std::string>{"assessments[0].total", "assessments[1].scale",
                                      "assessments[2].total", "assessments[4].baseline"}));
}

TEST(OutcomeProtocolTest, DefaultsAreValidAndEveryKeyHasASource) {
  EXPECT_TRUE(ValidateOutcomeProtocol(OutcomeProtocol{}));
  EXPECT_EQ(OutcomeProtocolSources().size(), 16u);
  EXPECT_TRUE(ValidateCourseProtocol(CourseProtocol{}));
  EXPECT_EQ(CourseProtocolSources().size(), 13u);
}

TEST(OutcomeProtocolTest, InconsistentValuesAreNamed) {
  OutcomeProtocol p;
  p.partial_response_min_reduction_percent = 50;  // not below response
  p.madrs_relapse_min_total = 10;                 // not above remission 10
  p.phq9_remission_max_total = 28;                // beyond the scale
  p.primary_scale = Scale::kGad7;
  auto status = ValidateOutcomeProtocol(p);
  ASSERT_FALSE(status);
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{"primary_scale", "partial_response_min_reduction_percent",
                                      "phq9_remission_max_total", "madrs_relapse_min_total"}));
  CourseProtocol c;
  c.interval_hard_min_h = 48;  // above the soft 44
  c.induction_weekdays = {Weekday::kMon, Weekday::kMon};
  auto course_status = ValidateCourseProtocol(c);
  ASSERT_FALSE(course_status);
  EXPECT_EQ(Fields(course_status.error()),
            (std::vector<std::string>{"induction_weekdays[1]", "interval_hard_min_h"}));
}

// An independent oracle in integers: response iff 100 (b - t) >= 50 b; partial iff
// 100 (b - t) >= 25 b; remission iff t <= 4.
RC_GTEST_PROP(OutcomeProperties, Phq9CategoriesMatchIntegerArithmetic, ()) {
  const int baseline = *rc::gen::inRange(1, 28);
  const int total = *rc::gen::inRange(0, 28);
  const OutcomeProtocol p;
  const ResponseCategory category = Classify(baseline, total, p);
  const int scaled = 100 * (baseline - total);
  if (scaled >= 50 * baseline) {
    RC_ASSERT(category == ResponseCategory::kResponse);
  } else if (scaled >= 25 * baseline) {
    RC_ASSERT(category == ResponseCategory::kPartial);
  } else {
    RC_ASSERT(category == ResponseCategory::kNone);
  }
  RC_ASSERT(IsRemission(Scale::kPhq9, total, p) == (total <= 4));
}

}  // namespace
}  // namespace ketaclinic::clinical
