#ifndef KETACLINIC_CLINICAL_JSON_SESSION_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_SESSION_PROTOCOL_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/session_protocol.h"

namespace ketaclinic::clinical_json {

// Reads the "session" section of a protocol file over `defaults` (absent keys keep the default);
// every problem goes to `v`, named `path` + "." + key; unknown keys are problems. "actions" is an
// object keyed by rule id ("vitals.bp-pause"); the actions it names replace the defaults, the
// others stay. The section has no version of its own: the caller copies the protocol's version
// into it. Consistency (warn below pause, ...) is ValidateSessionProtocol's, not checked here.
clinical::SessionProtocol ReadSessionProtocol(const nlohmann::json& section,
                                              const std::string& path,
                                              const clinical::SessionProtocol& defaults,
                                              Validator& v);

// Every key of the section with its effective value (every action included).
nlohmann::json SessionProtocolToJson(const clinical::SessionProtocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_SESSION_PROTOCOL_JSON_H_
