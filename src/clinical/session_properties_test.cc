// Properties of the session state machine for any sequence of events (rapidcheck): only the
// transitions of the table in session.h succeed, a rejected event changes nothing, and the
// delivered dose equals the sum over the rate segments computed here independently, never more
// than the bag holds.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "clinical/session.h"

namespace ketaclinic::clinical {
namespace {

using S = SessionState;
using E = SessionEventType;

const Instant kT0 = *ParseRfc3339("2026-11-30T08:00:00Z", "t");

// The transition table of session.h, written out again: from which states each event is
// accepted.
std::vector<S> AllowedFrom(E type) {
  std::vector<S> observed = {S::kCheckedIn, S::kPreChecks, S::kReady,   S::kRunning,
                             S::kPaused,    S::kCompleted, S::kStopped, S::kRecovery};
  switch (type) {
    case E::kCheckIn:
      return {S::kScheduled};
    case E::kPreChecks:
      return {S::kCheckedIn, S::kPreChecks, S::kReady};
    case E::kStart:
      return {S::kReady};
    case E::kPause:
    case E::kRateChange:
      return {S::kRunning};
    case E::kResume:
      return {S::kPaused};
    case E::kComplete:
    case E::kStop:
      return {S::kRunning, S::kPaused};
    case E::kRecovery:
      return {S::kCompleted, S::kStopped};
    case E::kDischargeCheck:
    case E::kDischarge:
      return {S::kRecovery};
    case E::kCancel:
      return {S::kScheduled, S::kCheckedIn, S::kPreChecks, S::kReady};
    case E::kVitals:
    case E::kScore:
    case E::kSideEffect:
      return observed;
  }
  return {};
}

struct Command {
  E type = E::kCheckIn;
  int delta_s = 0;  // from the previous command; may be negative
  Role role = Role::kNurse;
  bool anonymous = false;
  bool verdict_ok = true;
  std::optional<double> rate;
  bool reason = true;
  bool plausible = true;
};

// The events a session in `state` usually sees next, so that random sequences get far.
std::vector<E> NaturalNext(S state) {
  switch (state) {
    case S::kScheduled:
      return {E::kCheckIn};
    case S::kCheckedIn:
    case S::kPreChecks:
      return {E::kPreChecks};
    case S::kReady:
      return {E::kStart};
    case S::kRunning:
      return {E::kVitals, E::kPause, E::kRateChange, E::kComplete, E::kStop};
    case S::kPaused:
      return {E::kResume, E::kStop, E::kComplete};
    case S::kCompleted:
    case S::kStopped:
      return {E::kRecovery};
    case S::kRecovery:
      return {E::kScore, E::kDischargeCheck, E::kDischarge};
    default:
      return {E::kCheckIn, E::kVitals};
  }
}

rc::Gen<Command> GenCommand(S state) {
  return rc::gen::exec([state] {
    Command c;
    c.type = *rc::gen::weightedOneOf<E>({{1, rc::gen::cast<E>(rc::gen::inRange(0, 15))},
                                         {2, rc::gen::elementOf(NaturalNext(state))}});
    c.delta_s = *rc::gen::weightedOneOf<int>(
        {{8, rc::gen::inRange(0, 20 * 60)}, {1, rc::gen::inRange(-300, 0)}});
    c.role = *rc::gen::weightedElement<Role>(
        {{6, Role::kNurse}, {3, Role::kPhysician}, {1, Role::kFrontDesk}, {1, Role::kPharmacist}});
    c.anonymous = *rc::gen::weightedElement<bool>({{20, false}, {1, true}});
    c.verdict_ok = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    c.rate = *rc::gen::weightedElement<std::optional<double>>(
        {{3, std::nullopt}, {3, 150.0}, {2, 60.0}, {2, 400.0}, {1, 0.0}, {1, 2000.0}});
    c.reason = *rc::gen::weightedElement<bool>({{5, true}, {1, false}});
    c.plausible = *rc::gen::weightedElement<bool>({{8, true}, {1, false}});
    return c;
  });
}

// The test's own account of the pump: segments opened and closed by the accepted events.
struct Model {
  struct Segment {
    Instant start;
    std::optional<Instant> end;
    double rate_ml_per_h;
  };
  std::vector<Segment> segments;
  double last_rate = 0;
  std::optional<Instant> end_of_infusion;
  bool moaas_after_end = false;

  double Delivered(Instant at, const InfusionSetup& setup) const {
    double mg = 0;
    for (const Segment& s : segments) {
      const Instant end = std::min(s.end.value_or(at), at);
      if (end <= s.start) continue;
      const double hours = static_cast<double>((end - s.start).count()) / 3600;
      mg += s.rate_ml_per_h * hours * setup.concentration_mg_per_ml;
    }
    return std::min(mg, setup.planned_dose_mg);
  }
  void Close(Instant at) {
    if (!segments.empty() && !segments.back().end) segments.back().end = at;
  }
};

// What can be compared before and after an event.
struct Snapshot {
  S state;
  std::optional<Instant> last;
  std::vector<RateSegment> segments;
  size_t log, vitals, scores, side_effects, alarms;
  double delivered;

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot Take(const Session& s) {
  return {s.state(),
          s.last_event_at(),
          s.segments(),
          s.log().size(),
          s.vitals().size(),
          s.scores().size(),
          s.side_effects().size(),
          s.alarms().size(),
          s.DeliveredMg()};
}

Session::Outcome Apply(Session& s, const Command& c, Instant at, const Clinician& actor) {
  PreInfusionVerdict pre;
  pre.cleared = c.verdict_ok;
  DischargeVerdict discharge;
  discharge.allowed = c.verdict_ok;
  const std::string reason = c.reason ? "reason" : "";
  switch (c.type) {
    case E::kCheckIn:
      return s.CheckIn(at, actor);
    case E::kPreChecks:
      return s.RecordPreChecks(at, actor, pre);
    case E::kStart:
      return s.Start(at, actor, pre, c.rate);
    case E::kVitals: {
      VitalSigns v;
      v.time = at;
      v.systolic_mmhg = 124;
      v.diastolic_mmhg = c.plausible ? 78 : 130;
      return s.RecordVitals(actor, v);
    }
    case E::kScore:
      return s.RecordScore(at, actor, Scale::kMoaas, {c.plausible ? 5 : 9});
    case E::kSideEffect:
      return s.RecordSideEffect(
          at, actor, {SideEffectKind::kHeadache, c.plausible ? 1 : 0, at, std::nullopt, "", false});
    case E::kPause:
      return s.Pause(at, actor, reason);
    case E::kResume:
      return s.Resume(at, actor, c.rate);
    case E::kRateChange:
      return s.ChangeRate(at, actor, c.rate.value_or(150));
    case E::kStop:
      return s.Stop(at, actor, reason);
    case E::kComplete:
      return s.Complete(at, actor);
    case E::kRecovery:
      return s.BeginRecovery(at, actor);
    case E::kDischargeCheck:
      return s.RecordDischargeCheck(at, actor, discharge);
    case E::kDischarge:
      return s.Discharge(at, actor, discharge);
    case E::kCancel:
      return s.Cancel(at, actor, reason);
  }
  return tl::unexpected(Error::Internal("unknown"));
}

bool RateOk(double rate) { return rate > 0 && rate <= kMaxRateMlPerH; }

RC_GTEST_PROP(SessionProperties, OnlyAllowedTransitionsAndTheDoseAddsUp, ()) {
  InfusionSetup setup;
  setup.planned_dose_mg = *rc::gen::inRange(10, 101);
  setup.bag_volume_ml = *rc::gen::inRange(50, 251);
  // The bag holds the planned dose or up to 50 % more.
  setup.concentration_mg_per_ml =
      setup.planned_dose_mg / setup.bag_volume_ml * (1 + *rc::gen::inRange(0, 51) / 100.0);
  setup.planned_rate_ml_per_h = *rc::gen::inRange(30, 400);
  auto created = Session::Create(setup, SessionProtocol{});
  RC_ASSERT(created.has_value());
  Session session = std::move(*created);
  Model model;

  const int count = *rc::gen::inRange(1, 120);
  Instant at = kT0;
  for (int i = 0; i < count; ++i) {
    const Command c = *GenCommand(session.state());
    at += std::chrono::seconds(c.delta_s);
    const Clinician actor{c.anonymous ? "" : "user", c.role};
    const S before = session.state();
    const Snapshot snapshot = Take(session);

    // What the table says, and the conditions beyond it.
    const std::vector<S> allowed = AllowedFrom(c.type);
    bool expect = std::find(allowed.begin(), allowed.end(), before) != allowed.end();
    expect = expect && !(session.last_event_at() && at < *session.last_event_at());
    expect = expect && !c.anonymous;
    const bool clinical_role = c.role == Role::kNurse || c.role == Role::kPhysician;
    const bool desk_event = c.type == E::kCheckIn || c.type == E::kCancel;
    expect = expect && (clinical_role || (c.role == Role::kFrontDesk && desk_event));
    const double delivered = model.Delivered(at, setup);
    bool borderline = false;
    switch (c.type) {
      case E::kStart:
        expect = expect && c.verdict_ok && RateOk(c.rate.value_or(setup.planned_rate_ml_per_h));
        break;
      case E::kResume:
        borderline = std::abs(delivered - setup.planned_dose_mg) < 1e-6;
        expect =
            expect && RateOk(c.rate.value_or(model.last_rate)) && delivered < setup.planned_dose_mg;
        break;
      case E::kRateChange:
        borderline = std::abs(delivered - setup.planned_dose_mg) < 1e-6;
        expect = expect && RateOk(c.rate.value_or(150)) && delivered < setup.planned_dose_mg;
        break;
      case E::kComplete: {
        const double needed = setup.planned_dose_mg * 0.99;
        borderline = std::abs(delivered - needed) < 1e-6;
        expect = expect && delivered >= needed;
        break;
      }
      case E::kStop:
      case E::kCancel:
        expect = expect && c.reason;
        break;
      case E::kVitals:
      case E::kScore:
      case E::kSideEffect:
        expect = expect && c.plausible;
        break;
      case E::kDischarge:
        expect = expect && c.verdict_ok && model.moaas_after_end;
        break;
      default:
        break;
    }

    const auto outcome = Apply(session, c, at, actor);
    if (!borderline) {
      RC_ASSERT(outcome.has_value() == expect);
    }
    if (!outcome) {
      RC_ASSERT(Take(session) == snapshot);  // a rejected event changes nothing
      continue;
    }

    // The accepted event moved the state where the table says.
    const S after = session.state();
    switch (c.type) {
      case E::kCheckIn:
        RC_ASSERT(after == S::kCheckedIn);
        break;
      case E::kPreChecks:
        RC_ASSERT(after == (c.verdict_ok ? S::kReady : S::kPreChecks));
        break;
      case E::kStart:
        RC_ASSERT(after == S::kRunning);
        model.last_rate = c.rate.value_or(setup.planned_rate_ml_per_h);
        model.segments.push_back({at, std::nullopt, model.last_rate});
        break;
      case E::kResume:
        RC_ASSERT(after == S::kRunning);
        model.last_rate = c.rate.value_or(model.last_rate);
        model.segments.push_back({at, std::nullopt, model.last_rate});
        break;
      case E::kRateChange:
        RC_ASSERT(after == S::kRunning);
        model.Close(at);
        model.last_rate = c.rate.value_or(150);
        model.segments.push_back({at, std::nullopt, model.last_rate});
        break;
      case E::kPause:
        RC_ASSERT(after == S::kPaused);
        model.Close(at);
        break;
      case E::kComplete:
      case E::kStop:
        RC_ASSERT(after == (c.type == E::kComplete ? S::kCompleted : S::kStopped));
        model.Close(at);
        model.end_of_infusion = at;
        break;
      case E::kRecovery:
        RC_ASSERT(after == S::kRecovery);
        break;
      case E::kDischarge:
        RC_ASSERT(after == S::kDischarged);
        break;
      case E::kCancel:
        RC_ASSERT(after == S::kCancelled);
        break;
      case E::kScore:
        if (model.end_of_infusion && at >= *model.end_of_infusion) model.moaas_after_end = true;
        RC_ASSERT(after == before);
        break;
      default:
        RC_ASSERT(after == before);
        break;
    }

    // The delivered dose is the sum over the segments, capped at the planned dose, never more
    // than the bag holds.
    const double expected = model.Delivered(at, setup);
    RC_ASSERT(std::abs(session.DeliveredMg() - expected) <= 1e-9 * setup.planned_dose_mg);
    RC_ASSERT(session.DeliveredMg() <= setup.BagContentMg() + 1e-9);
    double sum = 0;
    for (const DeliveredSegment& d : session.DeliveredSegments(at)) sum += d.dose_mg;
    RC_ASSERT(std::abs(sum - expected) <= 1e-9 * setup.planned_dose_mg);
  }
  RC_TAG(SessionStateName(session.state()));
}

// A session fed only readings in time order never rejects one and never changes state.
RC_GTEST_PROP(SessionProperties, ReadingsNeverMoveTheState, ()) {
  auto created = Session::Create({35, 100, 0.35, 150, std::nullopt}, SessionProtocol{});
  RC_ASSERT(created.has_value());
  Session session = std::move(*created);
  RC_ASSERT(session.CheckIn(kT0, {"n", Role::kNurse}).has_value());
  RC_ASSERT(session.RecordPreChecks(kT0, {"n", Role::kNurse}, {true, {}, "", {}, {}}));
  RC_ASSERT(session.Start(kT0, {"n", Role::kNurse}, {true, {}, "", {}, {}}).has_value());
  Instant at = kT0;
  const int count = *rc::gen::inRange(1, 100);
  for (int i = 0; i < count; ++i) {
    at += std::chrono::seconds(*rc::gen::inRange(0, 120));
    VitalSigns v;
    v.time = at;
    const int sbp = *rc::gen::inRange(80, 230);
    v.systolic_mmhg = sbp;
    v.diastolic_mmhg = *rc::gen::inRange(40, std::min(sbp, 140));
    v.heart_rate_bpm = *rc::gen::inRange(35, 180);
    v.spo2_percent = *rc::gen::inRange(80, 101);
    v.resp_rate_per_min = *rc::gen::inRange(4, 40);
    RC_ASSERT(session.RecordVitals({"n", Role::kNurse}, v).has_value());
    RC_ASSERT(session.state() == SessionState::kRunning);
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
