#include "pk/metrics.h"

#include <cmath>

#include <gtest/gtest.h>

#include "pk/registry.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

IndividualParameters OneCompartment(double v1_l, double cl_l_per_min, double ke0) {
  IndividualParameters p;
  p.compartments = 1;
  p.v1_l = v1_l;
  p.cl_l_per_min = cl_l_per_min;
  p.ke0_per_min = ke0;
  return p;
}

TEST(MetricsTest, SummarizeUsesTheLinearTrapezoid) {
  const std::vector<double> t = {0, 1, 2, 4};
  const std::vector<double> v = {0, 2, 1, 1};
  const SeriesSummary s = Summarize(t, v);
  EXPECT_EQ(s.cmax_ng_per_ml, 2);
  EXPECT_EQ(s.tmax_min, 1);
  EXPECT_DOUBLE_EQ(s.auc_ng_min_per_ml, 1 + 1.5 + 2);
}

TEST(MetricsTest, TimeAboveInterpolatesCrossings) {
  const std::vector<double> t = {0, 1, 2, 3};
  const std::vector<double> v = {0, 2, 0, 4};
  // Above 1 on [0.5, 1.5] and on [2.25, 3].
  EXPECT_DOUBLE_EQ(TimeAboveMin(t, v, 1), 1.0 + 0.75);
  EXPECT_EQ(TimeAboveMin(t, v, 10), 0);
}

// One compartment, bolus: C(t) = D/V e^{-kt}; it falls to C* at t = ln(C0/C*) / k.
TEST(MetricsTest, PlasmaDecrementTimeMatchesTheClosedForm) {
  const Engine engine = Engine::Create(OneCompartment(10, 1, 1));
  Schedule schedule;
  schedule.boluses.push_back({0, 100});
  auto t = DecrementTimeMin(engine, schedule, 0, Site::kPlasma, 1000);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, std::log(10.0) / 0.1, 1e-6);
}

// One compartment + effect site, bolus: Ce = C0 ke0/(ke0−k) (e^{−kt} − e^{−ke0 t}) rises, then
// falls; the decrement time is the later crossing, found here by bisection on the closed form.
TEST(MetricsTest, EffectDecrementTimeIsTheLastCrossing) {
  const double k = 0.1, ke0 = 0.5, c0 = 10000;
  const Engine engine = Engine::Create(OneCompartment(10, 1, ke0));
  Schedule schedule;
  schedule.boluses.push_back({0, 100});
  auto ce = [&](double t) {
    return c0 * ke0 / (ke0 - k) * (std::exp(-k * t) - std::exp(-ke0 * t));
  };
  double low = 10, high = 200;  // the peak is at ln(ke0/k)/(ke0−k) ≈ 4 min
  while (high - low > 1e-10) {
    const double mid = 0.5 * (low + high);
    (ce(mid) > 2000 ? low : high) = mid;
  }
  auto t = DecrementTimeMin(engine, schedule, 0, Site::kEffect, 2000);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, low, 1e-6);
}

TEST(MetricsTest, DecrementTimeCountsFromTheStopTime) {
  const Engine engine = Engine::Create(OneCompartment(10, 1, 1));
  Schedule schedule = ConstantInfusion(100, 10);
  // Cp at 10 min of a 10 mg/min infusion: R/CL (1 − e^{−k·10}); then it decays.
  const double c10 = 10 * (1 - std::exp(-1.0)) * 1000;
  auto t = DecrementTimeMin(engine, schedule, 10, Site::kPlasma, 1000);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(*t, std::log(c10 / 1000) / 0.1, 1e-6);
}

TEST(MetricsTest, DecrementTimeRejectsABadThreshold) {
  const Engine engine = Engine::Create(OneCompartment(10, 1, 1));
  auto t = DecrementTimeMin(engine, ConstantInfusion(10, 1), 1, Site::kPlasma, -1);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().problems()[0].field, "threshold_ng_per_ml");
}

// A constant infusion reaches Css = R / CL (any linear mammillary model).
TEST(MetricsTest, SteadyStateIsRateOverClearance) {
  for (const ModelDefinition& model : BuiltInModels()) {
    const IndividualParameters p = *Individualize(model, 70);
    auto curve = Simulate(Engine::Create(p), ConstantInfusion(20000, 20000), {20000, 20000});
    const double css = 1.0 / p.cl_l_per_min * 1000;
    EXPECT_NEAR(curve->plasma_ng_per_ml.back(), css, 1e-9 * css) << model.name;
    EXPECT_NEAR(curve->effect_ng_per_ml.back(), css, 1e-9 * css) << model.name;
  }
}

TEST(MetricsTest, ModelSummaryHasHalfLivesAndVolumes) {
  const IndividualParameters p = *Individualize(*FindModel("kamp"), 70);
  const ModelSummary s = SummarizeModel(p);
  ASSERT_EQ(s.half_lives_min.size(), 3u);
  EXPECT_LT(s.half_lives_min[0], s.half_lives_min[1]);
  EXPECT_LT(s.half_lives_min[1], s.half_lives_min[2]);
  EXPECT_DOUBLE_EQ(s.vss_l, 25 + 56 + 157);
  EXPECT_DOUBLE_EQ(s.clearance_l_per_min, 1.4);
  EXPECT_GT(s.time_to_peak_effect_min, 0);
}

}  // namespace
}  // namespace ketaclinic::pk
