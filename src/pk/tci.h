#ifndef KETACLINIC_PK_TCI_H_
#define KETACLINIC_PK_TCI_H_

#include <vector>

#include "base/error.h"
#include "pk/engine.h"
#include "pk/schedule.h"

namespace ketaclinic::pk {

enum class TciMode {
  kPlasma,  // Bailey & Shafer / Jacobs 1990: Cp reaches the target at the end of each update
  kEffect,  // Shafer & Gregg 1992: the effect-site peak reaches the target without overshoot
};

// From `at_min` on, aim for `target_ng_per_ml` (until the next change).
struct TargetChange {
  double at_min = 0;
  double target_ng_per_ml = 0;
};

struct TciRequest {
  TciMode mode = TciMode::kEffect;
  std::vector<TargetChange> targets;  // ascending at_min, the first at 0
  double duration_min = 60;
  double update_s = 10;  // the pump's rate is recomputed this often (STANPUMP delta_seconds)
  double max_rate_mg_per_min = 0;  // the pump's maximum rate (0 means no maximum was given)
};

// One constant-rate stretch of the plan.
struct RateSegment {
  double start_min = 0;
  double duration_min = 0;
  double rate_mg_per_min = 0;
};

struct TciPlan {
  std::vector<RateSegment> segments;  // consecutive, equal rates merged
  double delivered_mg = 0;
  Schedule schedule;  // the segments as infusions, to simulate the predicted curves
};

// Checks the request; every problem is named ("targets[1].at_min", "update_s", ...).
Status ValidateTciRequest(const TciRequest& request);

// Computes the rate at each update so that the target is reached and held
// (reference/pk.md §3.1, §3.3):
//  - plasma: rate = (target − Cp_free(Δ)) / Cp_unit(Δ), clamped to [0, max];
//  - effect: while Ce is off target, the rate whose resulting effect-site peak equals the target
//    (fixed-point iteration on the peak time, hill-climbed at 1-s resolution over 45 min), and 0
//    when Ce would rise past it anyway; once Ce is within 5 % of the target and Cp within 20 %
//    (the switching rule of the R package tci, after STANPUMP), plasma targeting holds it.
Result<TciPlan> PlanTci(const Engine& engine, const TciRequest& request);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_TCI_H_
