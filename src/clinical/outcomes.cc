#include "clinical/outcomes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

namespace ketaclinic::clinical {
namespace {

// Citations of the rules (clinical.md; docs/OUTCOMES.md). Messages carry the effective values.
constexpr const char* kBaselineSource =
    "clinical.md §2.9: response is a reduction from the course baseline [S]";
constexpr const char* kResponseSource =
    "clinical.md §2.9, §2.1, §2.2: >= 50 % reduction from the course baseline [S]";
constexpr const char* kRemissionSource =
    "clinical.md §2.9: PHQ-9 < 5, MADRS <= 10 (ASPIRE <= 12), QIDS-SR16 <= 5 [S]";
constexpr const char* kSustainedSource =
    "clinical.md §2.9: remission on 2 consecutive assessments (ASPIRE 'consistent remission') "
    "[S]; spanning >= 14 days [D]";
constexpr const char* kRelapseSource =
    "clinical.md §2.9: relapse after response, MADRS >= 22 on 2 consecutive visits 5-15 days "
    "apart (SUSTAIN-1) [R - verify]; PHQ-9 >= 10 / QIDS-SR16 >= 11 [D]";
constexpr const char* kEarlySource =
    "clinical.md §2.9 / §6 early_nonresponse_check: < 20-25 % improvement after 2-3 infusions "
    "-> reconsider or escalate [S-low]/[D]; §1.8 DOSE-04";
constexpr const char* kLossSource =
    "[D]: a lost response awaiting confirmation; clinical.md §2.9 relapse needs consecutive "
    "assessments";
constexpr const char* kWorseningSource =
    "[D]: total above the course baseline by >= 25 % of it (docs/OUTCOMES.md)";

constexpr std::array<Scale, 3> kOutcomeScales = {Scale::kPhq9, Scale::kMadrs, Scale::kQidsSr16};

std::string Percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %%", value);
  return buffer;
}

std::string Days(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string Title(Scale scale) { return GetScaleInfo(scale).title; }

double DaysBetween(Instant from, Instant to) { return MinutesBetween(from, to) / (60.0 * 24.0); }

int InfusionsBefore(const std::vector<Instant>& sorted_starts, Instant taken_at) {
  return static_cast<int>(std::lower_bound(sorted_starts.begin(), sorted_starts.end(), taken_at) -
                          sorted_starts.begin());
}

bool Benefit(const AssessmentOutcome& point) {
  return point.category == ResponseCategory::kResponse || point.remission;
}

// The baseline of one scale's assessments (sorted by time): the marked one, else the last one
// at or before the first infusion's start (with no infusion yet, the last one).
std::optional<Baseline> FindBaseline(const std::vector<const Assessment*>& sorted,
                                     const std::vector<Instant>& starts) {
  for (const Assessment* a : sorted) {
    if (a->baseline) return Baseline{a->id, a->taken_at, a->total, true};
  }
  std::optional<Baseline> baseline;
  for (const Assessment* a : sorted) {
    if (!starts.empty() && a->taken_at > starts.front()) break;
    baseline = Baseline{a->id, a->taken_at, a->total, false};
  }
  return baseline;
}

void FindSustainedRemission(ScaleOutcome& outcome, const OutcomeProtocol& p) {
  size_t run_start = 0;
  for (size_t i = 0; i < outcome.follow_up.size(); ++i) {
    const AssessmentOutcome& point = outcome.follow_up[i];
    if (!point.remission) {
      run_start = i + 1;
      continue;
    }
    const auto count = static_cast<int>(i - run_start + 1);
    const double span = DaysBetween(outcome.follow_up[run_start].taken_at, point.taken_at);
    if (count >= p.sustained_remission_min_assessments && span >= p.sustained_remission_min_days) {
      outcome.sustained_remission_at = point.taken_at;
      outcome.sustained_remission_since = outcome.follow_up[run_start].taken_at;
      return;
    }
  }
}

// The first relapse after the first response or remission: a run of consecutive assessments
// that are no longer a response and at or above the relapse total, long enough in count and
// in days.
void FindRelapse(ScaleOutcome& outcome, size_t first_benefit, const OutcomeProtocol& p) {
  const int relapse_total = RelapseMinTotal(p, outcome.scale);
  std::optional<size_t> run_start;
  for (size_t i = first_benefit + 1; i < outcome.follow_up.size(); ++i) {
    const AssessmentOutcome& point = outcome.follow_up[i];
    const bool meets =
        point.category != ResponseCategory::kResponse && point.total >= relapse_total;
    if (!meets) {
      run_start.reset();
      continue;
    }
    if (!run_start) run_start = i;
    const auto count = static_cast<int>(i - *run_start + 1);
    const double span = DaysBetween(outcome.follow_up[*run_start].taken_at, point.taken_at);
    if (count >= p.relapse_consecutive_assessments && span >= p.relapse_min_days_apart) {
      outcome.relapse_at = outcome.follow_up[*run_start].taken_at;
      outcome.relapse_confirmed_at = point.taken_at;
      return;
    }
  }
}

void FindEarlyCheck(ScaleOutcome& outcome, const OutcomeProtocol& p) {
  if (!outcome.baseline || outcome.baseline->total <= 0) return;
  const int n = p.early_nonresponse_after_infusions;
  const AssessmentOutcome* chosen = nullptr;
  for (const AssessmentOutcome& point : outcome.follow_up) {
    if (point.infusions_before == n) chosen = &point;  // the latest after exactly n
  }
  if (chosen == nullptr) {
    for (const AssessmentOutcome& point : outcome.follow_up) {
      if (point.infusions_before > n) {
        chosen = &point;
        break;
      }
    }
  }
  if (chosen == nullptr || !chosen->reduction_percent) return;
  outcome.early_check =
      EarlyCheck{chosen->infusions_before, chosen->taken_at, *chosen->reduction_percent,
                 !ReductionAtLeast(outcome.baseline->total, chosen->total,
                                   p.early_nonresponse_max_reduction_percent)};
}

ScaleOutcome EvaluateScale(Scale scale, const std::vector<const Assessment*>& sorted,
                           const std::vector<Instant>& starts, const OutcomeProtocol& p) {
  ScaleOutcome outcome;
  outcome.scale = scale;
  outcome.remission_max_total = RemissionMaxTotal(p, scale);
  outcome.baseline = FindBaseline(sorted, starts);
  const std::optional<int> baseline_total =
      outcome.baseline ? std::optional<int>(outcome.baseline->total) : std::nullopt;
  for (const Assessment* a : sorted) {
    if (outcome.baseline && a->taken_at <= outcome.baseline->taken_at) continue;
    AssessmentOutcome point;
    point.id = a->id;
    point.taken_at = a->taken_at;
    point.total = a->total;
    point.infusions_before = InfusionsBefore(starts, a->taken_at);
    if (baseline_total) point.reduction_percent = ReductionPercent(*baseline_total, a->total);
    point.category = Classify(baseline_total, a->total, p);
    point.remission = IsRemission(scale, a->total, p);
    outcome.follow_up.push_back(std::move(point));
  }

  std::optional<size_t> first_benefit;
  for (size_t i = 0; i < outcome.follow_up.size(); ++i) {
    const AssessmentOutcome& point = outcome.follow_up[i];
    if (point.reduction_percent && (!outcome.best_reduction_percent ||
                                    *point.reduction_percent > *outcome.best_reduction_percent)) {
      outcome.best_reduction_percent = point.reduction_percent;
      outcome.best_at = point.taken_at;
    }
    if (point.category == ResponseCategory::kResponse && !outcome.response_at) {
      outcome.response_at = point.taken_at;
      outcome.infusions_to_response = point.infusions_before;
      if (!starts.empty() && point.taken_at >= starts.front()) {
        outcome.days_to_response = DaysBetween(starts.front(), point.taken_at);
      }
    }
    if (point.remission && !outcome.remission_at) {
      outcome.remission_at = point.taken_at;
      outcome.infusions_to_remission = point.infusions_before;
    }
    if (Benefit(point) && !first_benefit) first_benefit = i;
  }
  FindSustainedRemission(outcome, p);
  if (first_benefit) FindRelapse(outcome, *first_benefit, p);
  FindEarlyCheck(outcome, p);

  if (outcome.follow_up.empty()) {
    outcome.in_remission_now = outcome.baseline && IsRemission(scale, outcome.baseline->total, p);
    return outcome;
  }
  const AssessmentOutcome& latest = outcome.follow_up.back();
  outcome.latest_category = latest.category;
  outcome.in_remission_now = latest.remission;
  outcome.loss_of_response = first_benefit && *first_benefit + 1 < outcome.follow_up.size() &&
                             !Benefit(latest) && !outcome.relapse_confirmed_at;
  if (baseline_total && *baseline_total > 0 && latest.total > *baseline_total) {
    const double increase = static_cast<double>(latest.total - *baseline_total) * 100.0;
    const double needed = p.worsening_min_increase_percent * static_cast<double>(*baseline_total);
    outcome.worsening = increase >= needed - 1e-9 * std::max(1.0, needed);
  }
  return outcome;
}

void AddFindings(const ScaleOutcome& o, const OutcomeProtocol& p, std::vector<Finding>& out) {
  const std::string scale = Title(o.scale);
  if (!o.follow_up.empty() && (!o.baseline || o.baseline->total <= 0)) {
    out.push_back(
        {"outcome.no-baseline", Severity::kWarning,
         scale + ": " +
             (o.baseline ? std::string("the baseline total is 0, so no reduction can be judged")
                         : std::string("no baseline (no assessment at or before the first "
                                       "infusion and none marked baseline)")) +
             "; response and relapse cannot be judged, remission can",
         kBaselineSource});
  }
  if (o.response_at && o.infusions_to_response && o.baseline) {
    out.push_back({"outcome.response", Severity::kInfo,
                   scale + ": response (>= " + Percent(p.response_min_reduction_percent) +
                       " reduction from the baseline " + std::to_string(o.baseline->total) +
                       ") first on " + FormatRfc3339(*o.response_at) + ", after " +
                       std::to_string(*o.infusions_to_response) + " infusion(s)",
                   kResponseSource});
  }
  if (o.remission_at) {
    out.push_back({"outcome.remission", Severity::kInfo,
                   scale +
                       ": remission (total <= " + std::to_string(RemissionMaxTotal(p, o.scale)) +
                       ") first on " + FormatRfc3339(*o.remission_at),
                   kRemissionSource});
  }
  if (o.sustained_remission_at && o.sustained_remission_since) {
    out.push_back({"outcome.sustained-remission", Severity::kInfo,
                   scale + ": sustained remission since " +
                       FormatRfc3339(*o.sustained_remission_since) + " (" +
                       std::to_string(p.sustained_remission_min_assessments) +
                       "+ consecutive assessments in remission over >= " +
                       Days(p.sustained_remission_min_days) + " days), met on " +
                       FormatRfc3339(*o.sustained_remission_at),
                   kSustainedSource});
  }
  if (o.early_check && o.early_check->non_response) {
    out.push_back({"outcome.early-non-response", Severity::kWarning,
                   scale + ": early non-response: " + Percent(o.early_check->reduction_percent) +
                       " reduction after " + std::to_string(o.early_check->after_infusions) +
                       " infusion(s) (on " + FormatRfc3339(o.early_check->taken_at) + "), below " +
                       Percent(p.early_nonresponse_max_reduction_percent) +
                       ": reconsider the course or escalate the dose",
                   kEarlySource});
  }
  if (o.relapse_at && o.relapse_confirmed_at) {
    out.push_back({"outcome.relapse", Severity::kWarning,
                   scale + ": relapse from " + FormatRfc3339(*o.relapse_at) + " (confirmed " +
                       FormatRfc3339(*o.relapse_confirmed_at) +
                       "): " + std::to_string(p.relapse_consecutive_assessments) +
                       "+ consecutive assessments at or above " +
                       std::to_string(RelapseMinTotal(p, o.scale)) +
                       " and no longer a response, after an earlier response or remission",
                   kRelapseSource});
  }
  if (o.loss_of_response && !o.follow_up.empty()) {
    out.push_back({"outcome.loss-of-response", Severity::kWarning,
                   scale + ": the latest assessment (" +
                       FormatRfc3339(o.follow_up.back().taken_at) + ", total " +
                       std::to_string(o.follow_up.back().total) +
                       ") is no longer a response or remission; repeat the scale to confirm or "
                       "rule out a relapse",
                   kLossSource});
  }
  if (o.worsening && o.baseline && !o.follow_up.empty()) {
    out.push_back({"outcome.worsening", Severity::kWarning,
                   scale + ": the latest total " + std::to_string(o.follow_up.back().total) +
                       " is above the baseline " + std::to_string(o.baseline->total) +
                       " by >= " + Percent(p.worsening_min_increase_percent) +
                       " of it: review the course and suicide risk",
                   kWorseningSource});
  }
}

}  // namespace

void ValidateAssessments(const std::vector<Assessment>& assessments, std::string_view path,
                         Validator& v) {
  std::array<int, 3> marked = {0, 0, 0};
  for (size_t i = 0; i < assessments.size(); ++i) {
    const Assessment& a = assessments[i];
    const std::string field = std::string(path) + "[" + std::to_string(i) + "]";
    if (!IsOutcomeScale(a.scale)) {
      v.Add({field + ".scale",
             std::string("must be phq9, madrs or qids-sr16, got ") + GetScaleInfo(a.scale).name});
      continue;
    }
    const ScaleInfo& info = GetScaleInfo(a.scale);
    v.InRange(field + ".total", a.total, 0, info.total_max, info.title);
    if (!a.items.empty()) {
      if (auto score = ScoreScale(a.scale, a.items); !score) {
        v.Merge(score.error(), field + ".");
      } else if (score->total != a.total) {
        v.Add({field + ".total", "must equal the items' score " + std::to_string(score->total) +
                                     ", got " + std::to_string(a.total)});
      }
    }
    if (a.baseline) {
      const auto index =
          static_cast<size_t>(std::find(kOutcomeScales.begin(), kOutcomeScales.end(), a.scale) -
                              kOutcomeScales.begin());
      if (++marked.at(index) > 1) {
        v.Add({field + ".baseline",
               std::string("only one ") + info.title + " assessment may be marked baseline"});
      }
    }
  }
}

const char* ResponseCategoryName(ResponseCategory category) {
  switch (category) {
    case ResponseCategory::kNotEvaluable:
      return "not-evaluable";
    case ResponseCategory::kNone:
      return "none";
    case ResponseCategory::kPartial:
      return "partial";
    case ResponseCategory::kResponse:
      return "response";
  }
  return "not-evaluable";
}

std::optional<double> ReductionPercent(int baseline_total, int total) {
  if (baseline_total <= 0) return std::nullopt;
  return static_cast<double>(baseline_total - total) * 100.0 / static_cast<double>(baseline_total);
}

bool ReductionAtLeast(int baseline_total, int total, double min_percent) {
  KC_CHECK(baseline_total > 0);
  // Whole totals times 100 are exact in a double; the tolerance only absorbs the rounding of a
  // fractional threshold times the baseline (33.3 % of 27), so a tie counts as met.
  const double reduction = static_cast<double>(baseline_total - total) * 100.0;
  const double needed = min_percent * static_cast<double>(baseline_total);
  return reduction >= needed - 1e-9 * std::max(1.0, std::abs(needed));
}

ResponseCategory ClassifyReduction(double reduction_percent, const OutcomeProtocol& protocol) {
  if (reduction_percent >= protocol.response_min_reduction_percent) {
    return ResponseCategory::kResponse;
  }
  if (reduction_percent >= protocol.partial_response_min_reduction_percent) {
    return ResponseCategory::kPartial;
  }
  return ResponseCategory::kNone;
}

ResponseCategory Classify(std::optional<int> baseline_total, int total,
                          const OutcomeProtocol& protocol) {
  if (!baseline_total || *baseline_total <= 0) return ResponseCategory::kNotEvaluable;
  if (ReductionAtLeast(*baseline_total, total, protocol.response_min_reduction_percent)) {
    return ResponseCategory::kResponse;
  }
  if (ReductionAtLeast(*baseline_total, total, protocol.partial_response_min_reduction_percent)) {
    return ResponseCategory::kPartial;
  }
  return ResponseCategory::kNone;
}

bool IsRemission(Scale scale, int total, const OutcomeProtocol& protocol) {
  return total <= RemissionMaxTotal(protocol, scale);
}

Result<OutcomeReport> EvaluateOutcomes(const std::vector<Assessment>& assessments,
                                       const std::vector<Instant>& infusion_starts,
                                       const OutcomeProtocol& protocol) {
  Validator v("invalid assessments");
  ValidateAssessments(assessments, "assessments", v);
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());

  std::vector<Instant> starts = infusion_starts;
  std::sort(starts.begin(), starts.end());
  OutcomeReport report;
  report.protocol_version = protocol.version;
  for (Scale scale : kOutcomeScales) {
    std::vector<const Assessment*> sorted;
    for (const Assessment& a : assessments) {
      if (a.scale == scale) sorted.push_back(&a);
    }
    if (sorted.empty()) continue;
    // By time; assessments at the same moment keep their order in the input (the pointers
    // point into one vector, so comparing them compares input positions).
    std::sort(sorted.begin(), sorted.end(), [](const Assessment* a, const Assessment* b) {
      return a->taken_at != b->taken_at ? a->taken_at < b->taken_at : std::less<>()(a, b);
    });
    ScaleOutcome outcome = EvaluateScale(scale, sorted, starts, protocol);
    AddFindings(outcome, protocol, report.findings);
    // The latest assessment's item findings (e.g. PHQ-9 item 9): the current state, not history.
    if (const Assessment* latest = sorted.back(); !latest->items.empty()) {
      if (auto score = ScoreScale(scale, latest->items)) {
        for (Finding& f : score->findings) {
          f.message = Title(scale) + " of " + FormatRfc3339(latest->taken_at) + ": " + f.message;
          report.findings.push_back(std::move(f));
        }
      }
    }
    report.scales.push_back(std::move(outcome));
  }
  return report;
}

const ScaleOutcome* FindScale(const OutcomeReport& report, Scale scale) {
  for (const ScaleOutcome& outcome : report.scales) {
    if (outcome.scale == scale) return &outcome;
  }
  return nullptr;
}

}  // namespace ketaclinic::clinical
