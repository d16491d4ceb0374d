// The pre-infusion gates (clinical.md §1.4 PRE-01..09, §1.9 interval) at, just below and just
// above each default threshold of PreInfusionProtocol; expected verdicts are read off the rules.

#include "clinical/pre_infusion.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + hours(10);

VitalSigns Reading(Instant at, double sbp, double dbp, double hr, double spo2 = 98) {
  VitalSigns r;
  r.time = at;
  r.systolic_mmhg = sbp;
  r.diastolic_mmhg = dbp;
  r.heart_rate_bpm = hr;
  r.spo2_percent = spo2;
  return r;
}

// A patient who passes every gate at kNow.
PreInfusionInput Clear() {
  PreInfusionInput in;
  in.identity_verified = true;
  in.consent_on_file = true;
  in.escort_confirmed = true;
  in.last_solid_food_at = kNow - hours(6);
  in.last_clear_liquid_at = kNow - hours(1);
  in.weight_kg = 72;
  in.weight_measured_at = kNow - minutes(30);
  in.height_cm = 170;
  in.baseline_vitals = {Reading(kNow - minutes(10), 128, 82, 76)};
  in.can_become_pregnant = false;
  in.cssrs = CssrsScreen{kNow - minutes(40), CssrsRisk::kNone};
  in.depression_scale_at = kNow - minutes(40);
  in.drug_screen = LabTest{kNow - hours(24 * 20), TestResult::kNegative};
  in.last_infusion_start = kNow - hours(48);
  return in;
}

using Rules = std::set<std::pair<std::string, Severity>>;

Rules RulesOf(const PreInfusionVerdict& verdict) {
  Rules rules;
  for (const Finding& f : verdict.findings) rules.emplace(f.rule_id, f.severity);
  return rules;
}

PreInfusionVerdict Evaluate(const PreInfusionInput& in, const PreInfusionProtocol& p = {}) {
  auto verdict = EvaluatePreInfusion(in, p, kNow);
  EXPECT_TRUE(verdict.has_value()) << verdict.error().ToString();
  return verdict.value_or(PreInfusionVerdict{});
}

std::set<std::string> Fields(const PreInfusionInput& in) {
  std::set<std::string> fields;
  auto status = ValidatePreInfusionInput(in, kNow);
  if (status) return fields;
  for (const FieldProblem& p : status.error().problems()) fields.insert(p.field);
  return fields;
}

TEST(PreInfusionTest, AllGatesPassedClears) {
  const PreInfusionVerdict v = Evaluate(Clear());
  EXPECT_TRUE(v.cleared);
  EXPECT_TRUE(v.findings.empty());
  EXPECT_EQ(v.protocol_version, "default-2026-11");
  EXPECT_FALSE(v.needs_repeat_vitals_at);
  EXPECT_TRUE(v.awaiting_override.empty());
}

TEST(PreInfusionTest, EmptyInputBlocksOnEveryRequiredGate) {
  const PreInfusionVerdict v = Evaluate(PreInfusionInput{});
  EXPECT_FALSE(v.cleared);
  const Rules expected = {
      {"pre.identity", Severity::kBlock},    {"pre.consent", Severity::kBlock},
      {"pre.escort", Severity::kBlock},      {"pre.npo", Severity::kBlock},
      {"pre.weight", Severity::kBlock},      {"pre.height", Severity::kBlock},
      {"pre.baseline-bp", Severity::kBlock}, {"pre.baseline-hr", Severity::kBlock},
      {"pre.spo2", Severity::kBlock},        {"pre.suicide-screen", Severity::kBlock},
      {"pre.scales", Severity::kBlock},      {"pre.drug-screen", Severity::kBlock}};
  EXPECT_EQ(RulesOf(v), expected);
  for (const Finding& f : v.findings) EXPECT_FALSE(f.source.empty()) << f.rule_id;
}

TEST(PreInfusionTest, EscortIdentityConsentEachBlock) {
  PreInfusionInput in = Clear();
  in.escort_confirmed = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.escort", Severity::kBlock}}));
  in = Clear();
  in.consent_on_file = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.consent", Severity::kBlock}}));
  in = Clear();
  in.identity_verified = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.identity", Severity::kBlock}}));
}

// NPO 120 min solids, 30 min clear liquids (Spravato [S]); exactly the minimum is enough.
TEST(PreInfusionTest, NpoAtAndAroundTheMinimum) {
  PreInfusionInput in = Clear();
  in.last_solid_food_at = kNow - minutes(120);
  in.last_clear_liquid_at = kNow - minutes(30);
  EXPECT_TRUE(Evaluate(in).cleared);
  in.last_solid_food_at = kNow - minutes(119);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.npo", Severity::kBlock}}));
  in.last_solid_food_at = kNow - minutes(120);
  in.last_clear_liquid_at = kNow - minutes(29);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.npo", Severity::kBlock}}));
  in.last_clear_liquid_at.reset();
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.npo", Severity::kBlock}}));
}

TEST(PreInfusionTest, StricterSiteNpoOfSixHours) {
  PreInfusionProtocol p;
  p.npo_solids_min = 360;  // IV clinics 4-6 h [S-low]
  PreInfusionInput in = Clear();
  in.last_solid_food_at = kNow - minutes(300);
  EXPECT_EQ(RulesOf(Evaluate(in, p)), (Rules{{"pre.npo", Severity::kBlock}}));
}

// Weight within 12 h; height on file.
TEST(PreInfusionTest, WeightMustBeToday) {
  PreInfusionInput in = Clear();
  in.weight_measured_at = kNow - hours(12);
  EXPECT_TRUE(Evaluate(in).cleared);
  in.weight_measured_at = kNow - hours(12) - seconds(60);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.weight", Severity::kBlock}}));
  in = Clear();
  in.height_cm.reset();
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.height", Severity::kBlock}}));
}

// PRE-03: warn above 140/90 (either number), not at it.
TEST(PreInfusionTest, BaselineBpWarnBoundary) {
  PreInfusionInput in = Clear();
  in.baseline_vitals = {Reading(kNow - minutes(5), 140, 90, 76)};
  EXPECT_TRUE(Evaluate(in).cleared);
  in.baseline_vitals = {Reading(kNow - minutes(5), 141, 80, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kWarning}}));
  EXPECT_TRUE(v.cleared);  // "consider delaying": a clinician decides
  in.baseline_vitals = {Reading(kNow - minutes(5), 130, 91, 76)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-bp", Severity::kWarning}}));
}

// 179/109 is only a warning; 180/110 (either number) once asks for a repeat 5 min later.
TEST(PreInfusionTest, FirstHighBpAsksForARepeat) {
  PreInfusionInput in = Clear();
  in.baseline_vitals = {Reading(kNow - minutes(2), 179, 109, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kWarning}}));
  EXPECT_TRUE(v.cleared);
  EXPECT_FALSE(v.needs_repeat_vitals_at);

  for (auto [sbp, dbp] : {std::pair{180.0, 100.0}, std::pair{150.0, 110.0}}) {
    in.baseline_vitals = {Reading(kNow - minutes(2), sbp, dbp, 76)};
    v = Evaluate(in);
    EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kWarning}})) << sbp << "/" << dbp;
    EXPECT_FALSE(v.cleared);
    EXPECT_EQ(v.needs_repeat_vitals_at, kNow + minutes(3));
  }
}

TEST(PreInfusionTest, HighRepeatAfterFiveMinutesBlocks) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(6);
  in.baseline_vitals = {Reading(first, 185, 100, 76), Reading(first + minutes(5), 182, 96, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kBlock}}));
  EXPECT_FALSE(v.cleared);
  EXPECT_FALSE(v.needs_repeat_vitals_at);
}

TEST(PreInfusionTest, HighRepeatAfterFourMinutesDoesNotYetConfirm) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(4);
  in.baseline_vitals = {Reading(first, 185, 100, 76), Reading(first + minutes(4), 182, 96, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kWarning}}));
  EXPECT_FALSE(v.cleared);
  EXPECT_EQ(v.needs_repeat_vitals_at, first + minutes(5));
}

TEST(PreInfusionTest, NormalRepeatClearsButKeepsTheWarningAbove140Over90) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(7);
  in.baseline_vitals = {Reading(first, 186, 104, 76), Reading(first + minutes(5), 138, 86, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_TRUE(v.cleared);
  EXPECT_TRUE(v.findings.empty());
  in.baseline_vitals[1] = Reading(first + minutes(5), 152, 94, 76);
  v = Evaluate(in);
  EXPECT_TRUE(v.cleared);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-bp", Severity::kWarning}}));
}

TEST(PreInfusionTest, NormalReadingTooSoonDoesNotClear) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(3);
  in.baseline_vitals = {Reading(first, 186, 104, 76), Reading(first + minutes(3), 130, 80, 76)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_FALSE(v.cleared);
  EXPECT_EQ(v.needs_repeat_vitals_at, first + minutes(5));
}

TEST(PreInfusionTest, ConfirmedHighBpStaysAHardStopForTheVisit) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(30);
  in.baseline_vitals = {Reading(first, 190, 112, 76), Reading(first + minutes(5), 184, 108, 76),
                        Reading(first + minutes(25), 132, 84, 76)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-bp", Severity::kBlock}}));
}

TEST(PreInfusionTest, ReadingsOrderDoesNotMatter) {
  PreInfusionInput in = Clear();
  const Instant first = kNow - minutes(6);
  in.baseline_vitals = {Reading(first + minutes(5), 182, 96, 76), Reading(first, 185, 100, 76)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-bp", Severity::kBlock}}));
}

TEST(PreInfusionTest, OldBaselineReadingsDoNotCount) {
  PreInfusionInput in = Clear();
  in.baseline_vitals = {Reading(kNow - minutes(60), 128, 82, 76)};
  EXPECT_TRUE(Evaluate(in).cleared);
  in.baseline_vitals = {Reading(kNow - minutes(61), 128, 82, 76)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-bp", Severity::kBlock},
                                          {"pre.baseline-hr", Severity::kBlock},
                                          {"pre.spo2", Severity::kBlock}}));
}

// PRE-04: warn above 100, block above 120 when sustained on a repeat.
TEST(PreInfusionTest, HeartRateBoundaries) {
  PreInfusionInput in = Clear();
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 100)};
  EXPECT_TRUE(Evaluate(in).findings.empty());
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 101)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-hr", Severity::kWarning}}));
  EXPECT_TRUE(Evaluate(in).cleared);
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 120)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-hr", Severity::kWarning}}));
  EXPECT_TRUE(Evaluate(in).cleared);
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 121)};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.baseline-hr", Severity::kWarning}}));
  EXPECT_FALSE(v.cleared);
  EXPECT_EQ(v.needs_repeat_vitals_at, kNow + minutes(4));
  in.baseline_vitals.push_back(Reading(kNow, 128, 82, 124));
  in.baseline_vitals[0].time = kNow - minutes(5);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.baseline-hr", Severity::kBlock}}));
}

// PRE-05: SpO2 below 92 % on room air blocks; a reading on oxygen does not count.
TEST(PreInfusionTest, Spo2Boundary) {
  PreInfusionInput in = Clear();
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 76, 92)};
  EXPECT_TRUE(Evaluate(in).cleared);
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 76, 91)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.spo2", Severity::kBlock}}));
  in.baseline_vitals = {Reading(kNow - minutes(1), 128, 82, 76, 97)};
  in.baseline_vitals[0].on_room_air = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.spo2", Severity::kBlock}}));
}

TEST(PreInfusionTest, PregnancyTestForPatientsWhoCanBecomePregnant) {
  PreInfusionInput in = Clear();
  in.can_become_pregnant = true;
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.pregnancy-test", Severity::kBlock}}));
  in.pregnancy_test = LabTest{kNow - hours(72), TestResult::kNegative};
  EXPECT_TRUE(Evaluate(in).cleared);
  in.pregnancy_test->at = kNow - hours(73);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.pregnancy-test", Severity::kBlock}}));
  in.pregnancy_test = LabTest{kNow - hours(1), TestResult::kPositive};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.pregnancy-test", Severity::kBlock}}));
  PreInfusionProtocol none;
  none.pregnancy_test = TestPolicy::kNone;
  in.pregnancy_test.reset();
  EXPECT_TRUE(Evaluate(in, none).cleared);
  // A positive result blocks whatever the policy.
  in.pregnancy_test = LabTest{kNow - hours(1), TestResult::kPositive};
  EXPECT_EQ(RulesOf(Evaluate(in, none)), (Rules{{"pre.pregnancy-test", Severity::kBlock}}));
}

TEST(PreInfusionTest, SuicideScreenAndDepressionScale) {
  PreInfusionInput in = Clear();
  in.cssrs = CssrsScreen{kNow - hours(24), CssrsRisk::kLow};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.suicide-screen", Severity::kWarning}}));
  in.cssrs = CssrsScreen{kNow - hours(1), CssrsRisk::kModerate};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.suicide-screen", Severity::kWarning}}));
  in.cssrs = CssrsScreen{kNow - hours(1), CssrsRisk::kHigh};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.suicide-screen", Severity::kBlock}}));
  PreInfusionProtocol strict;
  strict.cssrs_block_risk = CssrsRisk::kModerate;
  in.cssrs = CssrsScreen{kNow - hours(1), CssrsRisk::kModerate};
  EXPECT_EQ(RulesOf(Evaluate(in, strict)), (Rules{{"pre.suicide-screen", Severity::kBlock}}));
  in.cssrs = CssrsScreen{kNow - hours(24) - seconds(1), CssrsRisk::kNone};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.suicide-screen", Severity::kBlock}}));

  in = Clear();
  in.depression_scale_at = kNow - hours(72);
  EXPECT_TRUE(Evaluate(in).cleared);
  in.depression_scale_at = kNow - hours(73);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.scales", Severity::kBlock}}));
}

TEST(PreInfusionTest, ConcomitantMedicationsWarnInOneFinding) {
  PreInfusionInput in = Clear();
  in.medications = {{"sertraline", DrugClass::kOther, 100},
                    {"lamotrigine", DrugClass::kLamotrigine, 150}};
  EXPECT_TRUE(Evaluate(in).findings.empty());
  in.medications.push_back({"lorazepam", DrugClass::kBenzodiazepine, 1});
  in.medications.push_back({"lamotrigine XR", DrugClass::kLamotrigine, 200});
  in.medications.push_back({"phenelzine", DrugClass::kMaoi, std::nullopt});
  const PreInfusionVerdict v = Evaluate(in);
  EXPECT_TRUE(v.cleared);  // a warning for review, not a stop (PRE-08)
  ASSERT_EQ(v.findings.size(), 1U);
  EXPECT_EQ(v.findings[0].rule_id, "pre.concomitant-meds");
  EXPECT_EQ(v.findings[0].severity, Severity::kWarning);
  EXPECT_NE(v.findings[0].message.find("lorazepam"), std::string::npos);
  EXPECT_NE(v.findings[0].message.find("lamotrigine XR"), std::string::npos);
  EXPECT_NE(v.findings[0].message.find("phenelzine"), std::string::npos);
  EXPECT_EQ(v.findings[0].message.find("sertraline"), std::string::npos);
  in.medications = {{"lamotrigine", DrugClass::kLamotrigine, std::nullopt}};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.concomitant-meds", Severity::kWarning}}));
  in.medications = {{"oxycodone", DrugClass::kOpioid, 10},
                    {"methylphenidate", DrugClass::kStimulant, 20},
                    {"zolpidem", DrugClass::kNonBenzodiazepineHypnotic, 10}};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.concomitant-meds", Severity::kWarning}}));
  PreInfusionProtocol no_opioids;
  no_opioids.medication_warn_classes = {DrugClass::kBenzodiazepine};
  EXPECT_TRUE(Evaluate(in, no_opioids).findings.empty());
}

TEST(PreInfusionTest, DrugScreen) {
  PreInfusionInput in = Clear();
  in.drug_screen = LabTest{kNow - hours(24 * 90), TestResult::kNegative};
  EXPECT_TRUE(Evaluate(in).cleared);
  in.drug_screen = LabTest{kNow - hours(24 * 90) - seconds(1), TestResult::kNegative};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.drug-screen", Severity::kBlock}}));
  in.drug_screen = LabTest{kNow - hours(24), TestResult::kPositive};
  const PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.drug-screen", Severity::kWarning}}));
  EXPECT_TRUE(v.cleared);
  PreInfusionProtocol none;
  none.drug_screen = TestPolicy::kNone;
  in.drug_screen.reset();
  EXPECT_TRUE(Evaluate(in, none).cleared);
}

// §1.9: hard minimum 20 h (never overridable), soft minimum 44 h (a physician may override).
TEST(PreInfusionTest, IntervalBoundaries) {
  PreInfusionInput in = Clear();
  in.last_infusion_start = kNow - minutes(19 * 60 + 54);  // 19.9 h
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.interval", Severity::kBlock}}));
  EXPECT_TRUE(v.awaiting_override.empty());

  in.last_infusion_start = kNow - hours(20);
  v = Evaluate(in);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.interval", Severity::kWarning}}));
  EXPECT_FALSE(v.cleared);
  EXPECT_EQ(v.awaiting_override, std::vector<std::string>{"pre.interval"});

  in.last_infusion_start = kNow - hours(43);
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{{"pre.interval", Severity::kWarning}}));
  in.last_infusion_start = kNow - hours(44);
  EXPECT_TRUE(Evaluate(in).cleared);
  in.last_infusion_start.reset();  // a first infusion
  EXPECT_TRUE(Evaluate(in).cleared);
}

TEST(PreInfusionTest, PhysicianOverridesTheSoftIntervalNeverTheHardOne) {
  PreInfusionInput in = Clear();
  in.last_infusion_start = kNow - hours(30);
  in.interval_override =
      GateOverride{{"dr.byrne", Role::kPhysician}, "travels abroad on Friday; agreed plan"};
  PreInfusionVerdict v = Evaluate(in);
  EXPECT_TRUE(v.cleared);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.interval.overridden", Severity::kInfo}}));
  EXPECT_NE(v.findings[0].message.find("dr.byrne"), std::string::npos);
  EXPECT_NE(v.findings[0].message.find("travels abroad"), std::string::npos);

  in.last_infusion_start = kNow - hours(19);
  v = Evaluate(in);
  EXPECT_FALSE(v.cleared);
  EXPECT_EQ(RulesOf(v), (Rules{{"pre.interval", Severity::kBlock}}));
}

TEST(PreInfusionTest, OverrideNeedsAPhysicianAndAReason) {
  PreInfusionInput in = Clear();
  in.last_infusion_start = kNow - hours(30);
  in.interval_override = GateOverride{{"rn.lee", Role::kNurse}, ""};
  EXPECT_EQ(Fields(in),
            (std::set<std::string>{"interval_override.role", "interval_override.reason"}));
  in.interval_override = GateOverride{{"", Role::kPhysician}, "     "};
  EXPECT_EQ(Fields(in),
            (std::set<std::string>{"interval_override.user_id", "interval_override.reason"}));
  EXPECT_FALSE(EvaluatePreInfusion(in, {}, kNow).has_value());
}

TEST(PreInfusionTest, InvalidInputNamesEveryField) {
  PreInfusionInput in = Clear();
  in.weight_kg = 720;  // grams? pounds?
  in.height_cm = 1.7;  // metres
  in.last_solid_food_at = kNow + minutes(1);
  in.baseline_vitals = {Reading(kNow, 120, 130, 70), Reading(kNow + minutes(1), 120, 80, 70)};
  in.baseline_vitals[1].diastolic_mmhg.reset();
  in.medications = {{"", DrugClass::kOther, -1}};
  in.cssrs = CssrsScreen{kNow + hours(1), CssrsRisk::kNone};
  EXPECT_EQ(Fields(in),
            (std::set<std::string>{
                "weight_kg", "height_cm", "last_solid_food_at", "baseline_vitals[0].diastolic_mmhg",
                "baseline_vitals[1].diastolic_mmhg", "baseline_vitals[1].time",
                "medications[0].name", "medications[0].daily_dose_mg", "cssrs.at"}));
  in = Clear();
  in.weight_measured_at.reset();
  EXPECT_EQ(Fields(in), (std::set<std::string>{"weight_measured_at"}));
}

TEST(PreInfusionProtocolTest, DefaultsAreValidAndEveryKeyHasASource) {
  EXPECT_TRUE(ValidatePreInfusionProtocol(PreInfusionProtocol{}).has_value());
  const auto sources = PreInfusionProtocolSources();
  EXPECT_EQ(sources.size(), 23U);
  for (const ParameterSource& s : sources) {
    EXPECT_NE(s.source.find("clinical.md"), std::string::npos) << s.key;
  }
}

TEST(PreInfusionProtocolTest, ValidationNamesEachBadKey) {
  PreInfusionProtocol p;
  p.bp_block_systolic_mmhg = 130;  // below the warn level
  p.hr_block_bpm = 90;
  p.interval_hard_min_h = 48;         // above the soft minimum
  p.spo2_block_below_percent = 0.92;  // a fraction, not a percentage
  p.cssrs_block_risk = CssrsRisk::kLow;
  p.medication_warn_classes = {DrugClass::kOpioid, DrugClass::kOpioid, DrugClass::kOther};
  p.npo_solids_min = -1;
  auto status = ValidatePreInfusionProtocol(p);
  ASSERT_FALSE(status.has_value());
  std::set<std::string> fields;
  for (const FieldProblem& f : status.error().problems()) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"bp_block_systolic_mmhg", "hr_block_bpm",
                                           "interval_soft_min_h", "spo2_block_below_percent",
                                           "cssrs_block_risk", "medication_warn_classes[1]",
                                           "medication_warn_classes[2]", "npo_solids_min"}));
}

TEST(PreInfusionProtocolTest, NamesRoundTrip) {
  for (CssrsRisk r : {CssrsRisk::kNone, CssrsRisk::kLow, CssrsRisk::kModerate, CssrsRisk::kHigh}) {
    EXPECT_EQ(ParseCssrsRisk(CssrsRiskName(r), "f").value(), r);
  }
  EXPECT_EQ(ParseTestPolicy("required", "f").value(), TestPolicy::kRequired);
  EXPECT_FALSE(ParseTestPolicy("sometimes", "f").has_value());
  EXPECT_EQ(ParseTestResult("positive", "f").value(), TestResult::kPositive);
}

// For any sequence of baseline BP readings, the gate never clears while the latest two readings
// at least 5 min apart are both at or above 180/110 (the hard stop cannot be skipped), and a
// verdict that is not blocked by BP never clears while a repeat is awaited.
RC_GTEST_PROP(PreInfusionProperties, ConfirmedHighBpNeverClears, ()) {
  PreInfusionInput in = Clear();
  const int count = *rc::gen::inRange(1, 6);
  in.baseline_vitals.clear();
  for (int i = 0; i < count; ++i) {
    const int offset = *rc::gen::inRange(0, 60);
    const double sbp = *rc::gen::inRange(100, 220);
    const double dbp = *rc::gen::inRange(60, 99);
    in.baseline_vitals.push_back(Reading(kNow - minutes(offset), sbp, dbp, 76));
  }
  auto verdict = EvaluatePreInfusion(in, {}, kNow);
  RC_ASSERT(verdict.has_value());
  bool high_pair = false;
  for (const VitalSigns& a : in.baseline_vitals) {
    for (const VitalSigns& b : in.baseline_vitals) {
      if (a.systolic_mmhg.value_or(0) >= 180 && b.systolic_mmhg.value_or(0) >= 180 &&
          b.time - a.time >= minutes(5)) {
        high_pair = true;
      }
    }
  }
  // Two high readings 5 min apart either confirm (block) or, with a normal rested reading
  // between them, start a new wait: never a clearance.
  if (high_pair) RC_ASSERT(!verdict->cleared);
  if (verdict->needs_repeat_vitals_at) RC_ASSERT(!verdict->cleared);
  const bool any_high =
      std::any_of(in.baseline_vitals.begin(), in.baseline_vitals.end(),
                  [](const VitalSigns& r) { return r.systolic_mmhg.value_or(0) >= 180; });
  if (!any_high) RC_ASSERT(!verdict->needs_repeat_vitals_at);
}

}  // namespace
}  // namespace ketaclinic::clinical
