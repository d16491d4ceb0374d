#ifndef KETACLINIC_STORE_DEMO_CLINIC_H_
#define KETACLINIC_STORE_DEMO_CLINIC_H_

// A synthetic ketamine clinic for demonstrations, training and load tests (issue 4;
// docs/DEMO.md): clinicians, patients with histories that pass or fail eligibility for stated
// reasons, induction courses (6 infusions Mon/Wed/Fri, about half stopping early), sessions
// with rate segments, vital signs every 10 minutes during the infusion and at 15 and 30 minutes
// after, MOAA/S and CADSS-6, side effects, PHQ-9 and MADRS before and after, and maintenance
// boosters for responders. The clinical rules decide what they can: eligibility
// (EvaluateEligibility), the dose and pump programme (PlanDose), and the outcomes
// (EvaluateOutcomes). Deterministic: the same seed gives the same clinic on any toolchain
// (std::mt19937_64 streams with our own transforms, never std:: distributions).
// Nothing here is a real person.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/course.h"
#include "clinical/eligibility.h"
#include "clinical/roles.h"
#include "clinical/vitals.h"
#include "clinical_json/patient_json.h"
#include "clinical_json/record_json.h"
#include "store/audit.h"
#include "store/store.h"

namespace ketaclinic::store {

struct DemoOptions {
  int patients = 100;  // 1..100000
  uint64_t seed = 1;
  // The clinic's first intake day (UTC midnight); every time is derived from it, never from
  // the clock. Default 2026-01-05, a Monday.
  Instant start = Instant(std::chrono::seconds(1767571200));
};

// The generator's targets (docs/DEMO.md gives the sources); the tests check the achieved rates
// against them.
struct DemoTargets {
  double ineligible_fraction = 0.25;       // [D] a referral mix with stated failing reasons
  double completes_induction = 0.52;       // ORKA-2: almost 50 % did not complete 6 [S]
  double stops_after_first = 0.20;         // ORKA-2: 20 % after the first [S]
  double responder_fraction = 0.455;       // Yale program: 45.5 % response [S]
  double remitter_fraction = 0.273;        // Yale program: 27.3 % remission [S]
  double relapse_of_responders = 0.35;     // [D] within the maintenance period
  double bp_rise_session_fraction = 0.10;  // [D] sessions with a marked BP rise
};
const DemoTargets& DefaultDemoTargets();

struct DemoClinician {
  std::string username;
  std::string display_name;
  clinical::Role role = clinical::Role::kNurse;
};

struct DemoSession {
  clinical_json::SessionRecord record;  // meta.author is a clinician's username
  std::vector<clinical::VitalSigns> vitals;
};

struct DemoPatient {
  clinical_json::PatientFile file;  // file.patient.meta.id is the patient's record id
  clinical::EligibilityOutcome eligibility = clinical::EligibilityOutcome::kNotEligible;
  // The rule ids of the blocking findings (empty when eligible): the stated reasons.
  std::vector<std::string> blocked_by;
  std::vector<clinical::TreatmentCourse> courses;  // induction first, then boosters
  std::vector<DemoSession> sessions;
  std::vector<clinical_json::ScaleResponseRecord> scale_responses;
  std::vector<clinical_json::SideEffectRecord> side_effects;
  // What the rules made of the induction (EvaluateOutcomes on the primary scale, PHQ-9).
  bool completed_induction = false;
  bool responder = false;
  bool remitter = false;
  bool relapsed = false;
};

struct DemoClinic {
  uint64_t seed = 0;
  std::vector<DemoClinician> clinicians;
  std::vector<DemoPatient> patients;
};

// Counts of a clinic, for the command's summary and the tests.
struct DemoSummary {
  int64_t clinicians = 0;
  int64_t patients = 0;
  int64_t eligible = 0;  // eligible or needing a physician's review (treated)
  int64_t not_eligible = 0;
  int64_t courses = 0;
  int64_t boosters = 0;
  int64_t sessions = 0;
  int64_t vitals = 0;
  int64_t scale_responses = 0;
  int64_t side_effects = 0;
  int64_t completed_induction = 0;
  int64_t stopped_after_first = 0;
  int64_t responders = 0;
  int64_t remitters = 0;
  int64_t relapses = 0;
};

// The clinic of `options` (an invalid option is an error naming it). Pure and deterministic.
Result<DemoClinic> GenerateDemoClinic(const DemoOptions& options);
DemoSummary Summarize(const DemoClinic& clinic);

// Called after each batch written: (patients done, patients in all).
using DemoProgress = std::function<void(int64_t done, int64_t total)>;

// Writes the clinic through the clinic repository (clinic_repository.h) as `actor`, batched in
// transactions of up to 50 patients: the clinicians as users (created with random passwords
// that are not kept: they sign nothing in; an existing username is reused), then every
// patient's records and vitals, authored by the generated clinicians. Record ids are derived
// from the seed, so writing the same seed twice into one database is a conflict.
Status WriteDemoClinic(Store& store, const Actor& actor, const DemoClinic& clinic,
                       const DemoProgress& progress = {});

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_DEMO_CLINIC_H_
