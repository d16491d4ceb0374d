#include "pk/registry.h"

#include <cmath>

#include <gtest/gtest.h>

#include "pk/effect_site.h"
#include "pk/engine.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

TEST(RegistryTest, ListsTheFivePublishedModelsInOrder) {
  std::vector<std::string> names;
  for (const ModelDefinition& m : BuiltInModels()) {
    names.push_back(m.name);
    EXPECT_TRUE(ValidateModel(m).has_value()) << m.name;
    EXPECT_FALSE(m.citation.empty()) << m.name;
    EXPECT_FALSE(m.ke0_provenance.empty()) << m.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"domino", "clements", "hijazi", "kamp", "herd"}));
}

// stanpumpR tests/testthat/test-drugs-ketamine.R: the Domino set converted at 70 kg
// (reference/pk.md §1.1 notes).
TEST(RegistryTest, DominoMatchesTheStanpumpRConversionAt70Kg) {
  const IndividualParameters p = *Individualize(*FindModel("domino"), 70);
  EXPECT_NEAR(p.v1_l, 4.41, 1e-9);
  EXPECT_NEAR(p.v2_l, 10.56972, 1e-5);
  EXPECT_NEAR(p.v3_l, 178.2123, 1e-4);
  EXPECT_NEAR(p.cl_l_per_min, 1.93158, 1e-5);
  EXPECT_NEAR(p.q2_l_per_min, 2.61072, 1e-5);
  EXPECT_NEAR(p.q3_l_per_min, 2.6019, 1e-4);
}

// reference/pk.md: stanpumpR's assumed time to peak of 3 min gives ke0 = 0.0857 /min [C], and
// opentiva's 1 min gives 0.652 /min (opentiva Domino class; reproduced as 0.6524).
TEST(RegistryTest, DominoKe0ComesFromTheAssumedTimeToPeak) {
  const ModelDefinition domino = *FindModel("domino");
  EXPECT_NEAR(domino.ke0_per_min, 0.0857, 0.0005);
  IndividualParameters p = *Individualize(domino, 70);
  EXPECT_NEAR(*Ke0FromTimeToPeak(p, 1.0), 0.6524, 0.0005);
  EXPECT_NEAR(*TimeToPeakEffectMin(p), 3.0, 1e-6);
}

// Herd 2007: V1 38.7, V2 102 L/70 kg, CL 90, Q 215 L/h/70 kg; CL and Q scale with (W/70)^0.75.
TEST(RegistryTest, HerdScalesClearanceAllometrically) {
  const IndividualParameters p = *Individualize(*FindModel("herd"), 20);
  EXPECT_NEAR(p.v1_l, 38.7 * 20 / 70, 1e-12);
  EXPECT_NEAR(p.cl_l_per_min, 1.5 * std::pow(20.0 / 70, 0.75), 1e-12);
  EXPECT_NEAR(p.q2_l_per_min, 215.0 / 60 * std::pow(20.0 / 70, 0.75), 1e-12);
  EXPECT_TRUE(FindModel("herd")->paediatric);
}

// Hijazi 2003 reports CL 36.0 mL/min/kg and a terminal half-life of 4.9 h; opentiva's set
// reproduces 36.0 and 4.95 h (reference/pk.md §1.1).
TEST(RegistryTest, HijaziReproducesThePublishedClearanceAndHalfLife) {
  const IndividualParameters p = *Individualize(*FindModel("hijazi"), 70);
  EXPECT_NEAR(p.cl_l_per_min * 1000 / 70, 36.0, 0.1);
  const double terminal = DispositionEigenvalues(2, p.Micro())[1];
  EXPECT_NEAR(std::log(2) / terminal / 60, 4.95, 0.05);
}

TEST(RegistryTest, UnknownModelListsTheKnownOnes) {
  auto model = FindModel("propofol");
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error().code(), ErrorCode::kNotFound);
  ASSERT_EQ(model.error().problems().size(), 1u);
  EXPECT_EQ(model.error().problems()[0].field, "model");
  EXPECT_NE(model.error().problems()[0].reason.find("domino"), std::string::npos);
}

// reference/pk.md §2: plasma ketamine at the end of 0.5 mg/kg over 40 min is 185 ng/mL in TRD
// patients (Zarate 2006, via Zanos 2018 Table 1; venous samples). For a 70-kg patient the four
// adult models predict 177 (Clements), 225 (Hijazi), 240 (Domino) and 253 ng/mL (Kamp): the
// observation lies inside the spread of the models, at its low end, and no model is more than
// 40 % away. Kamp 2020 notes that arterial models (which Kamp's is) predict higher values than
// venous sampling during an infusion, as seen here. The figures are printed for the docs.
TEST(RegistryTest, StandardRegimenAt40MinutesAgainstThePublishedObservation) {
  constexpr double kObserved = 185;
  double low = 1e9, high = 0;
  for (const std::string name : {"domino", "clements", "hijazi", "kamp"}) {
    const IndividualParameters p = *Individualize(*FindModel(name), 70);
    auto curve = Simulate(Engine::Create(p), ConstantInfusion(35, 40), {40, 40});
    const double at40 = curve->plasma_ng_per_ml.back();
    low = std::min(low, at40);
    high = std::max(high, at40);
    std::printf("%-9s Cp(40 min) = %6.1f ng/mL (%+.0f %% vs 185)\n", name.c_str(), at40,
                100 * (at40 / kObserved - 1));
    EXPECT_NEAR(at40, kObserved, 0.40 * kObserved) << name;
  }
  EXPECT_LE(low, kObserved);
  EXPECT_GE(high, kObserved);
}

}  // namespace
}  // namespace ketaclinic::pk
