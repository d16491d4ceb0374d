#ifndef KETACLINIC_PK_SCHEDULE_H_
#define KETACLINIC_PK_SCHEDULE_H_

#include <vector>

#include "base/error.h"

namespace ketaclinic::pk {

// A dose given at once, at a time after the start of the schedule.
struct Bolus {
  double at_min = 0;
  double dose_mg = 0;
};

// A constant-rate infusion. Infusions may overlap; their rates add.
struct Infusion {
  double start_min = 0;
  double duration_min = 0;
  double rate_mg_per_min = 0;

  double end_min() const { return start_min + duration_min; }
  double dose_mg() const { return rate_mg_per_min * duration_min; }
};

// What is given, and when. Times are minutes from the schedule's time zero.
struct Schedule {
  std::vector<Bolus> boluses;
  std::vector<Infusion> infusions;

  // Total mg given by the end of the schedule.
  double TotalDoseMg() const;
  // Total mg given in [0, t] (a bolus at t counts).
  double DoseGivenByMg(double t_min) const;
  // The time the last dose ends (0 for an empty schedule).
  double EndMin() const;
};

// Largest single bolus and infusion rate accepted by the engine, as a guard against unit slips
// (mcg typed as mg). These are engine sanity bounds, far above any clinical limit; the clinical
// dose limits live in the protocol.
inline constexpr double kMaxBolusMg = 5000;
inline constexpr double kMaxRateMgPerMin = 1000;
inline constexpr double kMaxScheduleTimeMin = 60 * 24 * 14;  // two weeks

// Checks every event: finite, non-negative times within kMaxScheduleTimeMin, positive doses and
// durations. Fields are named as in the schedule file: "boluses[1].dose_mg".
Status ValidateSchedule(const Schedule& schedule);

// The standard TRD regimen as a schedule: dose_mg_per_kg * weight over `over_min` from time 0.
Schedule ConstantInfusion(double dose_mg, double over_min);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_SCHEDULE_H_
