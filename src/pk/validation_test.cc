// Bad input gets an error naming the field and the reason, never a crash or a silent guess.

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "pk/engine.h"
#include "pk/registry.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

TEST(ValidationTest, WeightMustBeAFinitePlausibleNumber) {
  const ModelDefinition model = *FindModel("kamp");
  for (double weight :
       {std::nan(""), -70.0, 0.0, 0.1, 1000.0, std::numeric_limits<double>::infinity()}) {
    auto p = Individualize(model, weight);
    ASSERT_FALSE(p.has_value()) << weight;
    EXPECT_EQ(Fields(p.error()), std::vector<std::string>{"weight_kg"}) << weight;
  }
  EXPECT_TRUE(Individualize(model, 70).has_value());
}

TEST(ValidationTest, EveryBadScheduleFieldIsReportedAtOnce) {
  Schedule s;
  s.boluses.push_back({-1, 10});
  s.boluses.push_back({5, std::nan("")});
  s.boluses.push_back({5, 50000});  // mcg typed as mg?
  s.infusions.push_back({0, 0, 1});
  s.infusions.push_back({0, 40, -0.5});
  auto status = ValidateSchedule(s);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(
      Fields(status.error()),
      (std::vector<std::string>{"boluses[0].at_min", "boluses[1].dose_mg", "boluses[2].dose_mg",
                                "infusions[0].duration_min", "infusions[1].rate_mg_per_min"}));
}

TEST(ValidationTest, SimulateRejectsABadGrid) {
  const Engine engine = Engine::Create(*Individualize(*FindModel("kamp"), 70));
  auto curve = Simulate(engine, ConstantInfusion(35, 40), {-5, 0});
  ASSERT_FALSE(curve.has_value());
  EXPECT_EQ(Fields(curve.error()), (std::vector<std::string>{"until_min", "step_min"}));
  auto too_fine = Simulate(engine, ConstantInfusion(35, 40), {20000, 1e-6});
  ASSERT_FALSE(too_fine.has_value());
  EXPECT_EQ(Fields(too_fine.error()), std::vector<std::string>{"step_min"});
}

TEST(ValidationTest, ModelValidationNamesEveryBadParameter) {
  ModelDefinition m = *FindModel("kamp");
  m.v2_l = -1;
  m.cl_l_per_min = std::nan("");
  m.ke0_per_min = 0;
  m.variability.cl_cv = -0.1;
  m.compartments = 3;
  auto status = ValidateModel(m);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{"cl_l_per_min", "v2_l", "ke0_per_min", "variability.cl_cv"}));
  m = *FindModel("kamp");
  m.compartments = 4;
  EXPECT_EQ(Fields(ValidateModel(m).error()), std::vector<std::string>{"compartments"});
}

}  // namespace
}  // namespace ketaclinic::pk
