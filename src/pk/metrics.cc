#include "pk/metrics.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "base/validation.h"
#include "pk/effect_site.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {

SeriesSummary Summarize(std::span<const double> time_min, std::span<const double> values) {
  KC_CHECK(time_min.size() == values.size() && !values.empty());
  SeriesSummary summary;
  summary.cmax_ng_per_ml = values[0];
  summary.tmax_min = time_min[0];
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] > summary.cmax_ng_per_ml) {
      summary.cmax_ng_per_ml = values[i];
      summary.tmax_min = time_min[i];
    }
    summary.auc_ng_min_per_ml +=
        0.5 * (values[i] + values[i - 1]) * (time_min[i] - time_min[i - 1]);
  }
  return summary;
}

double TimeAboveMin(std::span<const double> time_min, std::span<const double> values,
                    double threshold) {
  KC_CHECK(time_min.size() == values.size());
  double total = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    const double a = values[i - 1] - threshold;
    const double b = values[i] - threshold;
    const double dt = time_min[i] - time_min[i - 1];
    if (a > 0 && b > 0) {
      total += dt;
    } else if (a > 0 || b > 0) {
      // One end above: the part of the interval on that side of the linear crossing.
      total += dt * std::max(a, b) / std::abs(a - b);
    }
  }
  return total;
}

Result<double> DecrementTimeMin(const Engine& engine, const Schedule& schedule, double from_min,
                                Site site, double threshold_ng_per_ml) {
  Validator v("invalid decrement-time request");
  v.Positive("threshold_ng_per_ml", threshold_ng_per_ml);
  v.NonNegative("from_min", from_min);
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  Schedule given;
  for (const Bolus& b : schedule.boluses) {
    if (b.at_min <= from_min) given.boluses.push_back(b);
  }
  for (const Infusion& inf : schedule.infusions) {
    if (inf.start_min >= from_min) continue;
    Infusion part = inf;
    part.duration_min = std::min(inf.duration_min, from_min - inf.start_min);
    given.infusions.push_back(part);
  }
  const State start = StateAt(engine, given, from_min);
  auto value_ng_per_ml = [&](const State& state) {
    const Concentrations c = engine.Read(state);
    return (site == Site::kPlasma ? c.plasma_mg_per_l : c.effect_mg_per_l) * kNgPerMlPerMgPerL;
  };

  constexpr double kScanStepMin = 0.25;
  constexpr double kHorizonMin = 14 * 24 * 60;
  const Stepper scan = engine.MakeStepper(kScanStepMin);
  State state = start;
  double last_above_min = value_ng_per_ml(state) > threshold_ng_per_ml ? 0 : -1;
  State last_above_state = state;
  for (double t = kScanStepMin; t <= kHorizonMin; t += kScanStepMin) {
    scan.Advance(state, 0);
    if (value_ng_per_ml(state) > threshold_ng_per_ml) {
      last_above_min = t;
      last_above_state = state;
    }
  }
  if (last_above_min < 0) return 0.0;
  if (last_above_min + kScanStepMin > kHorizonMin) {
    return tl::unexpected(Error::OutOfRange("the concentration is still above " +
                                            FormatNumber(threshold_ng_per_ml) +
                                            " ng/mL 14 days after the infusion stops"));
  }
  double low = 0;
  double high = kScanStepMin;
  while (high - low > 1e-7) {
    const double mid = 0.5 * (low + high);
    State probe = last_above_state;
    engine.MakeStepper(mid).Advance(probe, 0);
    (value_ng_per_ml(probe) > threshold_ng_per_ml ? low : high) = mid;
  }
  return last_above_min + 0.5 * (low + high);
}

ModelSummary SummarizeModel(const IndividualParameters& parameters) {
  ModelSummary summary;
  const auto lambda = DispositionEigenvalues(parameters.compartments, parameters.Micro());
  for (int i = 0; i < parameters.compartments; ++i) {
    summary.half_lives_min.push_back(std::numbers::ln2 / lambda[static_cast<size_t>(i)]);
  }
  summary.vss_l = parameters.VssL();
  summary.clearance_l_per_min = parameters.cl_l_per_min;
  summary.ke0_per_min = parameters.ke0_per_min;
  summary.ke0_half_life_min = std::numbers::ln2 / parameters.ke0_per_min;
  auto peak = TimeToPeakEffectMin(parameters);
  summary.time_to_peak_effect_min = peak ? *peak : std::numeric_limits<double>::quiet_NaN();
  return summary;
}

}  // namespace ketaclinic::pk
