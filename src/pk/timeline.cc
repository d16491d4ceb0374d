#include "pk/timeline.h"

#include <algorithm>
#include <cmath>

#include "base/validation.h"

namespace ketaclinic::pk {
namespace {

constexpr double kSnapMin = 1e-9;

}  // namespace

Status ValidateGrid(const TimeGrid& grid) {
  Validator v("invalid time grid");
  v.InRange("until_min", grid.until_min, 0, kMaxScheduleTimeMin, "min");
  if (v.Positive("step_min", grid.step_min) && std::isfinite(grid.until_min)) {
    if (grid.until_min / grid.step_min > kMaxGridPoints) {
      v.Add({"step_min", "gives more than " + FormatNumber(kMaxGridPoints) +
                             " output points; choose a larger step or a shorter horizon"});
    }
  }
  return v.Finish();
}

std::vector<double> GridTimes(const TimeGrid& grid) {
  std::vector<double> times;
  const double ratio = grid.until_min / grid.step_min;
  auto whole_steps = static_cast<long>(std::floor(ratio + 1e-9));
  times.reserve(static_cast<size_t>(whole_steps) + 2);
  for (long k = 0; k <= whole_steps; ++k) {
    times.push_back(std::min(static_cast<double>(k) * grid.step_min, grid.until_min));
  }
  if (grid.until_min - times.back() > kSnapMin) times.push_back(grid.until_min);
  return times;
}

Timeline BuildTimeline(const Schedule& schedule, const TimeGrid& grid) {
  Timeline timeline;
  timeline.output_times_min = GridTimes(grid);
  const std::vector<double>& outputs = timeline.output_times_min;

  // Snap an event time onto the grid when it is within kSnapMin of a grid time.
  auto snap = [&](double t) {
    const auto it = std::lower_bound(outputs.begin(), outputs.end(), t - kSnapMin);
    if (it != outputs.end() && std::abs(*it - t) <= kSnapMin) return *it;
    return t;
  };
  std::vector<Bolus> boluses = schedule.boluses;
  std::vector<Infusion> infusions = schedule.infusions;
  std::vector<double> events;  // times at which the rate changes or a bolus is given
  for (Bolus& b : boluses) {
    b.at_min = snap(b.at_min);
    events.push_back(b.at_min);
  }
  for (Infusion& inf : infusions) {
    const double end = snap(inf.end_min());
    inf.start_min = snap(inf.start_min);
    inf.duration_min = end - inf.start_min;
    events.push_back(inf.start_min);
    events.push_back(end);
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());

  // The rate on [t, next event) and the boluses at t, recomputed from the doses at each event
  // (few) rather than accumulated, so that a stopped infusion leaves exactly 0.
  auto rate_from = [&](double t) {
    double rate = 0;
    for (const Infusion& inf : infusions) {
      if (inf.start_min <= t && inf.start_min + inf.duration_min > t) rate += inf.rate_mg_per_min;
    }
    return rate;
  };
  auto bolus_at = [&](double t) {
    double dose = 0;
    for (const Bolus& b : boluses) {
      if (b.at_min == t) dose += b.dose_mg;
    }
    return dose;
  };
  auto find_dt_index = [&](double dt) {
    for (size_t i = 0; i < timeline.distinct_dt_min.size(); ++i) {
      if (std::abs(timeline.distinct_dt_min[i] - dt) <= 1e-12 * std::max(1.0, dt)) {
        return static_cast<int>(i);
      }
    }
    timeline.distinct_dt_min.push_back(dt);
    return static_cast<int>(timeline.distinct_dt_min.size() - 1);
  };
  int last_index = -1;
  auto dt_index = [&](double dt) {
    // Most steps repeat the previous step's length exactly: check that first.
    if (last_index < 0 || timeline.distinct_dt_min[static_cast<size_t>(last_index)] != dt) {
      last_index = find_dt_index(dt);
    }
    return last_index;
  };

  // Merge the sorted output times and event times into one walk.
  timeline.bolus_mg_at_zero = bolus_at(0);
  double rate = rate_from(0);
  size_t next_event = 0;
  while (next_event < events.size() && events[next_event] <= 0) ++next_event;
  size_t next_output = 1;
  double now = 0;
  timeline.steps.reserve(outputs.size() + events.size());
  while (next_output < outputs.size()) {
    const bool event_first =
        next_event < events.size() && events[next_event] <= outputs[next_output];
    const double next = event_first ? events[next_event] : outputs[next_output];
    TimelineStep step;
    step.dt_index = dt_index(next - now);
    step.rate_mg_per_min = rate;
    if (event_first) {
      step.bolus_mg_after = bolus_at(next);
      rate = rate_from(next);
      ++next_event;
    }
    if (next == outputs[next_output]) {
      step.output_index = static_cast<int>(next_output);
      ++next_output;
    }
    timeline.steps.push_back(step);
    now = next;
  }
  return timeline;
}

}  // namespace ketaclinic::pk
