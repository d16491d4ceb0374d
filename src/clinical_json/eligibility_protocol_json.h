#ifndef KETACLINIC_CLINICAL_JSON_ELIGIBILITY_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_ELIGIBILITY_PROTOCOL_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/eligibility_protocol.h"

namespace ketaclinic::clinical_json {

// Reads the "eligibility" section of a protocol file over `defaults` (absent keys keep the
// default); every problem goes to `v`, named `path` + "." + key; unknown keys are problems
// (json_read::ObjectReader::RejectUnknown). A "contraindications" list replaces the default
// catalogue as a whole (`ketaclinic protocol show` prints the effective one to start from). The
// section has no version of its own: the caller copies the protocol's version into it.
clinical::EligibilityProtocol ReadEligibilityProtocol(const nlohmann::json& section,
                                                      const std::string& path,
                                                      const clinical::EligibilityProtocol& defaults,
                                                      Validator& v);

// Every key of the section with its effective value (max_age_years as null when unset).
nlohmann::json EligibilityProtocolToJson(const clinical::EligibilityProtocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_ELIGIBILITY_PROTOCOL_JSON_H_
