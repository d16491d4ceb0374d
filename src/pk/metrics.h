#ifndef KETACLINIC_PK_METRICS_H_
#define KETACLINIC_PK_METRICS_H_

#include <span>
#include <vector>

#include "base/error.h"
#include "pk/engine.h"
#include "pk/schedule.h"

namespace ketaclinic::pk {

// Peak and exposure of one concentration series on its time grid.
struct SeriesSummary {
  double cmax_ng_per_ml = 0;
  double tmax_min = 0;  // the first grid time at which cmax is reached
  // Linear trapezoidal AUC over the grid (ng·min/mL), as non-compartmental analysis computes it.
  double auc_ng_min_per_ml = 0;
};

// REQUIRES: time and values of equal, non-zero length; time ascending.
SeriesSummary Summarize(std::span<const double> time_min, std::span<const double> values);

// Minutes the series spends above `threshold`, interpolating linearly between grid points.
double TimeAboveMin(std::span<const double> time_min, std::span<const double> values,
                    double threshold);

enum class Site { kPlasma, kEffect };

// Minutes after `from_min` (all doses of `schedule` at or before it given, none after) until the
// concentration at `site` falls to `threshold_ng_per_ml` and stays at or below it: the decrement
// time. 0 if it never exceeds it. Scans every 0.25 min for up to 14 days, then bisects to 1e-7
// min. Errors if it is still above the threshold after 14 days.
Result<double> DecrementTimeMin(const Engine& engine, const Schedule& schedule, double from_min,
                                Site site, double threshold_ng_per_ml);

// Derived quantities of one individual's parameters.
struct ModelSummary {
  std::vector<double> half_lives_min;  // ln 2 / λ for each disposition eigenvalue, shortest first
  double vss_l = 0;
  double clearance_l_per_min = 0;
  double ke0_per_min = 0;
  double ke0_half_life_min = 0;
  double time_to_peak_effect_min = 0;  // after a bolus; NaN if none within 120 min
};

ModelSummary SummarizeModel(const IndividualParameters& parameters);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_METRICS_H_
