#ifndef KETACLINIC_CLINICAL_STAGING_H_
#define KETACLINIC_CLINICAL_STAGING_H_

// How resistant a depression is: the adequacy of each antidepressant trial (an ATHF-style
// rating) and the Maudsley Staging Method (clinical.md §1.2). Pure functions; docs/ELIGIBILITY.md
// explains both for clinicians.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinical/patient.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// --- Trial adequacy ---------------------------------------------------------------------------

// The lowest daily dose of a drug that KetaClinic counts as adequate for an antidepressant trial:
// the lower end of the usual adult daily dose for depression. The ATHF's own dose tables were
// not read (clinical.md §1.2), so this is a proxy for its level-3 dose [R]; a clinic whose
// physicians judge a dose differently records `adequate_dose` on the trial.
struct AdequateDose {
  std::string_view drug;  // generic name, lower case
  double min_daily_dose_mg;
  std::string_view source;
};

// The table, alphabetical by drug.
const std::vector<AdequateDose>& MinimumAdequateDoses();

// The drug's key for the table and for counting distinct drugs: the first word of the name, in
// lower case ("Venlafaxine XR" -> "venlafaxine").
std::string DrugKey(std::string_view drug);

// The table's row for `drug` (by DrugKey), if listed.
std::optional<AdequateDose> FindMinimumAdequateDose(std::string_view drug);

enum class DoseAdequacy { kAdequate, kBelowMinimum, kUnknown };
const char* DoseAdequacyName(DoseAdequacy adequacy);  // "adequate", "below-minimum", "unknown"

// One trial's rating, with the reasoning in words for the clinician and the audit.
struct TrialRating {
  int athf = 0;           // 0-5
  bool adequate = false;  // athf >= the protocol's adequacy minimum
  // Adequate and without a response (no or partial response): what treatment resistance counts.
  bool failed = false;
  DoseAdequacy dose = DoseAdequacy::kUnknown;
  std::optional<double> minimum_adequate_dose_mg;  // the table's, if the drug is listed
  std::string basis;  // "8 wk at 150 mg/day (table minimum 50 mg/day): level 4; ..."
};

// An ATHF-style rating of one trial (clinical.md §1.2: ATHF 0-5, adequate at >= 3, trial length
// >= 4 weeks, subtract 1 for poor tolerability or adherence [S-low]). The ATHF tables were not
// read, so the levels are KetaClinic's transparent design [D]:
//   0  never taken at the recorded dose (weeks_at_dose 0)
//   1  fewer than min_adequate_weeks at the dose
//   2  at least min_adequate_weeks, but the dose is below the minimum adequate dose or unknown
//   3  at least min_adequate_weeks at an adequate dose
//   4  at least twice min_adequate_weeks at an adequate dose (most guidelines ask 6-8 weeks [R])
//   +1 when the trial was augmented and is at level 3 or more (at most 5)
//   -1 for poor adherence or a trial stopped for intolerance (at least 0), once
// The dose is adequate when it reaches the table's minimum; for a drug not in the table the
// clinician's `adequate_dose` decides, and a clinician's judgment that differs from the table
// is followed and named in `basis`.
TrialRating RateTrial(const AntidepressantTrial& trial, double min_adequate_weeks,
                      int athf_adequacy_min);

// --- Maudsley Staging Method -----------------------------------------------------------------

// Severity of the current episode at baseline (MSM, clinical.md §1.2 [S]).
enum class MsmSeverity {
  kSubsyndromal = 1,
  kMild = 2,
  kModerate = 3,
  kSevereWithoutPsychosis = 4,
  kSevereWithPsychosis = 5,
};
// "subsyndromal", "mild", "moderate", "severe without psychosis", "severe with psychosis"
const char* MsmSeverityName(MsmSeverity severity);

// The MSM severity read from a baseline depression score's band [D]: MADRS normal 1, mild 2,
// moderate 3, severe 4; PHQ-9 none-minimal 1, mild 2, moderate and moderately severe 3,
// severe 4; QIDS-SR16 none 1, mild 2, moderate 3, severe and very severe 4. Psychotic features
// in the current episode make it 5, whatever the band (ICD-10 codes psychotic depression as
// severe, F32.3/F33.3). nullopt for a scale that is not a depression scale.
std::optional<MsmSeverity> MsmSeverityFromScore(const ScaleScore& score, bool psychotic_features);

struct MsmInput {
  int episode_months = 0;  // completed months of the current episode
  MsmSeverity severity = MsmSeverity::kModerate;
  int failed_medications = 0;  // distinct antidepressants failed at an adequate trial
  bool augmentation_used = false;
  bool ect_used = false;
};

struct MsmScore {
  int duration = 0;           // 1-3
  int severity = 0;           // 1-5
  int treatment_failure = 0;  // 0-5 (0 only when nothing has failed)
  int augmentation = 0;       // 0-1
  int ect = 0;                // 0-1
  int total = 0;              // 3-15 (2 when nothing has failed)
  std::string category;       // "mild", "moderate", "severe"
};

// Duration (clinical.md §1.2 [S]): acute <= 12 months 1, sub-acute 13-24 months 2, chronic
// > 24 months 3.
int MsmDurationPoints(int episode_months);
// Treatment failure [R: levels as clinical.md gives them, not verified against the paper's table;
// psychiatryeducationforum.com lists the same [S-low]]: 1-2 medications 1, 3-4 2, 5-6 3,
// 7-10 4, > 10 5. None failed: 0 (the MSM is not defined there).
int MsmTreatmentFailurePoints(int failed_medications);
// Category (clinical.md §1.2 [S]): mild 3-6, moderate 7-10, severe 11-15 (a total below 3,
// possible only with no failure, is reported as mild).
const char* MsmCategory(int total);

// Duration + severity + treatment failure + augmentation used (+1) + ECT used (+1).
MsmScore ScoreMsm(const MsmInput& input);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_STAGING_H_
