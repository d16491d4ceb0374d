#ifndef KETACLINIC_CLINICAL_ORDER_H_
#define KETACLINIC_CLINICAL_ORDER_H_

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/dosing.h"
#include "clinical/parameter_source.h"
#include "clinical/record.h"
#include "clinical/roles.h"

namespace ketaclinic::clinical {

// A physician's override of the plan's soft-limit warnings (clinical.md §1.8 DOSE-03): the
// ordering physician or another physician, with a reason. Hard limits have no override.
struct OrderOverride {
  Clinician physician;
  std::string reason;

  friend bool operator==(const OrderOverride&, const OrderOverride&) = default;
};

// The independent double-check (clinical.md §1.8 DOSE-05; ISMP high-alert list [S]): a second
// licensed clinician, not the author, recalculated the dose and read back the rate programmed
// into the pump. It verifies one version of the order: an amended order needs a new check.
struct DoubleCheck {
  Clinician verifier;
  Instant at;
  double entered_rate_ml_per_h = 0;  // what the verifier read on the programmed pump
  double entered_dose_mg = 0;        // what the verifier calculated independently
  int order_version = 0;             // the order version it verified

  friend bool operator==(const DoubleCheck&, const DoubleCheck&) = default;
};

// How far a verifier's numbers may differ from the order's and still match [D]:
// - dose_mg 0.05: the dose is prescribed in 0.5 mg steps (DOSE-01), so an independent calculation
//   agrees to display precision or differs by at least a whole step; this absorbs only rounding
//   of the displayed value.
// - rate: the larger of rate_ml_per_h 0.1 (the programming step of common large-volume pumps)
//   and rate_fraction 0.005 of the ordered rate (a pump that takes whole mL/h above 100 mL/h:
//   155 for 155.25). A tenfold slip, a wrong concentration or a wrong bag is far outside.
struct DoubleCheckTolerance {
  double dose_mg = 0.05;
  double rate_ml_per_h = 0.1;
  double rate_fraction = 0.005;
};

// Names each bad key: "dose_mg", "rate_ml_per_h", "rate_fraction" (each >= 0; the dose below
// one 0.5 mg step, the fraction below 5 %).
Status ValidateDoubleCheckTolerance(const DoubleCheckTolerance& tolerance);
std::vector<ParameterSource> DoubleCheckToleranceSources();

// Everything an order adds to a dose plan.
struct OrderRequest {
  std::string patient_id;
  std::string course_id;
  double vial_mg_per_ml = 0;  // the vial the dose is drawn from (10, 50 or 100 mg/mL)
  Clinician ordered_by;       // must be a physician
  Instant ordered_at;
  std::optional<OrderOverride> soft_limit_override;
};

// A physician's order for one infusion: the dose plan as calculated (a snapshot: the numbers and
// findings the physician saw, and the protocol version), who ordered it and when, the override
// of its soft limits if any, and the double-check. Nothing in it is recalculated later.
struct InfusionOrder {
  RecordMeta meta;  // author = ordered_by, recorded_at = ordered_at for version 1
  std::string patient_id;
  std::string course_id;
  DosePlan plan;  // dose_mg, requested/effective mg/kg, weight basis and weight, duration, rates,
                  // bag, findings
  double vial_mg_per_ml = 0;
  std::string protocol_version;
  Clinician ordered_by;
  Instant ordered_at;
  std::optional<OrderOverride> soft_limit_override;
  std::optional<DoubleCheck> double_check;
};

// Turns a dose plan into an order. Refused, naming each problem at once:
// - a blocked plan (plan.blocked or any block finding: a hard limit can never be ordered);
// - a plan with a warning and no override, an override that is not by a physician or has no
//   reason (at least 5 characters, as PlanDose asks), and an override with nothing to override;
// - an order not by a physician, without patient or course;
// - a vial concentration that is not 10, 50 or 100 mg/mL or disagrees with the plan's draw
//   volume, and a plan whose numbers do not agree with each other (dose = mg/kg x weight,
//   rate x duration = dose and volume): a snapshot that was altered after calculation.
Result<InfusionOrder> CreateOrder(const DosePlan& plan, const OrderRequest& request);

// Records the independent double-check. Refused (kFailedPrecondition) if the order is not the
// active version or this version is already verified; refused (kInvalidArgument, every problem
// named) if the verifier is the order's author, the ordering physician or the overriding
// physician, is not a licensed clinician (physician, nurse, pharmacist), checks before the
// order was written, or entered a dose or rate that differs from the order beyond `tolerance`
// ("entered_dose_mg", "entered_rate_ml_per_h").
Result<InfusionOrder> VerifyOrder(const InfusionOrder& order, const std::string& verifier,
                                  Role role, Instant at, double entered_rate_ml_per_h,
                                  double entered_dose_mg,
                                  const DoubleCheckTolerance& tolerance = {});

// Whether the order may be given now: the active version, not blocked, and double-checked for
// this version. The error names every reason it may not ("status", "plan", "double_check").
Status CheckReadyToGive(const InfusionOrder& order);
bool IsReadyToGive(const InfusionOrder& order);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_ORDER_H_
