#ifndef KETACLINIC_CLINICAL_OUTCOME_PROTOCOL_H_
#define KETACLINIC_CLINICAL_OUTCOME_PROTOCOL_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// The outcome definitions of the clinic's protocol (clinical.md §2.9 "Outcome definitions
// (parameterize)", §2.1-2.3, §6; the source of each default is in OutcomeProtocolSources and
// docs/OUTCOMES.md). Comparisons: a "min" is inclusive (exactly 50 % is a response), a "max" is
// inclusive (MADRS 10 is a remission at max 10), reductions are from the course baseline.
struct OutcomeProtocol {
  std::string version = "default-2026-11";

  // The scale the course decisions (response check, escalation, stop rule, maintenance) are
  // judged on when the course does not name one; the other scales are reported beside it.
  Scale primary_scale = Scale::kPhq9;

  // Response: reduction from the course baseline of at least this ([S] §2.1, §2.2, §2.9).
  double response_min_reduction_percent = 50;
  // Partial response: at least this, below the response threshold ([R] §2.9: 25-49 %).
  double partial_response_min_reduction_percent = 25;

  // Remission: total at or below (PHQ-9 < 5 is <= 4 for whole totals; MADRS <= 10, ASPIRE
  // used 12; QIDS-SR16 <= 5).
  int phq9_remission_max_total = 4;
  int madrs_remission_max_total = 10;
  int qids_sr16_remission_max_total = 5;

  // Sustained remission: this many consecutive assessments in remission (on one scale, none
  // between them out of remission) whose first and last are at least min_days apart.
  int sustained_remission_min_assessments = 2;
  double sustained_remission_min_days = 14;

  // Relapse, after a response or remission in the course: this many consecutive assessments
  // that are no longer a response AND at or above the scale's relapse total, the first and last
  // at least relapse_min_days_apart apart (one bad day is not a relapse).
  int relapse_consecutive_assessments = 2;
  double relapse_min_days_apart = 5;
  int phq9_relapse_min_total = 10;
  int madrs_relapse_min_total = 22;
  int qids_sr16_relapse_min_total = 11;

  // Early non-response: after this many infusions, a reduction below this percent.
  int early_nonresponse_after_infusions = 3;
  double early_nonresponse_max_reduction_percent = 20;

  // Worsening: the latest total above the baseline by at least this percent of the baseline.
  double worsening_min_increase_percent = 25;
};

// The scales outcomes are defined for: PHQ-9, MADRS, QIDS-SR16.
bool IsOutcomeScale(Scale scale);
// The remission and relapse totals of an outcome scale. REQUIRES IsOutcomeScale(scale).
int RemissionMaxTotal(const OutcomeProtocol& protocol, Scale scale);
int RelapseMinTotal(const OutcomeProtocol& protocol, Scale scale);

// Checks types, ranges and consistency (partial below response, relapse totals above the
// remission totals and within the scale), naming each bad key by its key within the section.
Status ValidateOutcomeProtocol(const OutcomeProtocol& protocol);

// The source of each default, one entry per key.
std::vector<ParameterSource> OutcomeProtocolSources();

// One weekday, Monday first; the planner's weekdays.
enum class Weekday { kMon, kTue, kWed, kThu, kFri, kSat, kSun };
const char* WeekdayName(Weekday day);  // "mon" ... "sun"
Result<Weekday> ParseWeekday(std::string_view name, std::string_view field);

// The course scheduling part of the protocol (clinical.md §1.9 "Codeable course model" [D],
// §6 induction and min_interval). Escalation steps and the number of infusions at a step before
// escalating are the dosing section's (DoseProtocol::escalation_steps_mg_per_kg and
// escalation_after_infusions), and the response check uses the outcome section's
// early_nonresponse_after_infusions: one parameter each, never two that could disagree.
struct CourseProtocol {
  std::string version = "default-2026-11";

  // Induction series: 6 infusions, at most 3 a week, the last starting within 21 days of the
  // first.
  int induction_planned_infusions = 6;
  int induction_max_per_week = 3;
  double induction_max_days = 21;
  // The weekdays the planner proposes when a course names none (Mon/Wed/Fri, §1.9 [S]).
  std::vector<Weekday> induction_weekdays = {Weekday::kMon, Weekday::kWed, Weekday::kFri};

  // Interval between infusion starts: below the hard minimum never; below the soft minimum only
  // with a physician's override. The same numbers as the pre-infusion gate (protocol.cc checks).
  double interval_hard_min_h = 20;
  double interval_soft_min_h = 44;

  // Suggest stopping when this many infusions have been given with no response.
  int stop_if_no_response_after_infusions = 6;
  // An unfinished induction series with no infusion for this many days counts as a drop-out.
  double dropout_after_days = 14;

  // Maintenance: without a relief history, the default interval and the top of its range; with
  // one, the shortest (and median) observed relief less a margin of margin_percent of it, at
  // least min_margin_days, and never below min_interval_days.
  double maintenance_default_interval_days = 28;
  double maintenance_default_max_interval_days = 42;
  double maintenance_margin_percent = 20;
  double maintenance_min_margin_days = 3;
  double maintenance_min_interval_days = 7;
};

Status ValidateCourseProtocol(const CourseProtocol& protocol);
std::vector<ParameterSource> CourseProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_OUTCOME_PROTOCOL_H_
