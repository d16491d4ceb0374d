// Dose calculation against hand-worked values (the arithmetic is in each comment) and the
// published rules of clinical.md §1.8; properties for any input.

#include "clinical/dosing.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

DoseRequest Standard() {
  DoseRequest r;
  r.sex = Sex::kMale;
  r.weight_kg = 70;
  r.height_cm = 175;
  r.mg_per_kg = 0.5;
  r.vial_mg_per_ml = 10;
  return r;
}

bool Has(const DosePlan& plan, const std::string& rule, Severity severity) {
  return std::any_of(plan.findings.begin(), plan.findings.end(),
                     [&](const Finding& f) { return f.rule_id == rule && f.severity == severity; });
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

// 0.5 mg/kg × 70 kg = 35 mg; 35 mg / 10 mg/mL = 3.5 mL into 100 mL = 103.5 mL over 40 min
// = 155.25 mL/h; 35 / 40 = 0.875 mg/min.
TEST(DosingTest, StandardRegimen) {
  auto plan = PlanDose(Standard(), DoseProtocol{});
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  EXPECT_EQ(plan->dose_mg, 35);
  EXPECT_EQ(plan->weight_basis, WeightBasis::kActual);
  EXPECT_EQ(plan->basis_weight_kg, 70);
  EXPECT_DOUBLE_EQ(plan->draw_ml, 3.5);
  EXPECT_DOUBLE_EQ(plan->total_volume_ml, 103.5);
  EXPECT_DOUBLE_EQ(plan->rate_ml_per_h, 155.25);
  EXPECT_DOUBLE_EQ(plan->rate_mg_per_min, 0.875);
  EXPECT_FALSE(plan->blocked);
  EXPECT_FALSE(Has(*plan, "dose.soft-limit", Severity::kWarning));
  EXPECT_TRUE(Has(*plan, "dose.double-check", Severity::kInfo));
}

// Devine: 175 cm = 68.898 in; male 50 + 2.3 × 8.898 = 70.465 kg; female 45.5 + 20.465 = 65.965.
TEST(DosingTest, DevineIdealWeight) {
  EXPECT_NEAR(DevineIdealWeightKg(Sex::kMale, 175), 70.465, 1e-3);
  EXPECT_NEAR(DevineIdealWeightKg(Sex::kFemale, 175), 65.965, 1e-3);
  EXPECT_NEAR(DevineIdealWeightKg(Sex::kMale, 152.4), 50.0, 1e-9);  // exactly 60 in
}

// 120 kg, 165 cm female: 165 / 2.54 = 64.9606 in; IBW = 45.5 + 2.3 × 4.9606 = 56.9094 kg;
// AdjBW = 56.9094 + 0.4 × (120 − 56.9094) = 82.1457 kg; 0.5 mg/kg → 41.07 → 41.0 mg.
TEST(DosingTest, AdjustedWeightBasisRoundsToHalfMilligrams) {
  DoseRequest r = Standard();
  r.sex = Sex::kFemale;
  r.weight_kg = 120;
  r.height_cm = 165;
  r.weight_basis = WeightBasis::kAdjusted;
  auto plan = PlanDose(r, DoseProtocol{});
  ASSERT_TRUE(plan.has_value());
  EXPECT_NEAR(plan->ideal_weight_kg, 56.9094, 1e-4);
  EXPECT_NEAR(plan->adjusted_weight_kg, 82.1457, 1e-4);
  EXPECT_EQ(plan->dose_mg, 41.0);
}

// BMI 120 / 1.65² = 44.08 ≥ 30: with the protocol's BMI rule, IBW 56.9094 → 28.45 → 28.5 mg.
TEST(DosingTest, BmiRuleSwitchesToIdealWeight) {
  DoseRequest r = Standard();
  r.sex = Sex::kFemale;
  r.weight_kg = 120;
  r.height_cm = 165;
  DoseProtocol protocol;
  protocol.ideal_weight_if_bmi_at_least = 30;
  auto plan = PlanDose(r, protocol);
  ASSERT_TRUE(plan.has_value());
  EXPECT_NEAR(plan->bmi_kg_per_m2, 44.077, 1e-3);
  EXPECT_EQ(plan->weight_basis, WeightBasis::kIdeal);
  EXPECT_EQ(plan->dose_mg, 28.5);
  EXPECT_TRUE(Has(*plan, "dose.weight-basis.bmi", Severity::kInfo));
  // Below the threshold (70 kg, 175 cm: BMI 22.9) the basis stays actual.
  EXPECT_EQ(PlanDose(Standard(), protocol)->weight_basis, WeightBasis::kActual);
}

TEST(DosingTest, NeverDosesOnAWeightHeavierThanThePatient) {
  DoseRequest r = Standard();
  r.weight_kg = 50;  // IBW at 175 cm male is 70.5 kg
  r.weight_basis = WeightBasis::kIdeal;
  auto plan = PlanDose(r, DoseProtocol{});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->basis_weight_kg, 50);
  EXPECT_EQ(plan->dose_mg, 25);
  EXPECT_TRUE(Has(*plan, "dose.weight-basis.lighter-than-ideal", Severity::kInfo));
}

// Soft range 0.1-0.75 mg/kg: 0.75 is inside, 0.8 is a warning, overridable with a reason.
TEST(DosingTest, SoftLimitWarnsAndAPhysicianCanOverrideIt) {
  DoseRequest r = Standard();
  r.mg_per_kg = 0.75;  // 52.5 mg
  EXPECT_FALSE(Has(*PlanDose(r, DoseProtocol{}), "dose.soft-limit", Severity::kWarning));
  r.mg_per_kg = 0.8;  // 56 mg = 0.8 mg/kg
  auto plan = PlanDose(r, DoseProtocol{});
  EXPECT_TRUE(Has(*plan, "dose.soft-limit", Severity::kWarning));
  EXPECT_FALSE(plan->blocked);
  r.soft_limit_override = SoftLimitOverride{"dr-lee", "non-responder after 3 infusions"};
  plan = PlanDose(r, DoseProtocol{});
  EXPECT_FALSE(Has(*plan, "dose.soft-limit", Severity::kWarning));
  EXPECT_TRUE(Has(*plan, "dose.soft-limit.overridden", Severity::kInfo));
  r.mg_per_kg = 0.05;  // below the soft minimum
  r.soft_limit_override.reset();
  EXPECT_TRUE(Has(*PlanDose(r, DoseProtocol{}), "dose.soft-limit", Severity::kWarning));
}

// Hard maximum 1.0 mg/kg: 1.0 passes (with a soft warning), 1.01 is blocked even with an
// override. Rounding cannot sneak past it: 1.003 mg/kg × 70 kg = 70.21 → 70.0 mg = 1.0 mg/kg.
TEST(DosingTest, HardMaximumBlocksAndCannotBeOverridden) {
  DoseRequest r = Standard();
  r.mg_per_kg = 1.0;
  EXPECT_FALSE(PlanDose(r, DoseProtocol{})->blocked);
  r.mg_per_kg = 1.003;
  EXPECT_FALSE(PlanDose(r, DoseProtocol{})->blocked);
  r.mg_per_kg = 1.0;
  // At the maximum, rounding goes down rather than over it: 1.0 × 70.3 kg = 70.3 → 70.5 would be
  // 1.003 mg/kg, so 70.0 mg.
  r.weight_kg = 70.3;
  auto at_max = PlanDose(r, DoseProtocol{});
  EXPECT_EQ(at_max->dose_mg, 70.0);
  EXPECT_FALSE(at_max->blocked);
  r.weight_kg = 70;
  r.mg_per_kg = 1.01;  // 70.7 → 70.5 mg = 1.007 mg/kg
  r.soft_limit_override = SoftLimitOverride{"dr-lee", "wants more"};
  auto plan = PlanDose(r, DoseProtocol{});
  EXPECT_TRUE(plan->blocked);
  EXPECT_TRUE(Has(*plan, "dose.hard-max", Severity::kBlock));
}

TEST(DosingTest, UnitSlipsAreErrorsNamingTheField) {
  DoseRequest r = Standard();
  r.weight_kg = 154;  // fine: a heavy patient
  EXPECT_TRUE(PlanDose(r, DoseProtocol{}).has_value());
  r.weight_kg = 700;   // lb? no patient weighs 700 kg
  r.height_cm = 1.75;  // metres typed as cm
  r.mg_per_kg = 500;   // mcg/kg typed as mg/kg
  r.vial_mg_per_ml = 25;
  r.duration_min = 10;
  auto plan = PlanDose(r, DoseProtocol{});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(Fields(plan.error()), (std::vector<std::string>{"weight_kg", "height_cm", "mg_per_kg",
                                                            "duration_min", "vial_mg_per_ml"}));
}

TEST(DosingTest, OverrideNeedsAPhysicianAndAReason) {
  DoseRequest r = Standard();
  r.soft_limit_override = SoftLimitOverride{"", "x"};
  auto plan = PlanDose(r, DoseProtocol{});
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(Fields(plan.error()),
            (std::vector<std::string>{"override.physician", "override.reason"}));
}

TEST(DosingTest, UndilutedHundredMgPerMlIsBlocked) {
  DoseRequest r = Standard();
  r.vial_mg_per_ml = 100;
  r.bag_ml = 0;
  EXPECT_TRUE(PlanDose(r, DoseProtocol{})->blocked);
}

TEST(DoseProtocolTest, DefaultsAreValidAndInconsistenciesAreNamed) {
  EXPECT_TRUE(ValidateDoseProtocol(DoseProtocol{}).has_value());
  DoseProtocol p;
  p.soft_max_mg_per_kg = 1.2;
  p.hard_max_mg_per_kg = 1.5;
  p.escalation_steps_mg_per_kg = {0.5, 0.4};
  p.default_duration_min = 20;
  auto status = ValidateDoseProtocol(p);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{"hard_max_mg_per_kg", "default_duration_min",
                                      "escalation_steps_mg_per_kg[1]"}));
}

// For ANY input: no plan carries a dose above the hard maximum unless it is blocked.
RC_GTEST_PROP(DosingProperties, NoDoseAboveTheHardMaximumWithoutABlock, ()) {
  DoseRequest r;
  r.sex = *rc::gen::element(Sex::kFemale, Sex::kMale);
  r.weight_kg = *rc::gen::inRange(10, 5000) / 10.0;
  r.height_cm = *rc::gen::inRange(900, 2600) / 10.0;
  r.mg_per_kg = *rc::gen::inRange(0, 6000) / 1000.0;
  r.weight_basis =
      *rc::gen::element(WeightBasis::kActual, WeightBasis::kIdeal, WeightBasis::kAdjusted);
  if (*rc::gen::arbitrary<bool>()) r.soft_limit_override = SoftLimitOverride{"dr", "reason"};
  DoseProtocol protocol;
  protocol.hard_max_mg_per_kg = *rc::gen::inRange(800, 1001) / 1000.0;
  protocol.soft_max_mg_per_kg = std::min(protocol.soft_max_mg_per_kg, protocol.hard_max_mg_per_kg);
  auto plan = PlanDose(r, protocol);
  if (!plan) return;  // refused input writes nothing and returns no dose
  RC_ASSERT(plan->dose_mg >= 0);
  if (plan->dose_mg > protocol.hard_max_mg_per_kg * plan->basis_weight_kg + 1e-9) {
    RC_ASSERT(plan->blocked);
  }
  RC_ASSERT(plan->basis_weight_kg <= r.weight_kg);
}

}  // namespace
}  // namespace ketaclinic::clinical
