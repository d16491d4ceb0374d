// Course scheduling rules (clinical.md §1.8 DOSE-04, §1.9, §6) against hand-worked dates; the
// calendar arithmetic is in the comments. Day 0 is Monday 2026-03-02 (UTC).

#include "clinical/course.h"

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
using std::chrono::minutes;

Instant Day(int day, int hour = 9, int minute = 0) {
  return Instant(std::chrono::sys_days(std::chrono::year(2026) / 3 / 2)) + hours(24 * day + hour) +
         minutes(minute);
}

Infusion At(Instant start, double mg_per_kg = 0.5) {
  Infusion i;
  i.started_at = start;
  i.mg_per_kg = mg_per_kg;
  return i;
}

Assessment Phq9(Instant taken_at, int total) {
  Assessment a;
  a.scale = Scale::kPhq9;
  a.taken_at = taken_at;
  a.total = total;
  return a;
}

TreatmentCourse Course(const std::vector<int>& infusion_days) {
  TreatmentCourse c;
  c.meta.id = "course-1";
  c.meta.author = "dr.lee";
  for (int day : infusion_days) c.infusions.push_back(At(Day(day)));
  return c;
}

std::vector<std::string> Rules(const CourseReport& report) {
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

// --- Interval -------------------------------------------------------------------------------

TEST(NextAllowedInfusionTest, HardAndSoftMinimumsAreInclusive) {
  const CourseProtocol p;
  const std::vector<Infusion> given = {At(Day(0))};
  const NextInfusion at19 = NextAllowedInfusion(given, p, Day(0) + hours(19));
  EXPECT_EQ(at19.hard_allowed_at, Day(0) + hours(20));
  EXPECT_EQ(at19.soft_allowed_at, Day(0) + hours(44));
  EXPECT_EQ(at19.status_at, IntervalStatus::kTooEarly);
  EXPECT_EQ(NextAllowedInfusion(given, p, Day(0) + hours(20) - std::chrono::seconds(1)).status_at,
            IntervalStatus::kTooEarly);
  EXPECT_EQ(NextAllowedInfusion(given, p, Day(0) + hours(20)).status_at,
            IntervalStatus::kNeedsOverride);
  EXPECT_EQ(NextAllowedInfusion(given, p, Day(0) + hours(43)).status_at,
            IntervalStatus::kNeedsOverride);
  EXPECT_EQ(NextAllowedInfusion(given, p, Day(0) + hours(44)).status_at, IntervalStatus::kAllowed);
}

TEST(NextAllowedInfusionTest, NoInfusionYetIsAllowed) {
  const NextInfusion next = NextAllowedInfusion({}, CourseProtocol{}, Day(0));
  EXPECT_FALSE(next.last_start);
  EXPECT_FALSE(next.hard_allowed_at);
  EXPECT_EQ(next.status_at, IntervalStatus::kAllowed);
}

// --- Series progress ------------------------------------------------------------------------

TEST(ProgressTest, StatusesAndTheDropOutBoundary) {
  const CourseProtocol p;
  EXPECT_EQ(Progress(Course({}), p, Day(0)).status, SeriesStatus::kNotStarted);
  EXPECT_EQ(Progress(Course({0, 2}), p, Day(3)).status, SeriesStatus::kInProgress);
  EXPECT_EQ(Progress(Course({0, 2, 4, 7, 9, 11}), p, Day(40)).status, SeriesStatus::kComplete);
  // Last infusion day 2 at 09:00: exactly 14 days later is still in progress, a minute more is a
  // drop-out.
  EXPECT_EQ(Progress(Course({0, 2}), p, Day(16)).status, SeriesStatus::kInProgress);
  EXPECT_EQ(Progress(Course({0, 2}), p, Day(16, 9, 1)).status, SeriesStatus::kDroppedOut);
  TreatmentCourse ended = Course({0, 2});
  ended.ended = CourseEnd{Day(3), "patient moved away"};
  EXPECT_EQ(Progress(ended, p, Day(30)).status, SeriesStatus::kStoppedEarly);
  // A maintenance course is spaced weeks apart: never a drop-out.
  TreatmentCourse maintenance = Course({0});
  maintenance.phase = CoursePhase::kMaintenance;
  maintenance.planned_count = 4;
  EXPECT_EQ(Progress(maintenance, p, Day(40)).status, SeriesStatus::kInProgress);
}

// --- Induction plan -------------------------------------------------------------------------

TEST(PlanInductionTest, FromScratchOnMondayWednesdayFriday) {
  // Monday 07:00: the default 09:00 today, then Wed, Fri, Mon, Wed, Fri.
  const InductionPlan plan = PlanInduction(Course({}), CourseProtocol{}, Day(0, 7));
  ASSERT_TRUE(plan.applies);
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(0), Day(2), Day(4), Day(7), Day(9), Day(11)}));
  EXPECT_EQ(plan.window_ends_at, Day(21));
  EXPECT_TRUE(plan.fits_window);
}

TEST(PlanInductionTest, ContinuesAfterGivenInfusions) {
  // Given Mon and Wed; on Thursday the plan is Fri (48 h after Wed), Mon, Wed, Fri.
  const InductionPlan plan = PlanInduction(Course({0, 2}), CourseProtocol{}, Day(3, 12));
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(4), Day(7), Day(9), Day(11)}));
}

TEST(PlanInductionTest, SkipsASlotInsideTheSoftMinimum) {
  // Last infusion Monday 15:00; the clinic books at 09:00: Wednesday 09:00 is only 42 h later,
  // so Friday, then Monday (72 h), Wednesday, Friday, Monday.
  TreatmentCourse c = Course({});
  c.infusions.push_back(At(Day(0, 15)));
  c.schedule.time_of_day_min = 9 * 60;
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(1));
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(4), Day(7), Day(9), Day(11), Day(14)}));
  // First start day 0 15:00; window to day 21 15:00; day 14 fits.
  EXPECT_TRUE(plan.fits_window);
}

TEST(PlanInductionTest, AtMostThreeAWeek) {
  // Every day allowed: every other day by the 44 h minimum (Mon, Wed, Fri), then Sunday would be
  // the 4th in the week, so Monday.
  TreatmentCourse c = Course({});
  c.schedule.weekdays = {Weekday::kMon, Weekday::kTue, Weekday::kWed, Weekday::kThu,
                         Weekday::kFri, Weekday::kSat, Weekday::kSun};
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(0, 7));
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(0), Day(2), Day(4), Day(7), Day(9), Day(11)}));
}

TEST(PlanInductionTest, TuesdayThursdayFitsThreeWeeks) {
  TreatmentCourse c = Course({});
  c.schedule.weekdays = {Weekday::kTue, Weekday::kThu};
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(0, 7));
  EXPECT_EQ(plan.proposed,
            (std::vector<Instant>{Day(1), Day(3), Day(8), Day(10), Day(15), Day(17)}));
  EXPECT_TRUE(plan.fits_window);  // day 17 <= day 1 + 21
}

TEST(PlanInductionTest, MondaysOnlyOverrunTheWindow) {
  TreatmentCourse c = Course({});
  c.schedule.weekdays = {Weekday::kMon};
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(0, 7));
  EXPECT_EQ(plan.proposed.back(), Day(35));
  EXPECT_FALSE(plan.fits_window);
}

TEST(PlanInductionTest, LocalTimeAndStartDate) {
  // The clinic is at UTC+01:00 and books at 09:00 local = 08:00 UTC; start no earlier than
  // Wednesday day 2 (local).
  TreatmentCourse c = Course({});
  c.schedule.utc_offset_min = 60;
  c.schedule.time_of_day_min = 9 * 60;
  c.schedule.start_on = std::chrono::sys_days(std::chrono::year(2026) / 3 / 4);
  c.planned_count = 2;
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(0, 7));
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(2, 8), Day(4, 8)}));
}

TEST(PlanInductionTest, TimeOfDayOfTheLastInfusion) {
  TreatmentCourse c = Course({});
  c.infusions.push_back(At(Day(0, 14, 30)));
  c.planned_count = 2;
  const InductionPlan plan = PlanInduction(c, CourseProtocol{}, Day(1));
  EXPECT_EQ(plan.proposed, (std::vector<Instant>{Day(2, 14, 30)}));
}

TEST(PlanInductionTest, NotForOtherPhasesOrFinishedSeries) {
  TreatmentCourse maintenance = Course({0});
  maintenance.phase = CoursePhase::kMaintenance;
  EXPECT_FALSE(PlanInduction(maintenance, CourseProtocol{}, Day(1)).applies);
  EXPECT_FALSE(PlanInduction(Course({0, 2, 4, 7, 9, 11}), CourseProtocol{}, Day(12)).applies);
  TreatmentCourse ended = Course({0});
  ended.ended = CourseEnd{Day(1), "declined further infusions"};
  EXPECT_FALSE(PlanInduction(ended, CourseProtocol{}, Day(1)).applies);
}

// --- Escalation -----------------------------------------------------------------------------

ScaleOutcome Primary(const std::vector<Assessment>& assessments,
                     const std::vector<Infusion>& infusions) {
  std::vector<Instant> starts;
  starts.reserve(infusions.size());
  for (const Infusion& i : infusions) starts.push_back(i.started_at);
  auto report = EvaluateOutcomes(assessments, starts, OutcomeProtocol{});
  EXPECT_TRUE(report);
  return report->scales.at(0);
}

TEST(EscalationTest, ThreeToleratedInfusionsWithoutResponse) {
  // Baseline 20; after the 3rd infusion at 0.5 mg/kg 12 (40 %): escalate to 0.75.
  const std::vector<Infusion> given = {At(Day(0)), At(Day(2)), At(Day(4))};
  const ScaleOutcome primary = Primary({Phq9(Day(0, 8), 20), Phq9(Day(7, 8), 12)}, given);
  const EscalationSuggestion s = SuggestEscalation(given, &primary, DoseProtocol{});
  EXPECT_EQ(s.status, EscalationStatus::kSuggested);
  EXPECT_EQ(s.infusions_at_current, 3);
  EXPECT_DOUBLE_EQ(s.current_mg_per_kg.value_or(-1), 0.5);
  EXPECT_DOUBLE_EQ(s.next_mg_per_kg.value_or(-1), 0.75);
}

TEST(EscalationTest, BoundariesAndBlocks) {
  const DoseProtocol dosing;
  const std::vector<Assessment> no_response = {Phq9(Day(0, 8), 20), Phq9(Day(7, 8), 12)};
  // Two at the step: not yet due.
  const std::vector<Infusion> two = {At(Day(0)), At(Day(2))};
  ScaleOutcome primary = Primary(no_response, two);
  EXPECT_EQ(SuggestEscalation(two, &primary, dosing).status, EscalationStatus::kNotYetDue);
  // A response (10 = 50 %) after the 3rd: responding.
  const std::vector<Infusion> three = {At(Day(0)), At(Day(2)), At(Day(4))};
  primary = Primary({Phq9(Day(0, 8), 20), Phq9(Day(7, 8), 10)}, three);
  EXPECT_EQ(SuggestEscalation(three, &primary, dosing).status, EscalationStatus::kResponding);
  // The only follow-up is before the 3rd infusion: awaiting an assessment.
  primary = Primary({Phq9(Day(0, 8), 20), Phq9(Day(4, 8), 12)}, three);
  EXPECT_EQ(SuggestEscalation(three, &primary, dosing).status,
            EscalationStatus::kAwaitingAssessment);
  // One infusion at the step not tolerated.
  std::vector<Infusion> poorly = three;
  poorly[1].tolerated = false;
  primary = Primary(no_response, poorly);
  EXPECT_EQ(SuggestEscalation(poorly, &primary, dosing).status, EscalationStatus::kNotTolerated);
  // Already at 1.0 mg/kg.
  const std::vector<Infusion> top = {At(Day(0), 1.0), At(Day(2), 1.0), At(Day(4), 1.0)};
  primary = Primary(no_response, top);
  EXPECT_EQ(SuggestEscalation(top, &primary, dosing).status, EscalationStatus::kAtTopStep);
  // After escalating to 0.75 the count starts again: two at 0.75 are not yet due.
  const std::vector<Infusion> escalated = {At(Day(0)), At(Day(2)), At(Day(4)), At(Day(7), 0.75),
                                           At(Day(9), 0.75)};
  primary = Primary(no_response, escalated);
  const EscalationSuggestion s = SuggestEscalation(escalated, &primary, dosing);
  EXPECT_EQ(s.status, EscalationStatus::kNotYetDue);
  EXPECT_EQ(s.infusions_at_current, 2);
  // No primary outcome at all.
  EXPECT_EQ(SuggestEscalation(three, nullptr, dosing).status, EscalationStatus::kNotEvaluable);
  EXPECT_EQ(SuggestEscalation({}, nullptr, dosing).status, EscalationStatus::kNotApplicable);
}

// --- Maintenance ----------------------------------------------------------------------------

TreatmentCourse Maintenance(const std::vector<double>& reliefs) {
  TreatmentCourse c = Course({0});
  c.phase = CoursePhase::kBooster;
  c.planned_count = 1;
  for (double days : reliefs) c.relief_history.push_back({"earlier", days, {}, {}});
  return c;
}

TEST(MaintenanceTest, ProtocolDefaultWithoutHistory) {
  const MaintenanceSuggestion m = SuggestMaintenance(Maintenance({}), true, CourseProtocol{});
  ASSERT_TRUE(m.available);
  EXPECT_EQ(m.method, MaintenanceMethod::kProtocolDefault);
  EXPECT_EQ(m.confidence, "none");
  EXPECT_EQ(m.suggested_at, Day(28));  // 4 weeks after day 0
  EXPECT_EQ(m.latest_at, Day(42));     // 6 weeks
}

TEST(MaintenanceTest, MarginBeforeTheShortestAndTheMedian) {
  const CourseProtocol p;
  // One relief of 35 days: margin max(20 % = 7, 3) = 7 -> 28; the median is the same.
  MaintenanceSuggestion m = SuggestMaintenance(Maintenance({35}), true, p);
  EXPECT_EQ(m.method, MaintenanceMethod::kReliefHistory);
  EXPECT_EQ(m.confidence, "low");
  EXPECT_DOUBLE_EQ(m.interval_days, 28);
  EXPECT_DOUBLE_EQ(m.latest_interval_days, 28);
  // 20, 60, 40 days: shortest 20 - 4 = 16; median 40 - 8 = 32.
  m = SuggestMaintenance(Maintenance({20, 60, 40}), true, p);
  EXPECT_EQ(m.confidence, "moderate");
  EXPECT_DOUBLE_EQ(m.shortest_relief_days.value_or(-1), 20);
  EXPECT_DOUBLE_EQ(m.median_relief_days.value_or(-1), 40);
  EXPECT_EQ(m.suggested_at, Day(16));
  EXPECT_EQ(m.latest_at, Day(32));
  // 30 and 50: median 40 -> 32; shortest 30 - 6 = 24.
  m = SuggestMaintenance(Maintenance({30, 50}), true, p);
  EXPECT_DOUBLE_EQ(m.interval_days, 24);
  EXPECT_DOUBLE_EQ(m.latest_interval_days, 32);
  // 10 days: 20 % is 2, the margin is at least 3 -> 7; 8 days: 8 - 3 = 5, floored at 7.
  EXPECT_DOUBLE_EQ(SuggestMaintenance(Maintenance({10}), true, p).interval_days, 7);
  EXPECT_DOUBLE_EQ(SuggestMaintenance(Maintenance({8}), true, p).interval_days, 7);
}

TEST(MaintenanceTest, NotForNonRespondersOrUnfinishedSeries) {
  const CourseProtocol p;
  EXPECT_FALSE(SuggestMaintenance(Course({0, 2, 4, 7, 9, 11}), false, p).available);
  EXPECT_TRUE(SuggestMaintenance(Course({0, 2, 4, 7, 9, 11}), true, p).available);
  EXPECT_FALSE(SuggestMaintenance(Course({0, 2, 4}), true, p).available);
  EXPECT_FALSE(SuggestMaintenance(Course({}), true, p).available);
  TreatmentCourse stopped = Course({0, 2});
  stopped.ended = CourseEnd{Day(3), "side effects"};
  EXPECT_FALSE(SuggestMaintenance(stopped, true, p).available);
}

// --- Everything at once ---------------------------------------------------------------------

TEST(EvaluateCourseTest, ResponseCheckDueAfterThreeInfusions) {
  TreatmentCourse c = Course({0, 2, 4});
  c.assessments = {Phq9(Day(0, 8), 20), Phq9(Day(4, 8), 15)};  // before the 3rd infusion
  auto report = EvaluateCourse(c, CourseProtocols{}, Day(5));
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(Rules(*report), (std::vector<std::string>{"course.response-check-due"}));
  EXPECT_EQ(report->escalation.status, EscalationStatus::kAwaitingAssessment);
  EXPECT_EQ(report->primary_scale, Scale::kPhq9);
  EXPECT_EQ(report->primary_scale_basis, "protocol");
  // Assessed after the 3rd: 16 (20 %) is not an early non-response, but no response: escalate.
  c.assessments.push_back(Phq9(Day(5), 16));
  report = EvaluateCourse(c, CourseProtocols{}, Day(5, 10));
  ASSERT_TRUE(report);
  EXPECT_EQ(Rules(*report), (std::vector<std::string>{"course.escalation-suggested"}));
}

TEST(EvaluateCourseTest, NoResponseAfterSixSuggestsStopping) {
  TreatmentCourse c = Course({0, 2, 4, 7, 9, 11});
  c.assessments = {Phq9(Day(0, 8), 20), Phq9(Day(7, 8), 17), Phq9(Day(12), 14)};
  auto report = EvaluateCourse(c, CourseProtocols{}, Day(12, 10));
  ASSERT_TRUE(report);
  // 17 after 3 is 15 % (early non-response); 14 after 6 is 30 %: stop. The last 3 infusions
  // were all at 0.5 too, so escalation is also on the table.
  EXPECT_EQ(Rules(*report),
            (std::vector<std::string>{"course.escalation-suggested", "course.no-response-stop",
                                      "outcome.early-non-response"}));
  EXPECT_EQ(report->series.status, SeriesStatus::kComplete);
  EXPECT_FALSE(report->maintenance.available);
}

TEST(EvaluateCourseTest, IntervalHistoryAndDropOut) {
  TreatmentCourse c = Course({});
  c.infusions = {At(Day(0)), At(Day(0) + hours(19)), At(Day(0) + hours(19 + 43)),
                 At(Day(0) + hours(19 + 43 + 44))};
  // Gaps of 19 h (below the hard 20 h), 43 h (below the soft 44 h) and 44 h; 26 days after the
  // last infusion the series is a drop-out, and resuming now cannot end within the 21 days.
  auto report = EvaluateCourse(c, CourseProtocols{}, Day(30));
  ASSERT_TRUE(report);
  EXPECT_EQ(Rules(*report),
            (std::vector<std::string>{
                "course.induction-dropout", "course.induction-window-exceeded",
                "course.interval-below-hard-minimum", "course.interval-below-soft-minimum",
                "course.response-check-due"}));
}

TEST(EvaluateCourseTest, MaintenanceDueAndOverdueAndShorteningRelief) {
  TreatmentCourse c = Maintenance({42, 35, 28});
  c.assessments = {Phq9(Day(-1), 6)};
  // Shortest 28 - 5.6 = 22.4 days; median 35 - 7 = 28 days from day 0 09:00.
  auto before = EvaluateCourse(c, CourseProtocols{}, Day(20));
  ASSERT_TRUE(before);
  EXPECT_EQ(Rules(*before), (std::vector<std::string>{"course.relief-shortening"}));
  EXPECT_EQ(before->maintenance.suggested_at, Day(22) + hours(9) + minutes(36));
  auto due = EvaluateCourse(c, CourseProtocols{}, Day(23));
  ASSERT_TRUE(due);
  EXPECT_EQ(Rules(*due),
            (std::vector<std::string>{"course.maintenance-due", "course.relief-shortening"}));
  auto overdue = EvaluateCourse(c, CourseProtocols{}, Day(28, 9, 1));
  ASSERT_TRUE(overdue);
  EXPECT_EQ(Rules(*overdue),
            (std::vector<std::string>{"course.maintenance-overdue", "course.relief-shortening"}));
}

TEST(EvaluateCourseTest, InvalidCourseNamesEveryField) {
  TreatmentCourse c = Course({2, 0});  // out of order
  c.planned_count = 0;
  c.infusions.push_back(At(Day(9), 0));  // in the future, and no dose
  c.assessments = {Phq9(Day(1), 30)};
  c.relief_history.push_back({"old", 0, {}, {}});
  c.ended = CourseEnd{Day(3), " "};
  c.schedule.weekdays = {Weekday::kMon, Weekday::kMon};
  auto report = EvaluateCourse(c, CourseProtocols{}, Day(5));
  ASSERT_FALSE(report);
  EXPECT_EQ(
      Fields(report.error()),
      (std::vector<std::string>{"course.planned_count", "course.schedule.weekdays[1]",
                                "course.ended.reason", "course.ended.at", "infusions[1].started_at",
                                "infusions[2].started_at", "infusions[2].mg_per_kg",
                                "assessments[0].total", "relief_history[0].relief_days"}));
}

// Whatever the weekdays, time and history, a plan never proposes a start sooner than the soft
// minimum after the previous one, before `at`, or a 4th in a week.
RC_GTEST_PROP(CourseProperties, PlansRespectIntervalAndWeeklyCap, ()) {
  const CourseProtocol p;
  TreatmentCourse c = Course({});
  const int given = *rc::gen::inRange(0, 4);
  for (int i = 0; i < given; ++i) c.infusions.push_back(At(Day(2 * i, 9)));
  const auto mask = *rc::gen::inRange(1, 128);
  for (int d = 0; d < 7; ++d) {
    if ((mask >> d) & 1) c.schedule.weekdays.push_back(static_cast<Weekday>(d));
  }
  c.schedule.time_of_day_min = *rc::gen::inRange(0, 24 * 60);
  c.schedule.utc_offset_min = *rc::gen::inRange(-12 * 60, 14 * 60 + 1);
  const Instant at = Day(2 * given) + minutes(*rc::gen::inRange(0, 3 * 24 * 60));
  const InductionPlan plan = PlanInduction(c, p, at);
  RC_ASSERT(static_cast<int>(plan.proposed.size()) == 6 - given);
  std::vector<Instant> all;
  all.reserve(c.infusions.size() + plan.proposed.size());
  for (const Infusion& i : c.infusions) all.push_back(i.started_at);
  for (Instant proposed : plan.proposed) {
    RC_ASSERT(proposed >= at);
    all.push_back(proposed);
  }
  for (size_t i = given > 0 ? static_cast<size_t>(given) : 1; i < all.size(); ++i) {
    RC_ASSERT(all[i] - all[i - 1] >= hours(44));
  }
  for (Instant proposed : plan.proposed) {
    const auto local_day =
        std::chrono::floor<std::chrono::days>(proposed + minutes(c.schedule.utc_offset_min));
    const auto monday =
        local_day - std::chrono::days(std::chrono::weekday(local_day).iso_encoding() - 1);
    const auto in_week = std::count_if(all.begin(), all.end(), [&](Instant t) {
      const auto d = std::chrono::floor<std::chrono::days>(t + minutes(c.schedule.utc_offset_min));
      return d >= monday && d < monday + std::chrono::days(7);
    });
    RC_ASSERT(in_week <= 3);
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
