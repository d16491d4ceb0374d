#ifndef KETACLINIC_CLINICAL_PROTOCOL_H_
#define KETACLINIC_CLINICAL_PROTOCOL_H_

#include <string>
#include <vector>

#include "base/error.h"

#include "clinical/discharge_protocol.h"
#include "clinical/dose_protocol.h"
#include "clinical/eligibility_protocol.h"
#include "clinical/outcome_protocol.h"
#include "clinical/parameter_source.h"
#include "clinical/pre_infusion_protocol.h"
#include "clinical/session_protocol.h"

namespace ketaclinic::clinical {

// The clinic's protocol: every threshold, schedule and limit the rules use, in one versioned
// document owned by the medical director (DESIGN.md §4). Defaults are clinical.md §6; a clinic's
// file (docs/formats/protocol-file.md) changes what it needs. Each decision records `version`.
struct Protocol {
  std::string version = "default-2026-11";
  std::string title = "KetaClinic default protocol (clinical.md §6)";
  std::string approved_by;  // the medical director who approved this version
  std::string approved_on;  // YYYY-MM-DD

  EligibilityProtocol eligibility;
  PreInfusionProtocol pre_infusion;
  DoseProtocol dosing;
  SessionProtocol session;
  DischargeProtocol discharge;
  OutcomeProtocol outcomes;
  CourseProtocol course;
};

// The protocol of clinical.md §6, unchanged.
Protocol DefaultProtocol();

// Copies `version` into every section, so each section's decisions record the protocol version.
void StampVersion(Protocol& protocol);

// Every section's own checks (problems named "dosing.soft_max_mg_per_kg") and the consistency
// between sections (e.g. the course's minimum interval and the pre-infusion gate's agree).
Status ValidateProtocol(const Protocol& protocol);

// The source of every default, keyed "section.key".
std::vector<ParameterSource> ProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PROTOCOL_H_
