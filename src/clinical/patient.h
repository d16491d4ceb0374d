#ifndef KETACLINIC_CLINICAL_PATIENT_H_
#define KETACLINIC_CLINICAL_PATIENT_H_

// The patient and the history that eligibility is judged on (DESIGN.md §3 step 1: referral and
// intake): demographics, diagnosis, antidepressant / psychotherapy / ECT-TMS history, current
// medications, allergies, coded conditions, consents, medical clearance and baseline rating
// scales. Every record carries a RecordMeta so storage can version it; nothing is deleted, a
// record entered in error stays in the history and the rules skip it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/dosing.h"
#include "clinical/record.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// A calendar date without a time of day (a birth date, the start of an antidepressant trial).
// Histories are told in dates; moments measured in the clinic are Instants.
using Date = std::chrono::year_month_day;

// "YYYY-MM-DD", a real calendar date (2026-02-30 is refused). Errors name `field`.
Result<Date> ParseDate(std::string_view text, std::string_view field);
std::string FormatDate(Date date);
// The UTC calendar date of a moment.
Date DateOf(Instant instant);
// Whole days from `from` to `to` (negative if `to` is earlier).
int DaysBetween(Date from, Date to);
// Whole calendar months completed from `from` to `to`: 2025-01-31 -> 2025-02-28 is 0 months,
// -> 2025-03-31 is 2. Negative if `to` is earlier.
int CompletedMonths(Date from, Date to);
// Age in completed years on the UTC date of `now`. Someone born on 29 February becomes a year
// older on 1 March in a common year.
int AgeYears(Date birth, Instant now);

// --- Coded values -----------------------------------------------------------------------------

// The code systems a condition or diagnosis may be coded in. A fixed list on purpose: a typo
// ("icd10") would otherwise silently keep a contraindication from matching.
enum class CodeSystem {
  kIcd10Cm,     // "icd-10-cm": ICD-10-CM, with the dot ("F33.2")
  kSnomedCt,    // "snomed-ct": SNOMED CT concept id (digits)
  kKetaclinic,  // "ketaclinic": local codes, e.g. a contraindication's own code
};
const char* CodeSystemName(CodeSystem system);
Result<CodeSystem> ParseCodeSystem(std::string_view name, std::string_view field);

// Why `code` is not a well-formed code of `system` ("must be an ICD-10-CM code such as F33.2
// ..."), or nullopt when it is. ICD-10-CM is checked for shape (not membership in the code set).
std::optional<std::string> CodeProblem(CodeSystem system, std::string_view code);

struct CodedConcept {
  CodeSystem system = CodeSystem::kIcd10Cm;
  std::string code;
  std::string display;  // for people; never matched on

  friend bool operator==(const CodedConcept&, const CodedConcept&) = default;
};

// --- Diagnosis ----------------------------------------------------------------------------------

enum class DiagnosisKind {
  kMdd,                // major depressive disorder (DSM-5), current major depressive episode
  kBipolarDepression,  // bipolar disorder, current depressive episode
  kOther,
};
const char* DiagnosisKindName(DiagnosisKind kind);  // "mdd", "bipolar-depression", "other"
Result<DiagnosisKind> ParseDiagnosisKind(std::string_view name, std::string_view field);

struct Diagnosis {
  RecordMeta meta;
  DiagnosisKind kind = DiagnosisKind::kMdd;
  std::optional<CodedConcept> code;  // e.g. ICD-10-CM F33.2
  Date episode_start;                // start of the current episode
  bool psychotic_features = false;   // in the current episode
  std::string description;           // free text, e.g. what "other" is
};

// --- Treatment history -------------------------------------------------------------------------

enum class TrialOutcome {
  kResponse,         // >= 50 % improvement
  kPartialResponse,  // some improvement, < 50 %
  kNoResponse,
  kIntolerance,  // stopped for side effects
};
// "response", "partial-response", "no-response", "intolerance"
const char* TrialOutcomeName(TrialOutcome outcome);
Result<TrialOutcome> ParseTrialOutcome(std::string_view name, std::string_view field);

enum class Adherence { kGood, kPoor, kUnknown };
const char* AdherenceName(Adherence adherence);  // "good", "poor", "unknown"
Result<Adherence> ParseAdherence(std::string_view name, std::string_view field);

// One antidepressant trial. `weeks_at_dose` is how long the patient took `daily_dose_mg` (the
// highest daily dose reached), as the clinician established it from the record; titration
// weeks below that dose are not counted. The dose is judged adequate by the table in
// staging.h or, for a drug not in it, by the clinician's `adequate_dose`.
struct AntidepressantTrial {
  RecordMeta meta;
  std::string drug;  // generic name: "sertraline"
  double daily_dose_mg = 0;
  Date start;
  std::optional<Date> stop;  // unset: still taking it
  double weeks_at_dose = 0;
  std::optional<bool> adequate_dose;  // the clinician's judgment of the dose (see staging.h)
  Adherence adherence = Adherence::kUnknown;
  TrialOutcome outcome = TrialOutcome::kNoResponse;
  bool augmentation = false;       // an augmenting agent was added (lithium, antipsychotic, T3)
  std::string augmentation_agent;  // which, if known
};

struct PsychotherapyTrial {
  RecordMeta meta;
  std::string type;  // "CBT", "IPT", "behavioural activation", ...
  int sessions = 0;
  Date start;
  std::optional<Date> stop;
  TrialOutcome outcome = TrialOutcome::kNoResponse;  // kIntolerance: could not continue
};

enum class NeuromodulationKind { kEct, kTms };
const char* NeuromodulationKindName(NeuromodulationKind kind);  // "ect", "tms"
Result<NeuromodulationKind> ParseNeuromodulationKind(std::string_view name, std::string_view field);

// A course of ECT or TMS.
struct NeuromodulationCourse {
  RecordMeta meta;
  NeuromodulationKind kind = NeuromodulationKind::kEct;
  int sessions = 0;
  Date start;
  std::optional<Date> stop;
  TrialOutcome outcome = TrialOutcome::kNoResponse;
};

// --- Medications, allergies, conditions ---------------------------------------------------------

// The drug classes the rules care about: interactions named by clinical.md §1.3 / §1.4 PRE-08
// (benzodiazepines, MAOIs, stimulants, opioids, lamotrigine, non-benzodiazepine hypnotics,
// theophylline, levothyroxine) and mood stabilizers for the bipolar policy (§1.2 ELIG-01). The
// pre-infusion gate (PRE-08) warns on a subset of these.
enum class DrugClass {
  kSsri,
  kSnri,
  kTca,
  kMaoi,
  kOtherAntidepressant,  // bupropion, mirtazapine, vortioxetine, trazodone, ...
  kBenzodiazepine,
  kNonBenzodiazepineHypnotic,  // zolpidem, zopiclone, eszopiclone, zaleplon
  kStimulant,
  kOpioid,
  kLamotrigine,
  kLithium,
  kAnticonvulsant,  // valproate, carbamazepine, ... (lamotrigine has its own class)
  kAntipsychotic,
  kTheophylline,
  kThyroidHormone,
  kAntihypertensive,
  kOther,
};
// "ssri", "snri", "tca", "maoi", "other-antidepressant", "benzodiazepine",
// "non-benzodiazepine-hypnotic", "stimulant", "opioid", "lamotrigine", "lithium", "anticonvulsant",
// "antipsychotic", "theophylline", "thyroid-hormone", "antihypertensive", "other"
const char* DrugClassName(DrugClass drug_class);
Result<DrugClass> ParseDrugClass(std::string_view name, std::string_view field);

struct Medication {
  RecordMeta meta;
  std::string name;  // generic name
  DrugClass drug_class = DrugClass::kOther;
  std::optional<double> daily_dose_mg;  // unset: as needed / not in mg
};

struct Allergy {
  RecordMeta meta;
  std::string substance;  // "ketamine", "penicillin"
  std::string reaction;
};

struct Condition {
  RecordMeta meta;
  CodedConcept code;
  bool active = true;  // false: history only (resolved)
};

// --- Consent, clearance, scales -------------------------------------------------------------

enum class ConsentKind {
  kKetamineInfusion,  // informed consent to off-label IV ketamine (clinical.md §1.2 ELIG-07)
  kResearch,
  kOther,
};
const char* ConsentKindName(ConsentKind kind);  // "ketamine-infusion", "research", "other"
Result<ConsentKind> ParseConsentKind(std::string_view name, std::string_view field);

struct Consent {
  RecordMeta meta;
  ConsentKind kind = ConsentKind::kKetamineInfusion;
  Instant signed_at;
  std::string signed_by;    // the patient or their legal representative
  std::string obtained_by;  // the clinician who took it (optional)
  std::optional<Instant> revoked_at;
};

// What a medical clearance covered (clinical.md §1.2 ELIG-06: H&P, medication list, allergies,
// ECG, renal and liver tests, STOP-BANG sleep-apnoea screen).
enum class ClearanceItem {
  kHistoryAndPhysical,
  kMedicationList,
  kAllergies,
  kEcg,
  kRenalFunction,
  kLiverFunction,
  kOsaScreen,
};
// "history-and-physical", "medication-list", "allergies", "ecg", "renal-function",
// "liver-function", "osa-screen"
const char* ClearanceItemName(ClearanceItem item);
Result<ClearanceItem> ParseClearanceItem(std::string_view name, std::string_view field);
const std::vector<ClearanceItem>& AllClearanceItems();

struct MedicalClearance {
  RecordMeta meta;
  Date date;
  std::string by;  // the clearing physician
  std::vector<ClearanceItem> covered;
  std::string notes;
};

// One completed rating scale; scored with ScoreScale (scales.h).
struct ScaleResponse {
  RecordMeta meta;
  Scale scale = Scale::kPhq9;
  std::vector<int> items;
  Instant taken_at;
};

struct WeightMeasurement {
  RecordMeta meta;
  Instant measured_at;
  double weight_kg = 0;
};

// --- The patient
// ----------------------------------------------------------------------------------

struct Patient {
  RecordMeta meta;
  std::string identifier;  // the clinic's patient identifier (MRN)
  std::string name;
  Date birth_date;
  Sex sex = Sex::kFemale;
  std::optional<double> height_cm;
  std::vector<WeightMeasurement> weights;
  std::optional<Diagnosis> diagnosis;
  std::vector<AntidepressantTrial> antidepressant_trials;
  std::vector<PsychotherapyTrial> psychotherapy_trials;
  std::vector<NeuromodulationCourse> neuromodulation;  // ECT / TMS courses
  std::vector<Medication> medications;                 // current medications
  std::vector<Allergy> allergies;
  std::vector<Condition> conditions;
  std::vector<Consent> consents;
  std::vector<MedicalClearance> clearances;
  std::vector<ScaleResponse> scale_responses;
};

// Checks every field and names every bad one by its JSON path ("antidepressant_trials[2].stop",
// "scale_responses[0].items[8]"): required text present, dates real, stops not before starts,
// weeks at dose within the trial's dates, numbers in plausible ranges (weight 20-400 kg, height
// 100-250 cm: the ranges of dosing, clinical.md §1.8), ICD-10-CM codes well formed, scale items
// valid for their scale, each record's meta consistent (a withdrawn or amended version has a
// reason). Times relative to "now" are not checked here: the rules consider only records dated
// at or before the moment they are evaluated at.
Status ValidatePatient(const Patient& patient);

// Whether a record counts: its current version, not entered in error or superseded.
bool IsActive(const RecordMeta& meta);

// The most recent active weight measured at or before `now`, if any.
std::optional<WeightMeasurement> LatestWeight(const Patient& patient, Instant now);

// The most recent active response to `scale` taken at or before `now`, if any.
const ScaleResponse* LatestScaleResponse(const Patient& patient, Scale scale, Instant now);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PATIENT_H_
