#ifndef KETACLINIC_CLINICAL_COURSE_H_
#define KETACLINIC_CLINICAL_COURSE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "base/validation.h"

#include "clinical/dose_protocol.h"
#include "clinical/finding.h"
#include "clinical/outcome_protocol.h"
#include "clinical/outcomes.h"
#include "clinical/record.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// A treatment course and its scheduling rules (DESIGN.md §3 steps 3 and 8; clinical.md §1.9
// "Codeable course model" [D]): the next allowed infusion, the induction plan, the response
// check, dose escalation, the series' completion or drop-out, and the next maintenance date from
// the patient's own relief history. docs/OUTCOMES.md explains each rule and its source.

enum class CoursePhase { kInduction, kContinuation, kMaintenance, kTaper, kBooster };
const char* CoursePhaseName(CoursePhase phase);  // "induction" | "continuation" | ...
Result<CoursePhase> ParseCoursePhase(std::string_view name, std::string_view field);

// One infusion given in the course.
struct Infusion {
  std::string id;
  Instant started_at;
  double mg_per_kg = 0;
  // False when side effects or vital signs limited the infusion: no escalation from this step.
  bool tolerated = true;
};

// How long relief lasted after one earlier course or booster (oldest first): from the last
// infusion of that course to the day symptoms returned.
struct ReliefEpisode {
  std::string label;
  double relief_days = 0;
  // When both are known the file may give them instead of relief_days (which is then their
  // difference); kept for the record.
  std::optional<Instant> last_infusion_at;
  std::optional<Instant> relief_ended_at;
};

// The clinic's wishes for the planner. Weekdays are local to the clinic, which is at a fixed
// offset from UTC (no daylight-saving changes are applied within a plan).
struct SchedulePreferences {
  std::vector<Weekday> weekdays;       // empty: the protocol's induction_weekdays
  std::optional<int> time_of_day_min;  // local minutes after midnight; empty: see PlanInduction
  int utc_offset_min = 0;              // local = UTC + offset
  std::optional<std::chrono::sys_days> start_on;  // the first local day the plan may use
};

// The course was ended before its series was complete (or on completion), with a reason.
struct CourseEnd {
  Instant at;
  std::string reason;
};

struct TreatmentCourse {
  RecordMeta meta;
  std::string patient_id;
  CoursePhase phase = CoursePhase::kInduction;
  int planned_count = 6;
  std::optional<Scale> primary_scale;  // empty: the outcome protocol's
  std::vector<Infusion> infusions;     // in time order
  std::vector<Assessment> assessments;
  std::vector<ReliefEpisode> relief_history;
  SchedulePreferences schedule;
  std::optional<CourseEnd> ended;
};

// Checks the course as of `at`, naming each field by its path in the course file
// (docs/formats/course-file.md): "course.planned_count", "infusions[2].started_at",
// "assessments[0].total", "relief_history[1].relief_days". Nothing may be later than `at`.
void ValidateCourse(const TreatmentCourse& course, Instant at, Validator& v);

// --- The rules (pure; each takes what it needs) ---------------------------------------------

// Whether an infusion could start at a given moment, by the interval from the last start.
enum class IntervalStatus {
  kAllowed,        // at or after the soft minimum (or no infusion yet)
  kNeedsOverride,  // at or after the hard minimum, before the soft one: a physician's override
  kTooEarly,       // before the hard minimum: never
};
const char* IntervalStatusName(IntervalStatus status);  // "allowed" | "needs-override" | ...

struct NextInfusion {
  std::optional<Instant> last_start;
  std::optional<Instant> hard_allowed_at;  // last start + interval_hard_min_h (inclusive)
  std::optional<Instant> soft_allowed_at;  // last start + interval_soft_min_h (inclusive)
  IntervalStatus status_at = IntervalStatus::kAllowed;
};
NextInfusion NextAllowedInfusion(const std::vector<Infusion>& infusions,
                                 const CourseProtocol& protocol, Instant at);

enum class SeriesStatus { kNotStarted, kInProgress, kComplete, kStoppedEarly, kDroppedOut };
const char* SeriesStatusName(SeriesStatus status);  // "not-started" | "in-progress" | ...

// The course's series: given against planned. Only an induction series can be a drop-out
// (no infusion for dropout_after_days); later phases are spaced weeks apart by design.
struct SeriesProgress {
  SeriesStatus status = SeriesStatus::kNotStarted;
  int given = 0;
  int planned = 0;
  std::optional<double> span_days;  // first to last start
  std::optional<double> days_since_last;
};
SeriesProgress Progress(const TreatmentCourse& course, const CourseProtocol& protocol, Instant at);

// Proposed starts for the induction infusions still to give: on the allowed weekdays at the
// time of day (the course's, else the last infusion's local time, else 09:00), never before
// `at` or the course's start_on, never sooner than interval_soft_min_h after the previous
// start, and at most induction_max_per_week in a local Monday-Sunday week (given ones
// included). Only for an induction course that is neither ended nor complete.
struct InductionPlan {
  bool applies = false;
  std::string note;  // why not, or what limited the plan
  std::vector<Instant> proposed;
  std::optional<Instant> window_ends_at;  // first start + induction_max_days
  bool fits_window = true;                // the last start (given or proposed) is within it
};
InductionPlan PlanInduction(const TreatmentCourse& course, const CourseProtocol& protocol,
                            Instant at);

// DOSE-04: the next escalation step after >= escalation_after_infusions infusions at the current
// step without a response (judged on the primary scale's latest assessment taken after the
// K-th infusion at that step) and with every infusion at the step tolerated.
enum class EscalationStatus {
  kNotApplicable,       // no infusion yet
  kSuggested,           // escalate to next_mg_per_kg
  kNotYetDue,           // fewer than K infusions at the current step
  kAwaitingAssessment,  // no primary-scale assessment after the K-th infusion at the step
  kResponding,          // that assessment shows a response
  kNotTolerated,        // an infusion at the step was not tolerated
  kAtTopStep,           // no step above the current dose
  kNotEvaluable,        // the primary scale has no usable baseline
};
const char* EscalationStatusName(EscalationStatus status);

struct EscalationSuggestion {
  EscalationStatus status = EscalationStatus::kNotApplicable;
  std::optional<double> current_mg_per_kg;
  int infusions_at_current = 0;
  std::optional<double> next_mg_per_kg;
  std::string reason;
};
EscalationSuggestion SuggestEscalation(const std::vector<Infusion>& infusions,
                                       const ScaleOutcome* primary, const DoseProtocol& dosing);

// The next maintenance infusion from the patient's own relief history (Andrade [S]: "a little
// before the effect of the previous session is expected to wear off"). With history: suggested
// = shortest relief less a margin (margin_percent of it, at least min_margin_days), the
// latest = median relief less its margin; both at least min_interval_days after the last
// infusion. Without history: the protocol default interval and range, said so.
enum class MaintenanceMethod { kReliefHistory, kProtocolDefault };
const char* MaintenanceMethodName(MaintenanceMethod method);

struct MaintenanceSuggestion {
  bool available = false;
  std::string reason;  // why not available
  MaintenanceMethod method = MaintenanceMethod::kProtocolDefault;
  int observations = 0;
  std::string confidence;  // "none" (protocol default), "low" (1-2 reliefs), "moderate" (3+)
  std::optional<double> shortest_relief_days;
  std::optional<double> median_relief_days;
  double interval_days = 0;         // from the last infusion to the suggested date
  double latest_interval_days = 0;  // to the end of the range
  Instant from;                     // the last infusion's start
  Instant suggested_at;             // also the start of the range
  Instant latest_at;
  std::string explanation;
};
// `responded`: the primary scale reached a response or remission in this course (maintenance
// is for responders; a maintenance, booster or taper course has already qualified).
MaintenanceSuggestion SuggestMaintenance(const TreatmentCourse& course, bool responded,
                                         const CourseProtocol& protocol);

// --- Everything at once --------------------------------------------------------------------

struct CourseProtocols {
  OutcomeProtocol outcomes;
  CourseProtocol course;
  DoseProtocol dosing;  // escalation steps
};

struct CourseReport {
  Instant at;
  std::string outcome_protocol_version;
  std::string course_protocol_version;
  Scale primary_scale = Scale::kPhq9;
  std::string primary_scale_basis;  // "course", "protocol" or "only scale assessed"
  OutcomeReport outcomes;
  NextInfusion next_infusion;
  SeriesProgress series;
  InductionPlan plan;
  EscalationSuggestion escalation;
  MaintenanceSuggestion maintenance;
  // Outcome findings ("outcome.*", item findings) then course findings ("course.*").
  std::vector<Finding> findings;
};

// Validates the course (an InvalidArgument error naming every problem) and applies every rule
// as of `at`. The protocols must be valid (ValidateOutcomeProtocol etc.).
Result<CourseReport> EvaluateCourse(const TreatmentCourse& course, const CourseProtocols& protocols,
                                    Instant at);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_COURSE_H_
