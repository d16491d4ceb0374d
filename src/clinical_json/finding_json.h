#ifndef KETACLINIC_CLINICAL_JSON_FINDING_JSON_H_
#define KETACLINIC_CLINICAL_JSON_FINDING_JSON_H_

#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/finding.h"

namespace ketaclinic::clinical_json {

// {"rule": ..., "severity": "info|warning|block", "message": ..., "source": ...}: the one JSON
// shape of a finding, in every file and command.
nlohmann::json FindingToJson(const clinical::Finding& finding);
nlohmann::json FindingsToJson(const std::vector<clinical::Finding>& findings);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_FINDING_JSON_H_
