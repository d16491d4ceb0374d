// Property tests (rapidcheck): what must hold for ANY model and schedule.

#include <cmath>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "pk/engine.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

// Values drawn on a log scale between `low` and `high`.
rc::Gen<double> LogUniform(double low, double high) {
  return rc::gen::map(rc::gen::inRange(0, 1'000'001), [=](int i) {
    return std::exp(std::log(low) + (std::log(high) - std::log(low)) * i / 1e6);
  });
}

IndividualParameters ArbitraryParameters() {
  IndividualParameters p;
  p.compartments = *rc::gen::inRange(1, 4);
  p.v1_l = *LogUniform(1, 200);
  p.cl_l_per_min = *LogUniform(0.1, 5);
  p.v2_l = *LogUniform(2, 400);
  p.q2_l_per_min = *LogUniform(0.05, 5);
  p.v3_l = *LogUniform(2, 600);
  p.q3_l_per_min = *LogUniform(0.01, 4);
  p.ke0_per_min = *LogUniform(0.01, 10);
  return p;
}

Schedule ArbitrarySchedule() {
  Schedule s;
  const int boluses = *rc::gen::inRange(0, 3);
  for (int i = 0; i < boluses; ++i) {
    s.boluses.push_back(
        {static_cast<double>(*rc::gen::inRange(0, 1800)) / 10, *LogUniform(0.1, 100)});
  }
  const int infusions = *rc::gen::inRange(boluses == 0 ? 1 : 0, 3);
  for (int i = 0; i < infusions; ++i) {
    s.infusions.push_back({static_cast<double>(*rc::gen::inRange(0, 1200)) / 10,
                           *LogUniform(0.5, 100), *LogUniform(0.01, 5)});
  }
  return s;
}

double Peak(const std::vector<double>& v) {
  double peak = 0;
  for (double x : v) peak = std::max(peak, std::abs(x));
  return peak;
}

constexpr TimeGrid kGrid{240, 1};

RC_GTEST_PROP(PropertiesTest, ConcentrationsAreNeverNegative, ()) {
  const IndividualParameters p = ArbitraryParameters();
  const Curve c = *Simulate(Engine::Create(p), ArbitrarySchedule(), kGrid);
  const double floor = -1e-12 * std::max(Peak(c.plasma_ng_per_ml), Peak(c.effect_ng_per_ml));
  for (size_t i = 0; i < c.time_min.size(); ++i) {
    RC_ASSERT(c.plasma_ng_per_ml[i] >= floor);
    RC_ASSERT(c.effect_ng_per_ml[i] >= floor);
  }
}

// Linear system: the curve of two schedules together is the sum of their curves.
RC_GTEST_PROP(PropertiesTest, SuperpositionHolds, ()) {
  const Engine engine = Engine::Create(ArbitraryParameters());
  const Schedule a = ArbitrarySchedule();
  const Schedule b = ArbitrarySchedule();
  Schedule both = a;
  both.boluses.insert(both.boluses.end(), b.boluses.begin(), b.boluses.end());
  both.infusions.insert(both.infusions.end(), b.infusions.begin(), b.infusions.end());
  const Curve ca = *Simulate(engine, a, kGrid), cb = *Simulate(engine, b, kGrid);
  const Curve cab = *Simulate(engine, both, kGrid);
  const double scale = Peak(cab.plasma_ng_per_ml) + Peak(cab.effect_ng_per_ml);
  for (size_t i = 0; i < cab.time_min.size(); ++i) {
    RC_ASSERT(std::abs(cab.plasma_ng_per_ml[i] - ca.plasma_ng_per_ml[i] - cb.plasma_ng_per_ml[i]) <=
              1e-12 * scale);
    RC_ASSERT(std::abs(cab.effect_ng_per_ml[i] - ca.effect_ng_per_ml[i] - cb.effect_ng_per_ml[i]) <=
              1e-12 * scale);
  }
}

// Mass balance: everything given is eventually eliminated, so CL · AUC(0, ∞) = dose. The
// integral is a composite Simpson rule over the engine's values (fine steps early, coarse
// late) out to 60 terminal half-lives.
RC_GTEST_PROP(PropertiesTest, ClearanceTimesAucEqualsTheDose, ()) {
  const IndividualParameters p = ArbitraryParameters();
  const Engine engine = Engine::Create(p);
  const double dose = *LogUniform(1, 100);
  const double terminal =
      DispositionEigenvalues(p.compartments, p.Micro())[size_t(p.compartments - 1)];
  const double horizon = 60 * std::log(2) / terminal;
  State state;
  engine.AddBolus(state, dose);
  double auc = 0;
  double t = 0;
  for (double h : {0.001, 0.01, 0.1, 1.0, 10.0}) {
    const double until = std::min(horizon, h * 2000);
    const Stepper half = engine.MakeStepper(h / 2);
    while (t + h <= until + 1e-12) {
      const double f0 = engine.Read(state).plasma_mg_per_l;
      half.Advance(state, 0);
      const double f1 = engine.Read(state).plasma_mg_per_l;
      half.Advance(state, 0);
      const double f2 = engine.Read(state).plasma_mg_per_l;
      auc += h / 6 * (f0 + 4 * f1 + f2);
      t += h;
    }
  }
  const Stepper coarse = engine.MakeStepper(100);
  const Stepper coarse_half = engine.MakeStepper(50);
  while (t < horizon) {
    const double f0 = engine.Read(state).plasma_mg_per_l;
    coarse_half.Advance(state, 0);
    const double f1 = engine.Read(state).plasma_mg_per_l;
    coarse_half.Advance(state, 0);
    const double f2 = engine.Read(state).plasma_mg_per_l;
    auc += 100.0 / 6 * (f0 + 4 * f1 + f2);
    t += 100;
  }
  (void)coarse;
  RC_ASSERT(std::abs(p.cl_l_per_min * auc - dose) <= 1e-5 * dose);
}

// Doubling every dose doubles every concentration.
RC_GTEST_PROP(PropertiesTest, ConcentrationsScaleWithTheDose, ()) {
  const Engine engine = Engine::Create(ArbitraryParameters());
  Schedule s = ArbitrarySchedule();
  const Curve base = *Simulate(engine, s, kGrid);
  for (Bolus& b : s.boluses) b.dose_mg *= 3;
  for (Infusion& i : s.infusions) i.rate_mg_per_min *= 3;
  const Curve tripled = *Simulate(engine, s, kGrid);
  const double scale = Peak(tripled.plasma_ng_per_ml);
  for (size_t i = 0; i < base.time_min.size(); ++i) {
    RC_ASSERT(std::abs(tripled.plasma_ng_per_ml[i] - 3 * base.plasma_ng_per_ml[i]) <=
              1e-12 * scale);
  }
}

}  // namespace
}  // namespace ketaclinic::pk
