#include "clinical/session.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

constexpr double kSecondsPerHour = 3600;

constexpr std::array<const char*, 11> kStateNames = {
    "scheduled", "checked-in", "pre-checks", "ready",      "running",  "paused",
    "completed", "stopped",    "recovery",   "discharged", "cancelled"};

constexpr std::array<const char*, 15> kEventNames = {
    "check_in",    "pre_checks", "start",           "vitals",      "score",
    "side_effect", "pause",      "resume",          "rate_change", "stop",
    "complete",    "recovery",   "discharge_check", "discharge",   "cancel"};

// The states in which vitals, scores and side effects are recorded: from check-in to the end
// of recovery.
constexpr std::initializer_list<SessionState> kObservedStates = {
    SessionState::kCheckedIn, SessionState::kPreChecks, SessionState::kReady,
    SessionState::kRunning,   SessionState::kPaused,    SessionState::kCompleted,
    SessionState::kStopped,   SessionState::kRecovery};

std::string StateList(std::initializer_list<SessionState> states) {
  std::string text;
  for (const SessionState s : states) {
    if (!text.empty()) text += ", ";
    text += SessionStateName(s);
  }
  return text;
}

std::string Prefix(SessionEventType type) {
  return std::string(SessionEventTypeName(type)) + " rejected: ";
}

Error Precondition(SessionEventType type, const std::string& reason) {
  return Error(ErrorCode::kFailedPrecondition, Prefix(type) + reason);
}

Error BadField(SessionEventType type, const std::string& field, const std::string& reason) {
  return Error(ErrorCode::kInvalidArgument, Prefix(type) + field + ": " + reason,
               {FieldProblem{field, reason}});
}

// Who may record what (DESIGN.md §2): the front desk checks patients in and cancels
// appointments; everything clinical is a nurse's or a physician's.
bool RoleMayDo(Role role, SessionEventType type) {
  if (role == Role::kPhysician || role == Role::kNurse) return true;
  return role == Role::kFrontDesk &&
         (type == SessionEventType::kCheckIn || type == SessionEventType::kCancel);
}

std::string BlockingFindings(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& f : findings) {
    if (f.severity != Severity::kBlock) continue;
    if (!text.empty()) text += ", ";
    text += f.rule_id;
  }
  return text;
}

double MgPerSecond(const RateSegment& segment) {
  return segment.rate_ml_per_h / kSecondsPerHour * segment.concentration_mg_per_ml;
}

double SecondsBetween(Instant from, Instant to) { return static_cast<double>((to - from).count()); }

// A duration to the next whole second (the dose is in by then), forgiving the rounding error of
// a division that should be exact (13.125 mg / (0.875 mg/min) = 900 s, not 900.0000001 s).
std::chrono::seconds WholeSeconds(double seconds) {
  return std::chrono::seconds(static_cast<long long>(std::ceil(seconds - 1e-6)));
}

std::string RateText(double rate_ml_per_h) { return FormatNumber(rate_ml_per_h) + " mL/h"; }

}  // namespace

const char* SessionStateName(SessionState state) {
  return kStateNames.at(static_cast<size_t>(state));
}

SessionPhase PhaseOf(SessionState state) {
  switch (state) {
    case SessionState::kRunning:
    case SessionState::kPaused:
      return SessionPhase::kIntra;
    case SessionState::kCompleted:
    case SessionState::kStopped:
    case SessionState::kRecovery:
    case SessionState::kDischarged:
      return SessionPhase::kPost;
    default:
      return SessionPhase::kPre;
  }
}

const char* SessionEventTypeName(SessionEventType type) {
  return kEventNames.at(static_cast<size_t>(type));
}

Result<SessionEventType> ParseSessionEventType(std::string_view name, std::string_view field) {
  for (size_t i = 0; i < kEventNames.size(); ++i) {
    if (name == kEventNames.at(i)) return static_cast<SessionEventType>(i);
  }
  std::string known;
  for (const char* n : kEventNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "'" + std::string(name) + "' is not an event type (" + known + ")"));
}

Status ValidateInfusionSetup(const InfusionSetup& s) {
  Validator v("invalid infusion setup");
  const bool dose = v.Positive("planned_dose_mg", s.planned_dose_mg);
  const bool volume = v.Positive("bag_volume_ml", s.bag_volume_ml);
  const bool concentration = v.Positive("concentration_mg_per_ml", s.concentration_mg_per_ml);
  if (v.Positive("planned_rate_ml_per_h", s.planned_rate_ml_per_h)) {
    v.Require(s.planned_rate_ml_per_h <= kMaxRateMlPerH, "planned_rate_ml_per_h",
              "must be at most " + FormatNumber(kMaxRateMlPerH) + " mL/h (a keying error?)");
  }
  if (dose && volume && concentration) {
    // A relative tolerance: 35 mg in 103.5 mL at 35/103.5 mg/mL is exactly the bag's content.
    v.Require(s.planned_dose_mg <= s.BagContentMg() * (1 + 1e-9), "planned_dose_mg",
              FormatNumber(s.planned_dose_mg) + " mg is more than the bag holds (" +
                  FormatNumber(s.BagContentMg()) + " mg)");
  }
  if (s.weight_kg) v.InRange("weight_kg", *s.weight_kg, 1, 500, "kg");
  return v.Finish();
}

RaisedAlarm ToRaisedAlarm(const Alarm& alarm) {
  return {alarm.rule,
          alarm.level,
          alarm.at,
          alarm.value,
          std::string(alarm.rule_id()),
          std::string(alarm.message.view()),
          std::string(alarm.action),
          std::string(alarm.source())};
}

// --- Session -----------------------------------------------------------------------------------

Session::Session(InfusionSetup setup, SessionProtocol protocol)
    : setup_(setup), engine_(std::move(protocol)) {}

Result<Session> Session::Create(InfusionSetup setup, SessionProtocol protocol) {
  Validator v("invalid session");
  if (Status s = ValidateInfusionSetup(setup); !s) v.Merge(s.error(), "setup.");
  if (Status s = ValidateSessionProtocol(protocol); !s) v.Merge(s.error(), "protocol.session.");
  if (Status s = v.Finish(); !s) return tl::unexpected(s.error());
  return Session(setup, std::move(protocol));
}

Status Session::Admit(SessionEventType type, Instant at, const Clinician& actor,
                      std::initializer_list<SessionState> allowed) const {
  if (std::find(allowed.begin(), allowed.end(), state_) == allowed.end()) {
    return tl::unexpected(Precondition(
        type, std::string("the session is ") + SessionStateName(state_) + "; " +
                  SessionEventTypeName(type) + " is allowed only when " + StateList(allowed)));
  }
  if (last_event_at_ && at < *last_event_at_) {
    return tl::unexpected(BadField(type, "at",
                                   FormatRfc3339(at) + " is before the previous event at " +
                                       FormatRfc3339(*last_event_at_) +
                                       ": times must not go backwards"));
  }
  if (actor.user_id.empty()) {
    return tl::unexpected(BadField(type, "by.user_id", "is required: who recorded the event"));
  }
  if (!RoleMayDo(actor.role, type)) {
    return tl::unexpected(BadField(type, "by.role",
                                   std::string("a ") + RoleName(actor.role) + " may not record " +
                                       SessionEventTypeName(type)));
  }
  return OkStatus();
}

std::vector<RaisedAlarm> Session::Accept(SessionEventType type, Instant at, const Clinician& actor,
                                         std::string detail, SessionPhase phase) {
  last_event_at_ = at;
  log_.push_back({type, at, actor, std::move(detail)});
  return Keep(engine_.CheckDue(at, phase));
}

std::vector<RaisedAlarm> Session::Keep(const AlarmList& alarms) {
  std::vector<RaisedAlarm> raised;
  raised.reserve(alarms.size());
  for (const Alarm& alarm : alarms) {
    raised.push_back(ToRaisedAlarm(alarm));
    if (alarm.level == AlarmLevel::kCritical && phase() == SessionPhase::kIntra) {
      critical_since_run_ = true;
    }
  }
  alarms_.insert(alarms_.end(), raised.begin(), raised.end());
  return raised;
}

void Session::OpenSegment(Instant at, double rate_ml_per_h) {
  segments_.push_back({at, std::nullopt, rate_ml_per_h, setup_.concentration_mg_per_ml});
  last_rate_ml_per_h_ = rate_ml_per_h;
}

void Session::CloseSegment(Instant at) {
  if (!segments_.empty() && !segments_.back().end) segments_.back().end = at;
}

Status Session::CheckRate(double rate_ml_per_h, SessionEventType type) const {
  if (!std::isfinite(rate_ml_per_h) || rate_ml_per_h <= 0) {
    return tl::unexpected(BadField(type, "rate_ml_per_h",
                                   "must be a positive rate, got " + FormatNumber(rate_ml_per_h)));
  }
  if (rate_ml_per_h > kMaxRateMlPerH) {
    return tl::unexpected(BadField(type, "rate_ml_per_h",
                                   "must be at most " + FormatNumber(kMaxRateMlPerH) +
                                       " mL/h, got " + FormatNumber(rate_ml_per_h) +
                                       " (a keying error?)"));
  }
  return OkStatus();
}

Session::Outcome Session::CheckIn(Instant at, const Clinician& actor) {
  const auto type = SessionEventType::kCheckIn;
  if (Status s = Admit(type, at, actor, {SessionState::kScheduled}); !s) {
    return tl::unexpected(s.error());
  }
  state_ = SessionState::kCheckedIn;
  checked_in_at_ = at;
  return Accept(type, at, actor, "", SessionPhase::kPre);
}

Session::Outcome Session::RecordPreChecks(Instant at, const Clinician& actor,
                                          const PreInfusionVerdict& verdict) {
  const auto type = SessionEventType::kPreChecks;
  if (Status s = Admit(type, at, actor,
                       {SessionState::kCheckedIn, SessionState::kPreChecks, SessionState::kReady});
      !s) {
    return tl::unexpected(s.error());
  }
  state_ = verdict.cleared ? SessionState::kReady : SessionState::kPreChecks;
  return Accept(type, at, actor, verdict.cleared ? "cleared" : "not cleared", SessionPhase::kPre);
}

Session::Outcome Session::Start(Instant at, const Clinician& actor,
                                const PreInfusionVerdict& verdict,
                                std::optional<double> rate_ml_per_h) {
  const auto type = SessionEventType::kStart;
  if (Status s = Admit(type, at, actor, {SessionState::kReady}); !s) {
    return tl::unexpected(s.error());
  }
  if (!verdict.cleared) {
    std::string why = "the pre-infusion check at the start did not clear";
    if (const std::string blocks = BlockingFindings(verdict.findings); !blocks.empty()) {
      why += " (blocked by " + blocks + ")";
    }
    if (verdict.needs_repeat_vitals_at) {
      why += " (a repeat reading is due at " + FormatRfc3339(*verdict.needs_repeat_vitals_at) + ")";
    }
    for (const std::string& rule : verdict.awaiting_override) {
      why += " (" + rule + " awaits a physician's override)";
    }
    return tl::unexpected(Precondition(type, why));
  }
  const double rate = rate_ml_per_h.value_or(setup_.planned_rate_ml_per_h);
  if (Status s = CheckRate(rate, type); !s) return tl::unexpected(s.error());

  state_ = SessionState::kRunning;
  infusion_start_ = at;
  start_verdict_ = verdict;
  critical_since_run_ = false;
  engine_.BeginPhase(SessionPhase::kIntra, at);
  OpenSegment(at, rate);
  return Accept(type, at, actor, RateText(rate), SessionPhase::kIntra);
}

Session::Outcome Session::Pause(Instant at, const Clinician& actor, const std::string& reason) {
  const auto type = SessionEventType::kPause;
  if (Status s = Admit(type, at, actor, {SessionState::kRunning}); !s) {
    return tl::unexpected(s.error());
  }
  auto alarms = Accept(type, at, actor, reason, SessionPhase::kIntra);
  CloseSegment(at);
  state_ = SessionState::kPaused;
  return alarms;
}

Session::Outcome Session::Resume(Instant at, const Clinician& actor,
                                 std::optional<double> rate_ml_per_h) {
  const auto type = SessionEventType::kResume;
  if (Status s = Admit(type, at, actor, {SessionState::kPaused}); !s) {
    return tl::unexpected(s.error());
  }
  if (critical_since_run_ && actor.role != Role::kPhysician) {
    return tl::unexpected(BadField(type, "by.role",
                                   "a critical alarm was raised since the infusion last ran: "
                                   "only a physician resumes (clinical.md §1.6)"));
  }
  if (DeliveredMgAt(at) >= setup_.planned_dose_mg) {
    return tl::unexpected(
        Precondition(type, "the planned dose is already delivered: record complete"));
  }
  const double rate = rate_ml_per_h.value_or(last_rate_ml_per_h_);
  if (Status s = CheckRate(rate, type); !s) return tl::unexpected(s.error());
  state_ = SessionState::kRunning;
  critical_since_run_ = false;
  OpenSegment(at, rate);
  return Accept(type, at, actor, RateText(rate), SessionPhase::kIntra);
}

Session::Outcome Session::ChangeRate(Instant at, const Clinician& actor, double rate_ml_per_h) {
  const auto type = SessionEventType::kRateChange;
  if (Status s = Admit(type, at, actor, {SessionState::kRunning}); !s) {
    return tl::unexpected(s.error());
  }
  if (Status s = CheckRate(rate_ml_per_h, type); !s) return tl::unexpected(s.error());
  if (DeliveredMgAt(at) >= setup_.planned_dose_mg) {
    return tl::unexpected(
        Precondition(type, "the planned dose is already delivered: record complete"));
  }
  CloseSegment(at);
  OpenSegment(at, rate_ml_per_h);
  return Accept(type, at, actor, RateText(rate_ml_per_h), SessionPhase::kIntra);
}

void Session::EndInfusion(Instant at, SessionState state) {
  CloseSegment(at);
  state_ = state;
  infusion_end_ = at;
  engine_.BeginPhase(SessionPhase::kPost, at);
}

Session::Outcome Session::Complete(Instant at, const Clinician& actor) {
  const auto type = SessionEventType::kComplete;
  if (Status s = Admit(type, at, actor, {SessionState::kRunning, SessionState::kPaused}); !s) {
    return tl::unexpected(s.error());
  }
  const double delivered = DeliveredMgAt(at);
  const double needed =
      setup_.planned_dose_mg * (1 - engine_.protocol().completion_tolerance_percent / 100);
  if (delivered < needed - 1e-9) {
    return tl::unexpected(Precondition(
        type, FormatNumber(std::round(delivered * 100) / 100) + " mg of the planned " +
                  FormatNumber(setup_.planned_dose_mg) +
                  " mg delivered; to end the infusion early, record stop with a reason"));
  }
  auto alarms = Accept(type, at, actor, "", SessionPhase::kIntra);
  EndInfusion(at, SessionState::kCompleted);
  return alarms;
}

Session::Outcome Session::Stop(Instant at, const Clinician& actor, const std::string& reason) {
  const auto type = SessionEventType::kStop;
  if (Status s = Admit(type, at, actor, {SessionState::kRunning, SessionState::kPaused}); !s) {
    return tl::unexpected(s.error());
  }
  if (reason.empty()) {
    return tl::unexpected(BadField(type, "reason", "is required: why the infusion was stopped"));
  }
  auto alarms = Accept(type, at, actor, reason, SessionPhase::kIntra);
  EndInfusion(at, SessionState::kStopped);
  return alarms;
}

Session::Outcome Session::BeginRecovery(Instant at, const Clinician& actor) {
  const auto type = SessionEventType::kRecovery;
  if (Status s = Admit(type, at, actor, {SessionState::kCompleted, SessionState::kStopped}); !s) {
    return tl::unexpected(s.error());
  }
  state_ = SessionState::kRecovery;
  return Accept(type, at, actor, "", SessionPhase::kPost);
}

Session::Outcome Session::RecordDischargeCheck(Instant at, const Clinician& actor,
                                               const DischargeVerdict& verdict) {
  const auto type = SessionEventType::kDischargeCheck;
  if (Status s = Admit(type, at, actor, {SessionState::kRecovery}); !s) {
    return tl::unexpected(s.error());
  }
  discharge_verdict_ = verdict;
  return Accept(type, at, actor, verdict.allowed ? "allowed" : "not allowed", SessionPhase::kPost);
}

Session::Outcome Session::Discharge(Instant at, const Clinician& actor,
                                    const DischargeVerdict& verdict) {
  const auto type = SessionEventType::kDischarge;
  if (Status s = Admit(type, at, actor, {SessionState::kRecovery}); !s) {
    return tl::unexpected(s.error());
  }
  if (engine_.protocol().score_at_discharge && !RecoveryMoaas()) {
    return tl::unexpected(
        Precondition(type, "no MOAA/S was scored after the infusion ended (score_at_discharge)"));
  }
  if (!verdict.allowed) {
    std::string why = "the discharge checklist does not allow it";
    if (const std::string blocks = BlockingFindings(verdict.findings); !blocks.empty()) {
      why += " (" + blocks + ")";
    }
    return tl::unexpected(Precondition(type, why));
  }
  auto alarms = Accept(type, at, actor, "", SessionPhase::kPost);
  discharge_verdict_ = verdict;
  state_ = SessionState::kDischarged;
  return alarms;
}

Session::Outcome Session::Cancel(Instant at, const Clinician& actor, const std::string& reason) {
  const auto type = SessionEventType::kCancel;
  if (Status s = Admit(type, at, actor,
                       {SessionState::kScheduled, SessionState::kCheckedIn,
                        SessionState::kPreChecks, SessionState::kReady});
      !s) {
    return tl::unexpected(s.error());
  }
  if (reason.empty()) {
    return tl::unexpected(BadField(type, "reason", "is required: why the session was cancelled"));
  }
  state_ = SessionState::kCancelled;
  return Accept(type, at, actor, reason, SessionPhase::kPre);
}

Session::Outcome Session::RecordVitals(const Clinician& actor, const VitalSigns& reading) {
  const auto type = SessionEventType::kVitals;
  if (Status s = Admit(type, reading.time, actor, kObservedStates); !s) {
    return tl::unexpected(s.error());
  }
  if (Status s = ValidateVitalSigns(reading); !s) {
    Error error(ErrorCode::kInvalidArgument, Prefix(type) + "implausible reading",
                s.error().problems());
    return tl::unexpected(std::move(error));
  }
  last_event_at_ = reading.time;
  log_.push_back({type, reading.time, actor, ""});
  vitals_.push_back(reading);
  return Keep(engine_.OnVitals(reading, phase()));
}

Session::Outcome Session::RecordScore(Instant at, const Clinician& actor, Scale scale,
                                      const std::vector<int>& items) {
  const auto type = SessionEventType::kScore;
  if (Status s = Admit(type, at, actor, kObservedStates); !s) return tl::unexpected(s.error());
  if (scale != Scale::kMoaas && scale != Scale::kCadss && scale != Scale::kCadss6) {
    return tl::unexpected(BadField(type, "scale",
                                   std::string(GetScaleInfo(scale).name) +
                                       " is not scored during a session (moaas, cadss, cadss6)"));
  }
  Result<ScaleScore> score = ScoreScale(scale, items);
  if (!score) {
    return tl::unexpected(Error(ErrorCode::kInvalidArgument, Prefix(type) + score.error().message(),
                                score.error().problems()));
  }
  last_event_at_ = at;
  log_.push_back({type, at, actor,
                  std::string(GetScaleInfo(scale).name) + " " + std::to_string(score->total)});
  scores_.push_back({at, actor, *score});
  if (scale == Scale::kMoaas) return Keep(engine_.OnMoaas(at, score->total, phase()));
  return Keep(engine_.OnDissociationScore(at, phase()));
}

Session::Outcome Session::RecordSideEffect(Instant at, const Clinician& actor,
                                           const SideEffect& effect) {
  const auto type = SessionEventType::kSideEffect;
  if (Status s = Admit(type, at, actor, kObservedStates); !s) return tl::unexpected(s.error());
  Validator v(Prefix(type) + "invalid side effect");
  v.Require(effect.grade >= 1 && effect.grade <= 5, "grade",
            "must be 1-5, got " + std::to_string(effect.grade));
  v.Require(
      effect.onset <= at, "onset",
      FormatRfc3339(effect.onset) + " is after the time it was recorded " + FormatRfc3339(at));
  if (effect.resolved_at) {
    v.Require(*effect.resolved_at >= effect.onset, "resolved_at", "is before the onset");
    v.Require(*effect.resolved_at <= at, "resolved_at",
              FormatRfc3339(*effect.resolved_at) + " is after the time it was recorded " +
                  FormatRfc3339(at));
  }
  if (Status s = v.Finish(); !s) return tl::unexpected(s.error());
  last_event_at_ = at;
  log_.push_back(
      {type, at, actor,
       std::string(SideEffectKindName(effect.kind)) + " grade " + std::to_string(effect.grade)});
  side_effects_.push_back(effect);
  return Keep(engine_.OnSideEffect({at, effect.kind, effect.grade, effect.serious}, phase()));
}

double Session::DeliveredMgAt(Instant at) const {
  double total = 0;
  for (const RateSegment& segment : segments_) {
    const Instant end = std::min(segment.end.value_or(at), at);
    if (end <= segment.start) continue;
    total += MgPerSecond(segment) * SecondsBetween(segment.start, end);
    if (total >= setup_.planned_dose_mg) return setup_.planned_dose_mg;
  }
  return total;
}

double Session::DeliveredMg() const { return last_event_at_ ? DeliveredMgAt(*last_event_at_) : 0; }

std::optional<Instant> Session::PlannedDoseReachedAt() const {
  double total = 0;
  for (const RateSegment& segment : segments_) {
    const double per_second = MgPerSecond(segment);
    const double remaining = setup_.planned_dose_mg - total;
    const double needed_s = remaining / per_second;
    if (!segment.end || SecondsBetween(segment.start, *segment.end) >= needed_s) {
      return segment.start + WholeSeconds(needed_s);
    }
    total += per_second * SecondsBetween(segment.start, *segment.end);
  }
  return std::nullopt;
}

double Session::CurrentRateMlPerH() const {
  if (state_ != SessionState::kRunning || segments_.empty()) return 0;
  if (DeliveredMg() >= setup_.planned_dose_mg) return 0;  // the pump has stopped
  return segments_.back().rate_ml_per_h;
}

std::vector<DeliveredSegment> Session::DeliveredSegments(Instant at) const {
  std::vector<DeliveredSegment> delivered;
  double total = 0;
  for (const RateSegment& segment : segments_) {
    const Instant end = std::min(segment.end.value_or(at), at);
    if (end <= segment.start) continue;
    const double per_second = MgPerSecond(segment);
    DeliveredSegment d{segment.start, end, segment.rate_ml_per_h, segment.RateMgPerMin(),
                       per_second * SecondsBetween(segment.start, end)};
    const bool reached = total + d.dose_mg >= setup_.planned_dose_mg;
    if (reached) {
      d.dose_mg = setup_.planned_dose_mg - total;
      d.end = segment.start + WholeSeconds(d.dose_mg / per_second);
    }
    total += d.dose_mg;
    if (d.dose_mg > 0) delivered.push_back(d);
    if (reached) break;
  }
  return delivered;
}

std::optional<MoaasObservation> Session::RecoveryMoaas() const {
  if (!infusion_end_) return std::nullopt;
  std::optional<MoaasObservation> latest;
  for (const SessionScore& s : scores_) {
    if (s.score.scale == Scale::kMoaas && s.at >= *infusion_end_) {
      latest = MoaasObservation{s.at, s.score.total};
    }
  }
  return latest;
}

pk::Schedule ToPkSchedule(const std::vector<DeliveredSegment>& segments, Instant zero) {
  pk::Schedule schedule;
  schedule.infusions.reserve(segments.size());
  for (const DeliveredSegment& s : segments) {
    // The duration from the dose, not from the whole-second end: exact for a segment cut short
    // where the planned dose was reached.
    schedule.infusions.push_back(
        {SecondsBetween(zero, s.start) / 60, s.dose_mg / s.rate_mg_per_min, s.rate_mg_per_min});
  }
  return schedule;
}

// --- replay ------------------------------------------------------------------------------------

namespace {

// One line: the message, then each problem as "field: reason".
std::string Describe(const Error& error) {
  std::string text = error.message();
  const auto& problems = error.problems();
  // A single problem is already in the message of the session's own errors.
  if (problems.size() == 1 && text.find(problems[0].reason) != std::string::npos) return text;
  for (size_t i = 0; i < problems.size(); ++i) {
    text += i == 0 ? " (" : "; ";
    text += problems[i].field + ": " + problems[i].reason;
  }
  if (!problems.empty()) text += ")";
  return text;
}

class Replayer {
 public:
  Replayer(const ReplayInput& input, Session session) : in_(input), session_(std::move(session)) {}

  ReplayResult Run() {
    ReplayResult result;
    result.steps.reserve(in_.events.size());
    for (size_t i = 0; i < in_.events.size(); ++i) result.steps.push_back(Apply(i));
    result.final_state = session_.state();
    result.planned_dose_mg = session_.setup().planned_dose_mg;
    result.delivered_mg = session_.DeliveredMg();
    if (const std::optional<double>& weight_kg = session_.setup().weight_kg) {
      result.delivered_mg_per_kg = result.delivered_mg / *weight_kg;
    }
    result.infusion_start = session_.infusion_start();
    result.infusion_end = session_.infusion_end();
    if (const auto now = session_.last_event_at()) {
      result.segments = session_.DeliveredSegments(*now);
    }
    result.side_effects = session_.side_effects();
    result.protocol_version = session_.protocol_version();
    for (const ReplayStep& step : result.steps) {
      if (!step.accepted) ++result.rejected;
      for (const RaisedAlarm& a : step.alarms) {
        ++(a.level == AlarmLevel::kCritical ? result.criticals : result.warnings);
      }
    }
    return result;
  }

 private:
  // The pre-infusion input as of `at`: the latest pre_checks data and every reading recorded in
  // the session before the start.
  PreInfusionInput PreInput(const PreInfusionInput& data) const {
    PreInfusionInput input = data;
    input.baseline_vitals.insert(input.baseline_vitals.end(), pre_vitals_.begin(),
                                 pre_vitals_.end());
    return input;
  }

  DischargeInput DischargeInputOf(const DischargeChecklist& checklist) const {
    DischargeInput input;
    input.infusion_end = session_.infusion_end().value_or(Instant{});
    // The baseline: the latest complete BP before the start.
    const VitalSigns* baseline = nullptr;
    auto consider = [&](const VitalSigns& r) {
      if (r.systolic_mmhg && r.diastolic_mmhg &&
          (baseline == nullptr || r.time >= baseline->time)) {
        baseline = &r;
      }
    };
    if (pre_data_) {
      for (const VitalSigns& r : pre_data_->baseline_vitals) consider(r);
    }
    for (const VitalSigns& r : pre_vitals_) consider(r);
    if (baseline != nullptr) {
      input.baseline_systolic_mmhg = baseline->systolic_mmhg;
      input.baseline_diastolic_mmhg = baseline->diastolic_mmhg;
    }
    if (const std::optional<Instant> end = session_.infusion_end()) {
      for (const VitalSigns& r : session_.vitals()) {
        if (r.time >= *end) input.recovery_vitals.push_back(r);
      }
    }
    if (session_.protocol().score_at_discharge) {
      input.moaas = session_.RecoveryMoaas();
    } else {
      for (const SessionScore& s : session_.scores()) {
        if (s.score.scale == Scale::kMoaas) input.moaas = MoaasObservation{s.at, s.score.total};
      }
    }
    input.ambulates_safely = checklist.ambulates_safely;
    input.nausea_controlled = checklist.nausea_controlled;
    input.escort_verified = checklist.escort_verified;
    input.instructions_given = checklist.instructions_given;
    return input;
  }

  Session::Outcome PreChecks(const ReplayEvent& e, ReplayStep& step) {
    auto verdict = EvaluatePreInfusion(PreInput(e.pre_checks), in_.pre_infusion_protocol, e.at);
    if (!verdict) {
      return tl::unexpected(Error(ErrorCode::kInvalidArgument,
                                  "pre_checks rejected: " + verdict.error().message(),
                                  verdict.error().problems()));
    }
    step.findings = verdict->findings;
    auto outcome = session_.RecordPreChecks(e.at, e.actor, *verdict);
    if (outcome) pre_data_ = e.pre_checks;
    return outcome;
  }

  Session::Outcome Start(const ReplayEvent& e, ReplayStep& step) {
    PreInfusionVerdict verdict;  // not cleared: without pre-checks the session refuses to start
    if (pre_data_) {
      auto evaluated = EvaluatePreInfusion(PreInput(*pre_data_), in_.pre_infusion_protocol, e.at);
      if (!evaluated) {
        return tl::unexpected(Error(ErrorCode::kInvalidArgument,
                                    "start rejected: " + evaluated.error().message(),
                                    evaluated.error().problems()));
      }
      verdict = *evaluated;
      step.findings = verdict.findings;
    }
    return session_.Start(e.at, e.actor, verdict, e.rate_ml_per_h);
  }

  Session::Outcome DischargeCheck(const ReplayEvent& e, ReplayStep& step) {
    if (session_.state() != SessionState::kRecovery) {
      // Let the session name the state.
      return session_.RecordDischargeCheck(e.at, e.actor, DischargeVerdict{});
    }
    auto verdict = EvaluateDischarge(DischargeInputOf(e.discharge), in_.discharge_protocol, e.at);
    if (!verdict) {
      return tl::unexpected(Error(ErrorCode::kInvalidArgument,
                                  "discharge_check rejected: " + verdict.error().message(),
                                  verdict.error().problems()));
    }
    step.findings = verdict->findings;
    auto outcome = session_.RecordDischargeCheck(e.at, e.actor, *verdict);
    if (outcome) checklist_ = e.discharge;
    return outcome;
  }

  Session::Outcome Discharge(const ReplayEvent& e, ReplayStep& step) {
    if (session_.state() == SessionState::kRecovery && !checklist_) {
      return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                  "discharge rejected: no discharge_check was recorded"));
    }
    DischargeVerdict verdict;
    if (checklist_) {
      auto evaluated =
          EvaluateDischarge(DischargeInputOf(*checklist_), in_.discharge_protocol, e.at);
      if (!evaluated) {
        return tl::unexpected(Error(ErrorCode::kInvalidArgument,
                                    "discharge rejected: " + evaluated.error().message(),
                                    evaluated.error().problems()));
      }
      verdict = *evaluated;
      step.findings = verdict.findings;
    }
    return session_.Discharge(e.at, e.actor, verdict);
  }

  ReplayStep Apply(size_t index) {
    const ReplayEvent& e = in_.events[index];
    ReplayStep step;
    step.index = index;
    step.type = e.type;
    step.at = e.at;
    // The file is a timeline: an event before the one above it is out of order even when that
    // one was rejected (the session itself only knows the events it accepted).
    Session::Outcome outcome =
        latest_ && e.at < *latest_
            ? tl::unexpected(Error(ErrorCode::kInvalidArgument,
                                   std::string(SessionEventTypeName(e.type)) +
                                       " rejected: at: " + FormatRfc3339(e.at) +
                                       " is before the previous event in the file at " +
                                       FormatRfc3339(*latest_) + ": times must not go backwards",
                                   {FieldProblem{"at", "is before the previous event"}}))
            : Dispatch(e, step);
    if (!latest_ || e.at > *latest_) latest_ = e.at;
    step.accepted = outcome.has_value();
    if (outcome) {
      step.alarms = std::move(*outcome);
    } else {
      step.rejection = Describe(outcome.error());
      step.findings.clear();  // a rejected event decided nothing
    }
    step.state = session_.state();
    step.delivered_mg = session_.DeliveredMg();
    step.rate_ml_per_h = session_.CurrentRateMlPerH();
    return step;
  }

  Session::Outcome Dispatch(const ReplayEvent& e, ReplayStep& step) {
    switch (e.type) {
      case SessionEventType::kCheckIn:
        return session_.CheckIn(e.at, e.actor);
      case SessionEventType::kPreChecks:
        return PreChecks(e, step);
      case SessionEventType::kStart:
        return Start(e, step);
      case SessionEventType::kVitals: {
        VitalSigns reading = e.vitals;
        reading.time = e.at;
        const bool before_start = session_.phase() == SessionPhase::kPre;
        auto outcome = session_.RecordVitals(e.actor, reading);
        if (outcome && before_start) pre_vitals_.push_back(reading);
        return outcome;
      }
      case SessionEventType::kScore:
        return session_.RecordScore(e.at, e.actor, e.scale, e.items);
      case SessionEventType::kSideEffect:
        return session_.RecordSideEffect(e.at, e.actor, e.side_effect);
      case SessionEventType::kPause:
        return session_.Pause(e.at, e.actor, e.reason);
      case SessionEventType::kResume:
        return session_.Resume(e.at, e.actor, e.rate_ml_per_h);
      case SessionEventType::kRateChange:
        if (!e.rate_ml_per_h) {
          return tl::unexpected(
              Error::InvalidArgument("rate_ml_per_h", "is required for a rate change"));
        }
        return session_.ChangeRate(e.at, e.actor, *e.rate_ml_per_h);
      case SessionEventType::kStop:
        return session_.Stop(e.at, e.actor, e.reason);
      case SessionEventType::kComplete:
        return session_.Complete(e.at, e.actor);
      case SessionEventType::kRecovery:
        return session_.BeginRecovery(e.at, e.actor);
      case SessionEventType::kDischargeCheck:
        return DischargeCheck(e, step);
      case SessionEventType::kDischarge:
        return Discharge(e, step);
      case SessionEventType::kCancel:
        return session_.Cancel(e.at, e.actor, e.reason);
    }
    return tl::unexpected(Error::Internal("unknown event type"));
  }

  const ReplayInput& in_;
  Session session_;
  std::optional<PreInfusionInput> pre_data_;
  std::vector<VitalSigns> pre_vitals_;
  std::optional<DischargeChecklist> checklist_;
  std::optional<Instant> latest_;  // the latest time in the file so far
};

}  // namespace

Result<ReplayResult> ReplaySession(const ReplayInput& input) {
  Validator v("invalid session replay");
  if (Status s = ValidatePreInfusionProtocol(input.pre_infusion_protocol); !s) {
    v.Merge(s.error(), "protocol.pre_infusion.");
  }
  if (Status s = ValidateDischargeProtocol(input.discharge_protocol); !s) {
    v.Merge(s.error(), "protocol.discharge.");
  }
  auto session = Session::Create(input.setup, input.session_protocol);
  if (!session) v.Merge(session.error(), "");
  if (Status s = v.Finish(); !s) return tl::unexpected(s.error());
  return Replayer(input, std::move(*session)).Run();
}

}  // namespace ketaclinic::clinical
