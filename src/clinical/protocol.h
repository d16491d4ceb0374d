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
// document owned by the medical director (DESIGN.md §4). The defaults are clinical.md §6; a
// clinic's file (docs/formats/protocol-file.md) changes what it needs. Each section carries the
// protocol's version, so every decision made under it records the version (decision 0006).
struct Protocol {
  std::string version = "default-2026-11";
  std::string title = "KetaClinic default protocol (clinical.md §6)";
  std::string approved_by;  // the medical director who approved this version; empty: unapproved
  std::string approved_on;  // YYYY-MM-DD; empty: unapproved

  EligibilityProtocol eligibility;
  PreInfusionProtocol pre_infusion;
  DoseProtocol dosing;
  SessionProtocol session;
  DischargeProtocol discharge;
  OutcomeProtocol outcomes;
  CourseProtocol course;
};

// The section names, in the file's order: "eligibility", "pre_infusion", "dosing", "session",
// "discharge", "outcomes", "course".
const std::vector<std::string>& ProtocolSectionNames();

// The protocol of clinical.md §6, unchanged, with its version in every section.
Protocol DefaultProtocol();

// Copies `version` into every section, so each section's decisions record the protocol version.
void StampVersion(Protocol& protocol);

// Every section's own checks (problems named "dosing.soft_max_mg_per_kg") and the consistency
// between sections, each problem named by the key to change:
// - the minimum interval between infusions appears in the pre-infusion gate and in course
//   scheduling: both must be equal (course.interval_hard_min_h / interval_soft_min_h);
// - a baseline the pre-infusion gate lets through must not already be a reading the session
//   pauses the infusion for (pre_infusion.bp_block_* <= session.*_pause_mmhg,
//   pre_infusion.hr_block_bpm <= session.hr_pause_above_bpm);
// - the blood pressure a patient may be discharged with is below the session's pause threshold
//   (discharge.sbp_max_mmhg < session.sbp_pause_mmhg, likewise diastolic);
// - the early non-response check falls within the induction series
//   (outcomes.early_nonresponse_after_infusions <= course.induction_planned_infusions), and
//   stopping for no response comes no earlier than that check;
// - every section carries the protocol's version; approved_by and approved_on come together,
//   approved_on a real date.
Status ValidateProtocol(const Protocol& protocol);

// The source of every default, keyed "section.key" ("dosing.hard_max_mg_per_kg").
std::vector<ParameterSource> ProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PROTOCOL_H_
