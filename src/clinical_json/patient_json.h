#ifndef KETACLINIC_CLINICAL_JSON_PATIENT_JSON_H_
#define KETACLINIC_CLINICAL_JSON_PATIENT_JSON_H_

// The patient file (docs/formats/patient-file.md): a patient's record with the physicians'
// eligibility overrides, as JSON; and the eligibility verdict as JSON.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "clinical/eligibility.h"
#include "clinical/patient.h"

namespace ketaclinic::clinical_json {

struct PatientFile {
  clinical::Patient patient;
  std::vector<clinical::EligibilityOverride> overrides;
};

// Parses a patient file. Every problem is reported at once, named by its JSON path
// ("patient.antidepressant_trials[2].start", "overrides[0].by.role"): malformed JSON, wrong
// types, unknown fields (with a did-you-mean for a letter-case slip), missing required fields,
// unknown names (a drug class, an outcome), and everything clinical::ValidatePatient and
// clinical::ValidateEligibilityOverrides refuse.
Result<PatientFile> ParsePatientFile(std::string_view json_text);

// The same from an already parsed value (a scenario file embeds a patient file). Problems are
// named from `path` ("input.patient.name"; "" at the top level).
Result<PatientFile> PatientFileFromJson(const nlohmann::json& root, const std::string& path = "");

// The file's JSON for a patient and overrides: ParsePatientFile reads it back to the same
// record. Optional fields appear only when set, a record's meta only when it is not the default.
nlohmann::json PatientToJson(const clinical::Patient& patient);
nlohmann::json PatientFileToJson(const PatientFile& file);

// The verdict as `ketaclinic eligibility --format json` prints it: verdict, findings (rule,
// severity, message, source), msm (score, category, parts; null when not computed), trials
// (drug, athf, adequate, failed, in_current_episode, dose, basis), failed_adequate_trials,
// overrides_applied, protocol_version, at.
nlohmann::json EligibilityVerdictToJson(const clinical::EligibilityVerdict& verdict, Instant at);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_PATIENT_JSON_H_
