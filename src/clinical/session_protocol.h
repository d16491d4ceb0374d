#ifndef KETACLINIC_CLINICAL_SESSION_PROTOCOL_H_
#define KETACLINIC_CLINICAL_SESSION_PROTOCOL_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"

namespace ketaclinic::clinical {

// Every alarm the live session can raise (docs/SESSION.md). The rule engine (vitals_rules.h)
// raises them from vital signs, sedation scores, side effects and the monitoring schedule; the
// protocol gives each one the action the nurse is to take.
enum class SessionRule {
  kBpSevere,      // vitals.bp-severe: SBP >= 200 or DBP >= 120 once (STOP-01), critical
  kBpPause,       // vitals.bp-pause: SBP >= 180 or DBP >= 110 confirmed 5 min apart (STOP-01)
  kBpHigh,        // vitals.bp-high: SBP >= 160 or DBP >= 100, or an unconfirmed >= 180/110
  kBpLow,         // vitals.bp-low: SBP < 90
  kHrPause,       // vitals.hr-pause: HR > 120 sustained 5 min (STOP-02), critical
  kHrHigh,        // vitals.hr-high: HR > 110, or > 120 not yet sustained
  kHrLow,         // vitals.hr-low: HR < 50
  kSpo2Stop,      // vitals.spo2-stop: SpO2 < 92 % sustained >= 30 s (STOP-03), critical
  kSpo2Low,       // vitals.spo2-low: SpO2 < 92 % not yet sustained
  kRrStop,        // vitals.rr-stop: RR < 10 (STOP-03), critical
  kRrHigh,        // vitals.rr-high: RR > 25
  kSedationStop,  // sedation.moaas-stop: MOAA/S <= 2 (STOP-04), critical
  kSedationWarn,  // sedation.moaas-warn: MOAA/S <= 3
  kReactionStop,  // side-effect.reaction-stop: severe reaction, chest pain, neuro (STOP-05)
  kVomitingStop,  // side-effect.vomiting-stop: vomiting with reduced consciousness (STOP-06)
  kSeriousEvent,  // side-effect.serious: a serious (or grade >= 4) side effect, critical
  kNausea,        // side-effect.nausea: nausea or vomiting of grade >= 2
  kBpOverdue,     // monitoring.bp-overdue: the next blood pressure is late
  kScoreOverdue,  // monitoring.score-overdue: a sedation/dissociation score is late
};

inline constexpr size_t kSessionRuleCount = 19;

// The stable rule id: "vitals.bp-pause".
std::string_view SessionRuleId(SessionRule rule);
// The rule with that id, if any.
std::optional<SessionRule> ParseSessionRuleId(std::string_view id);
// Every rule, in the order of the enum.
const std::array<SessionRule, kSessionRuleCount>& AllSessionRules();
// Whether the rule's alarm is critical (pause or stop) rather than a warning.
bool SessionRuleIsCritical(SessionRule rule);
// The citation of the rule: "clinical.md §1.6 STOP-01; ... [S-low]".
std::string_view SessionRuleSource(SessionRule rule);

// The action each rule prescribes, indexed by the rule (clinical.md §1.6 "Action" column and
// §1.11). A site rewrites them to name its own order sets.
using SessionActions = std::array<std::string, kSessionRuleCount>;
SessionActions DefaultSessionActions();

// The live-session part of the clinic's protocol: the thresholds of the intra- and
// post-infusion alarms, the monitoring schedule and the action of each alarm (clinical.md
// §1.5-§1.7, §1.11, §6; the source of each default is in SessionProtocolSources).
//
// Comparisons, exactly: "_mmhg" pause/severe/warn thresholds of blood pressure are inclusive
// (>=, as "SBP >= 180" in STOP-01); "above" is strict (>), "below" is strict (<); "at_or_below"
// is inclusive. A temporal rule counts an unbroken run of readings past its threshold (see
// vitals_rules.h for the exact definition).
struct SessionProtocol {
  std::string version = "default-2026-11";

  // STOP-01 hypertension: pause when SBP >= sbp_pause or DBP >= dbp_pause on two readings at
  // least bp_confirm_min apart, or SBP >= sbp_severe or DBP >= dbp_severe once.
  double sbp_pause_mmhg = 180;
  double dbp_pause_mmhg = 110;
  double bp_confirm_min = 5;
  double sbp_severe_mmhg = 200;
  double dbp_severe_mmhg = 120;
  // Warning levels (urgency threshold 160/100, clinical.md §1.4 [S]) and hypotension.
  double sbp_warn_mmhg = 160;
  double dbp_warn_mmhg = 100;
  double sbp_low_mmhg = 90;  // below: warning

  // STOP-02 tachycardia: pause when HR > hr_pause_above for hr_sustained_min.
  double hr_pause_above_bpm = 120;
  double hr_sustained_min = 5;
  double hr_warn_above_bpm = 110;
  double hr_low_bpm = 50;  // below: warning

  // STOP-03 respiration: stop when SpO2 < spo2_stop_below for spo2_sustained_s, or RR < rr_stop.
  double spo2_stop_below_percent = 92;
  double spo2_sustained_s = 30;
  double rr_stop_below_per_min = 10;
  double rr_warn_above_per_min = 25;

  // STOP-04 sedation (MOAA/S 0-5): stop at or below; warn at or below.
  int moaas_stop_at_or_below = 2;
  int moaas_warn_at_or_below = 3;

  // STOP-05 / STOP-06 and side effects (grades 1-5, CTCAE-like [R]).
  int reaction_stop_grade = 3;              // anxiety, hallucinations, dissociation at/above
  int vomiting_stop_moaas_at_or_below = 4;  // "reduced consciousness": last MOAA/S below 5
  int nausea_warn_grade = 2;
  int serious_grade = 4;  // this grade (or the serious flag) makes an adverse event

  // Monitoring (clinical.md §1.5): NIBP intervals; after an out-of-range BP the next one is due
  // sooner; a BP later than its due time by more than the grace is overdue.
  double nibp_interval_intra_min = 10;
  double nibp_interval_post_min = 15;
  double nibp_recheck_after_abnormal_min = 5;
  double nibp_overdue_grace_min = 2;
  // Dissociation / sedation scores due at these minutes after the start, each met by a score
  // taken no earlier than score_grace_min before it, overdue score_grace_min after it.
  std::vector<double> score_times_min = {20, 40};
  double score_grace_min = 5;
  // A MOAA/S taken after the infusion ended is needed to discharge (the one the checklist uses).
  bool score_at_discharge = true;

  // The pump stops when the planned dose is delivered; "complete" is accepted once at least
  // (100 - this) % of it is delivered (a flowsheet records the minute, not the second).
  double completion_tolerance_percent = 1;

  // The action of each alarm, and of any critical alarm after the infusion has ended (when there
  // is no pump to pause).
  SessionActions actions = DefaultSessionActions();
  std::string post_infusion_critical_action =
      "The infusion has ended: notify the physician, treat per order set, recheck every 5 min "
      "and extend observation (no discharge until resolved).";
};

// The most score_times_min entries the rule engine tracks (its storage is fixed-size).
inline constexpr size_t kMaxScoreTimes = 8;

// Checks ranges and consistency (warning levels below pause levels, pause below severe, the
// low warnings below the high ones, score times ascending, every action non-empty), naming each
// bad key by its key within the section ("sbp_warn_mmhg", "actions.vitals.bp-pause").
Status ValidateSessionProtocol(const SessionProtocol& protocol);

// The source of each default, one entry per key ("actions" is one entry).
std::vector<ParameterSource> SessionProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_SESSION_PROTOCOL_H_
