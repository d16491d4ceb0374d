// The discharge checklist (clinical.md §1.10) at, just below and just above each default of
// DischargeProtocol; expected verdicts are read off the checklist.

#include "clinical/discharge.h"

#include <chrono>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Instant kEnd = std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} +
                     std::chrono::hours(11);  // the infusion ended at 11:00
const Instant kNow = kEnd + minutes(35);

VitalSigns Reading(Instant at, double sbp, double dbp, double spo2 = 97) {
  VitalSigns r;
  r.time = at;
  r.systolic_mmhg = sbp;
  r.diastolic_mmhg = dbp;
  r.heart_rate_bpm = 72;
  r.spo2_percent = spo2;
  return r;
}

// A patient who meets every criterion at kNow.
DischargeInput Ready() {
  DischargeInput in;
  in.infusion_end = kEnd;
  in.baseline_systolic_mmhg = 130;
  in.baseline_diastolic_mmhg = 80;
  in.recovery_vitals = {Reading(kEnd + minutes(15), 138, 86), Reading(kEnd + minutes(30), 128, 80)};
  in.moaas = MoaasObservation{kEnd + minutes(30), 5};
  in.ambulates_safely = true;
  in.nausea_controlled = true;
  in.escort_verified = true;
  in.instructions_given = true;
  return in;
}

using Rules = std::set<std::string>;  // every discharge finding is a block

Rules RulesOf(const DischargeVerdict& verdict) {
  Rules rules;
  for (const Finding& f : verdict.findings) {
    EXPECT_EQ(f.severity, Severity::kBlock) << f.rule_id;
    EXPECT_FALSE(f.source.empty()) << f.rule_id;
    rules.insert(f.rule_id);
  }
  return rules;
}

DischargeVerdict Evaluate(const DischargeInput& in, Instant now = kNow,
                          const DischargeProtocol& p = {}) {
  auto verdict = EvaluateDischarge(in, p, now);
  EXPECT_TRUE(verdict.has_value()) << verdict.error().ToString();
  return verdict.value_or(DischargeVerdict{});
}

TEST(DischargeTest, EveryCriterionMetAllowsDischarge) {
  const DischargeVerdict v = Evaluate(Ready());
  EXPECT_TRUE(v.allowed);
  EXPECT_TRUE(v.findings.empty());
  EXPECT_FALSE(v.earliest_at);
  EXPECT_EQ(v.protocol_version, "default-2026-11");
}

TEST(DischargeTest, NothingRecordedListsEveryCriterion) {
  DischargeInput in;
  in.infusion_end = kEnd;
  const DischargeVerdict v = Evaluate(in, kEnd + minutes(5));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(RulesOf(v), (Rules{"discharge.min-observation", "discharge.bp", "discharge.spo2",
                               "discharge.sedation", "discharge.ambulation", "discharge.nausea",
                               "discharge.escort", "discharge.instructions"}));
  EXPECT_EQ(v.earliest_at, kEnd + minutes(30));
}

// 30 min after the end of the infusion: at 29 min not yet (earliest 11:30), at 30 min yes.
TEST(DischargeTest, MinimumObservationBoundary) {
  DischargeInput in = Ready();
  in.recovery_vitals = {Reading(kEnd + minutes(25), 128, 80)};
  in.moaas = MoaasObservation{kEnd + minutes(25), 5};
  DischargeVerdict v = Evaluate(in, kEnd + minutes(29));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(RulesOf(v), (Rules{"discharge.min-observation"}));
  EXPECT_EQ(v.earliest_at, kEnd + minutes(30));
  v = Evaluate(in, kEnd + minutes(30));
  EXPECT_TRUE(v.allowed);
  EXPECT_FALSE(v.earliest_at);
  // Esketamine sites: 120 min (label).
  DischargeProtocol esketamine;
  esketamine.min_observation_min = 120;
  v = Evaluate(in, kEnd + minutes(30), esketamine);
  EXPECT_EQ(v.earliest_at, kEnd + minutes(120));
}

// BP range 90-140 / 50-90 inclusive, or within 20 % of the baseline 130/80 (104-156 / 64-96).
TEST(DischargeTest, BloodPressureRangeOrNearBaseline) {
  DischargeInput in = Ready();
  auto with_bp = [&](double sbp, double dbp) {
    in.recovery_vitals = {Reading(kEnd + minutes(30), sbp, dbp)};
    return RulesOf(Evaluate(in));
  };
  EXPECT_EQ(with_bp(140, 90), Rules{});
  EXPECT_EQ(with_bp(90, 50), Rules{});   // 90 is not within 20 % of 130 but is in range
  EXPECT_EQ(with_bp(156, 96), Rules{});  // exactly 20 % above the baseline
  EXPECT_EQ(with_bp(157, 90), Rules{"discharge.bp"});
  EXPECT_EQ(with_bp(150, 97), Rules{"discharge.bp"});
  EXPECT_EQ(with_bp(89, 60), Rules{"discharge.bp"});  // below range and 31.5 % below baseline
  in.baseline_systolic_mmhg.reset();
  in.baseline_diastolic_mmhg.reset();
  EXPECT_EQ(with_bp(141, 88), Rules{"discharge.bp"});  // without a baseline only the range
}

TEST(DischargeTest, HypertensiveBaselineUsesTheTwentyPercentRule) {
  DischargeInput in = Ready();
  in.baseline_systolic_mmhg = 150;  // 20 %: 120-180 / 76-114
  in.baseline_diastolic_mmhg = 95;
  in.recovery_vitals = {Reading(kEnd + minutes(30), 165, 100)};
  EXPECT_TRUE(Evaluate(in).allowed);
  in.recovery_vitals = {Reading(kEnd + minutes(30), 181, 100)};
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.bp"});
}

TEST(DischargeTest, TheLatestReadingAfterTheInfusionCounts) {
  DischargeInput in = Ready();
  in.recovery_vitals = {Reading(kEnd + minutes(30), 128, 80),
                        Reading(kEnd + minutes(32), 170, 100)};
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.bp"});
  // A reading from during the infusion does not count, even if it is the only one.
  in.recovery_vitals = {Reading(kEnd - minutes(1), 128, 80)};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{"discharge.bp", "discharge.spo2"}));
}

TEST(DischargeTest, ReadingsMustBeCurrent) {
  DischargeInput in = Ready();
  in.recovery_vitals = {Reading(kNow - minutes(15), 128, 80)};
  in.moaas = MoaasObservation{kNow - minutes(15), 5};
  EXPECT_TRUE(Evaluate(in).allowed);
  in.recovery_vitals = {Reading(kNow - minutes(15) - seconds(1), 128, 80)};
  in.moaas = MoaasObservation{kNow - minutes(15) - seconds(1), 5};
  EXPECT_EQ(RulesOf(Evaluate(in)), (Rules{"discharge.bp", "discharge.spo2", "discharge.sedation"}));
}

// SpO2 >= 94 % on room air.
TEST(DischargeTest, Spo2Boundary) {
  DischargeInput in = Ready();
  in.recovery_vitals = {Reading(kEnd + minutes(30), 128, 80, 94)};
  EXPECT_TRUE(Evaluate(in).allowed);
  in.recovery_vitals = {Reading(kEnd + minutes(30), 128, 80, 93)};
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.spo2"});
  in.recovery_vitals = {Reading(kEnd + minutes(30), 128, 80, 99)};
  in.recovery_vitals[0].on_room_air = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.spo2"});
}

// MOAA/S 5 only; scored after the infusion ended.
TEST(DischargeTest, SedationMustBeFullyAlert) {
  DischargeInput in = Ready();
  in.moaas = MoaasObservation{kEnd + minutes(30), 4};
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.sedation"});
  in.moaas = MoaasObservation{kEnd - minutes(2), 5};
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.sedation"});
  in.moaas.reset();
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.sedation"});
}

TEST(DischargeTest, EachChecklistItem) {
  DischargeInput in = Ready();
  in.escort_verified = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.escort"});
  in = Ready();
  in.ambulates_safely = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.ambulation"});
  in = Ready();
  in.nausea_controlled = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.nausea"});
  in = Ready();
  in.instructions_given = false;
  EXPECT_EQ(RulesOf(Evaluate(in)), Rules{"discharge.instructions"});
}

TEST(DischargeTest, InvalidInputNamesEveryField) {
  DischargeInput in = Ready();
  in.infusion_end = kNow + minutes(1);
  in.baseline_diastolic_mmhg.reset();
  in.recovery_vitals[0].spo2_percent = 940;
  in.recovery_vitals[1].systolic_mmhg.reset();
  in.recovery_vitals[1].time = kNow + minutes(2);
  in.moaas = MoaasObservation{kEnd + minutes(30), 6};
  auto status = ValidateDischargeInput(in, kNow);
  ASSERT_FALSE(status.has_value());
  std::set<std::string> fields;
  for (const FieldProblem& p : status.error().problems()) fields.insert(p.field);
  EXPECT_EQ(fields,
            (std::set<std::string>{
                "infusion_end", "baseline_diastolic_mmhg", "recovery_vitals[0].spo2_percent",
                "recovery_vitals[1].systolic_mmhg", "recovery_vitals[1].time", "moaas.score"}));
  EXPECT_FALSE(EvaluateDischarge(in, {}, kNow).has_value());
}

TEST(DischargeProtocolTest, DefaultsAreValidAndEveryKeyHasASource) {
  EXPECT_TRUE(ValidateDischargeProtocol(DischargeProtocol{}).has_value());
  const auto sources = DischargeProtocolSources();
  EXPECT_EQ(sources.size(), 9U);
  for (const ParameterSource& s : sources) {
    EXPECT_NE(s.source.find("clinical.md"), std::string::npos) << s.key;
  }
}

TEST(DischargeProtocolTest, ValidationNamesEachBadKey) {
  DischargeProtocol p;
  p.sbp_max_mmhg = 85;  // below the minimum
  p.dbp_min_mmhg = 95;  // above the maximum
  p.spo2_min_percent = 0.94;
  p.moaas_min = 6;
  p.min_observation_min = -5;
  auto status = ValidateDischargeProtocol(p);
  ASSERT_FALSE(status.has_value());
  std::set<std::string> fields;
  for (const FieldProblem& f : status.error().problems()) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"sbp_max_mmhg", "dbp_max_mmhg", "spo2_min_percent",
                                           "moaas_min", "min_observation_min"}));
}

// Discharge is allowed only when every criterion holds, and earliest_at is set exactly when the
// observation time is not over.
RC_GTEST_PROP(DischargeProperties, AllowedOnlyWhenEveryCriterionHolds, ()) {
  DischargeInput in = Ready();
  const int elapsed = *rc::gen::inRange(0, 120);
  const Instant now = kEnd + minutes(elapsed);
  const Instant reading_at = now - minutes(*rc::gen::inRange(0, std::min(elapsed, 20) + 1));
  const double sbp = *rc::gen::inRange(85, 190);
  const double dbp = *rc::gen::inRange(45, 84);
  const double spo2 = *rc::gen::inRange(88, 101);
  const int moaas = *rc::gen::inRange(0, 6);
  in.recovery_vitals = {Reading(reading_at, sbp, dbp, spo2)};
  in.moaas = MoaasObservation{now, moaas};
  in.escort_verified = *rc::gen::arbitrary<bool>();
  auto verdict = EvaluateDischarge(in, {}, now);
  RC_ASSERT(verdict.has_value());
  // In range 90-140 / 50-90, or within 20 % of the baseline 130/80: 104-156 / 64-96.
  const bool bp_ok = (sbp >= 90 && sbp <= 140 && dbp >= 50 && dbp <= 90) ||
                     (sbp >= 104 && sbp <= 156 && dbp >= 64 && dbp <= 96);
  const bool expected = elapsed >= 30 && now - reading_at <= minutes(15) && bp_ok && spo2 >= 94 &&
                        moaas == 5 && in.escort_verified;
  RC_ASSERT(verdict->allowed == expected);
  RC_ASSERT(verdict->earliest_at.has_value() == (elapsed < 30));
}

}  // namespace
}  // namespace ketaclinic::clinical
