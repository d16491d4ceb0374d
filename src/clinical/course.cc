#include "clinical/course.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

namespace ketaclinic::clinical {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// Citations of the course rules (clinical.md; docs/OUTCOMES.md).
constexpr const char* kIntervalSource =
    "clinical.md §1.9 / §6 min_interval_hard 20 h / soft 44 h between infusion starts [D]";
constexpr const char* kResponseCheckSource =
    "clinical.md §1.9 response_check_after_n 2-3 infusions ('physician assesses response within "
    "the first two or three treatments') [S-low]; §6 early_nonresponse_check";
constexpr const char* kStopSource =
    "clinical.md §1.9 codeable course model stop_if_no_response_after_n [D]";
constexpr const char* kEscalationSource =
    "clinical.md §1.8 DOSE-04: next step after >= 3 infusions at the current step with < 50 % "
    "improvement and good tolerability [S-low]/[D]; §6 escalation_steps";
constexpr const char* kWindowSource =
    "clinical.md §6 induction: 6 infusions, 2-3/week, <= 3 weeks [S]/[S-low]";
constexpr const char* kDropoutSource =
    "clinical.md §1.9: almost 50 % do not complete the 6 infusions, 20 % stop after the first "
    "(Osmind ORKA-2) [S]; dropout_after_days [D]";
constexpr const char* kMaintenanceSource =
    "clinical.md §1.8 / §1.9: maintenance individualized, 'a little before the effect ... is "
    "expected to wear off' (Andrade 2017) [S]; boosters every 4-6 weeks [S-low]; method [D]";

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

std::string Index(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

double DaysBetween(Instant from, Instant to) { return MinutesBetween(from, to) / (60.0 * 24.0); }

seconds FromHours(double hours) { return seconds(std::llround(hours * 3600.0)); }
seconds FromDays(double days_value) { return seconds(std::llround(days_value * 86400.0)); }

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// The clinic's local calendar day of an instant, and the instant of a local day and time.
sys_days LocalDay(Instant instant, int offset_min) {
  return std::chrono::floor<days>(instant + minutes(offset_min));
}
int LocalMinuteOfDay(Instant instant, int offset_min) {
  const auto local = instant + minutes(offset_min);
  return static_cast<int>(
      std::chrono::duration_cast<minutes>(local - std::chrono::floor<days>(local)).count());
}
Instant LocalTime(sys_days day, int minute_of_day, int offset_min) {
  return Instant(day) + minutes(minute_of_day) - minutes(offset_min);
}
Weekday WeekdayOf(sys_days day) {
  return static_cast<Weekday>(std::chrono::weekday(day).iso_encoding() - 1);
}
sys_days MondayOf(sys_days day) { return day - days(std::chrono::weekday(day).iso_encoding() - 1); }

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

void ValidateMeta(const RecordMeta& meta, Validator& v) {
  v.Require(meta.version >= 1, "course.meta.version",
            "must be at least 1, got " + std::to_string(meta.version));
  v.Require(!IsBlank(meta.reason) || (meta.version <= 1 && meta.status == RecordStatus::kActive),
            "course.meta.reason",
            "is required for an amended version or a record entered in error");
  v.Require(meta.status != RecordStatus::kEnteredInError, "course.meta.status",
            "the course was entered in error: it is not evaluated");
}

}  // namespace

const char* CoursePhaseName(CoursePhase phase) {
  switch (phase) {
    case CoursePhase::kInduction:
      return "induction";
    case CoursePhase::kContinuation:
      return "continuation";
    case CoursePhase::kMaintenance:
      return "maintenance";
    case CoursePhase::kTaper:
      return "taper";
    case CoursePhase::kBooster:
      return "booster";
  }
  return "induction";
}

Result<CoursePhase> ParseCoursePhase(std::string_view name, std::string_view field) {
  for (CoursePhase phase :
       {CoursePhase::kInduction, CoursePhase::kContinuation, CoursePhase::kMaintenance,
        CoursePhase::kTaper, CoursePhase::kBooster}) {
    if (name == CoursePhaseName(phase)) return phase;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "must be induction, continuation, maintenance, taper or booster, got '" +
                              std::string(name) + "'"));
}

void ValidateCourse(const TreatmentCourse& course, Instant at, Validator& v) {
  ValidateMeta(course.meta, v);
  v.InRange("course.planned_count", course.planned_count, 1, 50, "infusions");
  if (course.primary_scale) {
    v.Require(IsOutcomeScale(*course.primary_scale), "course.primary_scale",
              "must be phq9, madrs or qids-sr16");
  }
  const SchedulePreferences& s = course.schedule;
  for (size_t i = 0; i < s.weekdays.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      v.Require(s.weekdays[i] != s.weekdays[j], Index("course.schedule.weekdays", i),
                "repeats a day");
    }
  }
  if (s.time_of_day_min) {
    v.InRange("course.schedule.time_of_day", *s.time_of_day_min, 0, 24 * 60 - 1,
              "minutes after midnight");
  }
  v.InRange("course.schedule.utc_offset", s.utc_offset_min, -14 * 60, 14 * 60, "minutes");
  if (course.ended) {
    v.Require(course.ended->at <= at, "course.ended.at", "is later than at");
    v.Require(!IsBlank(course.ended->reason), "course.ended.reason", "is required");
    if (!course.infusions.empty()) {
      v.Require(course.ended->at >= course.infusions.back().started_at, "course.ended.at",
                "is before the last infusion's start");
    }
  }
  for (size_t i = 0; i < course.infusions.size(); ++i) {
    const Infusion& infusion = course.infusions[i];
    const std::string field = Index("infusions", i);
    if (infusion.started_at > at) {
      v.Add({field + ".started_at", "is later than at (" + FormatRfc3339(at) + ")"});
    }
    if (i > 0) {
      v.Require(infusion.started_at > course.infusions[i - 1].started_at, field + ".started_at",
                "must be after the previous infusion's start (infusions in time order)");
    }
    // Plausibility only: the dose limits are the dosing rules' (dosing.h).
    v.Require(infusion.mg_per_kg > 0 && infusion.mg_per_kg <= 2, field + ".mg_per_kg",
              "must be above 0 and at most 2 mg/kg, got " + FormatNumber(infusion.mg_per_kg));
  }
  ValidateAssessments(course.assessments, "assessments", v);
  for (size_t i = 0; i < course.assessments.size(); ++i) {
    if (course.assessments[i].taken_at > at) {
      v.Add(
          {Index("assessments", i) + ".taken_at", "is later than at (" + FormatRfc3339(at) + ")"});
    }
  }
  for (size_t i = 0; i < course.relief_history.size(); ++i) {
    const ReliefEpisode& r = course.relief_history[i];
    const std::string field = Index("relief_history", i);
    v.InRange(field + ".relief_days", r.relief_days, 0.5, 3650, "days");
    if (r.relief_ended_at) {
      v.Require(*r.relief_ended_at <= at, field + ".relief_ended_at", "is later than at");
    }
  }
}

const char* IntervalStatusName(IntervalStatus status) {
  switch (status) {
    case IntervalStatus::kAllowed:
      return "allowed";
    case IntervalStatus::kNeedsOverride:
      return "needs-override";
    case IntervalStatus::kTooEarly:
      return "too-early";
  }
  return "too-early";
}

NextInfusion NextAllowedInfusion(const std::vector<Infusion>& infusions,
                                 const CourseProtocol& protocol, Instant at) {
  NextInfusion next;
  if (infusions.empty()) return next;
  const Instant last =
      std::max_element(infusions.begin(), infusions.end(), [](const auto& a, const auto& b) {
        return a.started_at < b.started_at;
      })->started_at;
  next.last_start = last;
  next.hard_allowed_at = last + FromHours(protocol.interval_hard_min_h);
  next.soft_allowed_at = last + FromHours(protocol.interval_soft_min_h);
  if (at < *next.hard_allowed_at) {
    next.status_at = IntervalStatus::kTooEarly;
  } else if (at < *next.soft_allowed_at) {
    next.status_at = IntervalStatus::kNeedsOverride;
  } else {
    next.status_at = IntervalStatus::kAllowed;
  }
  return next;
}

const char* SeriesStatusName(SeriesStatus status) {
  switch (status) {
    case SeriesStatus::kNotStarted:
      return "not-started";
    case SeriesStatus::kInProgress:
      return "in-progress";
    case SeriesStatus::kComplete:
      return "complete";
    case SeriesStatus::kStoppedEarly:
      return "stopped-early";
    case SeriesStatus::kDroppedOut:
      return "dropped-out";
  }
  return "not-started";
}

SeriesProgress Progress(const TreatmentCourse& course, const CourseProtocol& protocol, Instant at) {
  SeriesProgress progress;
  progress.given = static_cast<int>(course.infusions.size());
  progress.planned = course.planned_count;
  if (!course.infusions.empty()) {
    progress.span_days =
        DaysBetween(course.infusions.front().started_at, course.infusions.back().started_at);
    progress.days_since_last = DaysBetween(course.infusions.back().started_at, at);
  }
  if (progress.given >= progress.planned) {
    progress.status = SeriesStatus::kComplete;
  } else if (course.ended) {
    progress.status = SeriesStatus::kStoppedEarly;
  } else if (progress.given == 0) {
    progress.status = SeriesStatus::kNotStarted;
  } else if (course.phase == CoursePhase::kInduction && progress.days_since_last &&
             *progress.days_since_last > protocol.dropout_after_days) {
    progress.status = SeriesStatus::kDroppedOut;
  } else {
    progress.status = SeriesStatus::kInProgress;
  }
  return progress;
}

InductionPlan PlanInduction(const TreatmentCourse& course, const CourseProtocol& protocol,
                            Instant at) {
  InductionPlan plan;
  const auto given = static_cast<int>(course.infusions.size());
  if (course.phase != CoursePhase::kInduction) {
    plan.note = std::string("not an induction course (") + CoursePhaseName(course.phase) + ")";
    return plan;
  }
  if (course.ended) {
    plan.note = "the course was ended: " + course.ended->reason;
    return plan;
  }
  if (given >= course.planned_count) {
    plan.note = "the induction series is complete";
  } else {
    plan.applies = true;
  }
  const int offset = course.schedule.utc_offset_min;
  const std::vector<Weekday>& weekdays =
      course.schedule.weekdays.empty() ? protocol.induction_weekdays : course.schedule.weekdays;
  int minute_of_day = 9 * 60;
  if (course.schedule.time_of_day_min) {
    minute_of_day = *course.schedule.time_of_day_min;
  } else if (!course.infusions.empty()) {
    minute_of_day = LocalMinuteOfDay(course.infusions.back().started_at, offset);
  }

  std::map<sys_days, int> per_week;
  for (const Infusion& infusion : course.infusions) {
    ++per_week[MondayOf(LocalDay(infusion.started_at, offset))];
  }
  std::optional<Instant> previous;
  if (!course.infusions.empty()) previous = course.infusions.back().started_at;
  sys_days day = LocalDay(at, offset);
  if (course.schedule.start_on && *course.schedule.start_on > day) day = *course.schedule.start_on;
  const int remaining = plan.applies ? course.planned_count - given : 0;
  const seconds soft = FromHours(protocol.interval_soft_min_h);
  // A year of days is far more than any allowed weekday set needs; the bound only guarantees
  // the loop ends.
  for (int step = 0; step < 400 && static_cast<int>(plan.proposed.size()) < remaining;
       ++step, day += days(1)) {
    if (std::find(weekdays.begin(), weekdays.end(), WeekdayOf(day)) == weekdays.end()) continue;
    const Instant slot = LocalTime(day, minute_of_day, offset);
    if (slot < at) continue;
    if (previous && slot - *previous < soft) continue;
    int& in_week = per_week[MondayOf(day)];
    if (in_week >= protocol.induction_max_per_week) continue;
    ++in_week;
    plan.proposed.push_back(slot);
    previous = slot;
  }
  if (static_cast<int>(plan.proposed.size()) < remaining) {
    plan.note = "only " + std::to_string(plan.proposed.size()) + " of " +
                std::to_string(remaining) + " infusions fit in the next 400 days";
  }

  std::optional<Instant> first;
  if (!course.infusions.empty()) {
    first = course.infusions.front().started_at;
  } else if (!plan.proposed.empty()) {
    first = plan.proposed.front();
  }
  if (first) {
    plan.window_ends_at = *first + FromDays(protocol.induction_max_days);
    const Instant last =
        plan.proposed.empty() ? course.infusions.back().started_at : plan.proposed.back();
    plan.fits_window = last <= *plan.window_ends_at;
  }
  return plan;
}

const char* EscalationStatusName(EscalationStatus status) {
  switch (status) {
    case EscalationStatus::kNotApplicable:
      return "not-applicable";
    case EscalationStatus::kSuggested:
      return "suggested";
    case EscalationStatus::kNotYetDue:
      return "not-yet-due";
    case EscalationStatus::kAwaitingAssessment:
      return "awaiting-assessment";
    case EscalationStatus::kResponding:
      return "responding";
    case EscalationStatus::kNotTolerated:
      return "not-tolerated";
    case EscalationStatus::kAtTopStep:
      return "at-top-step";
    case EscalationStatus::kNotEvaluable:
      return "not-evaluable";
  }
  return "not-applicable";
}

EscalationSuggestion SuggestEscalation(const std::vector<Infusion>& infusions,
                                       const ScaleOutcome* primary, const DoseProtocol& dosing) {
  EscalationSuggestion s;
  if (infusions.empty()) {
    s.reason = "no infusion given yet";
    return s;
  }
  const double current = infusions.back().mg_per_kg;
  s.current_mg_per_kg = current;
  // The run of most recent infusions at the current dose (the same step within rounding).
  size_t run = 0;
  bool all_tolerated = true;
  for (auto it = infusions.rbegin(); it != infusions.rend(); ++it) {
    if (std::abs(it->mg_per_kg - current) > 1e-6) break;
    ++run;
    all_tolerated = all_tolerated && it->tolerated;
  }
  s.infusions_at_current = static_cast<int>(run);
  for (double step : dosing.escalation_steps_mg_per_kg) {
    if (step > current + 1e-6) {
      s.next_mg_per_kg = step;
      break;
    }
  }
  const int k = dosing.escalation_after_infusions;
  if (!s.next_mg_per_kg) {
    s.status = EscalationStatus::kAtTopStep;
    s.reason = "no escalation step above " + Number(current) + " mg/kg";
  } else if (s.infusions_at_current < k) {
    s.status = EscalationStatus::kNotYetDue;
    s.reason = std::to_string(s.infusions_at_current) + " of " + std::to_string(k) +
               " infusions at " + Number(current) + " mg/kg";
  } else if (!all_tolerated) {
    s.status = EscalationStatus::kNotTolerated;
    s.reason = "an infusion at " + Number(current) + " mg/kg was not well tolerated";
  } else if (primary == nullptr || !primary->baseline || primary->baseline->total <= 0) {
    s.status = EscalationStatus::kNotEvaluable;
    s.reason = "the primary scale has no usable baseline";
  } else {
    // The K-th infusion at this step: the assessment must come after it.
    const Instant kth = infusions[infusions.size() - run + static_cast<size_t>(k) - 1].started_at;
    const AssessmentOutcome* latest = nullptr;
    for (const AssessmentOutcome& point : primary->follow_up) {
      if (point.taken_at > kth) latest = &point;
    }
    if (latest == nullptr) {
      s.status = EscalationStatus::kAwaitingAssessment;
      s.reason = std::string("no ") + GetScaleInfo(primary->scale).title + " after infusion " +
                 std::to_string(k) + " at " + Number(current) + " mg/kg (" + FormatRfc3339(kth) +
                 ")";
    } else if (latest->category == ResponseCategory::kResponse) {
      s.status = EscalationStatus::kResponding;
      s.reason = "response on " + FormatRfc3339(latest->taken_at);
    } else {
      s.status = EscalationStatus::kSuggested;
      s.reason = std::to_string(s.infusions_at_current) + " infusions at " + Number(current) +
                 " mg/kg, all tolerated, and " + GetScaleInfo(primary->scale).title + " on " +
                 FormatRfc3339(latest->taken_at) + " is not a response (" +
                 Number(latest->reduction_percent.value_or(0)) + " % reduction)";
    }
  }
  // A step is named only when it is suggested.
  if (s.status != EscalationStatus::kSuggested) s.next_mg_per_kg.reset();
  return s;
}

const char* MaintenanceMethodName(MaintenanceMethod method) {
  return method == MaintenanceMethod::kReliefHistory ? "relief-history" : "protocol-default";
}

MaintenanceSuggestion SuggestMaintenance(const TreatmentCourse& course, bool responded,
                                         const CourseProtocol& protocol) {
  MaintenanceSuggestion m;
  const auto given = static_cast<int>(course.infusions.size());
  const bool needs_response =
      course.phase == CoursePhase::kInduction || course.phase == CoursePhase::kContinuation;
  if (course.infusions.empty()) {
    m.reason = "no infusion given in this course yet";
    return m;
  }
  if (course.ended && given < course.planned_count) {
    m.reason = "the course was stopped: " + course.ended->reason;
    return m;
  }
  if (needs_response && !responded) {
    m.reason =
        "no response or remission on the primary scale in this course: maintenance is for "
        "responders";
    return m;
  }
  if (course.phase == CoursePhase::kInduction && given < course.planned_count) {
    m.reason = "the induction series is not complete (" + std::to_string(given) + " of " +
               std::to_string(course.planned_count) + "): the next infusion is an induction one";
    return m;
  }
  m.available = true;
  m.from = course.infusions.back().started_at;
  std::vector<double> reliefs;
  reliefs.reserve(course.relief_history.size());
  for (const ReliefEpisode& r : course.relief_history) reliefs.push_back(r.relief_days);
  m.observations = static_cast<int>(reliefs.size());
  if (reliefs.empty()) {
    m.method = MaintenanceMethod::kProtocolDefault;
    m.confidence = "none";
    m.interval_days = protocol.maintenance_default_interval_days;
    m.latest_interval_days = protocol.maintenance_default_max_interval_days;
    m.explanation = "no relief history: the protocol default of " + Number(m.interval_days) +
                    " days after the last infusion (range to " + Number(m.latest_interval_days) +
                    " days); record when relief wears off to individualize";
  } else {
    auto margin = [&](double relief) {
      return std::max(relief * protocol.maintenance_margin_percent / 100.0,
                      protocol.maintenance_min_margin_days);
    };
    const double shortest = *std::min_element(reliefs.begin(), reliefs.end());
    const double median = Median(reliefs);
    m.method = MaintenanceMethod::kReliefHistory;
    m.confidence = reliefs.size() >= 3 ? "moderate" : "low";
    m.shortest_relief_days = shortest;
    m.median_relief_days = median;
    m.interval_days = std::max(shortest - margin(shortest), protocol.maintenance_min_interval_days);
    m.latest_interval_days =
        std::max(median - margin(median), protocol.maintenance_min_interval_days);
    m.explanation = std::to_string(reliefs.size()) + " earlier relief(s): shortest " +
                    Number(shortest) + " days, median " + Number(median) +
                    " days; suggested a margin before the shortest (" + Number(m.interval_days) +
                    " days), latest a margin before the median (" + Number(m.latest_interval_days) +
                    " days); " + (reliefs.size() >= 3 ? "a moderate" : "a low") +
                    " confidence: relief varies between courses";
  }
  m.suggested_at = m.from + FromDays(m.interval_days);
  m.latest_at = m.from + FromDays(m.latest_interval_days);
  return m;
}

namespace {

// The scale the course's decisions are judged on.
std::pair<Scale, std::string> PrimaryScale(const TreatmentCourse& course,
                                           const OutcomeProtocol& outcomes) {
  if (course.primary_scale) return {*course.primary_scale, "course"};
  auto assessed = [&](Scale scale) {
    return std::any_of(course.assessments.begin(), course.assessments.end(),
                       [&](const Assessment& a) { return a.scale == scale; });
  };
  if (assessed(outcomes.primary_scale) || course.assessments.empty()) {
    return {outcomes.primary_scale, "protocol"};
  }
  for (Scale scale : {Scale::kPhq9, Scale::kMadrs, Scale::kQidsSr16}) {
    if (assessed(scale)) return {scale, "first scale assessed"};
  }
  return {outcomes.primary_scale, "protocol"};
}

void IntervalFindings(const TreatmentCourse& course, const CourseProtocol& p,
                      std::vector<Finding>& out) {
  for (size_t i = 1; i < course.infusions.size(); ++i) {
    const double hours =
        MinutesBetween(course.infusions[i - 1].started_at, course.infusions[i].started_at) / 60.0;
    const std::string which = "infusion " + std::to_string(i + 1) + " (" +
                              FormatRfc3339(course.infusions[i].started_at) + ") started " +
                              Number(hours) + " h after the previous one";
    if (hours < p.interval_hard_min_h) {
      out.push_back({"course.interval-below-hard-minimum", Severity::kWarning,
                     which + ", below the hard minimum of " + Number(p.interval_hard_min_h) +
                         " h: review how it was given",
                     kIntervalSource});
    } else if (hours < p.interval_soft_min_h) {
      out.push_back({"course.interval-below-soft-minimum", Severity::kInfo,
                     which + ", below the soft minimum of " + Number(p.interval_soft_min_h) +
                         " h: needs a physician's override on record",
                     kIntervalSource});
    }
  }
}

void ReliefTrendFinding(const TreatmentCourse& course, std::vector<Finding>& out) {
  const auto& h = course.relief_history;
  if (h.size() < 3) return;
  const size_t n = h.size();
  if (h[n - 3].relief_days > h[n - 2].relief_days && h[n - 2].relief_days > h[n - 1].relief_days) {
    out.push_back({"course.relief-shortening", Severity::kWarning,
                   "relief lasted " + Number(h[n - 3].relief_days) + ", " +
                       Number(h[n - 2].relief_days) + ", then " + Number(h[n - 1].relief_days) +
                       " days: each shorter than the last; review the maintenance plan",
                   kMaintenanceSource});
  }
}

}  // namespace

Result<CourseReport> EvaluateCourse(const TreatmentCourse& course, const CourseProtocols& protocols,
                                    Instant at) {
  Validator v("invalid course");
  ValidateCourse(course, at, v);
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  const OutcomeProtocol& op = protocols.outcomes;
  const CourseProtocol& cp = protocols.course;

  CourseReport report;
  report.at = at;
  report.outcome_protocol_version = op.version;
  report.course_protocol_version = cp.version;
  std::tie(report.primary_scale, report.primary_scale_basis) = PrimaryScale(course, op);
  std::vector<Instant> starts;
  starts.reserve(course.infusions.size());
  for (const Infusion& infusion : course.infusions) starts.push_back(infusion.started_at);
  auto outcomes = EvaluateOutcomes(course.assessments, starts, op);
  if (!outcomes) return tl::unexpected(outcomes.error());
  report.outcomes = std::move(*outcomes);
  report.findings = report.outcomes.findings;
  const ScaleOutcome* primary = FindScale(report.outcomes, report.primary_scale);

  report.next_infusion = NextAllowedInfusion(course.infusions, cp, at);
  report.series = Progress(course, cp, at);
  report.plan = PlanInduction(course, cp, at);
  report.escalation = SuggestEscalation(course.infusions, primary, protocols.dosing);
  const bool responded = primary != nullptr && (primary->response_at || primary->remission_at);
  report.maintenance = SuggestMaintenance(course, responded, cp);

  std::vector<Finding>& out = report.findings;
  IntervalFindings(course, cp, out);
  const int given = report.series.given;
  const bool open = !course.ended;
  const std::string primary_title = GetScaleInfo(report.primary_scale).title;

  // The response check: after N infusions a depression scale must follow infusion N.
  const int n = op.early_nonresponse_after_infusions;
  if (open && n >= 1 && given >= n) {
    const Instant nth = starts[static_cast<size_t>(n) - 1];
    const bool assessed = std::any_of(course.assessments.begin(), course.assessments.end(),
                                      [&](const Assessment& a) { return a.taken_at > nth; });
    if (!assessed) {
      out.push_back({"course.response-check-due", Severity::kWarning,
                     std::to_string(given) +
                         " infusion(s) given and no depression scale since "
                         "infusion " +
                         std::to_string(n) + " started (" + FormatRfc3339(nth) + "): assess " +
                         primary_title + " before the next infusion",
                     kResponseCheckSource});
    }
  }
  if (open && given >= cp.stop_if_no_response_after_infusions && primary != nullptr &&
      primary->baseline && primary->baseline->total > 0 && !primary->follow_up.empty() &&
      !primary->response_at) {
    out.push_back({"course.no-response-stop", Severity::kWarning,
                   std::to_string(given) + " infusions and no response on " + primary_title +
                       " (best " + Number(primary->best_reduction_percent.value_or(0)) +
                       " % reduction): consider stopping the course",
                   kStopSource});
  }
  if (open && report.escalation.status == EscalationStatus::kSuggested &&
      report.escalation.next_mg_per_kg) {
    out.push_back({"course.escalation-suggested", Severity::kInfo,
                   "escalation to " + Number(*report.escalation.next_mg_per_kg) +
                       " mg/kg may be considered: " + report.escalation.reason,
                   kEscalationSource});
  }
  if (course.phase == CoursePhase::kInduction) {
    const double span = report.series.span_days.value_or(0);
    if (span > cp.induction_max_days) {
      out.push_back({"course.induction-window-exceeded", Severity::kWarning,
                     "the infusions given span " + Number(span) + " days, beyond the " +
                         Number(cp.induction_max_days) + "-day induction window",
                     kWindowSource});
    } else if (report.plan.applies && !report.plan.fits_window && report.plan.window_ends_at) {
      out.push_back({"course.induction-window-exceeded", Severity::kWarning,
                     "the remaining infusions cannot all start by " +
                         FormatRfc3339(*report.plan.window_ends_at) + " (" +
                         Number(cp.induction_max_days) +
                         " days after the first) on the allowed weekdays at the minimum interval",
                     kWindowSource});
    }
  }
  if (report.series.status == SeriesStatus::kDroppedOut) {
    out.push_back({"course.induction-dropout", Severity::kWarning,
                   "induction series incomplete (" + std::to_string(given) + " of " +
                       std::to_string(course.planned_count) + ") and no infusion for " +
                       Number(report.series.days_since_last.value_or(0)) +
                       " days: contact the patient",
                   kDropoutSource});
  }
  if (report.series.status == SeriesStatus::kStoppedEarly && course.ended) {
    out.push_back({"course.stopped-early", Severity::kInfo,
                   "series stopped after " + std::to_string(given) + " of " +
                       std::to_string(course.planned_count) + ": " + course.ended->reason,
                   kDropoutSource});
  }
  ReliefTrendFinding(course, out);
  const MaintenanceSuggestion& m = report.maintenance;
  if (m.available) {
    if (m.method == MaintenanceMethod::kProtocolDefault) {
      out.push_back({"course.maintenance-default-interval", Severity::kInfo, m.explanation,
                     kMaintenanceSource});
    }
    if (at > m.latest_at) {
      out.push_back({"course.maintenance-overdue", Severity::kWarning,
                     "the next maintenance infusion was due " + FormatRfc3339(m.suggested_at) +
                         " (at the latest " + FormatRfc3339(m.latest_at) +
                         ") and none is recorded: contact the patient",
                     kMaintenanceSource});
    } else if (at >= m.suggested_at) {
      out.push_back({"course.maintenance-due", Severity::kInfo,
                     "the next maintenance infusion is due (from " + FormatRfc3339(m.suggested_at) +
                         ", at the latest " + FormatRfc3339(m.latest_at) + ")",
                     kMaintenanceSource});
    }
  }
  return report;
}

}  // namespace ketaclinic::clinical
