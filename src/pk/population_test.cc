#include "pk/population.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "pk/engine.h"
#include "pk/metrics.h"
#include "pk/registry.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

PopulationRequest HerdRequest(int64_t subjects, int threads) {
  PopulationRequest request;
  request.model = *FindModel("herd");
  request.weight_kg = 30;
  request.schedule = ConstantInfusion(15, 40);
  request.schedule.boluses.push_back({60.5, 5});  // an event between grid points
  request.grid = {240, 1};
  request.subjects = subjects;
  request.seed = 42;
  request.threads = threads;
  request.percentiles = {5, 50, 95};
  request.thresholds_ng_per_ml = {100, 250};
  return request;
}

PopulationRequest KampRequest(int64_t subjects) {
  PopulationRequest request;
  request.model = *FindModel("kamp");
  request.model.variability = {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2};
  request.schedule = ConstantInfusion(35, 40);
  request.grid = {240, 1};
  request.subjects = subjects;
  request.percentiles = {5, 50, 95};
  request.thresholds_ng_per_ml = {150};
  return request;
}

TEST(PopulationTest, IdenticalResultsWhateverTheThreadCount) {
  auto one = SimulatePopulation(HerdRequest(1001, 1));
  auto two = SimulatePopulation(HerdRequest(1001, 2));
  auto three = SimulatePopulation(HerdRequest(1001, 3));
  ASSERT_TRUE(one && two && three);
  for (const auto* other : {&*two, &*three}) {
    EXPECT_EQ(one->subjects.plasma_cmax_ng_per_ml, other->subjects.plasma_cmax_ng_per_ml);
    EXPECT_EQ(one->subjects.effect_auc_ng_min_per_ml, other->subjects.effect_auc_ng_min_per_ml);
    EXPECT_EQ(one->subjects.plasma_min_above, other->subjects.plasma_min_above);
    EXPECT_EQ(one->plasma_percentiles_ng_per_ml, other->plasma_percentiles_ng_per_ml);
    EXPECT_EQ(one->effect_fraction_above, other->effect_fraction_above);
  }
}

// The vectorized kernel against one Simulate() per subject, on the subjects' own parameters;
// percentiles and fractions against a direct computation from those curves.
void CheckAgainstSimulate(const PopulationRequest& request) {
  auto result = SimulatePopulation(request);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  const IndividualParameters typical = *Individualize(request.model, request.weight_kg);
  const size_t n = static_cast<size_t>(request.subjects);
  std::vector<Curve> curves;
  for (size_t i = 0; i < n; ++i) {
    IndividualParameters p =
        SampleSubject(typical, request.model.variability, request.seed, static_cast<int64_t>(i));
    curves.push_back(*Simulate(Engine::Create(p), request.schedule, request.grid));
    const Curve& c = curves.back();
    const SeriesSummary plasma = Summarize(c.time_min, c.plasma_ng_per_ml);
    const SeriesSummary effect = Summarize(c.time_min, c.effect_ng_per_ml);
    const SubjectSummaries& s = result->subjects;
    EXPECT_NEAR(s.plasma_cmax_ng_per_ml[i], plasma.cmax_ng_per_ml, 1e-10 * plasma.cmax_ng_per_ml);
    EXPECT_EQ(s.plasma_tmax_min[i], plasma.tmax_min);
    EXPECT_NEAR(s.plasma_auc_ng_min_per_ml[i], plasma.auc_ng_min_per_ml,
                1e-10 * plasma.auc_ng_min_per_ml);
    EXPECT_NEAR(s.effect_cmax_ng_per_ml[i], effect.cmax_ng_per_ml, 1e-10 * effect.cmax_ng_per_ml);
    EXPECT_NEAR(s.effect_auc_ng_min_per_ml[i], effect.auc_ng_min_per_ml,
                1e-10 * effect.auc_ng_min_per_ml);
    for (size_t h = 0; h < request.thresholds_ng_per_ml.size(); ++h) {
      EXPECT_NEAR(s.plasma_min_above[h][i],
                  TimeAboveMin(c.time_min, c.plasma_ng_per_ml, request.thresholds_ng_per_ml[h]),
                  1e-6);
    }
  }
  for (size_t t = 0; t < result->time_min.size(); t += 7) {
    std::vector<double> values;
    values.reserve(curves.size());
    for (const Curve& c : curves) values.push_back(c.plasma_ng_per_ml[t]);
    std::sort(values.begin(), values.end());
    for (size_t p = 0; p < request.percentiles.size(); ++p) {
      const double h = static_cast<double>(n - 1) * request.percentiles[p] / 100;
      const size_t lo = static_cast<size_t>(h);
      const double expected = values[lo] + (h - static_cast<double>(lo)) *
                                               (values[std::min(lo + 1, n - 1)] - values[lo]);
      // Profiles are kept as float for the percentiles: 1e-6 relative.
      EXPECT_NEAR(result->plasma_percentiles_ng_per_ml[p][t], expected, 1e-6 * expected + 1e-9);
    }
    for (size_t h = 0; h < request.thresholds_ng_per_ml.size(); ++h) {
      const double above = static_cast<double>(std::count_if(
                               values.begin(), values.end(),
                               [&](double v) { return v > request.thresholds_ng_per_ml[h]; })) /
                           static_cast<double>(n);
      EXPECT_DOUBLE_EQ(result->plasma_fraction_above[h][t], above);
    }
  }
}

TEST(PopulationTest, KernelMatchesOneSimulationPerSubject) {
  CheckAgainstSimulate(HerdRequest(203, 2));
  CheckAgainstSimulate(KampRequest(97));
}

// With ke0 equal to the typical second eigenvalue and no variability but on ke0 (tiny), every
// subject's modal form is ill-conditioned: the fallback must give the same answers.
TEST(PopulationTest, IllConditionedSubjectsFallBackToTheMatrixExponential) {
  PopulationRequest request = KampRequest(20);
  request.model.variability = {};
  request.model.variability.ke0_cv = 1e-7;
  const IndividualParameters typical = *Individualize(request.model, request.weight_kg);
  request.model.ke0_per_min = DispositionEigenvalues(3, typical.Micro())[1];
  auto result = SimulatePopulation(request);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->matrix_exponential_subjects, 20);
  CheckAgainstSimulate(request);
}

// ln(CL_i / CL) ~ N(0, ln(1 + CV²)): the sample mean and SD within 4 standard errors.
TEST(PopulationTest, SampledParametersFollowTheLogNormalModel) {
  const ModelDefinition model = *FindModel("herd");
  const IndividualParameters typical = *Individualize(model, 70);
  constexpr int kN = 40000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kN; ++i) {
    const double eta = std::log(SampleSubject(typical, model.variability, 7, i).cl_l_per_min /
                                typical.cl_l_per_min);
    sum += eta;
    sum_sq += eta * eta;
  }
  const double mean = sum / kN;
  const double sd = std::sqrt(sum_sq / kN - mean * mean);
  const double omega = std::sqrt(std::log(1 + 0.381 * 0.381));
  EXPECT_NEAR(mean, 0, 4 * omega / std::sqrt(kN));
  EXPECT_NEAR(sd, omega, 4 * omega / std::sqrt(2.0 * kN));
}

TEST(PopulationTest, DifferentSeedsGiveDifferentSubjects) {
  PopulationRequest a = HerdRequest(50, 1);
  PopulationRequest b = a;
  b.seed = 43;
  EXPECT_NE(SimulatePopulation(a)->subjects.plasma_cmax_ng_per_ml,
            SimulatePopulation(b)->subjects.plasma_cmax_ng_per_ml);
}

TEST(PopulationTest, RejectsBadRequestsNamingEveryField) {
  PopulationRequest request = KampRequest(0);
  request.model.variability = {};
  request.threads = 0;
  request.weight_kg = std::nan("");
  request.percentiles = {150};
  request.thresholds_ng_per_ml = {-5};
  auto result = SimulatePopulation(request);
  ASSERT_FALSE(result.has_value());
  std::vector<std::string> fields;
  for (const FieldProblem& p : result.error().problems()) fields.push_back(p.field);
  for (const std::string expected :
       {"model", "subjects", "threads", "weight_kg", "percentiles[0]", "thresholds_ng_per_ml[0]"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), expected), fields.end()) << expected;
  }
}

TEST(PopulationTest, RefusesPercentileProfilesThatWouldNotFitInMemory) {
  PopulationRequest request = KampRequest(1'000'000);
  request.grid = {1440, 1};
  auto result = SimulatePopulation(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().problems()[0].field, "subjects");
}

}  // namespace
}  // namespace ketaclinic::pk
