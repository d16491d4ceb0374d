#include "clinical/dosing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

constexpr double kCmPerInch = 2.54;
constexpr const char* kDosingSource = "clinical.md §1.8 DOSE-01..03; §6 dose parameters";

// Plausibility bounds for input, not clinical limits: outside them the number is a typing or
// unit error (lb for kg, m for cm, mcg/kg for mg/kg). clinical.md DOSE-06: heavy patients exist,
// so the weight bound is generous.
constexpr double kMinWeightKg = 20;
constexpr double kMaxWeightKg = 400;
constexpr double kMinHeightCm = 100;
constexpr double kMaxHeightCm = 250;
constexpr double kMaxPlausibleMgPerKg = 5;  // anything above is surely not mg/kg of ketamine

std::string Number(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

Result<Sex> ParseSex(std::string_view name) {
  if (name == "female") return Sex::kFemale;
  if (name == "male") return Sex::kMale;
  return tl::unexpected(
      Error::InvalidArgument("sex", "must be female or male, got '" + std::string(name) + "'"));
}

double DevineIdealWeightKg(Sex sex, double height_cm) {
  const double base_kg = sex == Sex::kMale ? 50.0 : 45.5;
  return base_kg + 2.3 * (height_cm / kCmPerInch - 60);
}

Result<DosePlan> PlanDose(const DoseRequest& request, const DoseProtocol& protocol) {
  Validator v("invalid dose request");
  v.InRange("weight_kg", request.weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  v.InRange("height_cm", request.height_cm, kMinHeightCm, kMaxHeightCm, "cm");
  if (v.Positive("mg_per_kg", request.mg_per_kg) && request.mg_per_kg > kMaxPlausibleMgPerKg) {
    v.Add({"mg_per_kg", "must be a dose in mg/kg (0.5 is standard); " +
                            FormatNumber(request.mg_per_kg) +
                            " looks like mcg/kg or a total dose in mg"});
  }
  const double duration = request.duration_min.value_or(protocol.default_duration_min);
  v.InRange("duration_min", duration, protocol.min_duration_min, protocol.max_duration_min,
            "min (protocol " + protocol.version + ")");
  if (v.Positive("vial_mg_per_ml", request.vial_mg_per_ml)) {
    v.Require(request.vial_mg_per_ml == 10 || request.vial_mg_per_ml == 50 ||
                  request.vial_mg_per_ml == 100,
              "vial_mg_per_ml", "ketamine vials are 10, 50 or 100 mg/mL");
  }
  const double bag_ml = request.bag_ml.value_or(protocol.default_bag_ml);
  v.InRange("bag_ml", bag_ml, 0, 1000, "mL");
  if (request.soft_limit_override) {
    v.Require(!request.soft_limit_override->physician.empty(), "override.physician",
              "a soft-limit override must name the physician");
    v.Require(request.soft_limit_override->reason.size() >= 5, "override.reason",
              "a soft-limit override needs a reason");
  }
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  DosePlan plan;
  plan.protocol_version = protocol.version;
  plan.requested_mg_per_kg = request.mg_per_kg;
  const double height_m = request.height_cm / 100;
  plan.bmi_kg_per_m2 = request.weight_kg / (height_m * height_m);
  plan.ideal_weight_kg = DevineIdealWeightKg(request.sex, request.height_cm);
  plan.adjusted_weight_kg = plan.ideal_weight_kg + 0.4 * (request.weight_kg - plan.ideal_weight_kg);
  auto finding = [&](std::string rule, Severity severity, std::string message) {
    plan.findings.push_back({std::move(rule), severity, std::move(message), kDosingSource});
  };

  // Weight basis: the request's, else the protocol's, with the optional BMI rule.
  plan.weight_basis = request.weight_basis.value_or(protocol.weight_basis);
  if (!request.weight_basis && protocol.ideal_weight_if_bmi_at_least &&
      plan.weight_basis == WeightBasis::kActual &&
      plan.bmi_kg_per_m2 >= *protocol.ideal_weight_if_bmi_at_least) {
    plan.weight_basis = WeightBasis::kIdeal;
    finding("dose.weight-basis.bmi", Severity::kInfo,
            "BMI " + Number(plan.bmi_kg_per_m2, 1) + " ≥ " +
                Number(*protocol.ideal_weight_if_bmi_at_least, 0) +
                ": dosed on ideal body weight, as the protocol says");
  }
  switch (plan.weight_basis) {
    case WeightBasis::kActual:
      plan.basis_weight_kg = request.weight_kg;
      break;
    case WeightBasis::kIdeal:
      plan.basis_weight_kg = plan.ideal_weight_kg;
      break;
    case WeightBasis::kAdjusted:
      plan.basis_weight_kg = plan.adjusted_weight_kg;
      break;
  }
  if (plan.basis_weight_kg > request.weight_kg) {
    // Never dose a light patient on a weight heavier than they are.
    finding("dose.weight-basis.lighter-than-ideal", Severity::kInfo,
            "actual weight " + Number(request.weight_kg, 1) + " kg is below the " +
                WeightBasisName(plan.weight_basis) + " weight " + Number(plan.basis_weight_kg, 1) +
                " kg: dosed on actual weight");
    plan.basis_weight_kg = request.weight_kg;
  }
  if (plan.basis_weight_kg <= 0) {
    return tl::unexpected(Error::InvalidArgument(
        "height_cm", "gives a non-positive ideal body weight; check the height"));
  }

  const double exact_mg = request.mg_per_kg * plan.basis_weight_kg;
  plan.dose_mg = std::round(exact_mg / protocol.rounding_mg) * protocol.rounding_mg;
  if (request.mg_per_kg <= protocol.hard_max_mg_per_kg &&
      plan.dose_mg > protocol.hard_max_mg_per_kg * plan.basis_weight_kg) {
    // Rounding to the nearest step must not lift a permitted dose over the hard maximum.
    plan.dose_mg = std::floor(exact_mg / protocol.rounding_mg) * protocol.rounding_mg;
  }
  plan.effective_mg_per_kg = plan.dose_mg / plan.basis_weight_kg;

  // Hard maximum: a block, whatever the override.
  if (plan.effective_mg_per_kg > protocol.hard_max_mg_per_kg + 1e-9) {
    plan.blocked = true;
    finding("dose.hard-max", Severity::kBlock,
            Number(plan.dose_mg, 1) + " mg is " + Number(plan.effective_mg_per_kg, 3) +
                " mg/kg, above the hard maximum of " + Number(protocol.hard_max_mg_per_kg, 2) +
                " mg/kg; it cannot be overridden");
  }
  // Soft range and soft mg cap: a warning, or an info when a physician overrode it.
  std::vector<std::string> soft;
  if (plan.effective_mg_per_kg < protocol.soft_min_mg_per_kg - 1e-9) {
    soft.push_back("below the soft minimum of " + Number(protocol.soft_min_mg_per_kg, 2) +
                   " mg/kg");
  }
  if (!plan.blocked && plan.effective_mg_per_kg > protocol.soft_max_mg_per_kg + 1e-9) {
    soft.push_back("above the soft maximum of " + Number(protocol.soft_max_mg_per_kg, 2) +
                   " mg/kg");
  }
  if (protocol.soft_max_dose_mg && plan.dose_mg > *protocol.soft_max_dose_mg + 1e-9) {
    soft.push_back("above the soft single-dose cap of " + Number(*protocol.soft_max_dose_mg, 1) +
                   " mg");
  }
  for (const std::string& what : soft) {
    const std::string dose = Number(plan.effective_mg_per_kg, 3) + " mg/kg is " + what;
    if (request.soft_limit_override) {
      finding("dose.soft-limit.overridden", Severity::kInfo,
              dose + "; overridden by " + request.soft_limit_override->physician + ": " +
                  request.soft_limit_override->reason);
    } else {
      finding("dose.soft-limit", Severity::kWarning,
              dose + "; a physician may override it with a reason");
    }
  }

  // Pump programme (DOSE-02).
  plan.duration_min = duration;
  plan.draw_ml = plan.dose_mg / request.vial_mg_per_ml;
  plan.bag_ml = bag_ml;
  plan.total_volume_ml = plan.bag_ml + plan.draw_ml;
  plan.bag_mg_per_ml = plan.dose_mg / plan.total_volume_ml;
  plan.rate_ml_per_h = plan.total_volume_ml / duration * 60;
  plan.rate_mg_per_min = plan.dose_mg / duration;
  if (request.vial_mg_per_ml == 100 && plan.bag_ml <= 0) {
    plan.blocked = true;
    finding("dose.dilution", Severity::kBlock,
            "100 mg/mL ketamine must be diluted before IV use (label); give a bag volume");
  }
  finding("dose.double-check", Severity::kInfo,
          "ketamine is a high-alert medication (ISMP): a second clinician must independently "
          "check the dose and the pump programme");
  return plan;
}

}  // namespace ketaclinic::clinical
