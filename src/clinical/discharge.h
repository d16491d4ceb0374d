#ifndef KETACLINIC_CLINICAL_DISCHARGE_H_
#define KETACLINIC_CLINICAL_DISCHARGE_H_

#include <optional>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/discharge_protocol.h"
#include "clinical/finding.h"
#include "clinical/vitals.h"

namespace ketaclinic::clinical {

// A MOAA/S sedation score (0-5, clinical.md §1.7) and when it was observed.
struct MoaasObservation {
  Instant at;
  int score = 0;
};

// Everything the discharge checklist looks at (clinical.md §1.10). Plain data; absent optionals
// mean "not recorded", false booleans "not done".
struct DischargeInput {
  Instant infusion_end;
  // The pre-infusion baseline BP the "within 20 % of baseline" rule compares with; unset: only
  // the absolute range applies.
  std::optional<double> baseline_systolic_mmhg;
  std::optional<double> baseline_diastolic_mmhg;
  // Readings taken during recovery, any order; only those after infusion_end count.
  std::vector<VitalSigns> recovery_vitals;
  std::optional<MoaasObservation> moaas;
  bool ambulates_safely = false;
  bool nausea_controlled = false;
  bool escort_verified = false;     // the responsible adult is present (or reachable to collect)
  bool instructions_given = false;  // written: no driving until the next day after sleep
};

struct DischargeVerdict {
  // True when every criterion is met: the patient may go home.
  bool allowed = false;
  // One block finding per unmet criterion.
  std::vector<Finding> findings;
  // When the minimum observation time is not yet over: the moment it will be. Unset when it is.
  std::optional<Instant> earliest_at;
  std::string protocol_version;
};

// Every problem of the input at once, named by field ("recovery_vitals[0].spo2_percent",
// "moaas.score", "infusion_end" after `now`, ...).
Status ValidateDischargeInput(const DischargeInput& input, Instant now);

// The discharge checklist (clinical.md §1.10) at `now`. Rule ids: discharge.min-observation,
// discharge.bp, discharge.spo2, discharge.sedation, discharge.ambulation, discharge.nausea,
// discharge.escort, discharge.instructions (docs/PRE_INFUSION_AND_DISCHARGE.md). An invalid
// input is the error of ValidateDischargeInput.
// REQUIRES: ValidateDischargeProtocol(protocol) succeeded.
Result<DischargeVerdict> EvaluateDischarge(const DischargeInput& input,
                                           const DischargeProtocol& protocol, Instant now);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_DISCHARGE_H_
