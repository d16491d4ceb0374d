#ifndef KETACLINIC_CLINICAL_SESSION_H_
#define KETACLINIC_CLINICAL_SESSION_H_

// The infusion session (DESIGN.md §3 step 5; docs/SESSION.md): a state machine over the
// nurse's and physician's events, with the rate segments the delivered dose is reconstructed
// from, the vitals, scores and side effects recorded during it, and the alarms the protocol's
// rules raise at once. Pure: every event carries its time; no clock is read.
//
//   scheduled --check_in--> checked-in --pre_checks--> pre-checks <--pre_checks--> ready
//   ready --start--> running <--pause / resume--> paused;  running --rate_change--> running
//   running | paused --complete--> completed;  running | paused --stop--> stopped
//   completed | stopped --recovery--> recovery --discharge--> discharged
//   scheduled | checked-in | pre-checks | ready --cancel--> cancelled
//
// A rejected event is an Error naming the event and the current state, and changes nothing.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "pk/schedule.h"

#include "clinical/discharge.h"
#include "clinical/finding.h"
#include "clinical/pre_infusion.h"
#include "clinical/roles.h"
#include "clinical/scales.h"
#include "clinical/session_protocol.h"
#include "clinical/vitals.h"
#include "clinical/vitals_rules.h"

namespace ketaclinic::clinical {

enum class SessionState {
  kScheduled,
  kCheckedIn,
  kPreChecks,
  kReady,
  kRunning,
  kPaused,
  kCompleted,
  kStopped,
  kRecovery,
  kDischarged,
  kCancelled,
};

// "scheduled", "checked-in", "pre-checks", "ready", "running", "paused", "completed", "stopped",
// "recovery", "discharged", "cancelled".
const char* SessionStateName(SessionState state);
// Before the start: pre; running or paused: intra; after: post.
SessionPhase PhaseOf(SessionState state);

// The events of a session, named as in the replay file ("check_in", "rate_change", ...).
enum class SessionEventType {
  kCheckIn,
  kPreChecks,
  kStart,
  kVitals,
  kScore,
  kSideEffect,
  kPause,
  kResume,
  kRateChange,
  kStop,
  kComplete,
  kRecovery,
  kDischargeCheck,
  kDischarge,
  kCancel,
};

const char* SessionEventTypeName(SessionEventType type);
Result<SessionEventType> ParseSessionEventType(std::string_view name, std::string_view field);

// What is infused: the planned dose in a bag of known volume and concentration, and the pump
// rate it starts at. The pump is programmed to stop when the planned dose has run in.
struct InfusionSetup {
  double planned_dose_mg = 0;
  double bag_volume_ml = 0;
  double concentration_mg_per_ml = 0;
  double planned_rate_ml_per_h = 0;
  std::optional<double> weight_kg;  // for the delivered dose in mg/kg

  double BagContentMg() const { return bag_volume_ml * concentration_mg_per_ml; }
};

// Positive numbers; the bag holds at least the planned dose; a rate at most the pump limit
// kMaxRateMlPerH. Fields named as in the replay file's "setup".
Status ValidateInfusionSetup(const InfusionSetup& setup);

// A rate above this is a keying error (mL/h for mL/min, a misplaced decimal), not an order.
inline constexpr double kMaxRateMlPerH = 1200;

// One stretch of constant pump rate: opened by start, resume or a rate change; closed by
// pause, a rate change, complete or stop.
struct RateSegment {
  Instant start;
  std::optional<Instant> end;  // unset while open
  double rate_ml_per_h = 0;
  double concentration_mg_per_ml = 0;

  double RateMgPerMin() const { return rate_ml_per_h * concentration_mg_per_ml / 60; }

  friend bool operator==(const RateSegment&, const RateSegment&) = default;
};

// What a segment actually delivered once the pump's stop at the planned dose is applied: a
// segment cut short where the planned dose was reached; segments after it and empty ones left
// out (FHIR: one MedicationAdministration each).
struct DeliveredSegment {
  Instant start;
  Instant end;
  double rate_ml_per_h = 0;
  double rate_mg_per_min = 0;
  double dose_mg = 0;
};

// A side effect (clinical.md §1.11 capture [D]).
struct SideEffect {
  SideEffectKind kind = SideEffectKind::kNausea;
  int grade = 1;  // 1-5, CTCAE-like [R]
  Instant onset;
  std::optional<Instant> resolved_at;
  std::string treatment;  // e.g. "ondansetron 4 mg IV"; empty if none
  bool serious = false;   // -> AdverseEvent
};

// A scale scored during the session (MOAA/S, CADSS, CADSS-6).
struct SessionScore {
  Instant at;
  Clinician by;
  ScaleScore score;
};

// An alarm as the session keeps it (owning its text).
struct RaisedAlarm {
  SessionRule rule = SessionRule::kBpHigh;
  AlarmLevel level = AlarmLevel::kWarning;
  Instant at;
  double value = 0;
  std::string rule_id;
  std::string message;
  std::string action;
  std::string source;
};

RaisedAlarm ToRaisedAlarm(const Alarm& alarm);

// One accepted event, for the record.
struct SessionLogEntry {
  SessionEventType type = SessionEventType::kCheckIn;
  Instant at;
  Clinician actor;
  std::string detail;  // reason, rate, reading summary
};

class Session {
 public:
  // A new session, scheduled. An invalid setup or protocol is an error naming each field.
  static Result<Session> Create(InfusionSetup setup, SessionProtocol protocol);

  // Every event returns the alarms it raised (the monitoring schedule is checked at every event
  // after the start), or an error if it is rejected: a wrong state (kFailedPrecondition, the
  // message names the event and the state), a time before the previous event's, an actor whose
  // role may not do it, or invalid data (kInvalidArgument naming the field). A rejected event
  // changes nothing.
  using Outcome = Result<std::vector<RaisedAlarm>>;

  // scheduled -> checked-in. Front desk, nurse or physician.
  Outcome CheckIn(Instant at, const Clinician& actor);
  // checked-in | pre-checks | ready -> ready if the verdict cleared, else pre-checks.
  Outcome RecordPreChecks(Instant at, const Clinician& actor, const PreInfusionVerdict& verdict);
  // ready -> running, only with a verdict evaluated at `at` that cleared. Opens a segment at
  // `rate_ml_per_h` (default: the planned rate).
  Outcome Start(Instant at, const Clinician& actor, const PreInfusionVerdict& verdict,
                std::optional<double> rate_ml_per_h = std::nullopt);
  // running -> paused; closes the segment.
  Outcome Pause(Instant at, const Clinician& actor, const std::string& reason);
  // paused -> running; opens a segment at `rate_ml_per_h` (default: the rate before the pause).
  // After a critical alarm since the infusion last ran, only a physician resumes (clinical.md
  // §1.6 "Resume: only by physician action" [D]).
  Outcome Resume(Instant at, const Clinician& actor, std::optional<double> rate_ml_per_h);
  // running -> running at a new rate: closes the segment and opens another.
  Outcome ChangeRate(Instant at, const Clinician& actor, double rate_ml_per_h);
  // running | paused -> completed, once the planned dose is delivered (within
  // completion_tolerance_percent).
  Outcome Complete(Instant at, const Clinician& actor);
  // running | paused -> stopped early, with a reason.
  Outcome Stop(Instant at, const Clinician& actor, const std::string& reason);
  // completed | stopped -> recovery.
  Outcome BeginRecovery(Instant at, const Clinician& actor);
  // In recovery: records a discharge checklist verdict (no state change).
  Outcome RecordDischargeCheck(Instant at, const Clinician& actor, const DischargeVerdict& verdict);
  // recovery -> discharged, only with a verdict evaluated at `at` that allows it.
  Outcome Discharge(Instant at, const Clinician& actor, const DischargeVerdict& verdict);
  // scheduled | checked-in | pre-checks | ready -> cancelled, with a reason.
  Outcome Cancel(Instant at, const Clinician& actor, const std::string& reason);

  // From check-in to recovery: judged by the rules (vitals_rules.h) in the current phase.
  Outcome RecordVitals(const Clinician& actor, const VitalSigns& reading);
  // MOAA/S, CADSS or CADSS-6, scored (scales.h) and judged.
  Outcome RecordScore(Instant at, const Clinician& actor, Scale scale,
                      const std::vector<int>& items);
  Outcome RecordSideEffect(Instant at, const Clinician& actor, const SideEffect& effect);

  SessionState state() const { return state_; }
  SessionPhase phase() const { return PhaseOf(state_); }
  const InfusionSetup& setup() const { return setup_; }
  const SessionProtocol& protocol() const { return engine_.protocol(); }
  const std::string& protocol_version() const { return engine_.protocol().version; }
  // The time of the last accepted event (the session's "now"); unset before check-in.
  std::optional<Instant> last_event_at() const { return last_event_at_; }
  std::optional<Instant> checked_in_at() const { return checked_in_at_; }
  std::optional<Instant> infusion_start() const { return infusion_start_; }
  // The time of the complete or stop event.
  std::optional<Instant> infusion_end() const { return infusion_end_; }

  const std::vector<RateSegment>& segments() const { return segments_; }
  // Milligrams delivered by `at`: the sum over segments of rate x time, open segments counted
  // to `at`, capped at the planned dose (the pump stops there).
  double DeliveredMgAt(Instant at) const;
  // Delivered by the last accepted event.
  double DeliveredMg() const;
  // When the planned dose was (or, at the current rate, will be) fully delivered; unset when
  // not running and not reached.
  std::optional<Instant> PlannedDoseReachedAt() const;
  // The rate the pump is running at after the last event: 0 unless running, and 0 once the
  // planned dose is delivered.
  double CurrentRateMlPerH() const;
  // The segments as delivered by `at` (see DeliveredSegment).
  std::vector<DeliveredSegment> DeliveredSegments(Instant at) const;

  const std::vector<VitalSigns>& vitals() const { return vitals_; }
  const std::vector<SessionScore>& scores() const { return scores_; }
  const std::vector<SideEffect>& side_effects() const { return side_effects_; }
  const std::vector<RaisedAlarm>& alarms() const { return alarms_; }
  const std::vector<SessionLogEntry>& log() const { return log_; }
  const std::optional<PreInfusionVerdict>& start_verdict() const { return start_verdict_; }
  const std::optional<DischargeVerdict>& discharge_verdict() const { return discharge_verdict_; }
  // The latest MOAA/S score after the infusion ended (the one a discharge check uses).
  std::optional<MoaasObservation> RecoveryMoaas() const;

 private:
  Session(InfusionSetup setup, SessionProtocol protocol);

  // Common checks of every event: the time order, the actor's role, the current state.
  Status Admit(SessionEventType type, Instant at, const Clinician& actor,
               std::initializer_list<SessionState> allowed) const;
  // Records an accepted event: the time, the log, and the due checks in `phase`.
  std::vector<RaisedAlarm> Accept(SessionEventType type, Instant at, const Clinician& actor,
                                  std::string detail, SessionPhase phase);
  std::vector<RaisedAlarm> Keep(const AlarmList& alarms);
  void OpenSegment(Instant at, double rate_ml_per_h);
  void CloseSegment(Instant at);
  void EndInfusion(Instant at, SessionState state);
  Status CheckRate(double rate_ml_per_h, SessionEventType type) const;

  InfusionSetup setup_;
  VitalsRuleEngine engine_;
  SessionState state_ = SessionState::kScheduled;
  std::optional<Instant> last_event_at_;
  std::optional<Instant> checked_in_at_;
  std::optional<Instant> infusion_start_;
  std::optional<Instant> infusion_end_;
  std::vector<RateSegment> segments_;
  double last_rate_ml_per_h_ = 0;
  // A critical alarm since the infusion last started or resumed: resume needs a physician.
  bool critical_since_run_ = false;
  std::vector<VitalSigns> vitals_;
  std::vector<SessionScore> scores_;
  std::vector<SideEffect> side_effects_;
  std::vector<RaisedAlarm> alarms_;
  std::vector<SessionLogEntry> log_;
  std::optional<PreInfusionVerdict> start_verdict_;
  std::optional<DischargeVerdict> discharge_verdict_;
};

// The delivered segments as a pharmacokinetic schedule, times in minutes from `zero` (usually
// the infusion start), so the predicted concentration of what was actually given can be
// simulated (pk/simulate.h).
pk::Schedule ToPkSchedule(const std::vector<DeliveredSegment>& segments, Instant zero);

// --- replay ------------------------------------------------------------------------------------

// What the nurse records at a discharge check that the session does not already know (the
// session supplies the infusion end, the recovery vitals, the MOAA/S and the baseline BP).
struct DischargeChecklist {
  bool ambulates_safely = false;
  bool nausea_controlled = false;
  bool escort_verified = false;
  bool instructions_given = false;
};

// One event of a replay (docs/formats/session-replay-file.md). Only the members of its type
// are read.
struct ReplayEvent {
  SessionEventType type = SessionEventType::kCheckIn;
  Instant at;
  Clinician actor;
  PreInfusionInput pre_checks;          // pre_checks
  VitalSigns vitals;                    // vitals (its time is `at`)
  Scale scale = Scale::kMoaas;          // score
  std::vector<int> items;               // score
  SideEffect side_effect;               // side_effect
  std::optional<double> rate_ml_per_h;  // start, resume, rate_change
  std::string reason;                   // pause, stop, cancel
  DischargeChecklist discharge;         // discharge_check
};

struct ReplayInput {
  InfusionSetup setup;
  SessionProtocol session_protocol;
  PreInfusionProtocol pre_infusion_protocol;
  DischargeProtocol discharge_protocol;
  std::vector<ReplayEvent> events;
};

// The session after one event.
struct ReplayStep {
  size_t index = 0;
  SessionEventType type = SessionEventType::kCheckIn;
  Instant at;
  bool accepted = false;
  std::string rejection;  // why it was rejected (empty if accepted)
  SessionState state = SessionState::kScheduled;
  double delivered_mg = 0;
  double rate_ml_per_h = 0;
  std::vector<RaisedAlarm> alarms;
  // The verdict findings of a pre_checks / start (pre-infusion gates) or discharge_check /
  // discharge (discharge checklist) event.
  std::vector<Finding> findings;
};

struct ReplayResult {
  std::vector<ReplayStep> steps;
  SessionState final_state = SessionState::kScheduled;
  double planned_dose_mg = 0;
  double delivered_mg = 0;
  std::optional<double> delivered_mg_per_kg;
  std::optional<Instant> infusion_start;
  std::optional<Instant> infusion_end;
  std::vector<DeliveredSegment> segments;
  std::vector<SideEffect> side_effects;
  size_t rejected = 0;
  size_t warnings = 0;
  size_t criticals = 0;
  std::string protocol_version;
};

// Applies every event in order. A rejected event is reported (with the reason) and the replay
// goes on: a replay of a real flowsheet must show every problem, not the first one. The
// pre-infusion verdict of pre_checks and start is EvaluatePreInfusion over the latest
// pre_checks data plus every vitals event before the start, at the event's time; the discharge
// verdict of discharge_check and discharge is EvaluateDischarge over the latest checklist plus
// what the session knows, at the event's time. An invalid setup or protocol is an error.
Result<ReplayResult> ReplaySession(const ReplayInput& input);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_SESSION_H_
