// The live-session rules at, just below and just above each threshold of clinical.md §1.5-§1.7
// and §6 (defaults in session_protocol.cc), the temporal rules against a brute-force reading of
// their definition over the whole history, and the monitoring schedule.

#include "clinical/vitals_rules.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Instant kStart = *ParseRfc3339("2026-11-29T09:00:00Z", "t");

Instant At(double minute) { return kStart + seconds(static_cast<long long>(minute * 60)); }

VitalSigns Bp(double minute, double sbp, double dbp) {
  VitalSigns v;
  v.time = At(minute);
  v.systolic_mmhg = sbp;
  v.diastolic_mmhg = dbp;
  return v;
}

VitalSigns Hr(double minute, double hr) {
  VitalSigns v;
  v.time = At(minute);
  v.heart_rate_bpm = hr;
  return v;
}

VitalSigns Spo2(Instant at, double spo2) {
  VitalSigns v;
  v.time = at;
  v.spo2_percent = spo2;
  return v;
}

VitalSigns Rr(double minute, double rr) {
  VitalSigns v;
  v.time = At(minute);
  v.resp_rate_per_min = rr;
  return v;
}

// An engine whose infusion started at kStart; the schedule's grace is wide so that only the
// rule under test speaks.
VitalsRuleEngine Running(SessionProtocol protocol = {}) {
  protocol.nibp_overdue_grace_min = 30;
  protocol.score_grace_min = 30;
  VitalsRuleEngine engine(protocol);
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  return engine;
}

// The rule ids of a list, in order.
std::vector<std::string> Ids(const AlarmList& alarms) {
  std::vector<std::string> ids;
  for (const Alarm& a : alarms) ids.emplace_back(a.rule_id());
  return ids;
}

using Ids_ = std::vector<std::string>;

AlarmList Feed(VitalsRuleEngine& engine, const VitalSigns& v,
               SessionPhase phase = SessionPhase::kIntra) {
  return engine.OnVitals(v, phase);
}

// --- STOP-01 blood pressure -------------------------------------------------------------------

TEST(VitalsRulesBp, BelowWarningLevelsRaiseNothing) {
  auto engine = Running();
  EXPECT_TRUE(Feed(engine, Bp(0, 159, 99)).empty());
  EXPECT_TRUE(Feed(engine, Bp(1, 90, 60)).empty());  // SBP 90 is not below 90
}

TEST(VitalsRulesBp, WarningLevelIsInclusive) {
  auto engine = Running();
  EXPECT_EQ(Ids(Feed(engine, Bp(0, 160, 80))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(1, 150, 100))), Ids_{"vitals.bp-high"});
  const AlarmList alarms = Feed(engine, Bp(2, 179, 109));
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.bp-high"});
  EXPECT_EQ(alarms[0].level, AlarmLevel::kWarning);
  EXPECT_EQ(alarms[0].message.view(), "BP 179/109 mmHg at or above 160/100");
}

TEST(VitalsRulesBp, LowSystolic) {
  auto engine = Running();
  const AlarmList alarms = Feed(engine, Bp(0, 89, 50));
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.bp-low"});
  EXPECT_EQ(alarms[0].message.view(), "SBP 89 mmHg below 90");
  EXPECT_EQ(alarms[0].value, 89);
}

// 180 at 09:00 then 180 at 09:04: 4 min apart, not confirmed; a third at 09:05 is 5 min after
// the first of the run and confirms.
TEST(VitalsRulesBp, TwoReadingsFourMinutesApartDoNotConfirm) {
  auto engine = Running();
  const AlarmList first = Feed(engine, Bp(0, 180, 95));
  ASSERT_EQ(Ids(first), Ids_{"vitals.bp-high"});
  EXPECT_EQ(first[0].message.view(),
            "BP 180/95 mmHg at or above 180/110: recheck; a reading still this high at least 5 "
            "min after 09:00 pauses the infusion");
  EXPECT_EQ(Ids(Feed(engine, Bp(4, 182, 95))), Ids_{"vitals.bp-high"});
  const AlarmList third = Feed(engine, Bp(5, 181, 95));
  ASSERT_EQ(Ids(third), Ids_{"vitals.bp-pause"});
  EXPECT_EQ(third[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(third[0].message.view(),
            "BP 181/95 mmHg at or above 180/110 since 09:00, confirmed 5 min later (STOP-01)");
  EXPECT_EQ(third[0].at, At(5));
}

TEST(VitalsRulesBp, TwoReadingsFiveMinutesApartConfirm) {
  auto engine = Running();
  EXPECT_EQ(Ids(Feed(engine, Bp(10, 180, 90))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(15, 180, 90))), Ids_{"vitals.bp-pause"});
  // Still high at the next recheck: raised again (alarms are not latched).
  EXPECT_EQ(Ids(Feed(engine, Bp(20, 185, 90))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesBp, FourMinutesFiftyNineSecondsIsNotFiveMinutes) {
  auto engine = Running();
  Feed(engine, Bp(0, 185, 90));
  VitalSigns almost = Bp(0, 185, 90);
  almost.time = At(5) - seconds(1);
  EXPECT_EQ(Ids(Feed(engine, almost)), Ids_{"vitals.bp-high"});
}

TEST(VitalsRulesBp, DiastolicAloneConfirms) {
  auto engine = Running();
  EXPECT_EQ(Ids(Feed(engine, Bp(0, 150, 110))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(5, 150, 112))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesBp, OneReadingBelowThePauseLevelEndsTheEpisode) {
  auto engine = Running();
  Feed(engine, Bp(0, 185, 90));
  EXPECT_EQ(Ids(Feed(engine, Bp(3, 179, 90))), Ids_{"vitals.bp-high"});  // warning level only
  EXPECT_EQ(Ids(Feed(engine, Bp(6, 185, 90))), Ids_{"vitals.bp-high"});  // a new run at 6
  EXPECT_EQ(Ids(Feed(engine, Bp(10, 185, 90))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(11, 185, 90))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesBp, ReadingsWithoutBloodPressureLeaveTheRunAlone) {
  auto engine = Running();
  Feed(engine, Bp(0, 185, 90));
  EXPECT_TRUE(Feed(engine, Hr(2, 80)).empty());
  EXPECT_EQ(Ids(Feed(engine, Bp(5, 185, 90))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesBp, SevereOnceIsCriticalAtOnce) {
  auto engine = Running();
  const AlarmList alarms = Feed(engine, Bp(0, 200, 100));
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.bp-severe"});
  EXPECT_EQ(alarms[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(alarms[0].value, 200);
  EXPECT_EQ(alarms[0].message.view(),
            "BP 200/100 mmHg at or above 200/120: severe, pause at once (STOP-01)");
  auto other = Running();
  const AlarmList diastolic = Feed(other, Bp(0, 170, 120));
  ASSERT_EQ(Ids(diastolic), Ids_{"vitals.bp-severe"});
  EXPECT_EQ(diastolic[0].value, 120);
  auto below = Running();
  EXPECT_EQ(Ids(Feed(below, Bp(0, 199, 119))), Ids_{"vitals.bp-high"});
}

TEST(VitalsRulesBp, SevereReadingAlsoStartsTheRun) {
  auto engine = Running();
  Feed(engine, Bp(0, 205, 100));
  EXPECT_EQ(Ids(Feed(engine, Bp(5, 185, 100))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesBp, ActionComesFromTheProtocol) {
  SessionProtocol protocol;
  protocol.actions.at(static_cast<size_t>(SessionRule::kBpSevere)) = "Call Dr House, order set 7";
  auto engine = Running(protocol);
  const AlarmList alarms = Feed(engine, Bp(0, 210, 100));
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].action, "Call Dr House, order set 7");
  EXPECT_NE(alarms[0].source().find("STOP-01"), std::string_view::npos);
}

TEST(VitalsRulesBp, ThresholdsComeFromTheProtocol) {
  SessionProtocol protocol;
  protocol.sbp_pause_mmhg = 170;
  protocol.bp_confirm_min = 10;
  auto engine = Running(protocol);
  EXPECT_EQ(Ids(Feed(engine, Bp(0, 170, 80))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(9, 170, 80))), Ids_{"vitals.bp-high"});
  EXPECT_EQ(Ids(Feed(engine, Bp(10, 170, 80))), Ids_{"vitals.bp-pause"});
}

// --- STOP-02 heart rate -----------------------------------------------------------------------

TEST(VitalsRulesHr, OneTwentyIsNotAboveOneTwenty) {
  auto engine = Running();
  for (int minute = 0; minute <= 10; ++minute) {
    EXPECT_EQ(Ids(Feed(engine, Hr(minute, 120))), Ids_{"vitals.hr-high"}) << minute;  // > 110
  }
}

TEST(VitalsRulesHr, OneTwentyOneForFourMinutesWarnsOnly) {
  auto engine = Running();
  for (int minute = 0; minute <= 4; ++minute) {
    const AlarmList alarms = Feed(engine, Hr(minute, 121));
    ASSERT_EQ(Ids(alarms), Ids_{"vitals.hr-high"}) << minute;
  }
  EXPECT_EQ(Ids(Feed(engine, Hr(4.5, 118))), Ids_{"vitals.hr-high"});  // > 110, ends the run
  EXPECT_EQ(Ids(Feed(engine, Hr(5, 121))), Ids_{"vitals.hr-high"});
}

TEST(VitalsRulesHr, OneTwentyOneForFiveMinutesPauses) {
  auto engine = Running();
  for (int minute = 0; minute <= 4; ++minute) Feed(engine, Hr(minute, 121));
  const AlarmList alarms = Feed(engine, Hr(5, 121));
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.hr-pause"});
  EXPECT_EQ(alarms[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(alarms[0].message.view(),
            "HR 121/min above 120 since 09:00 (5 min, sustained: STOP-02)");
}

TEST(VitalsRulesHr, TwoReadingsSpanningFiveMinutesAreEnough) {
  auto engine = Running();
  const AlarmList first = Feed(engine, Hr(0, 130));
  EXPECT_EQ(first[0].message.view(),
            "HR 130/min above 120 since 09:00 (0 min; pause if sustained 5 min)");
  EXPECT_EQ(Ids(Feed(engine, Hr(5, 125))), Ids_{"vitals.hr-pause"});
}

TEST(VitalsRulesHr, WarningAndLowLevels) {
  auto engine = Running();
  EXPECT_TRUE(Feed(engine, Hr(0, 110)).empty());
  EXPECT_EQ(Ids(Feed(engine, Hr(1, 111))), Ids_{"vitals.hr-high"});
  EXPECT_TRUE(Feed(engine, Hr(2, 50)).empty());
  const AlarmList low = Feed(engine, Hr(3, 49));
  ASSERT_EQ(Ids(low), Ids_{"vitals.hr-low"});
  EXPECT_EQ(low[0].message.view(), "HR 49/min below 50");
}

// --- STOP-03 SpO2 and respiration -------------------------------------------------------------

TEST(VitalsRulesSpo2, NinetyOneForTwentySecondsWarns) {
  auto engine = Running();
  for (int s = 0; s <= 20; s += 10) {
    EXPECT_EQ(Ids(Feed(engine, Spo2(At(3) + seconds(s), 91))), Ids_{"vitals.spo2-low"}) << s;
  }
  EXPECT_TRUE(Feed(engine, Spo2(At(3) + seconds(30), 95)).empty());
}

TEST(VitalsRulesSpo2, NinetyOneForFortySecondsStops) {
  auto engine = Running();
  for (int s = 0; s <= 20; s += 10) Feed(engine, Spo2(At(3) + seconds(s), 91));
  const AlarmList at30 = Feed(engine, Spo2(At(3) + seconds(30), 91));
  ASSERT_EQ(Ids(at30), Ids_{"vitals.spo2-stop"});
  EXPECT_EQ(at30[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(at30[0].message.view(), "SpO2 91 % below 92 % for 30 s since 09:03 (STOP-03)");
  EXPECT_EQ(Ids(Feed(engine, Spo2(At(3) + seconds(40), 91))), Ids_{"vitals.spo2-stop"});
}

TEST(VitalsRulesSpo2, NinetyTwoIsNotBelowNinetyTwo) {
  auto engine = Running();
  for (int s = 0; s <= 60; s += 10) EXPECT_TRUE(Feed(engine, Spo2(At(3) + seconds(s), 92)).empty());
}

TEST(VitalsRulesSpo2, ARecoveryRestartsTheCount) {
  auto engine = Running();
  Feed(engine, Spo2(At(1), 90));
  Feed(engine, Spo2(At(1) + seconds(10), 93));
  Feed(engine, Spo2(At(1) + seconds(20), 90));
  EXPECT_EQ(Ids(Feed(engine, Spo2(At(1) + seconds(49), 90))), Ids_{"vitals.spo2-low"});
  EXPECT_EQ(Ids(Feed(engine, Spo2(At(1) + seconds(50), 90))), Ids_{"vitals.spo2-stop"});
}

TEST(VitalsRulesSpo2, SupplementalOxygenIsNamed) {
  auto engine = Running();
  VitalSigns v = Spo2(At(1) + seconds(5), 88);
  v.on_room_air = false;
  const AlarmList alarms = Feed(engine, v);
  EXPECT_EQ(alarms[0].message.view(),
            "SpO2 88 % below 92 % for 0 s since 09:01:05, on "
            "supplemental O2");
}

TEST(VitalsRulesRr, TenIsNotBelowTen) {
  auto engine = Running();
  EXPECT_TRUE(Feed(engine, Rr(0, 10)).empty());
  const AlarmList alarms = Feed(engine, Rr(1, 9));
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.rr-stop"});
  EXPECT_EQ(alarms[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(alarms[0].message.view(), "RR 9/min below 10 (STOP-03)");
  EXPECT_TRUE(Feed(engine, Rr(2, 25)).empty());
  EXPECT_EQ(Ids(Feed(engine, Rr(3, 26))), Ids_{"vitals.rr-high"});
}

TEST(VitalsRules, OneReadingCanRaiseOneAlarmPerMeasurement) {
  auto engine = Running();
  VitalSigns v = Bp(0, 205, 100);
  v.heart_rate_bpm = 48;
  v.spo2_percent = 90;
  v.resp_rate_per_min = 8;
  EXPECT_EQ(Ids(Feed(engine, v)),
            (Ids_{"vitals.bp-severe", "vitals.hr-low", "vitals.spo2-low", "vitals.rr-stop"}));
}

// --- STOP-04 sedation -------------------------------------------------------------------------

TEST(VitalsRulesSedation, MoaasBoundaries) {
  auto engine = Running();
  EXPECT_TRUE(engine.OnMoaas(At(1), 5, SessionPhase::kIntra).empty());
  EXPECT_TRUE(engine.OnMoaas(At(2), 4, SessionPhase::kIntra).empty());
  const AlarmList three = engine.OnMoaas(At(3), 3, SessionPhase::kIntra);
  ASSERT_EQ(Ids(three), Ids_{"sedation.moaas-warn"});
  EXPECT_EQ(three[0].level, AlarmLevel::kWarning);
  const AlarmList two = engine.OnMoaas(At(4), 2, SessionPhase::kIntra);
  ASSERT_EQ(Ids(two), Ids_{"sedation.moaas-stop"});
  EXPECT_EQ(two[0].level, AlarmLevel::kCritical);
  EXPECT_EQ(two[0].message.view(), "MOAA/S 2 at or below 2 (STOP-04)");
  const AlarmList zero = engine.OnMoaas(At(5), 0, SessionPhase::kIntra);
  EXPECT_EQ(zero[0].message.view(), "MOAA/S 0 at or below 2: loss of consciousness (STOP-04)");
  EXPECT_EQ(engine.last_moaas(), 0);
}

// --- STOP-05 / STOP-06 and side effects -------------------------------------------------------

SideEffectReport Effect(SideEffectKind kind, int grade, bool serious = false) {
  return {At(10), kind, grade, serious};
}

TEST(VitalsRulesSideEffects, EmergenceReactionStopsFromGradeThree) {
  auto engine = Running();
  EXPECT_TRUE(
      engine.OnSideEffect(Effect(SideEffectKind::kAnxiety, 2), SessionPhase::kIntra).empty());
  const AlarmList alarms =
      engine.OnSideEffect(Effect(SideEffectKind::kHallucinations, 3), SessionPhase::kIntra);
  ASSERT_EQ(Ids(alarms), Ids_{"side-effect.reaction-stop"});
  EXPECT_EQ(alarms[0].message.view(), "hallucinations grade 3: severe reaction (STOP-05)");
}

TEST(VitalsRulesSideEffects, ChestPainStopsAtAnyGrade) {
  auto engine = Running();
  EXPECT_EQ(Ids(engine.OnSideEffect(Effect(SideEffectKind::kChestPain, 1), SessionPhase::kIntra)),
            Ids_{"side-effect.reaction-stop"});
  EXPECT_EQ(
      Ids(engine.OnSideEffect(Effect(SideEffectKind::kNeurological, 1), SessionPhase::kIntra)),
      Ids_{"side-effect.reaction-stop"});
}

TEST(VitalsRulesSideEffects, VomitingStopsOnlyWithReducedConsciousness) {
  auto engine = Running();
  // No MOAA/S yet: consciousness unknown, only the nausea warning (grade 2).
  EXPECT_EQ(Ids(engine.OnSideEffect(Effect(SideEffectKind::kVomiting, 2), SessionPhase::kIntra)),
            Ids_{"side-effect.nausea"});
  engine.OnMoaas(At(8), 5, SessionPhase::kIntra);
  EXPECT_TRUE(
      engine.OnSideEffect(Effect(SideEffectKind::kVomiting, 1), SessionPhase::kIntra).empty());
  engine.OnMoaas(At(9), 4, SessionPhase::kIntra);
  const AlarmList alarms =
      engine.OnSideEffect(Effect(SideEffectKind::kVomiting, 1), SessionPhase::kIntra);
  ASSERT_EQ(Ids(alarms), Ids_{"side-effect.vomiting-stop"});
  EXPECT_EQ(alarms[0].message.view(),
            "vomiting grade 1 with reduced consciousness (last MOAA/S 4, STOP-06)");
}

TEST(VitalsRulesSideEffects, NauseaAndSeriousness) {
  auto engine = Running();
  EXPECT_TRUE(
      engine.OnSideEffect(Effect(SideEffectKind::kNausea, 1), SessionPhase::kIntra).empty());
  EXPECT_EQ(Ids(engine.OnSideEffect(Effect(SideEffectKind::kNausea, 2), SessionPhase::kIntra)),
            Ids_{"side-effect.nausea"});
  EXPECT_TRUE(
      engine.OnSideEffect(Effect(SideEffectKind::kHeadache, 3), SessionPhase::kIntra).empty());
  EXPECT_EQ(Ids(engine.OnSideEffect(Effect(SideEffectKind::kHeadache, 4), SessionPhase::kIntra)),
            Ids_{"side-effect.serious"});
  EXPECT_EQ(
      Ids(engine.OnSideEffect(Effect(SideEffectKind::kDizziness, 1, true), SessionPhase::kIntra)),
      Ids_{"side-effect.serious"});
}

// --- phases -----------------------------------------------------------------------------------

TEST(VitalsRulesPhases, PreInfusionReadingsRaiseNothingButStartTheRun) {
  VitalsRuleEngine engine{SessionProtocol{}};
  EXPECT_TRUE(Feed(engine, Bp(-5, 185, 90), SessionPhase::kPre).empty());
  EXPECT_TRUE(Feed(engine, Rr(-4, 6), SessionPhase::kPre).empty());
  EXPECT_FALSE(engine.NextBpDue().has_value());
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  // The run began before the start (the same patient, 5 min apart).
  EXPECT_EQ(Ids(Feed(engine, Bp(0, 185, 90))), Ids_{"vitals.bp-pause"});
}

TEST(VitalsRulesPhases, AfterTheInfusionCriticalAlarmsCarryThePostAction) {
  auto engine = Running();
  engine.BeginPhase(SessionPhase::kPost, At(40));
  const AlarmList alarms = Feed(engine, Bp(41, 210, 100), SessionPhase::kPost);
  ASSERT_EQ(Ids(alarms), Ids_{"vitals.bp-severe"});
  EXPECT_EQ(alarms[0].action, SessionProtocol{}.post_infusion_critical_action);
  const AlarmList warning = Feed(engine, Bp(42, 165, 80), SessionPhase::kPost);
  EXPECT_EQ(warning[0].action,
            SessionProtocol{}.actions.at(static_cast<size_t>(SessionRule::kBpHigh)));
}

TEST(VitalsRulesPhases, AnInputInANewPhaseBeginsIt) {
  VitalsRuleEngine engine{SessionProtocol{}};
  Feed(engine, Bp(0, 120, 80), SessionPhase::kIntra);  // the start, implicitly at 09:00
  ASSERT_TRUE(engine.NextBpDue().has_value());
  EXPECT_EQ(engine.NextBpDue(), At(10));
}

// --- monitoring schedule ----------------------------------------------------------------------

TEST(VitalsRulesSchedule, BloodPressureOverdueAfterTheGrace) {
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  EXPECT_EQ(engine.NextBpDue(), At(10));
  EXPECT_TRUE(engine.CheckDue(At(12), SessionPhase::kIntra).empty());  // exactly the grace
  const AlarmList late = engine.CheckDue(At(12) + seconds(1), SessionPhase::kIntra);
  ASSERT_EQ(Ids(late), Ids_{"monitoring.bp-overdue"});
  EXPECT_EQ(late[0].message.view(),
            "Blood pressure due at 09:10 is 2 min late (last BP or start at 09:00)");
  EXPECT_TRUE(engine.CheckDue(At(15), SessionPhase::kIntra).empty());  // raised once
  // The late BP itself ends the gap; the next is due 10 min after it.
  EXPECT_TRUE(Feed(engine, Bp(16, 120, 80)).empty());
  EXPECT_EQ(engine.NextBpDue(), At(26));
}

TEST(VitalsRulesSchedule, ALateReadingIsFlaggedWhenItArrives) {
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  EXPECT_EQ(Ids(Feed(engine, Bp(13, 120, 80))), Ids_{"monitoring.bp-overdue"});
}

TEST(VitalsRulesSchedule, AnAbnormalBloodPressureIsRecheckedInFiveMinutes) {
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  Feed(engine, Bp(10, 165, 90));
  EXPECT_EQ(engine.NextBpDue(), At(15));
  EXPECT_TRUE(engine.CheckDue(At(17), SessionPhase::kIntra).empty());
  EXPECT_EQ(Ids(engine.CheckDue(At(17.5), SessionPhase::kIntra)), Ids_{"monitoring.bp-overdue"});
  Feed(engine, Bp(18, 130, 80));
  EXPECT_EQ(engine.NextBpDue(), At(28));
}

TEST(VitalsRulesSchedule, AfterTheInfusionEveryFifteenMinutes) {
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  Feed(engine, Bp(40, 130, 80));
  engine.BeginPhase(SessionPhase::kPost, At(40));
  EXPECT_EQ(engine.NextBpDue(), At(55));
  EXPECT_TRUE(engine.CheckDue(At(57), SessionPhase::kPost).empty());
  EXPECT_EQ(Ids(engine.CheckDue(At(57) + seconds(1), SessionPhase::kPost)),
            Ids_{"monitoring.bp-overdue"});
}

TEST(VitalsRulesSchedule, ScoresAtTwentyAndFortyMinutes) {
  SessionProtocol protocol;
  protocol.nibp_interval_intra_min = 120;  // only the scores speak
  VitalsRuleEngine engine(protocol);
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  EXPECT_TRUE(engine.CheckDue(At(25), SessionPhase::kIntra).empty());  // 20 + 5 grace
  const AlarmList late = engine.CheckDue(At(25) + seconds(1), SessionPhase::kIntra);
  ASSERT_EQ(Ids(late), Ids_{"monitoring.score-overdue"});
  EXPECT_EQ(late[0].message.view(), "The 20-min sedation/dissociation score is 5 min late");
  // A score at 34 min: too early for the 40-min one (its window opens at 35).
  EXPECT_TRUE(engine.OnMoaas(At(34), 5, SessionPhase::kIntra).empty());
  EXPECT_EQ(Ids(engine.CheckDue(At(45.5), SessionPhase::kIntra)), Ids_{"monitoring.score-overdue"});
}

TEST(VitalsRulesSchedule, ADissociationScoreCountsAndEarlyEnoughMeetsTheTime) {
  SessionProtocol protocol;
  protocol.nibp_interval_intra_min = 120;
  protocol.nibp_interval_post_min = 120;
  VitalsRuleEngine engine(protocol);
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  EXPECT_TRUE(engine.OnDissociationScore(At(15), SessionPhase::kIntra).empty());
  EXPECT_TRUE(engine.OnMoaas(At(35), 5, SessionPhase::kIntra).empty());
  EXPECT_TRUE(engine.CheckDue(At(50), SessionPhase::kIntra).empty());
}

TEST(VitalsRulesSchedule, NoScoresAreDueAfterTheInfusion) {
  SessionProtocol protocol;
  protocol.nibp_interval_intra_min = 120;
  protocol.nibp_interval_post_min = 120;
  VitalsRuleEngine engine(protocol);
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  engine.BeginPhase(SessionPhase::kPost, At(15));
  EXPECT_TRUE(engine.CheckDue(At(50), SessionPhase::kPost).empty());
}

// --- AlarmText --------------------------------------------------------------------------------

TEST(AlarmTextTest, TruncatesWithAnEllipsis) {
  AlarmText text;
  text.Append(std::string(AlarmText::kCapacity - 2, 'a'));
  text.Append("bcdef");
  EXPECT_EQ(text.view().size(), AlarmText::kCapacity);
  EXPECT_EQ(text.view().substr(AlarmText::kCapacity - 3), "...");
  text.Append("more");
  EXPECT_EQ(text.view().size(), AlarmText::kCapacity);
}

TEST(AlarmTextTest, NumbersAndClock) {
  AlarmText text;
  text.AppendNumber(91.5);
  text.Append(" ");
  text.AppendNumber(185);
  text.Append(" ");
  text.AppendClock(*ParseRfc3339("2026-11-29T23:59:07Z", "t"));
  EXPECT_EQ(text.view(), "91.5 185 23:59:07");
}

TEST(SideEffectKindTest, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(SideEffectKind::kNeurological); ++i) {
    const auto kind = static_cast<SideEffectKind>(i);
    auto parsed = ParseSideEffectKind(SideEffectKindName(kind), "kind");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, kind);
  }
  auto bad = ParseSideEffectKind("itching", "events[3].kind");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().problems()[0].field, "events[3].kind");
}

// --- the temporal rules against their definitions, for any stream -----------------------------

struct Sample {
  Instant time;
  std::optional<double> sbp;
  std::optional<double> hr;
  std::optional<double> spo2;
};

// STOP-01 read literally over the whole history: this reading is at/above 180/110 (SBP only
// here) and some earlier reading at least 5 min before it was too, with every BP reading from
// that one to this one at/above the level.
bool BpPauseByDefinition(const std::vector<Sample>& history, size_t k) {
  const double now = history[k].sbp.value_or(0);
  if (!history[k].sbp || now < 180 || now >= 200) return false;
  for (size_t j = k; j-- > 0;) {
    if (!history[j].sbp) continue;
    if (history[j].sbp.value_or(0) < 180) return false;
    if (history[k].time - history[j].time >= minutes(5)) return true;
  }
  return false;
}

// STOP-02 read literally: every HR reading in the last 5 min is above 120 and there is an HR
// reading at least 5 min old with only readings above 120 since.
bool HrPauseByDefinition(const std::vector<Sample>& history, size_t k) {
  if (history[k].hr.value_or(0) <= 120) return false;
  for (size_t j = k; j-- > 0;) {
    if (!history[j].hr) continue;
    if (history[j].hr.value_or(0) <= 120) return false;
    if (history[k].time - history[j].time >= minutes(5)) return true;
  }
  return false;
}

bool Spo2StopByDefinition(const std::vector<Sample>& history, size_t k) {
  if (history[k].spo2.value_or(100) >= 92) return false;
  for (size_t j = k + 1; j-- > 0;) {
    if (!history[j].spo2) continue;
    if (history[j].spo2.value_or(100) >= 92) return false;
    if (history[k].time - history[j].time >= seconds(30)) return true;
  }
  return false;
}

bool Has(const AlarmList& alarms, std::string_view id) {
  return std::any_of(alarms.begin(), alarms.end(),
                     [&](const Alarm& a) { return a.rule_id() == id; });
}

RC_GTEST_PROP(VitalsRulesProperties, TemporalRulesMatchTheirDefinitions, ()) {
  const int count = *rc::gen::inRange(1, 60);
  std::vector<Sample> history;
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  Instant t = kStart;
  for (int i = 0; i < count; ++i) {
    t += seconds(*rc::gen::inRange(0, 240));
    Sample s{t, {}, {}, {}};
    // Values clustered around the thresholds.
    if (*rc::gen::arbitrary<bool>()) s.sbp = *rc::gen::inRange(176, 184);
    if (*rc::gen::arbitrary<bool>()) s.hr = *rc::gen::inRange(117, 124);
    if (*rc::gen::arbitrary<bool>()) s.spo2 = *rc::gen::inRange(89, 95);
    history.push_back(s);
    VitalSigns v;
    v.time = s.time;
    v.systolic_mmhg = s.sbp;
    if (s.sbp) v.diastolic_mmhg = 80;
    v.heart_rate_bpm = s.hr;
    v.spo2_percent = s.spo2;
    const AlarmList alarms = engine.OnVitals(v, SessionPhase::kIntra);
    const size_t k = history.size() - 1;
    RC_ASSERT(Has(alarms, "vitals.bp-pause") == BpPauseByDefinition(history, k));
    RC_ASSERT(Has(alarms, "vitals.hr-pause") == HrPauseByDefinition(history, k));
    RC_ASSERT(Has(alarms, "vitals.spo2-stop") == Spo2StopByDefinition(history, k));
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
