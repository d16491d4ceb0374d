#ifndef KETACLINIC_CLINICAL_DOSE_PROTOCOL_H_
#define KETACLINIC_CLINICAL_DOSE_PROTOCOL_H_

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"

namespace ketaclinic::clinical {

// Which body weight a mg/kg dose is computed on (clinical.md §1.8).
enum class WeightBasis {
  kActual,    // actual body weight: what the landmark trials dosed on
  kIdeal,     // ideal body weight (Devine)
  kAdjusted,  // adjusted body weight: IBW + 0.4 (ABW − IBW)
};

const char* WeightBasisName(WeightBasis basis);
Result<WeightBasis> ParseWeightBasis(std::string_view name);

// The dosing part of the clinic's protocol: every number a dose calculation uses, with the
// defaults of clinical.md §6 / §1.8 (the source of each is in dose_protocol.cc). Every value is
// a site setting owned by the medical director; none is hard-coded in the rules.
struct DoseProtocol {
  std::string version = "default-2026-11";
  double default_mg_per_kg = 0.5;
  double soft_min_mg_per_kg = 0.1;   // below: a warning a physician may override with a reason
  double soft_max_mg_per_kg = 0.75;  // above: likewise
  double hard_max_mg_per_kg = 1.0;   // above: refused, never overridable
  // An optional cap on a single dose in mg (clinical.md DOSE-03 [D]); unset by default.
  std::optional<double> soft_max_dose_mg;
  double rounding_mg = 0.5;  // DOSE-01: round the dose to this step
  WeightBasis weight_basis = WeightBasis::kActual;
  // Use ideal body weight when BMI is at least this (Sanacora consensus, via Singh; off unless
  // set).
  std::optional<double> ideal_weight_if_bmi_at_least;
  double default_duration_min = 40;
  double min_duration_min = 40;
  double max_duration_min = 100;
  double default_bag_ml = 100;  // NS bag the dose is added to ([R] typical practice)
  std::vector<double> escalation_steps_mg_per_kg = {0.5, 0.75, 1.0};
  int escalation_after_infusions = 3;
};

// Checks the protocol for consistency (soft range inside the hard maximum, durations ordered,
// positive steps, escalation steps within the hard maximum and ascending), naming each key.
Status ValidateDoseProtocol(const DoseProtocol& protocol);

// The source of each default, by key (for `ketaclinic protocol show`).
std::vector<ParameterSource> DoseProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_DOSE_PROTOCOL_H_
