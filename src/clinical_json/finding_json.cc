#include "clinical_json/finding_json.h"

namespace ketaclinic::clinical_json {

nlohmann::json FindingToJson(const clinical::Finding& finding) {
  return {{"rule", finding.rule_id},
          {"severity", clinical::SeverityName(finding.severity)},
          {"message", finding.message},
          {"source", finding.source}};
}

nlohmann::json FindingsToJson(const std::vector<clinical::Finding>& findings) {
  nlohmann::json array = nlohmann::json::array();
  for (const clinical::Finding& finding : findings) array.push_back(FindingToJson(finding));
  return array;
}

}  // namespace ketaclinic::clinical_json
