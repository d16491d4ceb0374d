#ifndef KETACLINIC_CLINICAL_JSON_CHECKS_JSON_H_
#define KETACLINIC_CLINICAL_JSON_CHECKS_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"

#include "clinical/discharge.h"
#include "clinical/pre_infusion.h"

namespace ketaclinic::clinical_json {

// A pre-infusion check file (docs/formats/check-files.md): the input of the gates and, optionally,
// the moment they are judged at ("at"; the command line's --at wins, else the clock).
struct PreInfusionCheck {
  clinical::PreInfusionInput input;
  std::optional<Instant> at;
};

// A discharge check file, likewise.
struct DischargeCheck {
  clinical::DischargeInput input;
  std::optional<Instant> at;
};

// Parses a check object. Every problem at once, each named by its JSON path under `path` ("" at
// the top level; "input" in a scenario): wrong types, unknown keys, missing required keys, bad
// names ("risk": "severe"), implausible numbers (clinical::ValidatePreInfusionInput without its
// time checks). Times later than "at" are refused by the rules themselves, which know "at".
Result<PreInfusionCheck> ParsePreInfusionCheck(const nlohmann::json& body, const std::string& path);
Result<DischargeCheck> ParseDischargeCheck(const nlohmann::json& body, const std::string& path);

// The same from JSON text (a file's contents); malformed text is a "(json)" problem.
Result<PreInfusionCheck> ParsePreInfusionCheckText(std::string_view text);
Result<DischargeCheck> ParseDischargeCheckText(std::string_view text);

// {"cleared": ..., "protocol_version": ..., "needs_repeat_vitals_at": "...|null",
//  "awaiting_override": [...], "findings": [{"rule", "severity", "message", "source"}]}
nlohmann::json PreInfusionVerdictToJson(const clinical::PreInfusionVerdict& verdict);
// {"allowed": ..., "protocol_version": ..., "earliest_at": "...|null", "findings": [...]}
nlohmann::json DischargeVerdictToJson(const clinical::DischargeVerdict& verdict);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_CHECKS_JSON_H_
