#include "pk/tci.h"

#include <gtest/gtest.h>

#include "pk/registry.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

Engine Kamp70() { return Engine::Create(*Individualize(*FindModel("kamp"), 70)); }

Curve FineCurve(const Engine& engine, const TciPlan& plan, double until_min) {
  return *Simulate(engine, plan.schedule, {until_min, 1.0 / 60});
}

TEST(TciTest, PlasmaModeHoldsTheTargetWithinOnePercentAfterTheFirstMinute) {
  for (const std::string name : {"domino", "kamp", "clements", "hijazi", "herd"}) {
    const Engine engine = Engine::Create(*Individualize(*FindModel(name), 70));
    TciRequest request{TciMode::kPlasma, {{0, 200}}, 60, 10, 0};
    auto plan = PlanTci(engine, request);
    ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
    const Curve curve = FineCurve(engine, *plan, 60);
    for (size_t i = 0; i < curve.time_min.size(); ++i) {
      if (curve.time_min[i] < 1) continue;
      ASSERT_NEAR(curve.plasma_ng_per_ml[i], 200, 2) << name << " at " << curve.time_min[i];
    }
  }
}

TEST(TciTest, EffectModeReachesTheTargetWithoutOvershootAndHoldsIt) {
  const Engine engine = Kamp70();
  TciRequest request{TciMode::kEffect, {{0, 150}}, 60, 10, 0};
  auto plan = PlanTci(engine, request);
  ASSERT_TRUE(plan.has_value());
  const Curve curve = FineCurve(engine, *plan, 60);
  double reached_at = -1;
  for (size_t i = 0; i < curve.time_min.size(); ++i) {
    EXPECT_LE(curve.effect_ng_per_ml[i], 150 * 1.01) << "at " << curve.time_min[i];
    if (reached_at < 0 && curve.effect_ng_per_ml[i] >= 150 * 0.99) reached_at = curve.time_min[i];
    if (reached_at >= 0 && curve.time_min[i] > reached_at + 1) {
      EXPECT_NEAR(curve.effect_ng_per_ml[i], 150, 150 * 0.02) << "at " << curve.time_min[i];
    }
  }
  EXPECT_GE(reached_at, 0);
  EXPECT_LT(reached_at, 5);  // ke0 2.8 /min: the effect site follows within minutes
  // Effect-site targeting overshoots in plasma to drive the effect site.
  double plasma_peak = 0;
  for (double cp : curve.plasma_ng_per_ml) plasma_peak = std::max(plasma_peak, cp);
  EXPECT_GT(plasma_peak, 150 * 1.05);
}

TEST(TciTest, RespectsThePumpMaximumRate) {
  const Engine engine = Kamp70();
  TciRequest request{TciMode::kEffect, {{0, 300}}, 30, 10, 2.0};
  auto plan = PlanTci(engine, request);
  ASSERT_TRUE(plan.has_value());
  for (const RateSegment& s : plan->segments) EXPECT_LE(s.rate_mg_per_min, 2.0);
  EXPECT_EQ(plan->segments.front().rate_mg_per_min, 2.0);
}

TEST(TciTest, FollowsATargetThatChangesOverTime) {
  const Engine engine = Kamp70();
  TciRequest request{TciMode::kPlasma, {{0, 200}, {30, 100}}, 60, 10, 0};
  auto plan = PlanTci(engine, request);
  ASSERT_TRUE(plan.has_value());
  const Curve curve = FineCurve(engine, *plan, 60);
  double settled_at = -1;
  for (size_t i = 0; i < curve.time_min.size(); ++i) {
    const double t = curve.time_min[i];
    if (t > 30 && settled_at < 0 && curve.plasma_ng_per_ml[i] <= 101) settled_at = t;
    if (settled_at > 0 && t > settled_at + 0.2) {
      ASSERT_NEAR(curve.plasma_ng_per_ml[i], 100, 1) << "at " << t;
    }
  }
  EXPECT_GT(settled_at, 30);
  EXPECT_LT(settled_at, 45);
}

TEST(TciTest, DeliveredDoseIsTheSumOfTheSegments) {
  const Engine engine = Kamp70();
  auto plan = PlanTci(engine, TciRequest{TciMode::kEffect, {{0, 150}}, 45, 15, 0});
  ASSERT_TRUE(plan.has_value());
  double total = 0, end = 0;
  for (const RateSegment& s : plan->segments) {
    EXPECT_NEAR(s.start_min, end, 1e-9);
    end = s.start_min + s.duration_min;
    total += s.rate_mg_per_min * s.duration_min;
  }
  EXPECT_NEAR(end, 45, 1e-9);
  EXPECT_DOUBLE_EQ(plan->delivered_mg, total);
  EXPECT_NEAR(plan->schedule.TotalDoseMg(), total, 1e-9);
}

TEST(TciTest, RejectsBadRequestsNamingEveryField) {
  TciRequest request{TciMode::kPlasma, {{5, -1}}, 0, 0, -1};
  auto plan = PlanTci(Kamp70(), request);
  ASSERT_FALSE(plan.has_value());
  std::vector<std::string> fields;
  for (const FieldProblem& p : plan.error().problems()) fields.push_back(p.field);
  for (const std::string expected : {"targets[0].target_ng_per_ml", "targets[0].at_min",
                                     "duration_min", "update_s", "max_rate_mg_per_min"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), expected), fields.end()) << expected;
  }
}

TEST(TciTest, RefusesEffectTargetingWhenThePeakIsTooLate) {
  IndividualParameters p = *Individualize(*FindModel("kamp"), 70);
  p.ke0_per_min = 0.001;
  auto plan = PlanTci(Engine::Create(p), TciRequest{TciMode::kEffect, {{0, 100}}, 30, 10, 0});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code(), ErrorCode::kOutOfRange);
}

}  // namespace
}  // namespace ketaclinic::pk
