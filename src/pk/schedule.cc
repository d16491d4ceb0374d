#include "pk/schedule.h"

#include <algorithm>
#include <string>

#include "base/validation.h"

namespace ketaclinic::pk {

double Schedule::TotalDoseMg() const {
  double total = 0;
  for (const Bolus& b : boluses) total += b.dose_mg;
  for (const Infusion& i : infusions) total += i.dose_mg();
  return total;
}

double Schedule::DoseGivenByMg(double t_min) const {
  double total = 0;
  for (const Bolus& b : boluses) {
    if (b.at_min <= t_min) total += b.dose_mg;
  }
  for (const Infusion& i : infusions) {
    const double given_min = std::clamp(t_min - i.start_min, 0.0, i.duration_min);
    total += i.rate_mg_per_min * given_min;
  }
  return total;
}

double Schedule::EndMin() const {
  double end = 0;
  for (const Bolus& b : boluses) end = std::max(end, b.at_min);
  for (const Infusion& i : infusions) end = std::max(end, i.end_min());
  return end;
}

Status ValidateSchedule(const Schedule& schedule) {
  Validator v("invalid schedule");
  for (size_t i = 0; i < schedule.boluses.size(); ++i) {
    const Bolus& b = schedule.boluses[i];
    const std::string prefix = "boluses[" + std::to_string(i) + "].";
    v.InRange(prefix + "at_min", b.at_min, 0, kMaxScheduleTimeMin, "min");
    if (v.Positive(prefix + "dose_mg", b.dose_mg)) {
      if (b.dose_mg > kMaxBolusMg) {
        v.Add({prefix + "dose_mg", "must be at most " + FormatNumber(kMaxBolusMg) +
                                       " mg (is this mcg?), got " + FormatNumber(b.dose_mg)});
      }
    }
  }
  for (size_t i = 0; i < schedule.infusions.size(); ++i) {
    const Infusion& inf = schedule.infusions[i];
    const std::string prefix = "infusions[" + std::to_string(i) + "].";
    v.InRange(prefix + "start_min", inf.start_min, 0, kMaxScheduleTimeMin, "min");
    if (v.Positive(prefix + "duration_min", inf.duration_min)) {
      if (inf.end_min() > kMaxScheduleTimeMin) {
        v.Add({prefix + "duration_min",
               "the infusion must end within " + FormatNumber(kMaxScheduleTimeMin) + " min"});
      }
    }
    if (v.Positive(prefix + "rate_mg_per_min", inf.rate_mg_per_min)) {
      if (inf.rate_mg_per_min > kMaxRateMgPerMin) {
        v.Add({prefix + "rate_mg_per_min", "must be at most " + FormatNumber(kMaxRateMgPerMin) +
                                               " mg/min, got " +
                                               FormatNumber(inf.rate_mg_per_min)});
      }
    }
  }
  return v.Finish();
}

Schedule ConstantInfusion(double dose_mg, double over_min) {
  Schedule schedule;
  schedule.infusions.push_back(Infusion{0, over_min, dose_mg / over_min});
  return schedule;
}

}  // namespace ketaclinic::pk
