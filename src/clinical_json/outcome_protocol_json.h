#ifndef KETACLINIC_CLINICAL_JSON_OUTCOME_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_OUTCOME_PROTOCOL_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/outcome_protocol.h"

namespace ketaclinic::clinical_json {

// Reads the "outcomes" section of a protocol file over `defaults` (absent keys keep the
// default); every problem goes to `v`, named path + "." + key; unknown keys are problems. The
// section has no version of its own: the protocol's version is copied into it by the caller.
clinical::OutcomeProtocol ReadOutcomeProtocol(const nlohmann::json& section,
                                              const std::string& path,
                                              const clinical::OutcomeProtocol& defaults,
                                              Validator& v);

// Every key of the section with its effective value.
nlohmann::json OutcomeProtocolToJson(const clinical::OutcomeProtocol& protocol);

// The "course" section, likewise.
clinical::CourseProtocol ReadCourseProtocol(const nlohmann::json& section, const std::string& path,
                                            const clinical::CourseProtocol& defaults, Validator& v);

nlohmann::json CourseProtocolToJson(const clinical::CourseProtocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_OUTCOME_PROTOCOL_JSON_H_
