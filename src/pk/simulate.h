#ifndef KETACLINIC_PK_SIMULATE_H_
#define KETACLINIC_PK_SIMULATE_H_

#include <vector>

#include "base/error.h"
#include "pk/engine.h"
#include "pk/schedule.h"
#include "pk/timeline.h"

namespace ketaclinic::pk {

// Predicted concentrations on a time grid, in ng/mL. A value at the instant of a bolus includes
// that bolus.
struct Curve {
  std::vector<double> time_min;
  std::vector<double> plasma_ng_per_ml;
  std::vector<double> effect_ng_per_ml;
  std::vector<double> metabolite_ng_per_ml;  // empty when the model has no metabolite
};

inline constexpr double kNgPerMlPerMgPerL = 1000;

// The exact concentrations of `schedule` at each grid time. Validates the schedule and the grid;
// every problem is named.
Result<Curve> Simulate(const Engine& engine, const Schedule& schedule, const TimeGrid& grid);

// The state reached at `t_min` under `schedule` (doses at t_min included), for look-ahead
// computations such as decrement times and TCI.
State StateAt(const Engine& engine, const Schedule& schedule, double t_min);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_SIMULATE_H_
