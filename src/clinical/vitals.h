#ifndef KETACLINIC_CLINICAL_VITALS_H_
#define KETACLINIC_CLINICAL_VITALS_H_

#include <optional>
#include <string>

#include "base/error.h"
#include "base/time.h"

namespace ketaclinic::clinical {

// One set of vital signs taken at one moment. Any measurement may be missing (a monitor that
// only sends SpO2 and heart rate; a manual blood pressure). Units are in the names; the LOINC
// code of each is in docs/GLOSSARY.md (clinical.md §3).
struct VitalSigns {
  Instant time;
  std::optional<double> systolic_mmhg;      // LOINC 8480-6
  std::optional<double> diastolic_mmhg;     // LOINC 8462-4
  std::optional<double> heart_rate_bpm;     // LOINC 8867-4
  std::optional<double> spo2_percent;       // LOINC 59408-5 (pulse oximetry)
  std::optional<double> resp_rate_per_min;  // LOINC 9279-1
  bool on_room_air = true;  // SpO2 thresholds are for room air; supplemental O2 is recorded
};

// Physiologically impossible values are input errors, not findings (clinical.md §4.3: tell
// "clinically abnormal" apart from "implausible"): SBP 40–300, DBP 20–200 and below SBP,
// HR 20–300, SpO2 50–100, RR 0–80. Heavy or unusual patients are not limited here; only
// values no living patient in a chair can have. Errors name `prefix` + the field.
Status ValidateVitalSigns(const VitalSigns& vitals, const std::string& prefix = "");

// True when the reading has at least one measurement.
bool HasAnyMeasurement(const VitalSigns& vitals);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_VITALS_H_
