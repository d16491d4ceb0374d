#ifndef KETACLINIC_CLINICAL_OUTCOMES_H_
#define KETACLINIC_CLINICAL_OUTCOMES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "base/validation.h"

#include "clinical/finding.h"
#include "clinical/outcome_protocol.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// Outcomes of a treatment course (DESIGN.md §3 step 7; clinical.md §2.9): from each depression
// scale's course baseline and its dated follow-up totals, the response, partial response and
// remission of every assessment, and for the course: best response, time to response,
// remission, sustained remission, relapse, early non-response, loss of response, worsening.
// docs/OUTCOMES.md gives every definition with its default and source.

// One completed depression scale (PHQ-9, MADRS or QIDS-SR16) linked to the course.
struct Assessment {
  std::string id;  // the record's id, if it has one
  Scale scale = Scale::kPhq9;
  Instant taken_at;
  int total = 0;  // the scored total (from `items` when they are given)
  // The item responses, when recorded (empty otherwise). With items, `total` must be their
  // score (ScoreScale), and the latest assessment's item findings (e.g. PHQ-9 item 9) are
  // reported.
  std::vector<int> items;
  // Marks this assessment as its scale's course baseline (e.g. the pre-induction score carried
  // into a maintenance course). Without a mark, the baseline is the scale's last assessment
  // taken at or before the first infusion's start.
  bool baseline = false;
};

// Checks every assessment (an outcome scale; total within the scale; items valid and scoring
// to the total; at most one marked baseline per scale), naming fields `path`[i].scale etc.
void ValidateAssessments(const std::vector<Assessment>& assessments, std::string_view path,
                         Validator& v);

enum class ResponseCategory {
  kNotEvaluable,  // no usable baseline (none, or a baseline total of 0)
  kNone,          // reduction below the partial-response threshold (or worse than baseline)
  kPartial,       // at least partial_response_min_reduction_percent, below response
  kResponse,      // at least response_min_reduction_percent
};
const char* ResponseCategoryName(ResponseCategory category);  // "not-evaluable" | "none" | ...

// (baseline − total) / baseline × 100; nullopt when the baseline total is not above 0.
// Negative when the total rose.
std::optional<double> ReductionPercent(int baseline_total, int total);
// Whether (baseline − total) / baseline is at least `min_percent` %, decided exactly on the
// integers (20 → 10 is exactly 50 %, a response). REQUIRES baseline_total > 0.
bool ReductionAtLeast(int baseline_total, int total, double min_percent);
// The category of a reduction in percent (49.9 → partial, 50 → response, 24.9 → none).
ResponseCategory ClassifyReduction(double reduction_percent, const OutcomeProtocol& protocol);
// The category of a total against its baseline, exactly on the integers.
ResponseCategory Classify(std::optional<int> baseline_total, int total,
                          const OutcomeProtocol& protocol);
// Total at or below the scale's remission total. REQUIRES IsOutcomeScale(scale).
bool IsRemission(Scale scale, int total, const OutcomeProtocol& protocol);

// The baseline of one scale in a course.
struct Baseline {
  std::string id;
  Instant taken_at;
  int total = 0;
  bool marked = false;  // marked in the input (else the last one before the first infusion)
};

// One follow-up assessment judged against the baseline.
struct AssessmentOutcome {
  std::string id;
  Instant taken_at;
  int total = 0;
  // Infusions started strictly before the assessment was taken (an assessment at the same
  // moment as an infusion's start counts as before that infusion).
  int infusions_before = 0;
  std::optional<double> reduction_percent;
  ResponseCategory category = ResponseCategory::kNotEvaluable;
  bool remission = false;
};

// The early non-response check (after early_nonresponse_after_infusions infusions): judged on
// the latest assessment taken after exactly that many infusions, else the first one after more.
struct EarlyCheck {
  int after_infusions = 0;
  Instant taken_at;
  double reduction_percent = 0;
  bool non_response = false;
};

// The outcome of one scale over the course.
struct ScaleOutcome {
  Scale scale = Scale::kPhq9;
  int remission_max_total = 0;  // the protocol's, for this scale
  std::optional<Baseline> baseline;
  std::vector<AssessmentOutcome> follow_up;  // after the baseline, in time order

  std::optional<double> best_reduction_percent;
  std::optional<Instant> best_at;
  // First response: when, after how many infusions, and days from the first infusion's start.
  std::optional<Instant> response_at;
  std::optional<int> infusions_to_response;
  std::optional<double> days_to_response;
  std::optional<Instant> remission_at;  // first remission
  std::optional<int> infusions_to_remission;
  // Sustained remission: when the run of remissions first met the definition, and its start.
  std::optional<Instant> sustained_remission_at;
  std::optional<Instant> sustained_remission_since;
  // First relapse after a response or remission: its first assessment, and the one that
  // confirmed it.
  std::optional<Instant> relapse_at;
  std::optional<Instant> relapse_confirmed_at;
  std::optional<EarlyCheck> early_check;
  // The latest assessment lost the response/remission reached earlier; relapse not confirmed.
  bool loss_of_response = false;
  // The latest assessment is above the baseline by worsening_min_increase_percent or more.
  bool worsening = false;
  ResponseCategory latest_category = ResponseCategory::kNotEvaluable;
  bool in_remission_now = false;
};

struct OutcomeReport {
  std::string protocol_version;
  std::vector<ScaleOutcome> scales;  // one per scale with assessments: PHQ-9, MADRS, QIDS-SR16
  std::vector<Finding> findings;     // rule ids "outcome.*" and the latest items' findings
};

// The outcome of every scale in `assessments` (any order), given the course's infusion starts
// (any order). Invalid assessments are an InvalidArgument error (ValidateAssessments, fields
// "assessments[i]...").
Result<OutcomeReport> EvaluateOutcomes(const std::vector<Assessment>& assessments,
                                       const std::vector<Instant>& infusion_starts,
                                       const OutcomeProtocol& protocol);

// The outcome of `scale` in `report`, or nullptr.
const ScaleOutcome* FindScale(const OutcomeReport& report, Scale scale);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_OUTCOMES_H_
