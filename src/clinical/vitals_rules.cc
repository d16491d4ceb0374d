#include "clinical/vitals_rules.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

// The rules and their defaults are cited in session_protocol.cc and docs/SESSION.md
// (clinical.md §1.5-§1.7 STOP-01..06, §1.11, §6).

namespace ketaclinic::clinical {
namespace {

constexpr double kSecondsPerMinute = 60;

double SecondsBetween(Instant from, Instant to) { return static_cast<double>((to - from).count()); }

// Minutes to one decimal, for messages.
double RoundedMinutes(double seconds) { return std::round(seconds / kSecondsPerMinute * 10) / 10; }

// "BP 182/96 mmHg", "SBP 182 mmHg" or "DBP 112 mmHg".
void AppendBloodPressure(AlarmText& text, const VitalSigns& reading) {
  if (reading.systolic_mmhg && reading.diastolic_mmhg) {
    text.Append("BP ");
    text.AppendNumber(*reading.systolic_mmhg);
    text.Append("/");
    text.AppendNumber(*reading.diastolic_mmhg);
  } else if (reading.systolic_mmhg) {
    text.Append("SBP ");
    text.AppendNumber(*reading.systolic_mmhg);
  } else if (reading.diastolic_mmhg) {
    text.Append("DBP ");
    text.AppendNumber(*reading.diastolic_mmhg);
  }
  text.Append(" mmHg");
}

// "180/110".
void AppendPair(AlarmText& text, double systolic, double diastolic) {
  text.AppendNumber(systolic);
  text.Append("/");
  text.AppendNumber(diastolic);
}

bool AtOrAbove(const std::optional<double>& value, double threshold) {
  return value && *value >= threshold;
}

constexpr std::array<const char*, 15> kSideEffectNames = {
    "nausea",   "vomiting",         "headache",           "dizziness",    "dissociation",
    "anxiety",  "hallucinations",   "visual-disturbance", "hypertension", "tachycardia",
    "sedation", "urinary-symptoms", "tinnitus",           "chest-pain",   "neurological"};

}  // namespace

const char* AlarmLevelName(AlarmLevel level) {
  return level == AlarmLevel::kCritical ? "critical" : "warning";
}

const char* SessionPhaseName(SessionPhase phase) {
  switch (phase) {
    case SessionPhase::kPre:
      return "pre";
    case SessionPhase::kIntra:
      return "intra";
    case SessionPhase::kPost:
      return "post";
  }
  return "pre";
}

const char* SideEffectKindName(SideEffectKind kind) {
  return kSideEffectNames.at(static_cast<size_t>(kind));
}

Result<SideEffectKind> ParseSideEffectKind(std::string_view name, std::string_view field) {
  for (size_t i = 0; i < kSideEffectNames.size(); ++i) {
    if (name == kSideEffectNames.at(i)) return static_cast<SideEffectKind>(i);
  }
  std::string known;
  for (const char* n : kSideEffectNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "'" + std::string(name) + "' is not a side effect (" + known + ")"));
}

// --- AlarmText ---------------------------------------------------------------------------------

void AlarmText::Append(std::string_view text) {
  // Never more than the text, never more than the room: the copy is bounded by both.
  const size_t n = std::min(text.size(), kCapacity - size_);
  std::copy_n(text.begin(), n, data_.begin() + static_cast<std::ptrdiff_t>(size_));
  size_ += n;
  if (n < text.size()) {
    // Cut: "..." over the last three characters, so a cut message says it was cut.
    constexpr std::string_view kEllipsis = "...";
    std::copy(kEllipsis.begin(), kEllipsis.end(),
              data_.end() - static_cast<std::ptrdiff_t>(kEllipsis.size()));
  }
}

void AlarmText::AppendNumber(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  Append(std::string_view(buffer.data(), static_cast<size_t>(result.ptr - buffer.data())));
}

void AlarmText::AppendClock(Instant at) {
  constexpr long long kSecondsPerDay = 86400;
  long long of_day = at.time_since_epoch().count() % kSecondsPerDay;
  if (of_day < 0) of_day += kSecondsPerDay;
  const long long hours = of_day / 3600;
  const long long minutes = (of_day % 3600) / 60;
  const long long seconds = of_day % 60;
  std::array<char, 8> clock = {
      static_cast<char>('0' + hours / 10),   static_cast<char>('0' + hours % 10),   ':',
      static_cast<char>('0' + minutes / 10), static_cast<char>('0' + minutes % 10), ':',
      static_cast<char>('0' + seconds / 10), static_cast<char>('0' + seconds % 10)};
  // Seconds only when they are not zero: flowsheet times are to the minute, monitors' are not.
  Append(std::string_view(clock.data(), seconds == 0 ? 5 : 8));
}

// --- AlarmList ---------------------------------------------------------------------------------

Alarm& AlarmList::Add(SessionRule rule, AlarmLevel level, Instant at, double value,
                      std::string_view action) {
  KC_CHECK(size_ < kCapacity);
  Alarm& alarm = items_.at(size_++);
  alarm.rule = rule;
  alarm.level = level;
  alarm.at = at;
  alarm.value = value;
  alarm.action = action;
  alarm.message.Clear();
  return alarm;
}

void AlarmList::Append(const AlarmList& other) {
  for (const Alarm& alarm : other) {
    KC_CHECK(size_ < kCapacity);
    items_.at(size_++) = alarm;
  }
}

// --- VitalsRuleEngine --------------------------------------------------------------------------

double VitalsRuleEngine::Run::Seconds(Instant at) const {
  return since ? SecondsBetween(*since, at) : 0;
}

VitalsRuleEngine::VitalsRuleEngine(SessionProtocol protocol)
    : protocol_(std::make_shared<const SessionProtocol>(std::move(protocol))) {}

void VitalsRuleEngine::BeginPhase(SessionPhase phase, Instant at) { EnterPhase(phase, at); }

void VitalsRuleEngine::EnterPhase(SessionPhase phase, Instant at) {
  phase_ = phase;
  if (phase == SessionPhase::kIntra) {
    // The schedule runs from the start: the first BP is due one interval after it, the scores at
    // their minutes after it. A baseline BP before the start does not count.
    infusion_start_ = at;
    bp_reference_ = at;
    last_bp_abnormal_ = false;
    score_met_.fill(false);
    score_overdue_raised_.fill(false);
  } else if (phase == SessionPhase::kPost && !bp_reference_) {
    bp_reference_ = at;
  }
  // The due time may have moved (another interval): a new lateness is a new alarm.
  bp_overdue_raised_ = false;
}

std::string_view VitalsRuleEngine::ActionFor(SessionRule rule) const {
  if (phase_ == SessionPhase::kPost && SessionRuleIsCritical(rule)) {
    return protocol_->post_infusion_critical_action;
  }
  return protocol_->actions.at(static_cast<size_t>(rule));
}

Alarm& VitalsRuleEngine::Raise(AlarmList& alarms, SessionRule rule, Instant at,
                               double value) const {
  const AlarmLevel level =
      SessionRuleIsCritical(rule) ? AlarmLevel::kCritical : AlarmLevel::kWarning;
  return alarms.Add(rule, level, at, value, ActionFor(rule));
}

std::optional<Instant> VitalsRuleEngine::NextBpDue() const {
  if (phase_ == SessionPhase::kPre || !bp_reference_) return std::nullopt;
  const SessionProtocol& p = *protocol_;
  double interval_min =
      phase_ == SessionPhase::kIntra ? p.nibp_interval_intra_min : p.nibp_interval_post_min;
  if (last_bp_abnormal_) interval_min = std::min(interval_min, p.nibp_recheck_after_abnormal_min);
  return *bp_reference_ + std::chrono::seconds(std::llround(interval_min * kSecondsPerMinute));
}

AlarmList VitalsRuleEngine::CheckDue(Instant now, SessionPhase phase) {
  if (phase != phase_) EnterPhase(phase, now);
  AlarmList alarms;
  if (phase_ == SessionPhase::kPre) return alarms;
  const SessionProtocol& p = *protocol_;
  const double grace_s = p.nibp_overdue_grace_min * kSecondsPerMinute;

  if (const auto due = NextBpDue(); due && !bp_overdue_raised_) {
    const double late_s = SecondsBetween(*due, now);
    if (late_s > grace_s) {
      bp_overdue_raised_ = true;
      Alarm& alarm = Raise(alarms, SessionRule::kBpOverdue, now, RoundedMinutes(late_s));
      alarm.message.Append("Blood pressure due at ");
      alarm.message.AppendClock(*due);
      alarm.message.Append(" is ");
      alarm.message.AppendNumber(RoundedMinutes(late_s));
      alarm.message.Append(" min late (last BP or start at ");
      alarm.message.AppendClock(*bp_reference_);
      alarm.message.Append(")");
    }
  }

  if (phase_ == SessionPhase::kIntra && infusion_start_) {
    const double score_grace_s = p.score_grace_min * kSecondsPerMinute;
    const size_t count = std::min(p.score_times_min.size(), kMaxScoreTimes);
    for (size_t i = 0; i < count; ++i) {
      if (score_met_.at(i) || score_overdue_raised_.at(i)) continue;
      const double minute = p.score_times_min[i];
      const double late_s = SecondsBetween(*infusion_start_, now) - minute * kSecondsPerMinute;
      if (late_s <= score_grace_s) continue;
      score_overdue_raised_.at(i) = true;
      Alarm& alarm = Raise(alarms, SessionRule::kScoreOverdue, now, RoundedMinutes(late_s));
      alarm.message.Append("The ");
      alarm.message.AppendNumber(minute);
      alarm.message.Append("-min sedation/dissociation score is ");
      alarm.message.AppendNumber(RoundedMinutes(late_s));
      alarm.message.Append(" min late");
    }
  }
  return alarms;
}

void VitalsRuleEngine::CountScore(Instant at) {
  if (phase_ != SessionPhase::kIntra || !infusion_start_) return;
  const SessionProtocol& p = *protocol_;
  const double since_start_s = SecondsBetween(*infusion_start_, at);
  const size_t count = std::min(p.score_times_min.size(), kMaxScoreTimes);
  // A score meets every due time whose window has opened (score_grace_min before it).
  for (size_t i = 0; i < count; ++i) {
    if (since_start_s >= (p.score_times_min[i] - p.score_grace_min) * kSecondsPerMinute) {
      score_met_.at(i) = true;
    }
  }
}

bool VitalsRuleEngine::JudgeBloodPressure(const VitalSigns& r, AlarmList& alarms) {
  if (!r.systolic_mmhg && !r.diastolic_mmhg) return false;  // the run goes on
  const SessionProtocol& p = *protocol_;
  const bool high =
      AtOrAbove(r.systolic_mmhg, p.sbp_pause_mmhg) || AtOrAbove(r.diastolic_mmhg, p.dbp_pause_mmhg);
  bp_high_.Update(high, r.time);
  if (phase_ == SessionPhase::kPre) return false;
  // The value judged: the systolic if it crossed (or is the only one), else the diastolic.
  auto value = [&](double sbp_threshold) {
    if (AtOrAbove(r.systolic_mmhg, sbp_threshold) || !r.diastolic_mmhg) {
      return r.systolic_mmhg.value_or(0);
    }
    return *r.diastolic_mmhg;
  };

  if (AtOrAbove(r.systolic_mmhg, p.sbp_severe_mmhg) ||
      AtOrAbove(r.diastolic_mmhg, p.dbp_severe_mmhg)) {
    Alarm& alarm = Raise(alarms, SessionRule::kBpSevere, r.time, value(p.sbp_severe_mmhg));
    AppendBloodPressure(alarm.message, r);
    alarm.message.Append(" at or above ");
    AppendPair(alarm.message, p.sbp_severe_mmhg, p.dbp_severe_mmhg);
    alarm.message.Append(": severe, pause at once (STOP-01)");
    return true;
  }
  if (high) {
    const double run_s = bp_high_.Seconds(r.time);
    const bool confirmed = run_s >= p.bp_confirm_min * kSecondsPerMinute;
    Alarm& alarm = Raise(alarms, confirmed ? SessionRule::kBpPause : SessionRule::kBpHigh, r.time,
                         value(p.sbp_pause_mmhg));
    AppendBloodPressure(alarm.message, r);
    alarm.message.Append(" at or above ");
    AppendPair(alarm.message, p.sbp_pause_mmhg, p.dbp_pause_mmhg);
    if (confirmed) {
      alarm.message.Append(" since ");
      alarm.message.AppendClock(*bp_high_.since);
      alarm.message.Append(", confirmed ");
      alarm.message.AppendNumber(RoundedMinutes(run_s));
      alarm.message.Append(" min later (STOP-01)");
    } else {
      alarm.message.Append(": recheck; a reading still this high at least ");
      alarm.message.AppendNumber(p.bp_confirm_min);
      alarm.message.Append(" min after ");
      alarm.message.AppendClock(*bp_high_.since);
      alarm.message.Append(" pauses the infusion");
    }
    return true;
  }
  if (AtOrAbove(r.systolic_mmhg, p.sbp_warn_mmhg) || AtOrAbove(r.diastolic_mmhg, p.dbp_warn_mmhg)) {
    Alarm& alarm = Raise(alarms, SessionRule::kBpHigh, r.time, value(p.sbp_warn_mmhg));
    AppendBloodPressure(alarm.message, r);
    alarm.message.Append(" at or above ");
    AppendPair(alarm.message, p.sbp_warn_mmhg, p.dbp_warn_mmhg);
    return true;
  }
  if (r.systolic_mmhg && *r.systolic_mmhg < p.sbp_low_mmhg) {
    Alarm& alarm = Raise(alarms, SessionRule::kBpLow, r.time, *r.systolic_mmhg);
    alarm.message.Append("SBP ");
    alarm.message.AppendNumber(*r.systolic_mmhg);
    alarm.message.Append(" mmHg below ");
    alarm.message.AppendNumber(p.sbp_low_mmhg);
    return true;
  }
  return false;
}

void VitalsRuleEngine::JudgeHeartRate(const VitalSigns& r, AlarmList& alarms) {
  if (!r.heart_rate_bpm) return;
  const SessionProtocol& p = *protocol_;
  const double hr = *r.heart_rate_bpm;
  const bool over = hr > p.hr_pause_above_bpm;
  hr_high_.Update(over, r.time);
  if (phase_ == SessionPhase::kPre) return;
  if (over) {
    const double run_s = hr_high_.Seconds(r.time);
    const bool sustained = run_s >= p.hr_sustained_min * kSecondsPerMinute;
    Alarm& alarm =
        Raise(alarms, sustained ? SessionRule::kHrPause : SessionRule::kHrHigh, r.time, hr);
    alarm.message.Append("HR ");
    alarm.message.AppendNumber(hr);
    alarm.message.Append("/min above ");
    alarm.message.AppendNumber(p.hr_pause_above_bpm);
    alarm.message.Append(" since ");
    alarm.message.AppendClock(*hr_high_.since);
    alarm.message.Append(" (");
    alarm.message.AppendNumber(RoundedMinutes(run_s));
    alarm.message.Append(sustained ? " min, sustained: STOP-02)" : " min; pause if sustained ");
    if (!sustained) {
      alarm.message.AppendNumber(p.hr_sustained_min);
      alarm.message.Append(" min)");
    }
  } else if (hr > p.hr_warn_above_bpm) {
    Alarm& alarm = Raise(alarms, SessionRule::kHrHigh, r.time, hr);
    alarm.message.Append("HR ");
    alarm.message.AppendNumber(hr);
    alarm.message.Append("/min above ");
    alarm.message.AppendNumber(p.hr_warn_above_bpm);
  } else if (hr < p.hr_low_bpm) {
    Alarm& alarm = Raise(alarms, SessionRule::kHrLow, r.time, hr);
    alarm.message.Append("HR ");
    alarm.message.AppendNumber(hr);
    alarm.message.Append("/min below ");
    alarm.message.AppendNumber(p.hr_low_bpm);
  }
}

void VitalsRuleEngine::JudgeOxygen(const VitalSigns& r, AlarmList& alarms) {
  if (!r.spo2_percent) return;
  const SessionProtocol& p = *protocol_;
  const double spo2 = *r.spo2_percent;
  const bool low = spo2 < p.spo2_stop_below_percent;
  spo2_low_.Update(low, r.time);
  if (phase_ == SessionPhase::kPre || !low) return;
  const double run_s = spo2_low_.Seconds(r.time);
  const bool sustained = run_s >= p.spo2_sustained_s;
  Alarm& alarm =
      Raise(alarms, sustained ? SessionRule::kSpo2Stop : SessionRule::kSpo2Low, r.time, spo2);
  alarm.message.Append("SpO2 ");
  alarm.message.AppendNumber(spo2);
  alarm.message.Append(" % below ");
  alarm.message.AppendNumber(p.spo2_stop_below_percent);
  alarm.message.Append(" % for ");
  alarm.message.AppendNumber(run_s);
  alarm.message.Append(" s since ");
  alarm.message.AppendClock(*spo2_low_.since);
  if (!r.on_room_air) alarm.message.Append(", on supplemental O2");
  alarm.message.Append(sustained ? " (STOP-03)" : "");
}

void VitalsRuleEngine::JudgeRespiration(const VitalSigns& r, AlarmList& alarms) {
  if (!r.resp_rate_per_min || phase_ == SessionPhase::kPre) return;
  const SessionProtocol& p = *protocol_;
  const double rr = *r.resp_rate_per_min;
  if (rr < p.rr_stop_below_per_min) {
    Alarm& alarm = Raise(alarms, SessionRule::kRrStop, r.time, rr);
    alarm.message.Append("RR ");
    alarm.message.AppendNumber(rr);
    alarm.message.Append("/min below ");
    alarm.message.AppendNumber(p.rr_stop_below_per_min);
    alarm.message.Append(" (STOP-03)");
  } else if (rr > p.rr_warn_above_per_min) {
    Alarm& alarm = Raise(alarms, SessionRule::kRrHigh, r.time, rr);
    alarm.message.Append("RR ");
    alarm.message.AppendNumber(rr);
    alarm.message.Append("/min above ");
    alarm.message.AppendNumber(p.rr_warn_above_per_min);
  }
}

AlarmList VitalsRuleEngine::OnVitals(const VitalSigns& reading, SessionPhase phase) {
  AlarmList alarms = CheckDue(reading.time, phase);
  const bool has_bp = reading.systolic_mmhg || reading.diastolic_mmhg;
  const bool bp_alarm = JudgeBloodPressure(reading, alarms);
  if (has_bp) {
    bp_reference_ = reading.time;
    last_bp_abnormal_ = bp_alarm;
    bp_overdue_raised_ = false;
  }
  JudgeHeartRate(reading, alarms);
  JudgeOxygen(reading, alarms);
  JudgeRespiration(reading, alarms);
  return alarms;
}

AlarmList VitalsRuleEngine::OnMoaas(Instant at, int moaas, SessionPhase phase) {
  AlarmList alarms = CheckDue(at, phase);
  CountScore(at);
  last_moaas_ = moaas;
  if (phase_ == SessionPhase::kPre) return alarms;
  const SessionProtocol& p = *protocol_;
  const bool stop = moaas <= p.moaas_stop_at_or_below;
  if (stop || moaas <= p.moaas_warn_at_or_below) {
    Alarm& alarm =
        Raise(alarms, stop ? SessionRule::kSedationStop : SessionRule::kSedationWarn, at, moaas);
    alarm.message.Append("MOAA/S ");
    alarm.message.AppendNumber(moaas);
    alarm.message.Append(" at or below ");
    alarm.message.AppendNumber(stop ? p.moaas_stop_at_or_below : p.moaas_warn_at_or_below);
    if (moaas == 0) alarm.message.Append(": loss of consciousness");
    if (stop) alarm.message.Append(" (STOP-04)");
  }
  return alarms;
}

AlarmList VitalsRuleEngine::OnDissociationScore(Instant at, SessionPhase phase) {
  AlarmList alarms = CheckDue(at, phase);
  CountScore(at);
  return alarms;
}

AlarmList VitalsRuleEngine::OnSideEffect(const SideEffectReport& report, SessionPhase phase) {
  AlarmList alarms = CheckDue(report.at, phase);
  if (phase_ == SessionPhase::kPre) return alarms;
  const SessionProtocol& p = *protocol_;
  const SideEffectKind kind = report.kind;
  const auto describe = [&](Alarm& alarm) {
    alarm.message.Append(SideEffectKindName(kind));
    alarm.message.Append(" grade ");
    alarm.message.AppendNumber(report.grade);
  };
  const bool emergence = kind == SideEffectKind::kAnxiety ||
                         kind == SideEffectKind::kHallucinations ||
                         kind == SideEffectKind::kDissociation;
  const bool always_stop =
      kind == SideEffectKind::kChestPain || kind == SideEffectKind::kNeurological;
  if (always_stop || (emergence && report.grade >= p.reaction_stop_grade)) {
    Alarm& alarm = Raise(alarms, SessionRule::kReactionStop, report.at, report.grade);
    describe(alarm);
    alarm.message.Append(always_stop ? " (STOP-05)" : ": severe reaction (STOP-05)");
  }
  if (kind == SideEffectKind::kVomiting && last_moaas_ &&
      *last_moaas_ <= p.vomiting_stop_moaas_at_or_below) {
    Alarm& alarm = Raise(alarms, SessionRule::kVomitingStop, report.at, *last_moaas_);
    describe(alarm);
    alarm.message.Append(" with reduced consciousness (last MOAA/S ");
    alarm.message.AppendNumber(*last_moaas_);
    alarm.message.Append(", STOP-06)");
  }
  if (report.serious || report.grade >= p.serious_grade) {
    Alarm& alarm = Raise(alarms, SessionRule::kSeriousEvent, report.at, report.grade);
    describe(alarm);
    alarm.message.Append(report.serious ? ", marked serious" : "");
  }
  if ((kind == SideEffectKind::kNausea || kind == SideEffectKind::kVomiting) &&
      report.grade >= p.nausea_warn_grade) {
    Alarm& alarm = Raise(alarms, SessionRule::kNausea, report.at, report.grade);
    describe(alarm);
  }
  return alarms;
}

}  // namespace ketaclinic::clinical
