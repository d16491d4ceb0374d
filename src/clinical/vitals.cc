#include "clinical/vitals.h"

#include "base/validation.h"

namespace ketaclinic::clinical {

Status ValidateVitalSigns(const VitalSigns& vitals, const std::string& prefix) {
  Validator v("invalid vital signs");
  auto check = [&](const char* name, const std::optional<double>& value, double low, double high,
                   const char* unit) {
    if (value) v.InRange(prefix + name, *value, low, high, unit);
  };
  check("systolic_mmhg", vitals.systolic_mmhg, 40, 300, "mmHg");
  check("diastolic_mmhg", vitals.diastolic_mmhg, 20, 200, "mmHg");
  check("heart_rate_bpm", vitals.heart_rate_bpm, 20, 300, "beats/min");
  check("spo2_percent", vitals.spo2_percent, 50, 100, "%");
  check("resp_rate_per_min", vitals.resp_rate_per_min, 0, 80, "breaths/min");
  if (vitals.systolic_mmhg && vitals.diastolic_mmhg &&
      *vitals.diastolic_mmhg >= *vitals.systolic_mmhg) {
    v.Add({prefix + "diastolic_mmhg",
           "diastolic " + FormatNumber(*vitals.diastolic_mmhg) + " mmHg is not below systolic " +
               FormatNumber(*vitals.systolic_mmhg) + " mmHg (swapped?)"});
  }
  v.Require(HasAnyMeasurement(vitals),
            prefix.empty() ? "vitals" : prefix.substr(0, prefix.size() - 1),
            "a reading needs at least one measurement");
  return v.Finish();
}

bool HasAnyMeasurement(const VitalSigns& vitals) {
  return vitals.systolic_mmhg || vitals.diastolic_mmhg || vitals.heart_rate_bpm ||
         vitals.spo2_percent || vitals.resp_rate_per_min;
}

}  // namespace ketaclinic::clinical
