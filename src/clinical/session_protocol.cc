#include "clinical/session_protocol.h"

#include <array>
#include <string>

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md; each is also in
// SessionProtocolSources):
//   STOP-01 180/110 on 2 readings 5 min apart or 200/120 once — §1.4 forum rule set [S-low],
//     §1.6 STOP-01, §6 intra_bp_pause; [R] Sanacora 180/100
//   warn 160/100 — §1.4 "some sources use >= 160/>= 100 for urgency" [S]
//   SBP < 90, HR < 50, RR > 25 — §1.5 directory example alert thresholds [S-low]
//   STOP-02 HR > 120 sustained 5 min — §1.4 forum [S-low], §1.6, §6 hr_pause
//   HR > 110 warning — §1.4 [R] Sanacora "consider holding if HR > 110" (unverified, so a warning)
//   STOP-03 SpO2 < 92 % >= 30 s, RR < 10 — §1.6 [D], §6 spo2 stop [S], rr_stop [S-low]
//   STOP-04 MOAA/S <= 2 — §1.6 [D], §6 sedation_stop; MOAA/S levels §1.7 [S]
//   STOP-05 / STOP-06 — §1.6 [D]; side-effect grades 1-5 CTCAE-like §1.11 [R]
//   NIBP every 10 min during, 15 min after; extra NIBP within 5 min of an out-of-range value;
//     scores at 20 and 40 min and at discharge — §1.5 proposed defaults [D] (Emory/Yale [S])

namespace ketaclinic::clinical {
namespace {

struct RuleInfo {
  SessionRule rule;
  const char* id;
  bool critical;
  const char* source;
  const char* action;  // the default action
};

// The STOP-01..06 actions are §1.6's "Action" column; the warnings' actions follow §1.5 ("extra
// NIBP within 5 min of any out-of-range value") and §1.11 (management of side effects).
constexpr std::array<RuleInfo, kSessionRuleCount> kRules = {{
    {SessionRule::kBpSevere, "vitals.bp-severe", true,
     "clinical.md §1.6 STOP-01 (>= 200/120 once), §6 intra_bp_pause; §1.4 forum rule set [S-low]",
     "Pause the pump, notify the physician, recheck BP every 5 min; physician decides resume / "
     "reduce rate / stop; PRN antihypertensive order set."},
    {SessionRule::kBpPause, "vitals.bp-pause", true,
     "clinical.md §1.6 STOP-01 (>= 180/110 on 2 readings 5 min apart), §6 intra_bp_pause; §1.4 "
     "forum rule set [S-low]; [R] Sanacora 180/100",
     "Pause the pump, notify the physician, recheck BP every 5 min; physician decides resume / "
     "reduce rate / stop; PRN antihypertensive order set."},
    {SessionRule::kBpHigh, "vitals.bp-high", false,
     "clinical.md §1.4 urgency threshold >= 160/100 [S]; §1.5 extra NIBP within 5 min [D]",
     "Recheck BP within 5 min; pause the pump if it is still >= 180/110 (STOP-01)."},
    {SessionRule::kBpLow, "vitals.bp-low", false,
     "clinical.md §1.5 example alert threshold SBP < 90 [S-low]; extra NIBP within 5 min [D]",
     "Recheck BP within 5 min; assess the patient; notify the physician if it persists."},
    {SessionRule::kHrPause, "vitals.hr-pause", true,
     "clinical.md §1.6 STOP-02 (HR > 120 sustained 5 min), §6 hr_pause; §1.4 forum [S-low]",
     "Pause the pump and notify the physician (STOP-02); check the rhythm."},
    {SessionRule::kHrHigh, "vitals.hr-high", false,
     "clinical.md §1.4 [R] Sanacora 'consider holding if HR > 110'; §1.6 STOP-02 [S-low]",
     "Watch the heart rate; pause if it stays > 120 for 5 min (STOP-02)."},
    {SessionRule::kHrLow, "vitals.hr-low", false,
     "clinical.md §1.5 example alert threshold HR < 50 [S-low]",
     "Recheck; assess the patient; notify the physician if it persists."},
    {SessionRule::kSpo2Stop, "vitals.spo2-stop", true,
     "clinical.md §1.6 STOP-03 (SpO2 < 92 % sustained >= 30 s) [D]; §6 spo2 stop < 92 % [S]",
     "Stop the infusion, airway manoeuvres, give O2, call the physician (STOP-03)."},
    {SessionRule::kSpo2Low, "vitals.spo2-low", false,
     "clinical.md §1.6 STOP-03 [D]; §1.5 example alert threshold SpO2 < 92 % [S-low]",
     "Check the probe and the airway, stimulate the patient; stop if SpO2 stays < 92 % for 30 s."},
    {SessionRule::kRrStop, "vitals.rr-stop", true,
     "clinical.md §1.6 STOP-03 (RR < 10) [D]; §6 rr_stop [S-low]",
     "Stop the infusion, airway manoeuvres, give O2, call the physician (STOP-03)."},
    {SessionRule::kRrHigh, "vitals.rr-high", false,
     "clinical.md §6 rr_stop '> 25-30' [S-low]; §1.5 example alert threshold RR > 25 [S-low]",
     "Assess the patient (anxiety, airway); recheck; notify the physician if it persists."},
    {SessionRule::kSedationStop, "sedation.moaas-stop", true,
     "clinical.md §1.6 STOP-04 (MOAA/S <= 2), §6 sedation_stop [D]; MOAA/S §1.7 [S]",
     "Stop the infusion and monitor to recovery; physician to assess (STOP-04)."},
    {SessionRule::kSedationWarn, "sedation.moaas-warn", false,
     "clinical.md §1.7 MOAA/S 3 = responds only to a loud voice [S]; warning level [D]",
     "Rescore sedation within 5 min; stop if MOAA/S falls to 2 or below (STOP-04)."},
    {SessionRule::kReactionStop, "side-effect.reaction-stop", true,
     "clinical.md §1.6 STOP-05 (severe distress / emergence reaction, chest pain, neuro "
     "symptoms) [D]; §1.11 [S label]",
     "Stop the infusion; benzodiazepine per order set; physician to assess (STOP-05)."},
    {SessionRule::kVomitingStop, "side-effect.vomiting-stop", true,
     "clinical.md §1.6 STOP-06 (vomiting with reduced consciousness) [D]; aspiration warning "
     "[S-low]",
     "Stop the infusion, protect the airway (recovery position, suction); call the physician "
     "(STOP-06)."},
    {SessionRule::kSeriousEvent, "side-effect.serious", true,
     "clinical.md §1.11 side-effect capture: seriousness -> AdverseEvent [D]; grades [R]",
     "Notify the physician now; record an adverse event."},
    {SessionRule::kNausea, "side-effect.nausea", false,
     "clinical.md §1.11: ondansetron 4-8 mg common practice [S-low]",
     "Antiemetic per order set (e.g. ondansetron 4-8 mg); watch the airway."},
    {SessionRule::kBpOverdue, "monitoring.bp-overdue", false,
     "clinical.md §1.5, §6 nibp_interval_intra / post 10 / 15 min [S] Emory/Yale; grace [D]",
     "Take a blood pressure now."},
    {SessionRule::kScoreOverdue, "monitoring.score-overdue", false,
     "clinical.md §1.5: dissociation/sedation score at 20 and 40 min and at discharge [D]",
     "Score sedation (MOAA/S) and dissociation (CADSS) now."},
}};

const RuleInfo& Info(SessionRule rule) { return kRules.at(static_cast<size_t>(rule)); }

}  // namespace

std::string_view SessionRuleId(SessionRule rule) { return Info(rule).id; }

std::optional<SessionRule> ParseSessionRuleId(std::string_view id) {
  for (const RuleInfo& info : kRules) {
    if (id == info.id) return info.rule;
  }
  return std::nullopt;
}

const std::array<SessionRule, kSessionRuleCount>& AllSessionRules() {
  static const std::array<SessionRule, kSessionRuleCount> kAll = [] {
    std::array<SessionRule, kSessionRuleCount> all{};
    for (size_t i = 0; i < kRules.size(); ++i) all.at(i) = kRules.at(i).rule;
    return all;
  }();
  return kAll;
}

bool SessionRuleIsCritical(SessionRule rule) { return Info(rule).critical; }

std::string_view SessionRuleSource(SessionRule rule) { return Info(rule).source; }

SessionActions DefaultSessionActions() {
  SessionActions actions;
  for (size_t i = 0; i < kRules.size(); ++i) actions.at(i) = kRules.at(i).action;
  return actions;
}

Status ValidateSessionProtocol(const SessionProtocol& p) {
  Validator v("invalid session protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  // Plausibility bounds: outside them a number is surely a unit mistake, not a clinic's choice.
  const bool sbp_low = v.InRange("sbp_low_mmhg", p.sbp_low_mmhg, 50, 150, "mmHg");
  const bool sbp_warn = v.InRange("sbp_warn_mmhg", p.sbp_warn_mmhg, 100, 260, "mmHg");
  const bool sbp_pause = v.InRange("sbp_pause_mmhg", p.sbp_pause_mmhg, 100, 260, "mmHg");
  const bool sbp_severe = v.InRange("sbp_severe_mmhg", p.sbp_severe_mmhg, 100, 280, "mmHg");
  const bool dbp_warn = v.InRange("dbp_warn_mmhg", p.dbp_warn_mmhg, 50, 160, "mmHg");
  const bool dbp_pause = v.InRange("dbp_pause_mmhg", p.dbp_pause_mmhg, 50, 160, "mmHg");
  const bool dbp_severe = v.InRange("dbp_severe_mmhg", p.dbp_severe_mmhg, 50, 180, "mmHg");
  // Each level must lie below the next, or the milder alarm could never be raised (and a warning
  // would not announce the pause).
  if (sbp_low && sbp_warn) {
    v.Require(p.sbp_low_mmhg < p.sbp_warn_mmhg, "sbp_low_mmhg", "must be below sbp_warn_mmhg");
  }
  if (sbp_warn && sbp_pause) {
    v.Require(p.sbp_warn_mmhg < p.sbp_pause_mmhg, "sbp_warn_mmhg", "must be below sbp_pause_mmhg");
  }
  if (sbp_pause && sbp_severe) {
    v.Require(p.sbp_pause_mmhg < p.sbp_severe_mmhg, "sbp_pause_mmhg",
              "must be below sbp_severe_mmhg");
  }
  if (dbp_warn && dbp_pause) {
    v.Require(p.dbp_warn_mmhg < p.dbp_pause_mmhg, "dbp_warn_mmhg", "must be below dbp_pause_mmhg");
  }
  if (dbp_pause && dbp_severe) {
    v.Require(p.dbp_pause_mmhg < p.dbp_severe_mmhg, "dbp_pause_mmhg",
              "must be below dbp_severe_mmhg");
  }
  v.InRange("bp_confirm_min", p.bp_confirm_min, 1, 30, "min");

  const bool hr_low = v.InRange("hr_low_bpm", p.hr_low_bpm, 20, 80, "beats/min");
  const bool hr_warn = v.InRange("hr_warn_above_bpm", p.hr_warn_above_bpm, 60, 200, "beats/min");
  const bool hr_pause = v.InRange("hr_pause_above_bpm", p.hr_pause_above_bpm, 60, 220, "beats/min");
  if (hr_low && hr_warn) {
    v.Require(p.hr_low_bpm < p.hr_warn_above_bpm, "hr_low_bpm", "must be below hr_warn_above_bpm");
  }
  if (hr_warn && hr_pause) {
    v.Require(p.hr_warn_above_bpm < p.hr_pause_above_bpm, "hr_warn_above_bpm",
              "must be below hr_pause_above_bpm");
  }
  v.InRange("hr_sustained_min", p.hr_sustained_min, 1, 30, "min");

  v.InRange("spo2_stop_below_percent", p.spo2_stop_below_percent, 80, 100, "%");
  v.InRange("spo2_sustained_s", p.spo2_sustained_s, 1, 600, "s");
  const bool rr_stop = v.InRange("rr_stop_below_per_min", p.rr_stop_below_per_min, 4, 20, "/min");
  const bool rr_warn = v.InRange("rr_warn_above_per_min", p.rr_warn_above_per_min, 15, 60, "/min");
  if (rr_stop && rr_warn) {
    v.Require(p.rr_stop_below_per_min < p.rr_warn_above_per_min, "rr_stop_below_per_min",
              "must be below rr_warn_above_per_min");
  }

  const bool moaas_stop = p.moaas_stop_at_or_below >= 0 && p.moaas_stop_at_or_below <= 4;
  v.Require(moaas_stop, "moaas_stop_at_or_below", "must be 0-4 (MOAA/S 5 is fully alert)");
  const bool moaas_warn = p.moaas_warn_at_or_below >= 0 && p.moaas_warn_at_or_below <= 4;
  v.Require(moaas_warn, "moaas_warn_at_or_below", "must be 0-4 (MOAA/S 5 is fully alert)");
  if (moaas_stop && moaas_warn) {
    v.Require(p.moaas_stop_at_or_below < p.moaas_warn_at_or_below, "moaas_stop_at_or_below",
              "must be below moaas_warn_at_or_below");
  }
  auto grade = [&](const char* key, int value) {
    v.Require(value >= 1 && value <= 5, key, "must be a grade 1-5, got " + std::to_string(value));
  };
  grade("reaction_stop_grade", p.reaction_stop_grade);
  grade("nausea_warn_grade", p.nausea_warn_grade);
  grade("serious_grade", p.serious_grade);
  v.Require(p.vomiting_stop_moaas_at_or_below >= 0 && p.vomiting_stop_moaas_at_or_below <= 4,
            "vomiting_stop_moaas_at_or_below", "must be 0-4 (MOAA/S 5 is fully alert)");

  const bool intra = v.InRange("nibp_interval_intra_min", p.nibp_interval_intra_min, 1, 60, "min");
  v.InRange("nibp_interval_post_min", p.nibp_interval_post_min, 1, 120, "min");
  const bool recheck =
      v.InRange("nibp_recheck_after_abnormal_min", p.nibp_recheck_after_abnormal_min, 1, 60, "min");
  if (intra && recheck) {
    v.Require(p.nibp_recheck_after_abnormal_min <= p.nibp_interval_intra_min,
              "nibp_recheck_after_abnormal_min",
              "must not exceed nibp_interval_intra_min (a recheck comes sooner, not later)");
  }
  v.InRange("nibp_overdue_grace_min", p.nibp_overdue_grace_min, 0, 30, "min");

  v.Require(p.score_times_min.size() <= kMaxScoreTimes, "score_times_min",
            "must list at most " + std::to_string(kMaxScoreTimes) + " times");
  for (size_t i = 0; i < p.score_times_min.size(); ++i) {
    const std::string field = "score_times_min[" + std::to_string(i) + "]";
    if (!v.InRange(field, p.score_times_min[i], 1, 600, "min")) continue;
    if (i > 0) {
      v.Require(p.score_times_min[i] > p.score_times_min[i - 1], field, "times must ascend");
    }
  }
  v.InRange("score_grace_min", p.score_grace_min, 0, 30, "min");
  v.InRange("completion_tolerance_percent", p.completion_tolerance_percent, 0, 10, "%");

  for (size_t i = 0; i < kRules.size(); ++i) {
    v.Require(!p.actions.at(i).empty(), "actions." + std::string(kRules.at(i).id),
              "must not be empty: the nurse needs to know what to do");
  }
  v.Require(!p.post_infusion_critical_action.empty(), "post_infusion_critical_action",
            "must not be empty");
  return v.Finish();
}

std::vector<ParameterSource> SessionProtocolSources() {
  return {
      {"sbp_pause_mmhg",
       "clinical.md §1.6 STOP-01, §6 intra_bp_pause 180/110 x2 5 min apart [S-low]; [R] "
       "Sanacora 180/100"},
      {"dbp_pause_mmhg", "clinical.md §1.6 STOP-01, §6 intra_bp_pause 180/110 [S-low]"},
      {"bp_confirm_min", "clinical.md §1.6 STOP-01: 2 readings 5 min apart [S-low]"},
      {"sbp_severe_mmhg", "clinical.md §1.6 STOP-01: or >= 200/120 once [S-low]"},
      {"dbp_severe_mmhg", "clinical.md §1.6 STOP-01: or >= 200/120 once [S-low]"},
      {"sbp_warn_mmhg", "clinical.md §1.4: some sources use >= 160/>= 100 for urgency [S]"},
      {"dbp_warn_mmhg", "clinical.md §1.4: some sources use >= 160/>= 100 for urgency [S]"},
      {"sbp_low_mmhg", "clinical.md §1.5 example alert thresholds: SBP < 90 [S-low]"},
      {"hr_pause_above_bpm", "clinical.md §1.6 STOP-02, §6 hr_pause > 120 sustained [S-low]"},
      {"hr_sustained_min", "clinical.md §1.6 STOP-02: sustained 5 min [S-low]"},
      {"hr_warn_above_bpm",
       "clinical.md §1.4 [R] Sanacora 'consider holding if HR > 110' (unverified: a warning)"},
      {"hr_low_bpm", "clinical.md §1.5 example alert thresholds: HR < 50 [S-low]"},
      {"spo2_stop_below_percent", "clinical.md §1.6 STOP-03, §6 spo2 stop < 92 % [S]"},
      {"spo2_sustained_s", "clinical.md §1.6 STOP-03: sustained >= 30 s [D]"},
      {"rr_stop_below_per_min", "clinical.md §1.6 STOP-03, §6 rr_stop < 10 [S-low]"},
      {"rr_warn_above_per_min", "clinical.md §6 rr_stop '> 25-30'; §1.5 RR > 25 [S-low]"},
      {"moaas_stop_at_or_below", "clinical.md §1.6 STOP-04, §6 sedation_stop MOAA/S <= 2 [D]"},
      {"moaas_warn_at_or_below",
       "clinical.md §1.7: MOAA/S 3 responds only to a loud voice [S]; warning level [D]"},
      {"reaction_stop_grade",
       "clinical.md §1.6 STOP-05 severe distress/emergence [D]; grades §1.11 [R]"},
      {"vomiting_stop_moaas_at_or_below",
       "clinical.md §1.6 STOP-06 vomiting with reduced consciousness [D]: MOAA/S below 5"},
      {"nausea_warn_grade", "clinical.md §1.11 antiemetic practice [S-low]; grade 2 [D]"},
      {"serious_grade", "clinical.md §1.11 seriousness -> AdverseEvent [D]; CTCAE grade 4 [R]"},
      {"nibp_interval_intra_min", "clinical.md §1.5, §6 nibp_interval_intra 10 min [S] Emory/Yale"},
      {"nibp_interval_post_min", "clinical.md §1.5, §6 nibp_interval_post 15 min [S] Emory"},
      {"nibp_recheck_after_abnormal_min",
       "clinical.md §1.5: extra NIBP within 5 min of any out-of-range value [D]"},
      {"nibp_overdue_grace_min", "grace before a late BP is flagged [D] (clinical.md §1.5)"},
      {"score_times_min", "clinical.md §1.5: dissociation/sedation score at 20 and 40 min [D]"},
      {"score_grace_min", "window around each score time [D] (clinical.md §1.5)"},
      {"score_at_discharge", "clinical.md §1.5: and at discharge [D]; §1.10 MOAA/S = 5 [D]"},
      {"completion_tolerance_percent",
       "flowsheet times are to the minute [D]; the pump stops at the planned dose"},
      {"actions", "clinical.md §1.6 'Action' column (STOP-01..06) [D]; §1.5, §1.11"},
      {"post_infusion_critical_action", "clinical.md §1.10: extend observation [D]"},
  };
}

}  // namespace ketaclinic::clinical
