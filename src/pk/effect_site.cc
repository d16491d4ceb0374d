#include "pk/effect_site.h"

#include <cmath>

#include "base/validation.h"
#include "pk/engine.h"

namespace ketaclinic::pk {
namespace {

constexpr double kPeakSearchHorizonMin = 120;

// Cp − Ce at time t after a unit bolus.
double PlasmaMinusEffect(const Engine& engine, double t_min) {
  State state;
  engine.AddBolus(state, 1);
  engine.MakeStepper(t_min).Advance(state, 0);
  const Concentrations c = engine.Read(state);
  return c.plasma_mg_per_l - c.effect_mg_per_l;
}

}  // namespace

Result<double> TimeToPeakEffectMin(const IndividualParameters& parameters) {
  const Engine engine = Engine::Create(parameters);
  // Cp − Ce starts at 1/V1 > 0 and turns negative at the peak; bracket it on a geometric grid.
  double low = 0;
  double high = 1e-4;
  while (PlasmaMinusEffect(engine, high) > 0) {
    low = high;
    high *= 1.5;
    if (high > kPeakSearchHorizonMin) {
      return tl::unexpected(Error::OutOfRange(
          "the effect site does not peak within " + FormatNumber(kPeakSearchHorizonMin) +
          " min of a bolus; ke0 " + FormatNumber(parameters.ke0_per_min) + " /min is too small"));
    }
  }
  // To the last bits: ke0 is derived from this peak time by a second search.
  while (high - low > 1e-15 * high) {
    const double mid = 0.5 * (low + high);
    (PlasmaMinusEffect(engine, mid) > 0 ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

Result<double> Ke0FromTimeToPeak(IndividualParameters parameters, double time_to_peak_min) {
  Validator v("invalid time to peak effect");
  v.InRange("time_to_peak_effect_min", time_to_peak_min, 0.01, 60, "min");
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());

  auto peak_at = [&](double ke0) -> Result<double> {
    parameters.ke0_per_min = ke0;
    return TimeToPeakEffectMin(parameters);
  };
  double log_low = std::log(1e-4);  // small ke0: late peak
  double log_high = std::log(1e3);  // large ke0: early peak
  auto late = peak_at(std::exp(log_high));
  if (late && *late > time_to_peak_min) {
    return tl::unexpected(Error::InvalidArgument(
        "time_to_peak_effect_min",
        "is earlier than any ke0 up to 1000 /min can reach with this model (" +
            FormatNumber(*late) + " min at most)"));
  }
  while (log_high - log_low > 1e-13) {
    const double mid = 0.5 * (log_low + log_high);
    auto peak = peak_at(std::exp(mid));
    // No peak within the horizon means ke0 is far too small.
    if (!peak || *peak > time_to_peak_min) {
      log_low = mid;
    } else {
      log_high = mid;
    }
  }
  return std::exp(0.5 * (log_low + log_high));
}

}  // namespace ketaclinic::pk
