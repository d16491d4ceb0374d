#include "pk/tci.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/validation.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

// Effect-site targeting looks ahead this far at this resolution (STANPUMP: e_udf up to 2700 s,
// an error when the peak is later than 45 min).
constexpr double kLookAheadStepMin = 1.0 / 60;
constexpr int kLookAheadSteps = 45 * 60;
constexpr int kMaxPeakIterations = 100;
// Switch from effect-site to plasma targeting when Ce is within 5 % of the target and Cp within
// 20 % (R package tci, tci_effect: cetol 0.05, cptol 0.2).
constexpr double kEffectTolerance = 0.05;
constexpr double kPlasmaTolerance = 0.2;

using Row = std::array<double, kMaxStates>;

double Dot(const Row& row, const State& state, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += row[size_t(i)] * state.x[size_t(i)];
  return sum;
}

double TargetAtMgPerL(const std::vector<TargetChange>& targets, double t_min) {
  double target = targets.front().target_ng_per_ml;
  for (const TargetChange& change : targets) {
    if (change.at_min <= t_min + 1e-9) target = change.target_ng_per_ml;
  }
  return target / kNgPerMlPerMgPerL;
}

// Ce after an update, looked ahead at 1-s resolution: rows[k] reads Ce at Δ + k s from the
// state at Δ; unit[k] is Ce at Δ + k s after a unit-rate infusion lasting Δ.
struct EffectLookAhead {
  std::vector<Row> rows;
  std::vector<double> unit;
  int unit_peak = 0;
};

EffectLookAhead MakeLookAhead(const Engine& engine, const State& unit_state) {
  EffectLookAhead look;
  look.rows.resize(kLookAheadSteps + 1);
  look.unit.resize(kLookAheadSteps + 1);
  const Stepper fine = engine.MakeStepper(kLookAheadStepMin);
  Row row = engine.effect_row();
  for (int k = 0; k <= kLookAheadSteps; ++k) {
    look.rows[size_t(k)] = row;
    look.unit[size_t(k)] = Dot(row, unit_state, engine.state_count());
    if (look.unit[size_t(k)] > look.unit[size_t(look.unit_peak)]) look.unit_peak = k;
    fine.PropagateRow(row);
  }
  return look;
}

// The Shafer & Gregg rate: the one whose effect-site peak equals the target.
double EffectSiteRate(const Engine& engine, const EffectLookAhead& look, const State& free,
                      double target) {
  const int n = engine.state_count();
  auto free_at = [&](int k) { return Dot(look.rows[size_t(k)], free, n); };
  int peak = look.unit_peak;
  double rate = 0;
  for (int iteration = 0; iteration < kMaxPeakIterations; ++iteration) {
    rate = (target - free_at(peak)) / look.unit[size_t(peak)];
    auto value = [&](int k) { return free_at(k) + rate * look.unit[size_t(k)]; };
    int climbed = peak;
    while (climbed < kLookAheadSteps && value(climbed + 1) > value(climbed)) ++climbed;
    while (climbed > 0 && value(climbed - 1) > value(climbed)) --climbed;
    if (climbed == peak) break;
    peak = climbed;
  }
  return rate;
}

}  // namespace

Status ValidateTciRequest(const TciRequest& request) {
  Validator v("invalid TCI request");
  v.Require(!request.targets.empty(), "targets", "must have at least one target");
  for (size_t i = 0; i < request.targets.size(); ++i) {
    const std::string prefix = "targets[" + std::to_string(i) + "].";
    const TargetChange& change = request.targets[i];
    v.InRange(prefix + "target_ng_per_ml", change.target_ng_per_ml, 0, 20000, "ng/mL");
    v.InRange(prefix + "at_min", change.at_min, 0, kMaxScheduleTimeMin, "min");
    if (i == 0)
      v.Require(change.at_min == 0, prefix + "at_min", "the first target must start at 0");
    if (i > 0) {
      v.Require(change.at_min > request.targets[i - 1].at_min, prefix + "at_min",
                "must be later than the previous target's");
    }
  }
  if (v.Positive("duration_min", request.duration_min)) {
    v.Require(request.duration_min <= 24 * 60, "duration_min", "must be at most 1440 min");
  }
  v.InRange("update_s", request.update_s, 1, 600, "s");
  v.NonNegative("max_rate_mg_per_min", request.max_rate_mg_per_min);
  v.Require(request.max_rate_mg_per_min <= kMaxRateMgPerMin, "max_rate_mg_per_min",
            "must be at most " + FormatNumber(kMaxRateMgPerMin) + " mg/min");
  return v.Finish();
}

Result<TciPlan> PlanTci(const Engine& engine, const TciRequest& request) {
  if (auto status = ValidateTciRequest(request); !status) return tl::unexpected(status.error());
  const double update_min = request.update_s / 60;
  const double max_rate = request.max_rate_mg_per_min > 0 ? request.max_rate_mg_per_min
                                                          : std::numeric_limits<double>::infinity();
  const Stepper update_step = engine.MakeStepper(update_min);
  State unit;
  update_step.Advance(unit, 1);
  const double plasma_unit = engine.Read(unit).plasma_mg_per_l;

  EffectLookAhead look;
  if (request.mode == TciMode::kEffect) {
    look = MakeLookAhead(engine, unit);
    if (look.unit_peak == kLookAheadSteps) {
      return tl::unexpected(Error::OutOfRange(
          "the effect site peaks more than 45 min after a dose; ke0 is too small for "
          "effect-site targeting (use --mode plasma)"));
    }
  }

  TciPlan plan;
  State state;
  for (long update = 0;; ++update) {
    const double t = static_cast<double>(update) * update_min;
    if (t >= request.duration_min - 1e-9) break;
    const double dt = std::min(update_min, request.duration_min - t);
    const double target = TargetAtMgPerL(request.targets, t);
    State free = state;
    update_step.Advance(free, 0);
    const Concentrations now = engine.Read(state);
    const bool hold_in_plasma =
        request.mode == TciMode::kPlasma ||
        (std::abs(now.effect_mg_per_l - target) <= kEffectTolerance * target &&
         std::abs(now.plasma_mg_per_l - target) <= kPlasmaTolerance * target);
    double rate = 0;
    if (target <= 0) {
      rate = 0;
    } else if (hold_in_plasma) {
      rate = (target - engine.Read(free).plasma_mg_per_l) / plasma_unit;
    } else if (engine.Read(free).effect_mg_per_l < target) {
      rate = EffectSiteRate(engine, look, free, target);
    }
    rate = std::clamp(rate, 0.0, max_rate);

    if (dt == update_min) {
      update_step.Advance(state, rate);
    } else {
      engine.MakeStepper(dt).Advance(state, rate);
    }
    if (!plan.segments.empty() && plan.segments.back().rate_mg_per_min == rate) {
      plan.segments.back().duration_min += dt;
    } else {
      plan.segments.push_back(RateSegment{t, dt, rate});
    }
  }
  for (const RateSegment& segment : plan.segments) {
    plan.delivered_mg += segment.rate_mg_per_min * segment.duration_min;
    if (segment.rate_mg_per_min > 0) {
      plan.schedule.infusions.push_back(
          Infusion{segment.start_min, segment.duration_min, segment.rate_mg_per_min});
    }
  }
  return plan;
}

}  // namespace ketaclinic::pk
