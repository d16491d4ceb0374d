#ifndef KETACLINIC_CLINICAL_DOSING_H_
#define KETACLINIC_CLINICAL_DOSING_H_

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

#include "clinical/dose_protocol.h"
#include "clinical/finding.h"

namespace ketaclinic::clinical {

enum class Sex { kFemale, kMale };
Result<Sex> ParseSex(std::string_view name);

// A physician's override of a soft limit: who, and why. Hard limits have no override.
struct SoftLimitOverride {
  std::string physician;
  std::string reason;
};

// What a dose calculation starts from. Units are in the names; the command line converts
// pounds to kilograms before building this (never silently).
struct DoseRequest {
  Sex sex = Sex::kFemale;
  double weight_kg = 0;
  double height_cm = 0;
  double mg_per_kg = 0;
  std::optional<WeightBasis> weight_basis;  // unset: the protocol's
  std::optional<double> duration_min;       // unset: the protocol's default
  double vial_mg_per_ml = 10;               // ketamine vials: 10, 50 or 100 mg/mL
  std::optional<double> bag_ml;             // unset: the protocol's default bag
  std::optional<SoftLimitOverride> soft_limit_override;
};

// The dose and the pump programme, with every finding. A plan with a blocking finding must not
// be given (`blocked`).
struct DosePlan {
  std::string protocol_version;
  double bmi_kg_per_m2 = 0;
  double ideal_weight_kg = 0;
  double adjusted_weight_kg = 0;
  WeightBasis weight_basis = WeightBasis::kActual;
  double basis_weight_kg = 0;
  double requested_mg_per_kg = 0;
  double dose_mg = 0;              // rounded to the protocol's step
  double effective_mg_per_kg = 0;  // dose_mg / basis_weight_kg, what the limits judge
  double draw_ml = 0;              // from the vial
  double bag_ml = 0;
  double total_volume_ml = 0;  // bag + drawn volume
  double bag_mg_per_ml = 0;
  double duration_min = 0;
  double rate_ml_per_h = 0;
  double rate_mg_per_min = 0;
  std::vector<Finding> findings;
  bool blocked = false;
};

// Ideal body weight by Devine (clinical.md §1.8 [R]): 50 kg (male) or 45.5 kg (female) plus
// 2.3 kg per inch of height over 60 inches.
double DevineIdealWeightKg(Sex sex, double height_cm);

// The safety kernel of dosing (clinical.md §1.8 DOSE-01..03): weight basis (with the BMI rule),
// mg/kg → mg rounded to the protocol's step, the soft range (a warning unless a physician
// overrides it with a reason) and the hard maximum (a block, never overridable), and the pump
// programme. Invalid input (a weight that is not a plausible number of kg, a height in the wrong
// unit, a dose in mcg/kg, ...) is an error naming every bad field; a plan is never returned
// with a dose above the hard maximum unless it is blocked.
// REQUIRES: ValidateDoseProtocol(protocol) succeeded.
Result<DosePlan> PlanDose(const DoseRequest& request, const DoseProtocol& protocol);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_DOSING_H_
