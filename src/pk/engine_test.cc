// The exact solution against an independent ODE integration (tests/support/pk_ode_oracle.h):
// every built-in model, random models and schedules, and the singular cases.

#include "pk/engine.h"

#include <random>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include "pk/registry.h"
#include "pk/simulate.h"
#include "pk/test_util.h"

namespace ketaclinic::pk {
namespace {

constexpr double kTolerance = 1e-9;

void CompareWithOracle(const IndividualParameters& p, const Schedule& schedule,
                       const TimeGrid& grid, Engine::Method method, const std::string& what) {
  const Engine engine = Engine::Create(p, method);
  auto curve = Simulate(engine, schedule, grid);
  ASSERT_TRUE(curve.has_value()) << curve.error().ToString();
  const testing::OracleValues reference = RunOracle(p, schedule, curve->time_min);
  ExpectClose(curve->plasma_ng_per_ml, reference.plasma_ng_per_ml, kTolerance, what + " plasma");
  ExpectClose(curve->effect_ng_per_ml, reference.effect_ng_per_ml, kTolerance, what + " effect");
  if (p.metabolite) {
    ExpectClose(curve->metabolite_ng_per_ml, reference.metabolite_ng_per_ml, kTolerance,
                what + " metabolite");
  }
}

TEST(EngineTest, EveryBuiltInModelMatchesTheOdeOracleForTheStandardRegimen) {
  for (const ModelDefinition& model : BuiltInModels()) {
    for (double weight : {45.0, 70.0, 120.0}) {
      auto p = Individualize(model, weight);
      ASSERT_TRUE(p.has_value());
      const Schedule schedule = ConstantInfusion(0.5 * weight, 40);
      for (auto method : {Engine::Method::kModal, Engine::Method::kMatrixExponential}) {
        CompareWithOracle(*p, schedule, {240, 1}, method,
                          model.name + " " + std::to_string(weight) + " kg");
      }
    }
  }
}

TEST(EngineTest, ChoosesModalFormForWellSeparatedRates) {
  auto p = Individualize(*FindModel("domino"), 70);
  EXPECT_EQ(Engine::Create(*p).method(), Engine::Method::kModal);
}

// Random mammillary models (1-3 compartments, optional metabolite) and random schedules of
// boluses at and between grid times and overlapping infusions.
TEST(EngineTest, RandomModelsAndSchedulesMatchTheOdeOracle) {
  std::mt19937_64 rng(20261129);
  auto uniform = [&](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng);
  };
  auto log_uniform = [&](double low, double high) {
    return std::exp(uniform(std::log(low), std::log(high)));
  };
  for (int trial = 0; trial < 60; ++trial) {
    IndividualParameters p;
    p.compartments = 1 + trial % 3;
    p.v1_l = log_uniform(2, 150);
    p.cl_l_per_min = log_uniform(0.2, 3);
    p.v2_l = log_uniform(5, 300);
    p.q2_l_per_min = log_uniform(0.1, 5);
    p.v3_l = log_uniform(5, 400);
    p.q3_l_per_min = log_uniform(0.05, 3);
    p.ke0_per_min = log_uniform(0.05, 6);
    if (trial % 4 == 0) {
      p.metabolite = MetaboliteDefinition{"norketamine", uniform(0.3, 1), 223.7 / 237.7,
                                          log_uniform(10, 200), log_uniform(0.1, 2)};
    }
    Schedule schedule;
    const int boluses = static_cast<int>(uniform(0, 3));
    for (int b = 0; b < boluses; ++b) {
      // Half on whole minutes (grid times), half between them.
      const double at = trial % 2 == 0 ? std::floor(uniform(0, 200)) : uniform(0, 200);
      schedule.boluses.push_back({at, uniform(1, 50)});
    }
    const int infusions = 1 + static_cast<int>(uniform(0, 3));
    for (int i = 0; i < infusions; ++i) {
      schedule.infusions.push_back({uniform(0, 120), uniform(0.5, 90), uniform(0.05, 3)});
    }
    const double step = trial % 3 == 0 ? 0.5 : 1;
    for (auto method : {Engine::Method::kModal, Engine::Method::kMatrixExponential}) {
      CompareWithOracle(p, schedule, {240, step}, method, "trial " + std::to_string(trial));
    }
  }
}

IndividualParameters Kamp70() { return *Individualize(*FindModel("kamp"), 70); }

// ke0 equal to a disposition eigenvalue: the modal coefficients would divide by zero.
TEST(EngineTest, Ke0EqualToAnEigenvalueIsExact) {
  for (int i = 0; i < 3; ++i) {
    IndividualParameters p = Kamp70();
    p.ke0_per_min = DispositionEigenvalues(3, p.Micro())[static_cast<size_t>(i)];
    const Engine engine = Engine::Create(p);
    EXPECT_EQ(engine.method(), Engine::Method::kMatrixExponential);
    CompareWithOracle(p, ConstantInfusion(35, 40), {240, 1}, engine.method(),
                      "ke0 = lambda" + std::to_string(i + 1));
  }
}

// Just outside the switch-over threshold the modal form must still be accurate.
TEST(EngineTest, Ke0NearAnEigenvalueIsAccurateInBothMethods) {
  for (double offset : {1e-2, 1.5e-3, 1e-3, 9e-4, 1e-6}) {
    IndividualParameters p = Kamp70();
    p.ke0_per_min = DispositionEigenvalues(3, p.Micro())[1] * (1 + offset);
    CompareWithOracle(p, ConstantInfusion(35, 40), {240, 1}, Engine::Method::kModal,
                      "ke0 offset " + std::to_string(offset));
  }
}

TEST(EngineTest, MetaboliteRateEqualToAnEigenvalueIsExact) {
  IndividualParameters p = Kamp70();
  const double lambda = DispositionEigenvalues(3, p.Micro())[2];
  p.metabolite = MetaboliteDefinition{"norketamine", 0.8, 223.7 / 237.7, 50, 50 * lambda};
  const Engine engine = Engine::Create(p);
  EXPECT_EQ(engine.method(), Engine::Method::kMatrixExponential);
  CompareWithOracle(p, ConstantInfusion(35, 40), {600, 2}, engine.method(), "metabolite");
}

// Equal disposition eigenvalues cannot occur with k12 > 0; the closest a mammillary model comes
// is k21 = k31, where one mode has a zero amplitude. Both methods must handle it.
TEST(EngineTest, EqualPeripheralRatesAreExact) {
  IndividualParameters p = Kamp70();
  p.v3_l = p.v2_l * p.q3_l_per_min / p.q2_l_per_min;  // k31 = k21
  for (auto method : {Engine::Method::kModal, Engine::Method::kMatrixExponential}) {
    CompareWithOracle(p, ConstantInfusion(35, 40), {240, 1}, method, "k21 = k31");
  }
}

TEST(EngineTest, EigenvaluesMatchEigensNumericalSolution) {
  for (const ModelDefinition& model : BuiltInModels()) {
    const IndividualParameters p = *Individualize(model, 70);
    const MicroConstants k = p.Micro();
    Eigen::Matrix3d a = Eigen::Matrix3d::Zero();
    a << -(k.k10 + k.k12 + k.k13), k.k21, k.k31, k.k12, -k.k21, 0, k.k13, 0, -k.k31;
    const int n = p.compartments;
    Eigen::VectorXd numeric = (-a.topLeftCorner(n, n)).eigenvalues().real();
    std::sort(numeric.data(), numeric.data() + n, std::greater<>());
    const auto closed = DispositionEigenvalues(n, k);
    for (int i = 0; i < n; ++i) {
      EXPECT_NEAR(closed[static_cast<size_t>(i)], numeric(i), 1e-12 * numeric(0)) << model.name;
    }
  }
}

TEST(EngineTest, BolusAtAGridTimeIsIncludedInThatValue) {
  const IndividualParameters p = Kamp70();
  Schedule schedule;
  schedule.boluses.push_back({10, 20});
  auto curve = Simulate(Engine::Create(p), schedule, {20, 1});
  ASSERT_TRUE(curve.has_value());
  EXPECT_EQ(curve->plasma_ng_per_ml[9], 0);
  EXPECT_DOUBLE_EQ(curve->plasma_ng_per_ml[10], 20 / p.v1_l * 1000);
}

TEST(EngineTest, GridIncludesTheEndTimeWhenItIsNotAMultipleOfTheStep) {
  auto curve = Simulate(Engine::Create(Kamp70()), ConstantInfusion(35, 40), {10.5, 1});
  ASSERT_TRUE(curve.has_value());
  ASSERT_EQ(curve->time_min.size(), 12u);
  EXPECT_EQ(curve->time_min.back(), 10.5);
}

}  // namespace
}  // namespace ketaclinic::pk
