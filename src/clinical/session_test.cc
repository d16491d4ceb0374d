// The session state machine, its delivered-dose arithmetic (worked by hand in each comment) and
// the replay of a timeline of events.

#include "clinical/session.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Instant kT0 = *ParseRfc3339("2026-11-30T09:00:00Z", "t");

Instant At(double minute) { return kT0 + seconds(static_cast<long long>(minute * 60)); }

const Clinician kNurse{"n.okafor", Role::kNurse};
const Clinician kDoctor{"dr.byrne", Role::kPhysician};
const Clinician kDesk{"f.lima", Role::kFrontDesk};

// 35 mg in a 100 mL bag (0.35 mg/mL) at 150 mL/h: 2.5 mL/min x 0.35 = 0.875 mg/min, so the
// planned dose runs in over 40 min.
InfusionSetup Standard() {
  InfusionSetup setup;
  setup.planned_dose_mg = 35;
  setup.bag_volume_ml = 100;
  setup.concentration_mg_per_ml = 0.35;
  setup.planned_rate_ml_per_h = 150;
  setup.weight_kg = 70;
  return setup;
}

PreInfusionVerdict Cleared() {
  PreInfusionVerdict verdict;
  verdict.cleared = true;
  return verdict;
}

DischargeVerdict Allowed() {
  DischargeVerdict verdict;
  verdict.allowed = true;
  return verdict;
}

Session NewSession(const InfusionSetup& setup = Standard(), const SessionProtocol& protocol = {}) {
  auto session = Session::Create(setup, protocol);
  EXPECT_TRUE(session.has_value()) << session.error().ToString();
  return std::move(*session);
}

// Checked in at 09:00 (-20 min), cleared, started at 09:20 = minute 0 of At() below... kept
// simple: everything happens at At(minutes after 09:00).
Session Running(double start_minute = 0, const SessionProtocol& protocol = {}) {
  Session s = NewSession(Standard(), protocol);
  EXPECT_TRUE(s.CheckIn(At(start_minute - 20), kDesk));
  EXPECT_TRUE(s.RecordPreChecks(At(start_minute - 10), kNurse, Cleared()));
  EXPECT_TRUE(s.Start(At(start_minute), kNurse, Cleared()));
  return s;
}

VitalSigns Bp(double minute, double sbp, double dbp) {
  VitalSigns v;
  v.time = At(minute);
  v.systolic_mmhg = sbp;
  v.diastolic_mmhg = dbp;
  return v;
}

std::vector<std::string> Ids(const std::vector<RaisedAlarm>& alarms) {
  std::vector<std::string> ids;
  ids.reserve(alarms.size());
  for (const RaisedAlarm& a : alarms) ids.push_back(a.rule_id);
  return ids;
}

// --- setup -------------------------------------------------------------------------------------

TEST(SessionSetupTest, InvalidSetupNamesEveryField) {
  InfusionSetup setup = Standard();
  setup.planned_dose_mg = 40;  // the bag holds 100 x 0.35 = 35 mg
  setup.planned_rate_ml_per_h = 0;
  setup.weight_kg = 0;
  SessionProtocol protocol;
  protocol.sbp_warn_mmhg = 185;  // above the pause level
  auto session = Session::Create(setup, protocol);
  ASSERT_FALSE(session.has_value());
  std::vector<std::string> fields;
  for (const FieldProblem& p : session.error().problems()) fields.push_back(p.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"setup.planned_rate_ml_per_h", "setup.planned_dose_mg",
                                      "setup.weight_kg", "protocol.session.sbp_warn_mmhg"}));
}

TEST(SessionSetupTest, ThePlannedDoseMayFillTheBagExactly) {
  InfusionSetup setup = Standard();
  setup.bag_volume_ml = 103.5;  // 35 mg drawn into a 100 mL bag: 3.5 mL of 10 mg/mL
  setup.concentration_mg_per_ml = 35 / 103.5;
  EXPECT_TRUE(ValidateInfusionSetup(setup));
}

TEST(SessionSetupTest, RateAboveThePumpLimitIsAKeyingError) {
  InfusionSetup setup = Standard();
  setup.planned_rate_ml_per_h = 1201;
  EXPECT_FALSE(ValidateInfusionSetup(setup));
}

// --- the happy path ----------------------------------------------------------------------------

TEST(SessionTest, FromCheckInToDischarge) {
  Session s = NewSession();
  EXPECT_EQ(s.state(), SessionState::kScheduled);
  ASSERT_TRUE(s.CheckIn(At(-20), kDesk));
  EXPECT_EQ(s.state(), SessionState::kCheckedIn);
  ASSERT_TRUE(s.RecordPreChecks(At(-10), kNurse, Cleared()));
  EXPECT_EQ(s.state(), SessionState::kReady);
  ASSERT_TRUE(s.Start(At(0), kNurse, Cleared()));
  EXPECT_EQ(s.state(), SessionState::kRunning);
  EXPECT_EQ(s.CurrentRateMlPerH(), 150);
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(10, 130, 80)));
  // 20 min x 0.875 mg/min = 17.5 mg.
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(20)), 17.5);
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(20, 132, 82)));
  EXPECT_DOUBLE_EQ(s.DeliveredMg(), 17.5);
  ASSERT_TRUE(s.RecordScore(At(20), kNurse, Scale::kMoaas, {5}));
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(30, 134, 84)));
  ASSERT_TRUE(s.RecordScore(At(38), kNurse, Scale::kCadss6, {1, 1, 0, 0, 1, 0}));
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(40, 136, 84)));
  // The pump stopped at 40 min: 35 mg.
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(41)), 35);
  ASSERT_TRUE(s.Complete(At(41), kNurse));
  EXPECT_EQ(s.state(), SessionState::kCompleted);
  EXPECT_EQ(s.CurrentRateMlPerH(), 0);
  EXPECT_EQ(s.infusion_end(), At(41));
  ASSERT_TRUE(s.BeginRecovery(At(41), kNurse));
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(55, 128, 80)));
  ASSERT_TRUE(s.RecordScore(At(70), kNurse, Scale::kMoaas, {5}));
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(70, 126, 80)));
  ASSERT_TRUE(s.RecordDischargeCheck(At(72), kNurse, Allowed()));
  ASSERT_TRUE(s.Discharge(At(75), kNurse, Allowed()));
  EXPECT_EQ(s.state(), SessionState::kDischarged);
  EXPECT_DOUBLE_EQ(s.DeliveredMg(), 35);
  EXPECT_EQ(s.protocol_version(), "default-2026-11");
  EXPECT_TRUE(s.alarms().empty());
  EXPECT_EQ(s.log().size(), 16u);
  ASSERT_EQ(s.segments().size(), 1u);
  EXPECT_EQ(s.segments()[0].end, At(41));
}

TEST(SessionTest, NotClearedPreChecksWaitInPreChecks) {
  Session s = NewSession();
  ASSERT_TRUE(s.CheckIn(At(-20), kNurse));
  PreInfusionVerdict blocked;
  blocked.findings.push_back({"pre.escort", Severity::kBlock, "no escort", ""});
  ASSERT_TRUE(s.RecordPreChecks(At(-15), kNurse, blocked));
  EXPECT_EQ(s.state(), SessionState::kPreChecks);
  auto start = s.Start(At(-14), kNurse, Cleared());
  ASSERT_FALSE(start);
  EXPECT_EQ(start.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(start.error().message(),
            "start rejected: the session is pre-checks; start is allowed only when ready");
  ASSERT_TRUE(s.RecordPreChecks(At(-5), kNurse, Cleared()));
  EXPECT_EQ(s.state(), SessionState::kReady);
  // Ready, but the verdict at the moment of the start blocks (e.g. the escort left).
  auto again = s.Start(At(0), kNurse, blocked);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(),
            "start rejected: the pre-infusion check at the start did not clear (blocked by "
            "pre.escort)");
  EXPECT_EQ(s.state(), SessionState::kReady);
  // A later pre-check that does not clear takes a ready session back to pre-checks.
  ASSERT_TRUE(s.RecordPreChecks(At(1), kNurse, blocked));
  EXPECT_EQ(s.state(), SessionState::kPreChecks);
}

// --- delivered dose ----------------------------------------------------------------------------

// Start 09:00 at 150 mL/h (0.875 mg/min); pause 09:10: 8.75 mg. Resume 09:20 at 75 mL/h
// (0.4375 mg/min); rate change 09:30 back to 150 mL/h: 10 x 0.4375 = 4.375 -> 13.125 mg. At
// 09:40: + 10 x 0.875 = 21.875 mg. The pump is left to run: 35 - 21.875 = 13.125 mg more at
// 0.875 mg/min = 15 min, so the planned dose is reached at 09:55.
TEST(SessionDoseTest, PauseResumeAndRateChange) {
  Session s = Running();
  ASSERT_TRUE(s.Pause(At(10), kNurse, "BP recheck"));
  EXPECT_EQ(s.state(), SessionState::kPaused);
  EXPECT_EQ(s.CurrentRateMlPerH(), 0);
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(20)), 8.75);  // nothing runs while paused
  ASSERT_TRUE(s.Resume(At(20), kNurse, 75));
  ASSERT_TRUE(s.ChangeRate(At(30), kNurse, 150));
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(30)), 13.125);
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(40)), 21.875);
  EXPECT_EQ(s.PlannedDoseReachedAt(), At(55));
  ASSERT_EQ(s.segments().size(), 3u);
  EXPECT_EQ(s.segments()[0], (RateSegment{At(0), At(10), 150, 0.35}));
  EXPECT_EQ(s.segments()[1], (RateSegment{At(20), At(30), 75, 0.35}));
  EXPECT_EQ(s.segments()[2], (RateSegment{At(30), std::nullopt, 150, 0.35}));
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(60)), 35);

  const auto delivered = s.DeliveredSegments(At(60));
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_DOUBLE_EQ(delivered[0].dose_mg, 8.75);
  EXPECT_DOUBLE_EQ(delivered[1].dose_mg, 4.375);
  EXPECT_DOUBLE_EQ(delivered[2].dose_mg, 21.875);
  EXPECT_EQ(delivered[2].end, At(55));
  EXPECT_DOUBLE_EQ(delivered[1].rate_mg_per_min, 0.4375);

  const pk::Schedule schedule = ToPkSchedule(delivered, At(0));
  ASSERT_EQ(schedule.infusions.size(), 3u);
  EXPECT_DOUBLE_EQ(schedule.infusions[1].start_min, 20);
  EXPECT_DOUBLE_EQ(schedule.infusions[1].duration_min, 10);
  EXPECT_DOUBLE_EQ(schedule.infusions[2].start_min, 30);
  EXPECT_DOUBLE_EQ(schedule.infusions[2].duration_min, 25);
  EXPECT_DOUBLE_EQ(schedule.TotalDoseMg(), 35);
}

TEST(SessionDoseTest, ResumeKeepsTheRateBeforeThePause) {
  Session s = Running();
  ASSERT_TRUE(s.ChangeRate(At(5), kNurse, 100));
  ASSERT_TRUE(s.Pause(At(10), kNurse, ""));
  ASSERT_TRUE(s.Resume(At(12), kNurse, std::nullopt));
  EXPECT_EQ(s.CurrentRateMlPerH(), 100);
}

// At 300 mL/h (1.75 mg/min) the 35 mg run in over 20 min; the pump stops there, whatever the
// clock says afterwards.
TEST(SessionDoseTest, TheBagRunsOutAtThePlannedDose) {
  Session s = NewSession();
  ASSERT_TRUE(s.CheckIn(At(-20), kNurse));
  ASSERT_TRUE(s.RecordPreChecks(At(-10), kNurse, Cleared()));
  ASSERT_TRUE(s.Start(At(0), kNurse, Cleared(), 300));
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(10)), 17.5);
  EXPECT_DOUBLE_EQ(s.DeliveredMgAt(At(30)), 35);
  EXPECT_EQ(s.PlannedDoseReachedAt(), At(20));
  ASSERT_TRUE(s.RecordVitals(kNurse, Bp(25, 130, 80)));
  EXPECT_EQ(s.CurrentRateMlPerH(), 0);  // running, but the pump has stopped
  auto late_change = s.ChangeRate(At(26), kNurse, 100);
  ASSERT_FALSE(late_change);
  EXPECT_EQ(late_change.error().message(),
            "rate_change rejected: the planned dose is already delivered: record complete");
  const auto delivered = s.DeliveredSegments(At(30));
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].end, At(20));
  EXPECT_DOUBLE_EQ(delivered[0].dose_mg, 35);
}

// 1 % tolerance: 34.65 mg at 0.875 mg/min is 39.6 min = 39 min 36 s.
TEST(SessionDoseTest, CompleteNeedsThePlannedDose) {
  Session s = Running();
  auto early = s.Complete(At(30), kNurse);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().message(),
            "complete rejected: 26.25 mg of the planned 35 mg delivered; to end the infusion "
            "early, record stop with a reason");
  EXPECT_FALSE(s.Complete(At(39) + seconds(35), kNurse));
  EXPECT_TRUE(s.Complete(At(39) + seconds(36), kNurse));
  EXPECT_NEAR(s.DeliveredMg(), 34.65, 1e-9);
}

TEST(SessionDoseTest, StopEndsEarlyWithAReason) {
  Session s = Running();
  ASSERT_TRUE(s.Pause(At(12), kNurse, "BP"));
  auto no_reason = s.Stop(At(20), kNurse, "");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().problems()[0].field, "reason");
  ASSERT_TRUE(s.Stop(At(20), kNurse, "BP stayed above 180/110"));
  EXPECT_EQ(s.state(), SessionState::kStopped);
  EXPECT_DOUBLE_EQ(s.DeliveredMg(), 10.5);  // 12 x 0.875
  EXPECT_EQ(s.infusion_end(), At(20));
  EXPECT_EQ(s.phase(), SessionPhase::kPost);
}

// --- invalid transitions -----------------------------------------------------------------------

TEST(SessionTransitionTest, EachInvalidEventNamesTheEventAndTheState) {
  Session s = NewSession();
  auto pause = s.Pause(At(0), kNurse, "");
  ASSERT_FALSE(pause);
  EXPECT_EQ(pause.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(pause.error().message(),
            "pause rejected: the session is scheduled; pause is allowed only when running");
  auto discharge = s.Discharge(At(0), kNurse, Allowed());
  ASSERT_FALSE(discharge);
  EXPECT_EQ(discharge.error().message(),
            "discharge rejected: the session is scheduled; discharge is allowed only when "
            "recovery");
  auto vitals = s.RecordVitals(kNurse, Bp(0, 120, 80));
  ASSERT_FALSE(vitals);
  EXPECT_EQ(s.state(), SessionState::kScheduled);
  EXPECT_FALSE(s.last_event_at().has_value());
}

TEST(SessionTransitionTest, NothingAfterDischargeOrCancel) {
  Session s = NewSession();
  ASSERT_TRUE(s.CheckIn(At(0), kNurse));
  ASSERT_TRUE(s.Cancel(At(5), kDesk, "patient unwell, rebooked"));
  EXPECT_EQ(s.state(), SessionState::kCancelled);
  EXPECT_FALSE(s.RecordPreChecks(At(6), kNurse, Cleared()));
  EXPECT_FALSE(s.CheckIn(At(6), kNurse));
  EXPECT_FALSE(s.RecordVitals(kNurse, Bp(7, 120, 80)));
}

TEST(SessionTransitionTest, NoCancelOnceStartedAndNoCancelWithoutReason) {
  Session s = NewSession();
  ASSERT_TRUE(s.CheckIn(At(0), kNurse));
  auto no_reason = s.Cancel(At(1), kNurse, "");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().problems()[0].field, "reason");
  Session running = Running();
  auto cancel = running.Cancel(At(5), kNurse, "changed mind");
  ASSERT_FALSE(cancel);
  EXPECT_EQ(cancel.error().message(),
            "cancel rejected: the session is running; cancel is allowed only when scheduled, "
            "checked-in, pre-checks, ready");
}

TEST(SessionTransitionTest, RateChangeOnlyWhileRunning) {
  Session s = Running();
  ASSERT_TRUE(s.Pause(At(5), kNurse, ""));
  auto change = s.ChangeRate(At(6), kNurse, 100);
  ASSERT_FALSE(change);
  EXPECT_EQ(change.error().message(),
            "rate_change rejected: the session is paused; rate_change is allowed only when "
            "running");
  EXPECT_EQ(s.segments().size(), 1u);
}

TEST(SessionTransitionTest, TimesMustNotGoBackwards) {
  Session s = Running(10);
  auto back = s.Pause(At(9), kNurse, "");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(back.error().problems()[0].field, "at");
  EXPECT_EQ(back.error().problems()[0].reason,
            "2026-11-30T09:09:00Z is before the previous event at 2026-11-30T09:10:00Z: times "
            "must not go backwards");
  EXPECT_EQ(s.state(), SessionState::kRunning);
  EXPECT_TRUE(s.Pause(At(10), kNurse, ""));  // the same second is not backwards
}

TEST(SessionTransitionTest, BadRatesAreRejected) {
  Session s = Running();
  EXPECT_FALSE(s.ChangeRate(At(1), kNurse, 0));
  EXPECT_FALSE(s.ChangeRate(At(1), kNurse, -5));
  auto high = s.ChangeRate(At(1), kNurse, 1500);
  ASSERT_FALSE(high);
  EXPECT_EQ(high.error().problems()[0].field, "rate_ml_per_h");
  EXPECT_EQ(s.segments().size(), 1u);
}

// --- who may do what ---------------------------------------------------------------------------

TEST(SessionRoleTest, FrontDeskChecksInButDoesNotStart) {
  Session s = NewSession();
  ASSERT_TRUE(s.CheckIn(At(0), kDesk));
  auto pre = s.RecordPreChecks(At(1), kDesk, Cleared());
  ASSERT_FALSE(pre);
  EXPECT_EQ(pre.error().problems()[0].field, "by.role");
  EXPECT_EQ(pre.error().problems()[0].reason, "a front-desk may not record pre_checks");
  Session other = NewSession();
  EXPECT_FALSE(other.CheckIn(At(0), {"pharm", Role::kPharmacist}));
  EXPECT_FALSE(other.CheckIn(At(0), {"", Role::kNurse}));
}

TEST(SessionRoleTest, OnlyAPhysicianResumesAfterACriticalAlarm) {
  Session s = Running();
  auto alarms = s.RecordVitals(kNurse, Bp(10, 205, 100));
  ASSERT_TRUE(alarms);
  EXPECT_EQ(Ids(*alarms), std::vector<std::string>{"vitals.bp-severe"});
  ASSERT_TRUE(s.Pause(At(11), kNurse, "BP 205/100"));
  auto nurse = s.Resume(At(20), kNurse, 100);
  ASSERT_FALSE(nurse);
  EXPECT_EQ(nurse.error().problems()[0].field, "by.role");
  ASSERT_TRUE(s.Resume(At(20), kDoctor, 100));
  // A pause without a critical alarm: the nurse resumes.
  ASSERT_TRUE(s.Pause(At(25), kNurse, "bathroom"));
  EXPECT_TRUE(s.Resume(At(30), kNurse, std::nullopt));
}

// --- observations ------------------------------------------------------------------------------

TEST(SessionObservationTest, ImplausibleVitalsAreRejectedNamingTheField) {
  Session s = Running();
  VitalSigns v = Bp(5, 120, 130);  // diastolic above systolic
  auto rejected = s.RecordVitals(kNurse, v);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().problems()[0].field, "diastolic_mmhg");
  EXPECT_TRUE(s.vitals().empty());
}

TEST(SessionObservationTest, ScoresDuringTheSession) {
  Session s = Running();
  auto stop = s.RecordScore(At(8), kNurse, Scale::kMoaas, {2});
  ASSERT_TRUE(stop);
  EXPECT_EQ(Ids(*stop), std::vector<std::string>{"sedation.moaas-stop"});
  EXPECT_EQ((*stop)[0].level, AlarmLevel::kCritical);
  auto phq = s.RecordScore(At(9), kNurse, Scale::kPhq9, {0, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_FALSE(phq);
  EXPECT_EQ(phq.error().problems()[0].field, "scale");
  auto bad = s.RecordScore(At(9), kNurse, Scale::kMoaas, {6});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().problems()[0].field, "items[0]");
  EXPECT_EQ(s.scores().size(), 1u);
}

TEST(SessionObservationTest, SideEffects) {
  Session s = Running();
  SideEffect nausea{SideEffectKind::kNausea, 2, At(7), std::nullopt, "ondansetron 4 mg IV", false};
  auto raised = s.RecordSideEffect(At(9), kNurse, nausea);
  ASSERT_TRUE(raised);
  EXPECT_EQ(Ids(*raised), std::vector<std::string>{"side-effect.nausea"});
  SideEffect bad{SideEffectKind::kHeadache, 6, At(20), At(18), "", false};
  auto rejected = s.RecordSideEffect(At(10), kNurse, bad);
  ASSERT_FALSE(rejected);
  std::vector<std::string> fields;
  for (const FieldProblem& p : rejected.error().problems()) fields.push_back(p.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"grade", "onset", "resolved_at", "resolved_at"}));
  EXPECT_EQ(s.side_effects().size(), 1u);
}

TEST(SessionObservationTest, OverdueBloodPressureOnAnyEvent) {
  Session s = Running();
  // Due at 09:10, grace 2 min: the pause at 09:13 finds it late.
  auto pause = s.Pause(At(13), kNurse, "");
  ASSERT_TRUE(pause);
  EXPECT_EQ(Ids(*pause), std::vector<std::string>{"monitoring.bp-overdue"});
  // Not critical: the nurse may resume.
  EXPECT_TRUE(s.Resume(At(14), kNurse, std::nullopt));
}

TEST(SessionObservationTest, DischargeNeedsAMoaasAfterTheEnd) {
  Session s = Running();
  ASSERT_TRUE(s.RecordScore(At(30), kNurse, Scale::kMoaas, {5}));
  ASSERT_TRUE(s.Complete(At(40), kNurse));
  ASSERT_TRUE(s.BeginRecovery(At(40), kNurse));
  auto discharge = s.Discharge(At(80), kNurse, Allowed());
  ASSERT_FALSE(discharge);
  EXPECT_EQ(discharge.error().message(),
            "discharge rejected: no MOAA/S was scored after the infusion ended "
            "(score_at_discharge)");
  ASSERT_TRUE(s.RecordScore(At(78), kNurse, Scale::kMoaas, {5}));
  DischargeVerdict refused;
  refused.findings.push_back({"discharge.escort", Severity::kBlock, "no escort", ""});
  auto not_allowed = s.Discharge(At(80), kNurse, refused);
  ASSERT_FALSE(not_allowed);
  EXPECT_EQ(not_allowed.error().message(),
            "discharge rejected: the discharge checklist does not allow it (discharge.escort)");
  EXPECT_TRUE(s.Discharge(At(80), kNurse, Allowed()));
}

// --- replay ------------------------------------------------------------------------------------

PreInfusionInput ClearedPreChecks() {
  PreInfusionInput in;
  in.identity_verified = true;
  in.consent_on_file = true;
  in.escort_confirmed = true;
  in.last_solid_food_at = At(-300);
  in.last_clear_liquid_at = At(-120);
  in.weight_kg = 70;
  in.weight_measured_at = At(-25);
  in.height_cm = 170;
  VitalSigns baseline = Bp(-20, 128, 82);
  baseline.heart_rate_bpm = 76;
  baseline.spo2_percent = 98;
  baseline.resp_rate_per_min = 14;
  in.baseline_vitals.push_back(baseline);
  in.can_become_pregnant = false;
  in.cssrs = CssrsScreen{At(-30), CssrsRisk::kNone};
  in.depression_scale_at = At(-30);
  in.drug_screen = LabTest{At(-60 * 24 * 10), TestResult::kNegative};
  return in;
}

ReplayEvent Event(SessionEventType type, double minute, Clinician by = kNurse) {
  ReplayEvent e;
  e.type = type;
  e.at = At(minute);
  e.actor = std::move(by);
  return e;
}

ReplayEvent VitalsEvent(double minute, double sbp, double dbp) {
  ReplayEvent e = Event(SessionEventType::kVitals, minute);
  e.vitals.systolic_mmhg = sbp;
  e.vitals.diastolic_mmhg = dbp;
  e.vitals.heart_rate_bpm = 80;
  e.vitals.spo2_percent = 98;
  return e;
}

ReplayEvent MoaasEvent(double minute, int score) {
  ReplayEvent e = Event(SessionEventType::kScore, minute);
  e.scale = Scale::kMoaas;
  e.items = {score};
  return e;
}

ReplayInput StandardReplay() {
  ReplayInput in;
  in.setup = Standard();
  in.events.push_back(Event(SessionEventType::kCheckIn, -30, kDesk));
  ReplayEvent pre = Event(SessionEventType::kPreChecks, -15);
  pre.pre_checks = ClearedPreChecks();
  in.events.push_back(pre);
  in.events.push_back(Event(SessionEventType::kStart, 0));
  in.events.push_back(VitalsEvent(10, 130, 80));
  in.events.push_back(VitalsEvent(20, 130, 80));
  in.events.push_back(MoaasEvent(20, 5));
  in.events.push_back(VitalsEvent(30, 130, 80));
  in.events.push_back(VitalsEvent(40, 130, 80));
  in.events.push_back(MoaasEvent(40, 5));
  in.events.push_back(Event(SessionEventType::kComplete, 40));
  in.events.push_back(Event(SessionEventType::kRecovery, 40));
  in.events.push_back(VitalsEvent(55, 128, 80));
  in.events.push_back(VitalsEvent(70, 126, 80));
  in.events.push_back(MoaasEvent(70, 5));
  ReplayEvent check = Event(SessionEventType::kDischargeCheck, 71);
  check.discharge = {true, true, true, true};
  in.events.push_back(check);
  in.events.push_back(Event(SessionEventType::kDischarge, 72));
  return in;
}

TEST(SessionReplayTest, AStandardInfusion) {
  const ReplayInput input = StandardReplay();
  auto result = ReplaySession(input);
  ASSERT_TRUE(result) << result.error().ToString();
  for (const ReplayStep& step : result->steps) {
    EXPECT_TRUE(step.accepted) << step.index << ": " << step.rejection;
    EXPECT_TRUE(step.alarms.empty()) << step.index;
  }
  EXPECT_EQ(result->final_state, SessionState::kDischarged);
  EXPECT_DOUBLE_EQ(result->delivered_mg, 35);
  ASSERT_TRUE(result->delivered_mg_per_kg.has_value());
  EXPECT_DOUBLE_EQ(result->delivered_mg_per_kg.value_or(0), 0.5);
  EXPECT_EQ(result->steps[2].state, SessionState::kRunning);
  EXPECT_EQ(result->steps[2].rate_ml_per_h, 150);
  EXPECT_DOUBLE_EQ(result->steps[4].delivered_mg, 17.5);  // the vitals at 20 min
  EXPECT_EQ(result->segments.size(), 1u);
  EXPECT_EQ(result->rejected, 0u);
}

TEST(SessionReplayTest, RejectedEventsAreReportedAndTheReplayGoesOn) {
  ReplayInput input = StandardReplay();
  // A pause before the start, and a discharge before recovery.
  input.events.insert(input.events.begin() + 2, Event(SessionEventType::kPause, -10));
  input.events.insert(input.events.begin() + 10, Event(SessionEventType::kDischarge, 40));
  auto result = ReplaySession(input);
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(result->rejected, 2u);
  EXPECT_FALSE(result->steps[2].accepted);
  EXPECT_EQ(result->steps[2].rejection,
            "pause rejected: the session is ready; pause is allowed only when running");
  EXPECT_EQ(result->steps[2].state, SessionState::kReady);
  EXPECT_FALSE(result->steps[10].accepted);
  EXPECT_EQ(result->final_state, SessionState::kDischarged);
}

TEST(SessionReplayTest, PreSessionVitalsAreBaselineReadings) {
  ReplayInput input = StandardReplay();
  // The pre-check data has no baseline; a high first reading in the session needs a repeat.
  input.events[1].pre_checks.baseline_vitals.clear();
  input.events.insert(input.events.begin() + 1, VitalsEvent(-20, 184, 100));
  auto result = ReplaySession(input);
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(result->steps[2].state, SessionState::kPreChecks);
  const auto& findings = result->steps[2].findings;
  EXPECT_TRUE(std::any_of(findings.begin(), findings.end(),
                          [](const Finding& f) { return f.rule_id == "pre.baseline-bp"; }));
  EXPECT_FALSE(result->steps[3].accepted);  // the start
  EXPECT_EQ(result->final_state, SessionState::kPreChecks);
}

TEST(SessionReplayTest, DischargeWithoutACheckIsRejected) {
  ReplayInput input = StandardReplay();
  input.events.erase(input.events.end() - 2);  // the discharge_check
  auto result = ReplaySession(input);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->steps.back().rejection, "discharge rejected: no discharge_check was recorded");
  EXPECT_EQ(result->final_state, SessionState::kRecovery);
}

TEST(SessionReplayTest, TheDischargeCheckUsesWhatTheSessionKnows) {
  ReplayInput input = StandardReplay();
  input.events.erase(input.events.end() - 3);  // the MOAA/S at 70 min
  auto result = ReplaySession(input);
  ASSERT_TRUE(result);
  const ReplayStep& check = result->steps[result->steps.size() - 2];
  ASSERT_TRUE(check.accepted);
  ASSERT_EQ(check.findings.size(), 1u);
  EXPECT_EQ(check.findings[0].rule_id, "discharge.sedation");
  EXPECT_FALSE(result->steps.back().accepted);
}

TEST(SessionReplayTest, InvalidProtocolIsAnError) {
  ReplayInput input = StandardReplay();
  input.discharge_protocol.moaas_min = 7;
  auto result = ReplaySession(input);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().problems()[0].field, "protocol.discharge.moaas_min");
}

}  // namespace
}  // namespace ketaclinic::clinical
