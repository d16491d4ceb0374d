#ifndef KETACLINIC_CLINICAL_PRE_INFUSION_H_
#define KETACLINIC_CLINICAL_PRE_INFUSION_H_

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/finding.h"
#include "clinical/pre_infusion_protocol.h"
#include "clinical/roles.h"
#include "clinical/vitals.h"

namespace ketaclinic::clinical {

enum class TestResult { kNegative, kPositive };

const char* TestResultName(TestResult result);  // "negative" | "positive"
Result<TestResult> ParseTestResult(std::string_view name, std::string_view field);

// A point-of-care or lab test (urine hCG, urine drug screen) with when its sample was taken.
struct LabTest {
  Instant at;
  TestResult result = TestResult::kNegative;
};

// A completed C-SSRS screener and its triage level.
struct CssrsScreen {
  Instant at;
  CssrsRisk risk = CssrsRisk::kNone;
};

// One medication the patient takes. `daily_dose_mg` matters only for lamotrigine.
struct ConcomitantMedication {
  std::string name;
  DrugClass drug_class = DrugClass::kOther;
  std::optional<double> daily_dose_mg;
};

// A physician's override of a soft limit (only the soft minimum interval has one): who, and why.
// Hard limits have no override.
struct GateOverride {
  Clinician by;  // must be a physician (roles.h)
  std::string reason;
};

// Everything the pre-infusion gates look at (clinical.md §1.4 PRE-01..09, §1.9). Plain data: the
// session fills it from what the nurse recorded; absent optionals mean "not recorded".
struct PreInfusionInput {
  // PRE-01
  bool identity_verified = false;
  bool consent_on_file = false;
  bool escort_confirmed = false;  // a responsible adult / transport other than self-driving
  std::optional<Instant> last_solid_food_at;
  std::optional<Instant> last_clear_liquid_at;
  // PRE-02
  std::optional<double> weight_kg;
  std::optional<Instant> weight_measured_at;
  std::optional<double> height_cm;
  // PRE-03..05: every baseline reading taken before this infusion, any order. The rules use the
  // ones within baseline_vitals_max_age_min of the check.
  std::vector<VitalSigns> baseline_vitals;
  // PRE-06
  bool can_become_pregnant = false;
  std::optional<LabTest> pregnancy_test;
  // PRE-07
  std::optional<CssrsScreen> cssrs;
  std::optional<Instant> depression_scale_at;  // PHQ-9, MADRS, QIDS-SR16, ... completed
  // PRE-08
  std::vector<ConcomitantMedication> medications;
  // PRE-09
  std::optional<LabTest> drug_screen;
  // §1.9: the start of the patient's previous infusion; unset for a first infusion.
  std::optional<Instant> last_infusion_start;
  // A physician's override of the soft minimum interval (never of the hard one).
  std::optional<GateOverride> interval_override;
};

struct PreInfusionVerdict {
  // True when no finding blocks, no repeat reading is awaited and no soft limit awaits a
  // physician's override: the infusion may start.
  bool cleared = false;
  std::vector<Finding> findings;
  std::string protocol_version;
  // When a high first BP or HR reading asks for a confirming repeat: the earliest time the
  // repeat counts (first high reading + repeat_after_min).
  std::optional<Instant> needs_repeat_vitals_at;
  // Soft limits that hold the infusion until a physician overrides them with a reason
  // ("pre.interval").
  std::vector<std::string> awaiting_override;
};

// Every problem of the input at once, named by field ("baseline_vitals[1].systolic_mmhg",
// "interval_override.reason"): implausible numbers, times after `now`, an override that is not
// by a physician or has no reason. (A lamotrigine without a daily dose is not a problem: it warns.)
Status ValidatePreInfusionInput(const PreInfusionInput& input, Instant now);

// The pre-infusion gates (clinical.md §1.4 PRE-01..09 and the §1.9 minimum interval), evaluated
// at `now` (the moment the infusion would start). An invalid input is the error of
// ValidatePreInfusionInput; a valid one always gets a verdict. Rule ids: pre.identity,
// pre.consent, pre.escort, pre.npo, pre.weight, pre.height, pre.baseline-bp, pre.baseline-hr,
// pre.spo2, pre.pregnancy-test, pre.suicide-screen, pre.scales, pre.concomitant-meds,
// pre.drug-screen, pre.interval, pre.interval.overridden (docs/PRE_INFUSION_AND_DISCHARGE.md).
// REQUIRES: ValidatePreInfusionProtocol(protocol) succeeded.
Result<PreInfusionVerdict> EvaluatePreInfusion(const PreInfusionInput& input,
                                               const PreInfusionProtocol& protocol, Instant now);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PRE_INFUSION_H_
