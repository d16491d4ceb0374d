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
    v.Require(grid.until_min / grid.step_min <= kMaxGridPoints, "step_min",
              "gives more than " + FormatNumber(kMaxGridPoints) +
                  " output points; choose a larger step or a shorter horizon");
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

  struct Breakpoint {
    double t;
    int output_index;
  };
  std::vector<Breakpoint> points;
  points.reserve(outputs.size() + 2 * schedule.infusions.size() + schedule.boluses.size());
  for (size_t i = 0; i < outputs.size(); ++i) points.push_back({outputs[i], static_cast<int>(i)});
  auto add_event = [&](double t) {
    t = snap(t);
    if (t > 0 && t <= grid.until_min) points.push_back({t, -1});
  };
  std::vector<Bolus> boluses = schedule.boluses;
  std::vector<Infusion> infusions = schedule.infusions;
  for (Bolus& b : boluses) {
    b.at_min = snap(b.at_min);
    add_event(b.at_min);
  }
  for (Infusion& inf : infusions) {
    const double end = snap(inf.end_min());
    inf.start_min = snap(inf.start_min);
    inf.duration_min = end - inf.start_min;
    add_event(inf.start_min);
    add_event(end);
  }
  std::sort(points.begin(), points.end(), [](const Breakpoint& a, const Breakpoint& b) {
    return a.t < b.t || (a.t == b.t && a.output_index > b.output_index);
  });
  // Merge identical times, keeping the output index if any.
  std::vector<Breakpoint> unique;
  for (const Breakpoint& p : points) {
    if (!unique.empty() && unique.back().t == p.t) {
      unique.back().output_index = std::max(unique.back().output_index, p.output_index);
    } else {
      unique.push_back(p);
    }
  }

  auto bolus_at = [&](double t) {
    double dose = 0;
    for (const Bolus& b : boluses) {
      if (b.at_min == t) dose += b.dose_mg;
    }
    return dose;
  };
  auto dt_index = [&](double dt) {
    for (size_t i = 0; i < timeline.distinct_dt_min.size(); ++i) {
      if (std::abs(timeline.distinct_dt_min[i] - dt) <= 1e-12 * std::max(1.0, dt)) {
        return static_cast<int>(i);
      }
    }
    timeline.distinct_dt_min.push_back(dt);
    return static_cast<int>(timeline.distinct_dt_min.size() - 1);
  };

  timeline.bolus_mg_at_zero = bolus_at(0);
  for (size_t i = 1; i < unique.size(); ++i) {
    const double from = unique[i - 1].t;
    const double to = unique[i].t;
    TimelineStep step;
    step.dt_index = dt_index(to - from);
    for (const Infusion& inf : infusions) {
      if (inf.start_min <= from && inf.start_min + inf.duration_min >= to) {
        step.rate_mg_per_min += inf.rate_mg_per_min;
      }
    }
    step.bolus_mg_after = bolus_at(to);
    step.output_index = unique[i].output_index;
    timeline.steps.push_back(step);
  }
  return timeline;
}

}  // namespace ketaclinic::pk
