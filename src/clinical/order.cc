#include "clinical/order.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/validation.h"

// Sources (../shared/reference/clinical.md):
//   only a physician orders and overrides a soft limit — DESIGN.md §2; §1.8 DOSE-03 [D]
//   hard limits never overridable — §1.8 DOSE-03 [D]; §6 dose_hard_max [S]
//   independent double-check of the calculation and the pump programme by a second clinician —
//   §1.8 DOSE-05; ketamine on the ISMP high-alert list [S]
//   double-check tolerances — [D], see order.h

namespace ketaclinic::clinical {
namespace {

constexpr double kSnapshotRelativeTolerance = 1e-6;
constexpr std::size_t kMinReasonLength = 5;  // as PlanDose asks of an override

// True when a and b agree to a relative 1e-6 (a plan's numbers are derived from each other by
// a multiplication or a division; only rounding separates them).
bool Agrees(double a, double b) {
  return std::fabs(a - b) <=
         kSnapshotRelativeTolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

std::string Rules(const DosePlan& plan, Severity severity) {
  std::string rules;
  for (const Finding& f : plan.findings) {
    if (f.severity != severity) continue;
    if (!rules.empty()) rules += "; ";
    rules += f.rule_id + ": " + f.message;
  }
  return rules;
}

bool HasRule(const DosePlan& plan, const std::string& rule_id) {
  return std::any_of(plan.findings.begin(), plan.findings.end(),
                     [&](const Finding& f) { return f.rule_id == rule_id; });
}

// The plan's numbers must agree with each other: an order keeps the plan as calculated, so a
// snapshot that was edited (or corrupted) on its way here is refused.
void CheckPlanSnapshot(const DosePlan& plan, Validator& v) {
  v.Require(!plan.protocol_version.empty(), "plan.protocol_version",
            "the plan must name the protocol version it was calculated under");
  const bool dose_ok = v.Positive("plan.dose_mg", plan.dose_mg);
  const bool weight_ok = v.Positive("plan.basis_weight_kg", plan.basis_weight_kg);
  const bool effective_ok = v.Positive("plan.effective_mg_per_kg", plan.effective_mg_per_kg);
  v.Positive("plan.requested_mg_per_kg", plan.requested_mg_per_kg);
  const bool duration_ok = v.Positive("plan.duration_min", plan.duration_min);
  const bool rate_mg_ok = v.Positive("plan.rate_mg_per_min", plan.rate_mg_per_min);
  const bool rate_ml_ok = v.Positive("plan.rate_ml_per_h", plan.rate_ml_per_h);
  const bool volume_ok = v.Positive("plan.total_volume_ml", plan.total_volume_ml);
  const bool draw_ok = v.Positive("plan.draw_ml", plan.draw_ml);
  v.NonNegative("plan.bag_ml", plan.bag_ml);
  if (dose_ok && weight_ok && effective_ok) {
    v.Require(Agrees(plan.effective_mg_per_kg * plan.basis_weight_kg, plan.dose_mg),
              "plan.effective_mg_per_kg", "does not agree with dose_mg / basis_weight_kg");
  }
  if (dose_ok && duration_ok && rate_mg_ok) {
    v.Require(Agrees(plan.rate_mg_per_min * plan.duration_min, plan.dose_mg),
              "plan.rate_mg_per_min", "does not deliver dose_mg over duration_min");
  }
  if (duration_ok && rate_ml_ok && volume_ok) {
    v.Require(Agrees(plan.rate_ml_per_h * plan.duration_min / 60, plan.total_volume_ml),
              "plan.rate_ml_per_h", "does not deliver total_volume_ml over duration_min");
  }
  if (volume_ok && draw_ok) {
    v.Require(Agrees(plan.bag_ml + plan.draw_ml, plan.total_volume_ml), "plan.total_volume_ml",
              "is not bag_ml + draw_ml");
  }
}

}  // namespace

Status ValidateDoubleCheckTolerance(const DoubleCheckTolerance& t) {
  Validator v("invalid double-check tolerance");
  if (v.NonNegative("dose_mg", t.dose_mg)) {
    v.Require(t.dose_mg < 0.5, "dose_mg",
              "must be below one 0.5 mg dose step, or a wrong step would pass");
  }
  v.NonNegative("rate_ml_per_h", t.rate_ml_per_h);
  if (v.NonNegative("rate_fraction", t.rate_fraction)) {
    v.Require(t.rate_fraction < 0.05, "rate_fraction", "must be below 0.05 (5 % of the rate)");
  }
  return v.Finish();
}

std::vector<ParameterSource> DoubleCheckToleranceSources() {
  return {
      {"dose_mg", "clinical.md §1.8 DOSE-01 0.5 mg rounding step, DOSE-05 double-check [D]"},
      {"rate_ml_per_h", "clinical.md §1.8 DOSE-05 [D]; 0.1 mL/h programming step of common pumps"},
      {"rate_fraction", "clinical.md §1.8 DOSE-05 [D]; pumps programmed in whole mL/h"},
  };
}

Result<InfusionOrder> CreateOrder(const DosePlan& plan, const OrderRequest& request) {
  Validator v("order refused");
  v.Require(!request.patient_id.empty(), "patient_id", "an order is for a patient");
  v.Require(!request.course_id.empty(), "course_id", "an order belongs to a course");
  v.Require(!request.ordered_by.user_id.empty(), "ordered_by.user_id",
            "an order names the physician who gives it");
  v.Require(request.ordered_by.role == Role::kPhysician, "ordered_by.role",
            std::string("only a physician orders an infusion, not a ") +
                RoleName(request.ordered_by.role));

  // A hard limit can never be ordered (DOSE-03): no override reaches this far.
  const bool has_block =
      std::any_of(plan.findings.begin(), plan.findings.end(),
                  [](const Finding& f) { return f.severity == Severity::kBlock; });
  if (plan.blocked || has_block) {
    const std::string rules = Rules(plan, Severity::kBlock);
    v.Add({"plan.blocked", "the plan is blocked and can never be ordered" +
                               (rules.empty() ? std::string() : " (" + rules + ")")});
  }

  // Soft limits: every warning needs a physician's override with a reason; an override needs
  // something to override.
  const std::string warnings = Rules(plan, Severity::kWarning);
  const bool overridden_in_plan = HasRule(plan, "dose.soft-limit.overridden");
  if (request.soft_limit_override) {
    const OrderOverride& o = *request.soft_limit_override;
    v.Require(!o.physician.user_id.empty(), "soft_limit_override.physician.user_id",
              "an override names the physician");
    v.Require(o.physician.role == Role::kPhysician, "soft_limit_override.physician.role",
              std::string("only a physician overrides a soft limit, not a ") +
                  RoleName(o.physician.role));
    v.Require(o.reason.size() >= kMinReasonLength, "soft_limit_override.reason",
              "an override needs a reason (at least 5 characters)");
    v.Require(!warnings.empty() || overridden_in_plan, "soft_limit_override",
              "the plan has no soft-limit finding to override");
  } else {
    if (!warnings.empty()) {
      v.Add({"soft_limit_override", "the plan has unresolved warnings (" + warnings +
                                        "); a physician must override them with a reason"});
    } else if (overridden_in_plan) {
      v.Add({"soft_limit_override",
             "the plan was calculated with an override; the order must name the physician and "
             "the reason"});
    }
  }

  if (v.Positive("vial_mg_per_ml", request.vial_mg_per_ml)) {
    const bool known = request.vial_mg_per_ml == 10 || request.vial_mg_per_ml == 50 ||
                       request.vial_mg_per_ml == 100;
    v.Require(known, "vial_mg_per_ml", "ketamine vials are 10, 50 or 100 mg/mL");
    if (known && plan.draw_ml > 0 && plan.dose_mg > 0) {
      v.Require(Agrees(plan.draw_ml * request.vial_mg_per_ml, plan.dose_mg), "vial_mg_per_ml",
                "the plan draws " + FormatNumber(plan.draw_ml) + " mL for " +
                    FormatNumber(plan.dose_mg) + " mg, which is not " +
                    FormatNumber(request.vial_mg_per_ml) + " mg/mL");
    }
  }
  CheckPlanSnapshot(plan, v);
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  InfusionOrder order;
  order.meta.author = request.ordered_by.user_id;
  order.meta.recorded_at = request.ordered_at;
  order.patient_id = request.patient_id;
  order.course_id = request.course_id;
  order.plan = plan;
  order.vial_mg_per_ml = request.vial_mg_per_ml;
  order.protocol_version = plan.protocol_version;
  order.ordered_by = request.ordered_by;
  order.ordered_at = request.ordered_at;
  order.soft_limit_override = request.soft_limit_override;
  return order;
}

Result<InfusionOrder> VerifyOrder(const InfusionOrder& order, const std::string& verifier,
                                  Role role, Instant at, double entered_rate_ml_per_h,
                                  double entered_dose_mg, const DoubleCheckTolerance& tolerance) {
  if (order.meta.status != RecordStatus::kActive) {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                std::string("only the active version of an order is verified; "
                                            "this one is ") +
                                    RecordStatusName(order.meta.status)));
  }
  if (order.double_check && order.double_check->order_version == order.meta.version) {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                "this version of the order is already double-checked by " +
                                    order.double_check->verifier.user_id));
  }

  Validator v("double-check refused");
  v.Require(!verifier.empty(), "verifier", "the double-check names the verifier");
  // Independence (DOSE-05): nobody who wrote or decided the dose checks it.
  const bool is_author =
      !verifier.empty() && (verifier == order.meta.author || verifier == order.ordered_by.user_id);
  v.Require(!is_author, "verifier",
            "the author of the order cannot verify it: a second clinician must check it");
  const bool is_overrider = !verifier.empty() && order.soft_limit_override &&
                            verifier == order.soft_limit_override->physician.user_id;
  v.Require(!is_overrider, "verifier",
            "the physician who overrode the soft limit cannot be the independent check");
  v.Require(IsLicensedClinician(role), "role",
            std::string("a double-check is by a physician, nurse or pharmacist, not a ") +
                RoleName(role));
  v.Require(at >= order.ordered_at && at >= order.meta.recorded_at, "at",
            "a double-check cannot be dated before the order it checks");

  if (v.Positive("entered_dose_mg", entered_dose_mg)) {
    const double diff = std::fabs(entered_dose_mg - order.plan.dose_mg);
    v.Require(diff <= tolerance.dose_mg + 1e-9, "entered_dose_mg",
              FormatNumber(entered_dose_mg) + " mg does not match the ordered " +
                  FormatNumber(order.plan.dose_mg) + " mg (tolerance " +
                  FormatNumber(tolerance.dose_mg) + " mg): recheck the calculation");
  }
  if (v.Positive("entered_rate_ml_per_h", entered_rate_ml_per_h)) {
    const double allowed =
        std::max(tolerance.rate_ml_per_h, tolerance.rate_fraction * order.plan.rate_ml_per_h);
    const double diff = std::fabs(entered_rate_ml_per_h - order.plan.rate_ml_per_h);
    v.Require(diff <= allowed + 1e-9, "entered_rate_ml_per_h",
              FormatNumber(entered_rate_ml_per_h) + " mL/h does not match the ordered " +
                  FormatNumber(order.plan.rate_ml_per_h) + " mL/h (tolerance " +
                  FormatNumber(allowed) + " mL/h): recheck the pump programming");
  }
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  InfusionOrder verified = order;
  verified.double_check = DoubleCheck{Clinician{verifier, role}, at, entered_rate_ml_per_h,
                                      entered_dose_mg, order.meta.version};
  return verified;
}

Status CheckReadyToGive(const InfusionOrder& order) {
  Validator v("order not ready to give");
  v.Require(order.meta.status == RecordStatus::kActive, "status",
            std::string("the order is ") + RecordStatusName(order.meta.status));
  const bool has_block =
      std::any_of(order.plan.findings.begin(), order.plan.findings.end(),
                  [](const Finding& f) { return f.severity == Severity::kBlock; });
  v.Require(!order.plan.blocked && !has_block, "plan", "the plan is blocked");
  if (!order.double_check) {
    v.Add({"double_check", "not yet independently double-checked (DOSE-05)"});
  } else {
    v.Require(order.double_check->order_version == order.meta.version, "double_check",
              "the double-check was of version " +
                  std::to_string(order.double_check->order_version) +
                  "; the order was amended since and must be checked again");
  }
  return v.Finish();
}

bool IsReadyToGive(const InfusionOrder& order) { return CheckReadyToGive(order).has_value(); }

}  // namespace ketaclinic::clinical
