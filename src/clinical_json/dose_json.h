#ifndef KETACLINIC_CLINICAL_JSON_DOSE_JSON_H_
#define KETACLINIC_CLINICAL_JSON_DOSE_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "clinical/dosing.h"

namespace ketaclinic::clinical_json {

// A dose request as JSON (the body of a dose-planning request; the input of a dose scenario):
//   {"sex": "female", "weight_kg": 70, "height_cm": 165, "mg_per_kg": 0.5,
//    "weight_basis": "actual", "duration_min": 40, "vial_mg_per_ml": 10, "bag_ml": 100,
//    "override": {"physician": "Dr Ada Byrne", "reason": "..."}}
// Weight is given once, as "weight_kg" or "weight_lb" (converted exactly: 1 lb = 0.45359237 kg).
// Every problem is named by its path under `path`.
Result<clinical::DoseRequest> ParseDoseRequest(const nlohmann::json& body, const std::string& path);

// The plan with every number a pump and a chart need, and its findings.
nlohmann::json DosePlanToJson(const clinical::DosePlan& plan);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_DOSE_JSON_H_
