#ifndef KETACLINIC_CLINICAL_ELIGIBILITY_H_
#define KETACLINIC_CLINICAL_ELIGIBILITY_H_

// Who may start a ketamine course (DESIGN.md §3 step 2; clinical.md §1.2 ELIG-01..07, §1.3,
// §1.4 PRE-07). One pure function from the patient's record, the protocol's eligibility section
// and the moment of the decision to a verdict with every finding. docs/ELIGIBILITY.md explains
// the rules for clinicians.

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/eligibility_protocol.h"
#include "clinical/finding.h"
#include "clinical/patient.h"
#include "clinical/roles.h"
#include "clinical/staging.h"

namespace ketaclinic::clinical {

// Rule ids. Each rule of ELIG-01..07 and PRE-07 gives exactly one finding when it applies: info
// when met, block when not. A contraindication's rule id is kContraindicationRulePrefix + its
// catalogue code ("eligibility.contraindication.epilepsy").
inline constexpr const char* kRuleAge = "eligibility.age";
inline constexpr const char* kRuleDiagnosis = "eligibility.diagnosis";
inline constexpr const char* kRuleBipolarMoodStabilizer = "eligibility.bipolar-mood-stabilizer";
inline constexpr const char* kRuleTreatmentResistance = "eligibility.treatment-resistance";
inline constexpr const char* kRuleTrialDoseUnknown = "eligibility.trial-dose-unknown";
inline constexpr const char* kRulePsychotherapy = "eligibility.psychotherapy";
inline constexpr const char* kRuleBaselineSeverity = "eligibility.baseline-severity";
inline constexpr const char* kRuleStaging = "eligibility.staging";
inline constexpr const char* kRuleMedicalClearance = "eligibility.medical-clearance";
inline constexpr const char* kRuleConsent = "eligibility.consent";
inline constexpr const char* kRuleSuicideScreen = "eligibility.suicide-screen";
inline constexpr const char* kContraindicationRulePrefix = "eligibility.contraindication.";
inline constexpr const char* kRuleOverrideRejected = "eligibility.override-rejected";
inline constexpr const char* kRuleOverrideUnused = "eligibility.override-unused";
// The rating scales' own suicide-risk findings (scales.h) are passed through with their ids.
inline constexpr const char* kSuicideRiskRulePrefix = "suicide-risk.";

enum class EligibilityOutcome {
  kEligible,              // no block, nothing left for a physician to look at
  kNotEligible,           // at least one block (other than suicide risk)
  kNeedsPhysicianReview,  // no such block, but a suicide-risk finding or an open warning
};
// "eligible", "not-eligible", "needs-physician-review"
const char* EligibilityOutcomeName(EligibilityOutcome outcome);

// A physician's decision to proceed despite a finding, with the reason. Only these can be
// overridden: a relative contraindication (block -> warning), a caution (acknowledged: the
// warning stays but no longer asks for review), and the softer rules eligibility.psychotherapy
// (ELIG-03 is "optional" in clinical.md) and eligibility.baseline-severity (ELIG-04's threshold is
// a design proposal [D]). An override of anything else (an absolute contraindication, a hard rule,
// a suicide-risk finding, a rule the protocol does not have) is not applied: it becomes an
// eligibility.override-rejected warning and the original finding stands. An override of a rule
// that produced no finding to override becomes an eligibility.override-unused info.
struct EligibilityOverride {
  std::string rule_id;  // the finding's rule id
  Clinician by;         // must be a physician
  std::string reason;
};

// Each override names its rule, a physician (by user id, in the physician role) and a reason,
// and no rule is overridden twice. Problems are named "overrides[i].rule", "overrides[i].by.role",
// ...
Status ValidateEligibilityOverrides(const std::vector<EligibilityOverride>& overrides);

// One antidepressant trial as the rules saw it.
struct TrialAssessment {
  size_t index = 0;  // in Patient::antidepressant_trials
  std::string drug;
  bool in_current_episode = false;  // ongoing at some time since the episode began
  TrialRating rating;
};

struct EligibilityVerdict {
  EligibilityOutcome outcome = EligibilityOutcome::kNotEligible;
  std::vector<Finding> findings;
  // Every active trial, current episode or not, in the patient's order.
  std::vector<TrialAssessment> trials;
  // Distinct drugs failed at an adequate trial in the current episode (plus failed ECT/TMS
  // courses when the protocol counts them): what ELIG-02 compares with its minimum.
  int failed_adequate_trials = 0;
  std::optional<MsmScore> msm;  // unset without a baseline depression score
  std::vector<EligibilityOverride> applied_overrides;
  std::string protocol_version;
};

// Evaluates ELIG-01..07, the C-SSRS screen and the contraindication catalogue as of `now`:
// records dated after `now` and records that are not active (amended, entered in error) are not
// considered, so a past decision can be replayed. An invalid patient or override list is an
// error naming every problem (ValidatePatient, ValidateEligibilityOverrides); an invalid protocol
// is ValidateEligibilityProtocol's error. A valid input always gets a verdict.
Result<EligibilityVerdict> EvaluateEligibility(const Patient& patient,
                                               const EligibilityProtocol& protocol, Instant now,
                                               const std::vector<EligibilityOverride>& overrides);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_ELIGIBILITY_H_
