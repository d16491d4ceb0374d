#ifndef KETACLINIC_CLINICAL_JSON_DOSE_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_DOSE_PROTOCOL_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/dose_protocol.h"

namespace ketaclinic::clinical_json {

// Reads the "dosing" section of a protocol file over `defaults` (absent keys keep the default);
// every problem goes to `v`, named `path` + "." + key; unknown keys are problems. The section has
// no version of its own: the protocol's version is copied into it by the caller.
clinical::DoseProtocol ReadDoseProtocol(const nlohmann::json& section, const std::string& path,
                                        const clinical::DoseProtocol& defaults, Validator& v);

// Every key of the section with its effective value (optional ones as null when unset).
nlohmann::json DoseProtocolToJson(const clinical::DoseProtocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_DOSE_PROTOCOL_JSON_H_
