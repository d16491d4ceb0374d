#include "pk/model.h"

#include <cmath>

#include "base/validation.h"

namespace ketaclinic::pk {

MicroConstants IndividualParameters::Micro() const {
  MicroConstants k;
  k.k10 = cl_l_per_min / v1_l;
  if (compartments >= 2) {
    k.k12 = q2_l_per_min / v1_l;
    k.k21 = q2_l_per_min / v2_l;
  }
  if (compartments >= 3) {
    k.k13 = q3_l_per_min / v1_l;
    k.k31 = q3_l_per_min / v3_l;
  }
  return k;
}

double IndividualParameters::VssL() const {
  double vss = v1_l;
  if (compartments >= 2) vss += v2_l;
  if (compartments >= 3) vss += v3_l;
  return vss;
}

// Sanity bounds on parameters at the reference weight, far outside any published ketamine
// model (V1 4-123 L, Vss up to 1200 L, CL about 1.5 L/min, ke0 0.09-5.2 /min) but low enough that
// every derived rate constant and half-life stays a finite, meaningful number.
constexpr double kMaxVolumeL = 100'000;
constexpr double kMaxClearanceLPerMin = 10'000;
constexpr double kMaxKe0PerMin = 1'000;

Status ValidateModel(const ModelDefinition& model) {
  Validator v("invalid model '" + model.name + "'");
  v.Require(!model.name.empty(), "name", "must not be empty");
  v.Require(model.compartments >= 1 && model.compartments <= 3, "compartments",
            "must be 1, 2 or 3, got " + std::to_string(model.compartments));
  v.InRange("reference_weight_kg", model.reference_weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  auto volume = [&](const char* field, double value) {
    if (v.Positive(field, value)) v.InRange(field, value, 0, kMaxVolumeL, "L");
  };
  auto clearance = [&](const char* field, double value) {
    if (v.Positive(field, value)) v.InRange(field, value, 0, kMaxClearanceLPerMin, "L/min");
  };
  volume("v1_l", model.v1_l);
  clearance("cl_l_per_min", model.cl_l_per_min);
  if (model.compartments >= 2) {
    volume("v2_l", model.v2_l);
    clearance("q2_l_per_min", model.q2_l_per_min);
  }
  if (model.compartments >= 3) {
    volume("v3_l", model.v3_l);
    clearance("q3_l_per_min", model.q3_l_per_min);
  }
  v.InRange("volume_weight_exponent", model.volume_weight_exponent, 0, 2, "");
  v.InRange("clearance_weight_exponent", model.clearance_weight_exponent, 0, 2, "");
  if (v.Positive("ke0_per_min", model.ke0_per_min)) {
    v.InRange("ke0_per_min", model.ke0_per_min, 0, kMaxKe0PerMin, "/min");
  }
  const Variability& iiv = model.variability;
  v.InRange("variability.v1_cv", iiv.v1_cv, 0, 3, "");
  v.InRange("variability.v2_cv", iiv.v2_cv, 0, 3, "");
  v.InRange("variability.v3_cv", iiv.v3_cv, 0, 3, "");
  v.InRange("variability.cl_cv", iiv.cl_cv, 0, 3, "");
  v.InRange("variability.q2_cv", iiv.q2_cv, 0, 3, "");
  v.InRange("variability.q3_cv", iiv.q3_cv, 0, 3, "");
  v.InRange("variability.ke0_cv", iiv.ke0_cv, 0, 3, "");
  if (model.metabolite) {
    const MetaboliteDefinition& m = *model.metabolite;
    v.Require(!m.name.empty(), "metabolite.name", "must not be empty");
    v.InRange("metabolite.fraction_formed", m.fraction_formed, 0, 1, "");
    v.Require(m.fraction_formed > 0, "metabolite.fraction_formed", "must be greater than 0");
    v.InRange("metabolite.molar_mass_ratio", m.molar_mass_ratio, 0.1, 10, "");
    volume("metabolite.volume_l", m.volume_l);
    clearance("metabolite.clearance_l_per_min", m.clearance_l_per_min);
  }
  return v.Finish();
}

Result<IndividualParameters> Individualize(const ModelDefinition& model, double weight_kg) {
  Validator v("invalid weight");
  v.InRange("weight_kg", weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  const double ratio = weight_kg / model.reference_weight_kg;
  const double volume_scale = std::pow(ratio, model.volume_weight_exponent);
  const double clearance_scale = std::pow(ratio, model.clearance_weight_exponent);

  IndividualParameters p;
  p.compartments = model.compartments;
  p.v1_l = model.v1_l * volume_scale;
  p.cl_l_per_min = model.cl_l_per_min * clearance_scale;
  if (model.compartments >= 2) {
    p.v2_l = model.v2_l * volume_scale;
    p.q2_l_per_min = model.q2_l_per_min * clearance_scale;
  }
  if (model.compartments >= 3) {
    p.v3_l = model.v3_l * volume_scale;
    p.q3_l_per_min = model.q3_l_per_min * clearance_scale;
  }
  p.ke0_per_min = model.ke0_per_min;
  if (model.metabolite) {
    MetaboliteDefinition m = *model.metabolite;
    m.volume_l *= volume_scale;
    m.clearance_l_per_min *= clearance_scale;
    p.metabolite = m;
  }
  return p;
}

void SetFromMicroConstants(ModelDefinition& model, double v1_l, const MicroConstants& k) {
  model.v1_l = v1_l;
  model.cl_l_per_min = v1_l * k.k10;
  model.q2_l_per_min = v1_l * k.k12;
  model.v2_l = k.k21 > 0 ? v1_l * k.k12 / k.k21 : 0;
  model.q3_l_per_min = v1_l * k.k13;
  model.v3_l = k.k31 > 0 ? v1_l * k.k13 / k.k31 : 0;
}

}  // namespace ketaclinic::pk
