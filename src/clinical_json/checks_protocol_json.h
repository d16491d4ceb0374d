#ifndef KETACLINIC_CLINICAL_JSON_CHECKS_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_CHECKS_PROTOCOL_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/discharge_protocol.h"
#include "clinical/pre_infusion_protocol.h"

namespace ketaclinic::clinical_json {

// Reads the "pre_infusion" section of a protocol file over `defaults` (absent keys keep the
// default); every problem goes to `v`, named `path` + "." + key; unknown keys are problems. The
// section has no version of its own: the caller copies the protocol's version into it.
clinical::PreInfusionProtocol ReadPreInfusionProtocol(const nlohmann::json& section,
                                                      const std::string& path,
                                                      const clinical::PreInfusionProtocol& defaults,
                                                      Validator& v);

// Every key of the section with its effective value.
nlohmann::json PreInfusionProtocolToJson(const clinical::PreInfusionProtocol& protocol);

// The "discharge" section, likewise.
clinical::DischargeProtocol ReadDischargeProtocol(const nlohmann::json& section,
                                                  const std::string& path,
                                                  const clinical::DischargeProtocol& defaults,
                                                  Validator& v);

nlohmann::json DischargeProtocolToJson(const clinical::DischargeProtocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_CHECKS_PROTOCOL_JSON_H_
