#include "clinical/dose_protocol.h"

#include <string>

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md):
//   default_mg_per_kg 0.5 — §1.8 "Standard: 0.5 mg/kg IV over 40 min" [S]
//   soft range 0.1-0.75 mg/kg — §1.8 Andrade 2017 [S]; §6 dose_soft_range
//   hard max 1.0 mg/kg — §6 dose_hard_max ("trials used 1.0") [S]
//   rounding 0.5 mg — §1.8 DOSE-01 [D]
//   duration 40 min, allowed 40-100 — §6 infusion_duration [S] (Mayo: 100 min)
//   escalation 0.5 -> 0.75 -> 1.0 after >= 3 infusions without response — §6 [S-low]
//   weight basis actual; IBW if BMI >= 30 as an option — §6 weight_basis [S via Singh letter]

namespace ketaclinic::clinical {

const char* WeightBasisName(WeightBasis basis) {
  switch (basis) {
    case WeightBasis::kActual:
      return "actual";
    case WeightBasis::kIdeal:
      return "ideal";
    case WeightBasis::kAdjusted:
      return "adjusted";
  }
  return "actual";
}

Result<WeightBasis> ParseWeightBasis(std::string_view name) {
  if (name == "actual") return WeightBasis::kActual;
  if (name == "ideal") return WeightBasis::kIdeal;
  if (name == "adjusted") return WeightBasis::kAdjusted;
  return tl::unexpected(Error::InvalidArgument(
      "weight_basis", "must be actual, ideal or adjusted, got '" + std::string(name) + "'"));
}

Status ValidateDoseProtocol(const DoseProtocol& p) {
  Validator v("invalid dose protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  // Each check runs (and reports) on its own; only then are they combined.
  const bool soft_min_ok = v.Positive("soft_min_mg_per_kg", p.soft_min_mg_per_kg);
  const bool soft_max_ok = v.Positive("soft_max_mg_per_kg", p.soft_max_mg_per_kg);
  const bool hard_max_ok = v.Positive("hard_max_mg_per_kg", p.hard_max_mg_per_kg);
  const bool default_ok = v.Positive("default_mg_per_kg", p.default_mg_per_kg);
  const bool ordered = soft_min_ok && soft_max_ok && hard_max_ok && default_ok;
  if (ordered) {
    v.Require(p.soft_min_mg_per_kg <= p.soft_max_mg_per_kg, "soft_min_mg_per_kg",
              "must not exceed soft_max_mg_per_kg");
    v.Require(p.soft_max_mg_per_kg <= p.hard_max_mg_per_kg, "soft_max_mg_per_kg",
              "the soft range must lie inside the hard maximum");
    v.Require(
        p.default_mg_per_kg >= p.soft_min_mg_per_kg && p.default_mg_per_kg <= p.soft_max_mg_per_kg,
        "default_mg_per_kg", "must lie inside the soft range");
    // A protocol cannot raise the hard maximum beyond what any trial gave (clinical.md §1.8:
    // doses above 1 mg/kg are anaesthetic territory, not antidepressant practice).
    v.Require(p.hard_max_mg_per_kg <= 1.0, "hard_max_mg_per_kg",
              "must not exceed 1.0 mg/kg, the highest dose studied for depression");
  }
  if (p.soft_max_dose_mg) v.Positive("soft_max_dose_mg", *p.soft_max_dose_mg);
  if (v.Positive("rounding_mg", p.rounding_mg)) {
    v.Require(p.rounding_mg <= 5, "rounding_mg", "must be at most 5 mg");
  }
  if (p.ideal_weight_if_bmi_at_least) {
    v.InRange("ideal_weight_if_bmi_at_least", *p.ideal_weight_if_bmi_at_least, 18, 60, "kg/m²");
  }
  const bool min_ok = v.Positive("min_duration_min", p.min_duration_min);
  const bool max_ok = v.Positive("max_duration_min", p.max_duration_min);
  const bool duration_ok = v.Positive("default_duration_min", p.default_duration_min);
  if (min_ok && max_ok && duration_ok) {
    v.Require(p.min_duration_min <= p.default_duration_min &&
                  p.default_duration_min <= p.max_duration_min,
              "default_duration_min", "must lie within min_duration_min and max_duration_min");
  }
  v.Positive("default_bag_ml", p.default_bag_ml);
  for (size_t i = 0; i < p.escalation_steps_mg_per_kg.size(); ++i) {
    const std::string field = "escalation_steps_mg_per_kg[" + std::to_string(i) + "]";
    const double step = p.escalation_steps_mg_per_kg[i];
    if (!v.Positive(field, step)) continue;
    v.Require(step <= p.hard_max_mg_per_kg, field, "must not exceed hard_max_mg_per_kg");
    if (i > 0) {
      v.Require(step > p.escalation_steps_mg_per_kg[i - 1], field, "steps must ascend");
    }
  }
  v.Require(p.escalation_after_infusions >= 1, "escalation_after_infusions", "must be at least 1");
  return v.Finish();
}

std::vector<ParameterSource> DoseProtocolSources() {
  return {
      {"default_mg_per_kg", "clinical.md §1.8: 0.5 mg/kg IV over 40 min, the landmark trials [S]"},
      {"soft_min_mg_per_kg", "clinical.md §6 dose_soft_range 0.1-0.75 mg/kg; Andrade 2017 [S]"},
      {"soft_max_mg_per_kg", "clinical.md §6 dose_soft_range 0.1-0.75 mg/kg; Andrade 2017 [S]"},
      {"hard_max_mg_per_kg",
       "clinical.md §6 dose_hard_max 1.0 mg/kg: the highest dose trials used [S]"},
      {"soft_max_dose_mg", "clinical.md §1.8 DOSE-03 single-dose cap in mg [D]; unset by default"},
      {"rounding_mg", "clinical.md §1.8 DOSE-01 round to 0.5 mg [D]"},
      {"weight_basis",
       "clinical.md §6 weight_basis: actual body weight, as the landmark trials [S]"},
      {"ideal_weight_if_bmi_at_least",
       "clinical.md §1.8: IBW for BMI >= 30, Sanacora consensus via Singh 2019 [S]; off by "
       "default"},
      {"default_duration_min", "clinical.md §6 infusion_duration 40 min [S]"},
      {"min_duration_min", "clinical.md §6 infusion_duration: allowed 40-100 min [S]"},
      {"max_duration_min",
       "clinical.md §6 infusion_duration: allowed 40-100 min (Mayo 100 min) [S]"},
      {"default_bag_ml", "clinical.md §1.8: dose diluted in 50-100 mL NS, run by pump [R]"},
      {"escalation_steps_mg_per_kg", "clinical.md §6 escalation_steps 0.5 -> 0.75 -> 1.0 [S-low]"},
      {"escalation_after_infusions",
       "clinical.md §1.8 DOSE-04: after >= 3 infusions without response [S-low]/[D]"},
  };
}

}  // namespace ketaclinic::clinical
