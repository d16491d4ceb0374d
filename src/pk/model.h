#ifndef KETACLINIC_PK_MODEL_H_
#define KETACLINIC_PK_MODEL_H_

#include <optional>
#include <string>

#include "base/error.h"

namespace ketaclinic::pk {

// Inter-individual variability as coefficients of variation (0.3 = 30 %), applied log-normally:
// P_i = P_typical * exp(eta), eta ~ N(0, omega^2), omega^2 = ln(1 + CV^2)
// (the nlmixr2lib convention; reference/pk.md §1 notes). 0 means no variability.
struct Variability {
  double v1_cv = 0;
  double v2_cv = 0;
  double v3_cv = 0;
  double cl_cv = 0;
  double q2_cv = 0;
  double q3_cv = 0;
  double ke0_cv = 0;

  bool Any() const {
    return v1_cv > 0 || v2_cv > 0 || v3_cv > 0 || cl_cv > 0 || q2_cv > 0 || q3_cv > 0 || ke0_cv > 0;
  }
};

// A metabolite formed from the parent's elimination (e.g. norketamine): a fraction
// `fraction_formed` of the parent eliminated from the central compartment appears in one
// metabolite compartment of volume `volume_l`, cleared at `clearance_l_per_min`. Apparent
// parameters (V/fm, CL/fm) are expressed with fraction_formed = 1. Mass is converted with
// molar_mass_ratio (metabolite / parent molar mass; norketamine 223.7 / ketamine 237.7).
struct MetaboliteDefinition {
  std::string name;
  double fraction_formed = 1;
  double molar_mass_ratio = 1;
  double volume_l = 0;             // at the reference weight
  double clearance_l_per_min = 0;  // at the reference weight
};

// A published (or user-supplied) mammillary model of up to three compartments with an effect
// site, in canonical form: volumes and inter-compartmental clearances at a reference weight and
// allometric weight exponents. Micro-constant sets (V1 + k's) are converted to this form.
struct ModelDefinition {
  std::string name;            // registry key, e.g. "domino"
  std::string title;           // "Domino 1984"
  std::string citation;        // full reference
  std::string population;      // who the data came from
  std::string ke0_provenance;  // where ke0 comes from, and how solid it is
  std::string notes;
  bool paediatric = false;

  int compartments = 3;  // 1, 2 or 3
  double reference_weight_kg = 70;
  double v1_l = 0;
  double v2_l = 0;                       // unused when compartments < 2
  double v3_l = 0;                       // unused when compartments < 3
  double cl_l_per_min = 0;               // elimination clearance from V1
  double q2_l_per_min = 0;               // V1 <-> V2
  double q3_l_per_min = 0;               // V1 <-> V3
  double volume_weight_exponent = 1;     // V = V_ref * (W / W_ref)^exponent
  double clearance_weight_exponent = 1;  // CL, Q = CL_ref * (W / W_ref)^exponent
  double ke0_per_min = 0;                // plasma -> effect-site equilibration rate constant
  Variability variability;
  std::optional<MetaboliteDefinition> metabolite;

  // The body weights the source studied, for a warning outside them (not an error).
  double studied_weight_min_kg = 0;
  double studied_weight_max_kg = 0;
};

// First-order rate constants (1/min) of a mammillary model.
struct MicroConstants {
  double k10 = 0, k12 = 0, k21 = 0, k13 = 0, k31 = 0;
};

// The parameters of one individual (a weight, and for population simulation random effects),
// ready to simulate. Built by Individualize(); units in the names.
struct IndividualParameters {
  int compartments = 3;
  double v1_l = 0, v2_l = 0, v3_l = 0;
  double cl_l_per_min = 0, q2_l_per_min = 0, q3_l_per_min = 0;
  double ke0_per_min = 0;
  std::optional<MetaboliteDefinition> metabolite;  // volume and clearance individualized

  MicroConstants Micro() const;
  // Steady-state volume of distribution V1 + V2 + V3 (L).
  double VssL() const;
};

// Checks a definition for sense: finite positive volumes and clearances for the compartments it
// has, ke0 > 0, exponents in [0, 2], CVs in [0, 3]. Every problem is reported with its field.
Status ValidateModel(const ModelDefinition& model);

// The bounds on body weight that any simulation accepts (kg). Outside them the input is refused
// as absurd, whatever the model.
inline constexpr double kMinWeightKg = 0.5;
inline constexpr double kMaxWeightKg = 350;

// Scales a (validated) model to a body weight. Errors name "weight_kg" for a weight that is not a
// finite number within [kMinWeightKg, kMaxWeightKg].
Result<IndividualParameters> Individualize(const ModelDefinition& model, double weight_kg);

// Converts a micro-constant parameterization (V1 and k's) to the canonical volumes and
// clearances of `model` (V2 = V1 k12 / k21, Q2 = V1 k12, CL = V1 k10, ...).
void SetFromMicroConstants(ModelDefinition& model, double v1_l, const MicroConstants& k);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_MODEL_H_
