#include "pk/simulate.h"

#include <algorithm>

namespace ketaclinic::pk {

Result<Curve> Simulate(const Engine& engine, const Schedule& schedule, const TimeGrid& grid) {
  if (auto status = ValidateSchedule(schedule); !status) return tl::unexpected(status.error());
  if (auto status = ValidateGrid(grid); !status) return tl::unexpected(status.error());
  const Timeline timeline = BuildTimeline(schedule, grid);

  std::vector<Stepper> steppers;
  steppers.reserve(timeline.distinct_dt_min.size());
  for (double dt : timeline.distinct_dt_min) steppers.push_back(engine.MakeStepper(dt));

  Curve curve;
  const size_t count = timeline.output_times_min.size();
  curve.time_min = timeline.output_times_min;
  curve.plasma_ng_per_ml.resize(count);
  curve.effect_ng_per_ml.resize(count);
  if (engine.has_metabolite()) curve.metabolite_ng_per_ml.resize(count);

  // Read() inlined: the rows are fixed, and this runs once per output point.
  const int n = engine.state_count();
  const auto& plasma_row = engine.plasma_row();
  const auto& effect_row = engine.effect_row();
  const bool metabolite = engine.has_metabolite();
  auto record = [&](const State& state, size_t index) {
    double plasma = 0, effect = 0;
    for (int i = 0; i < n; ++i) {
      plasma += plasma_row[size_t(i)] * state.x[size_t(i)];
      effect += effect_row[size_t(i)] * state.x[size_t(i)];
    }
    // A concentration cannot be negative; the modal form's sum can round to −1e−16 of the
    // peak where the true value is 0 (Ce at the instant of a first bolus).
    curve.plasma_ng_per_ml[index] = std::max(0.0, plasma) * kNgPerMlPerMgPerL;
    curve.effect_ng_per_ml[index] = std::max(0.0, effect) * kNgPerMlPerMgPerL;
    if (metabolite) {
      curve.metabolite_ng_per_ml[index] =
          engine.Read(state).metabolite_mg_per_l * kNgPerMlPerMgPerL;
    }
  };

  State state;
  engine.AddBolus(state, timeline.bolus_mg_at_zero);
  record(state, 0);
  for (const TimelineStep& step : timeline.steps) {
    steppers[static_cast<size_t>(step.dt_index)].Advance(state, step.rate_mg_per_min);
    if (step.bolus_mg_after != 0) engine.AddBolus(state, step.bolus_mg_after);
    if (step.output_index >= 0) record(state, static_cast<size_t>(step.output_index));
  }
  return curve;
}

State StateAt(const Engine& engine, const Schedule& schedule, double t_min) {
  const Timeline timeline = BuildTimeline(schedule, TimeGrid{t_min, t_min > 0 ? t_min : 1});
  State state;
  engine.AddBolus(state, timeline.bolus_mg_at_zero);
  for (const TimelineStep& step : timeline.steps) {
    engine.MakeStepper(timeline.distinct_dt_min[static_cast<size_t>(step.dt_index)])
        .Advance(state, step.rate_mg_per_min);
    if (step.bolus_mg_after != 0) engine.AddBolus(state, step.bolus_mg_after);
  }
  return state;
}

}  // namespace ketaclinic::pk
