#ifndef KETACLINIC_PK_TIMELINE_H_
#define KETACLINIC_PK_TIMELINE_H_

#include <vector>

#include "base/error.h"
#include "pk/schedule.h"

namespace ketaclinic::pk {

// The output times of a simulation: 0, step, 2 step, ... and `until_min` itself.
struct TimeGrid {
  double until_min = 240;
  double step_min = 1;
};

// At most this many output points in one curve: a guard against a step typed in the wrong unit.
inline constexpr double kMaxGridPoints = 2'000'000;

// Checks until_min (finite, >= 0, <= kMaxScheduleTimeMin) and step_min (> 0, and the point count
// within kMaxGridPoints).
Status ValidateGrid(const TimeGrid& grid);

// The output times of a grid.
std::vector<double> GridTimes(const TimeGrid& grid);

// One piece of a simulation between two consecutive breakpoints (output times and dose events):
// advance by dt at a constant rate, then give a bolus, then maybe record an output.
struct TimelineStep {
  int dt_index = 0;  // into Timeline::distinct_dt_min
  double rate_mg_per_min = 0;
  double bolus_mg_after = 0;
  int output_index = -1;  // the grid point reached, or -1 if this breakpoint is only an event
};

// A schedule laid onto a grid, so that every simulation of it (one curve, or a million subjects
// in a population) walks the same precomputed sequence of exact steps. Event times within 1e-9
// min of a grid time are snapped onto it, so that "a bolus at 40 min" is in the 40-min value.
struct Timeline {
  std::vector<double> output_times_min;
  std::vector<double> distinct_dt_min;
  double bolus_mg_at_zero = 0;  // given before the value at time 0 is read
  std::vector<TimelineStep> steps;
};

// REQUIRES: both validated.
Timeline BuildTimeline(const Schedule& schedule, const TimeGrid& grid);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_TIMELINE_H_
