#ifndef KETACLINIC_CLINICAL_VITALS_RULES_H_
#define KETACLINIC_CLINICAL_VITALS_RULES_H_

// The live-session rule engine: every vital-signs reading, sedation score and side effect of
// one infusion session is judged at once by the protocol's rules (clinical.md §1.5-§1.7,
// §1.11), and raises alarms with the action the protocol prescribes (docs/SESSION.md).
//
// Temporal rules, exactly. Each keeps only the start time of an unbroken "run" of readings past
// its threshold (fixed-size state, no history buffer): a reading with the measurement past the
// threshold starts a run (or continues the current one), a reading with the measurement not past
// it ends the run, a reading without that measurement leaves the run as it is.
//   - STOP-01 "SBP >= 180 or DBP >= 110 on 2 readings >= 5 min apart": a BP reading at or above
//     the pause level confirms when the run of such readings began at least bp_confirm_min
//     (5 min) before it. A second high reading less than 5 min after the first does not confirm
//     and does not restart the run: it raises vitals.bp-high, and the next high reading that is
//     >= 5 min after the first one confirms. A BP below the pause level in between ends the
//     episode: the recheck did not confirm it.
//   - STOP-02 "HR > 120 sustained 5 min": the run of readings with HR > 120 began at least
//     hr_sustained_min before this reading. So every HR reading over the last 5 min was above the
//     threshold, and at least two readings (the run's first and this one) span >= 5 min.
//   - STOP-03 "SpO2 < 92 % sustained >= 30 s": likewise, over spo2_sustained_s.
// Readings must come in time order (the session checks it). A long gap without readings does not
// end a run: the patient was not seen to recover.
//
// Each reading raises at most one alarm per measurement (the most severe: for BP bp-severe, then
// bp-pause, then bp-high or bp-low). Alarms are not latched: a reading that is still past a
// threshold raises its alarm again, so the flowsheet shows it at every recheck.
//
// In the pre phase (before the infusion starts) readings are kept for the runs but raise nothing:
// the pre-infusion gates (pre_infusion.h) judge the baseline. After the infusion (post phase) the
// same thresholds apply; a critical alarm then carries post_infusion_critical_action, since there
// is no pump to pause.

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "base/time.h"

#include "clinical/session_protocol.h"
#include "clinical/vitals.h"

namespace ketaclinic::clinical {

enum class AlarmLevel { kWarning, kCritical };
const char* AlarmLevelName(AlarmLevel level);  // "warning" | "critical"

// Where the session is: before the infusion starts, while it runs or is paused, after it ends.
enum class SessionPhase { kPre, kIntra, kPost };
const char* SessionPhaseName(SessionPhase phase);  // "pre" | "intra" | "post"

// Text of bounded length kept inline, so raising an alarm allocates nothing.
class AlarmText {
 public:
  static constexpr size_t kCapacity = 200;

  // Appends as much as fits; a full text ends in "...".
  void Append(std::string_view text);
  // A number in its shortest form ("185", "91.5").
  void AppendNumber(double value);
  // "09:05" (UTC).
  void AppendClock(Instant at);
  std::string_view view() const { return {data_.data(), size_}; }
  void Clear() { size_ = 0; }

 private:
  std::array<char, kCapacity> data_;  // only [0, size_) is ever read
  size_t size_ = 0;
};

// One alarm. `action` points into the engine's protocol: valid while the engine (or a copy of
// it) lives.
struct Alarm {
  SessionRule rule = SessionRule::kBpHigh;
  AlarmLevel level = AlarmLevel::kWarning;
  Instant at;        // the time of the reading (or check) that raised it
  double value = 0;  // the value judged: mmHg, beats/min, %, /min, MOAA/S, grade, minutes late
  std::string_view action;
  AlarmText message;

  std::string_view rule_id() const { return SessionRuleId(rule); }
  std::string_view source() const { return SessionRuleSource(rule); }
};

// The alarms of one input, in fixed storage.
class AlarmList {
 public:
  // A reading raises at most 4 (BP, HR, SpO2, RR) plus the overdue checks (BP and every score
  // time): 4 + 1 + kMaxScoreTimes.
  static constexpr size_t kCapacity = 4 + 1 + kMaxScoreTimes;

  Alarm& Add(SessionRule rule, AlarmLevel level, Instant at, double value, std::string_view action);
  // Appends every alarm of `other`.
  void Append(const AlarmList& other);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Alarm& operator[](size_t i) const { return items_.at(i); }
  const Alarm* begin() const { return items_.data(); }
  const Alarm* end() const { return items_.data() + size_; }

 private:
  std::array<Alarm, kCapacity> items_;
  size_t size_ = 0;
};

// The side effects the session records (clinical.md §1.11 checklist; tinnitus from DESIGN.md
// §3; chest pain and neurological symptoms because STOP-05 names them).
enum class SideEffectKind {
  kNausea,
  kVomiting,
  kHeadache,
  kDizziness,
  kDissociation,
  kAnxiety,
  kHallucinations,
  kVisualDisturbance,
  kHypertension,
  kTachycardia,
  kSedation,
  kUrinarySymptoms,
  kTinnitus,
  kChestPain,
  kNeurological,
};

// "nausea", "vomiting", "headache", "dizziness", "dissociation", "anxiety", "hallucinations",
// "visual-disturbance", "hypertension", "tachycardia", "sedation", "urinary-symptoms",
// "tinnitus", "chest-pain", "neurological".
const char* SideEffectKindName(SideEffectKind kind);
Result<SideEffectKind> ParseSideEffectKind(std::string_view name, std::string_view field);

// What the rules look at in a side effect.
struct SideEffectReport {
  Instant at;  // when it was recorded
  SideEffectKind kind = SideEffectKind::kNausea;
  int grade = 1;  // 1-5 (CTCAE-like, clinical.md §1.11 [R])
  bool serious = false;
};

// The rules of one session. Stateful (the runs, the monitoring schedule, the last MOAA/S), with
// fixed-size state: judging a reading allocates nothing. Copies share the (immutable) protocol.
class VitalsRuleEngine {
 public:
  // REQUIRES: ValidateSessionProtocol(protocol) succeeded.
  explicit VitalsRuleEngine(SessionProtocol protocol);

  // Tells the engine the infusion started (kIntra) or ended (kPost) at `at`: the monitoring
  // schedule restarts from there. An input whose phase differs from the current one begins that
  // phase at its own time.
  void BeginPhase(SessionPhase phase, Instant at);

  // Judges one reading (and first the monitoring schedule at its time: a late BP is overdue).
  // REQUIRES: reading.time not before the previous input; the reading valid (ValidateVitalSigns).
  AlarmList OnVitals(const VitalSigns& reading, SessionPhase phase);
  // A MOAA/S score (0-5): STOP-04; it also counts as a score of the schedule.
  AlarmList OnMoaas(Instant at, int moaas, SessionPhase phase);
  // A dissociation score (CADSS, CADSS-6): no threshold (clinical.md §2.5 has none); it counts as
  // a score of the schedule.
  AlarmList OnDissociationScore(Instant at, SessionPhase phase);
  // A side effect: STOP-05, STOP-06, nausea and seriousness.
  AlarmList OnSideEffect(const SideEffectReport& report, SessionPhase phase);
  // The monitoring schedule alone (a BP or a score overdue at `now`), for any other event or a
  // timer. Each overdue item is raised once.
  AlarmList CheckDue(Instant now, SessionPhase phase);

  // When the next blood pressure is due; nullopt before the infusion starts.
  std::optional<Instant> NextBpDue() const;
  std::optional<int> last_moaas() const { return last_moaas_; }
  const SessionProtocol& protocol() const { return *protocol_; }

 private:
  // An unbroken run of readings past one threshold: when it began.
  struct Run {
    std::optional<Instant> since;
    void Update(bool past, Instant at) {
      if (!past) {
        since.reset();
      } else if (!since) {
        since = at;
      }
    }
    double Seconds(Instant at) const;
  };

  void EnterPhase(SessionPhase phase, Instant at);
  std::string_view ActionFor(SessionRule rule) const;
  Alarm& Raise(AlarmList& alarms, SessionRule rule, Instant at, double value) const;
  // Returns whether the reading raised a BP alarm (an out-of-range BP asks for a recheck).
  bool JudgeBloodPressure(const VitalSigns& reading, AlarmList& alarms);
  void JudgeHeartRate(const VitalSigns& reading, AlarmList& alarms);
  void JudgeOxygen(const VitalSigns& reading, AlarmList& alarms);
  void JudgeRespiration(const VitalSigns& reading, AlarmList& alarms);
  void CountScore(Instant at);

  std::shared_ptr<const SessionProtocol> protocol_;
  SessionPhase phase_ = SessionPhase::kPre;

  Run bp_high_;   // SBP >= sbp_pause or DBP >= dbp_pause
  Run hr_high_;   // HR > hr_pause_above
  Run spo2_low_;  // SpO2 < spo2_stop_below

  // Monitoring schedule.
  std::optional<Instant> infusion_start_;
  std::optional<Instant> bp_reference_;  // last BP, or the start of the infusion
  bool last_bp_abnormal_ = false;
  bool bp_overdue_raised_ = false;
  std::array<bool, kMaxScoreTimes> score_met_{};
  std::array<bool, kMaxScoreTimes> score_overdue_raised_{};

  std::optional<int> last_moaas_;
};

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_VITALS_RULES_H_
