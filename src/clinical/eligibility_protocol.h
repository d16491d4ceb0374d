#ifndef KETACLINIC_CLINICAL_ELIGIBILITY_PROTOCOL_H_
#define KETACLINIC_CLINICAL_ELIGIBILITY_PROTOCOL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"
#include "clinical/patient.h"
#include "clinical/scales.h"

namespace ketaclinic::clinical {

// How strongly a contraindication speaks (clinical.md §1.3, "codeable contraindication model").
enum class ContraindicationClass {
  kAbsolute,  // blocks; no override exists (the labels' contraindications)
  kRelative,  // blocks unless a physician overrides it with a reason
  kCaution,   // a warning for the physician to acknowledge
};
const char* ContraindicationClassName(ContraindicationClass level);  // "absolute", ...
Result<ContraindicationClass> ParseContraindicationClass(std::string_view name,
                                                         std::string_view field);

// A code a contraindication matches. ICD-10-CM matches the code and every code under it
// ("I71" matches "I71.4"); other systems match exactly.
struct ConditionCode {
  CodeSystem system = CodeSystem::kIcd10Cm;
  std::string code;

  friend bool operator==(const ConditionCode&, const ConditionCode&) = default;
};

// One entry of the contraindication catalogue. A patient matches it through any of: a condition
// with one of `condition_codes` (active, or also resolved when `history_counts`), a condition
// coded in the "ketaclinic" system with the item's own `code` (for what has no good code, e.g.
// a physician's attestation), an allergy to one of `allergy_substances`, a current medication
// of one of `drug_classes` (above `drug_daily_dose_above_mg` when set), or psychotic features
// in the current episode when `psychotic_features`.
struct ContraindicationItem {
  std::string code;  // stable id, lower case: the finding's rule id is
                     // "eligibility.contraindication." + code
  std::string display;
  ContraindicationClass level = ContraindicationClass::kRelative;
  std::string source;  // the citation with its evidence tag
  std::vector<ConditionCode> condition_codes;
  bool history_counts = false;
  std::vector<std::string> allergy_substances;  // compared case-insensitively
  std::vector<DrugClass> drug_classes;
  std::optional<double> drug_daily_dose_above_mg;
  bool psychotic_features = false;
};

// The default catalogue (clinical.md §1.3): the label-derived absolute items, the relative items
// of the clinical-practice lists, and the cautions (label warnings, interacting drugs). The
// ICD-10-CM codes are this project's mapping, not taken from a source [R: verify with a
// terminology server]; no SNOMED CT code is in the default (none verified).
std::vector<ContraindicationItem> DefaultContraindications();

// The codes of the label contraindications (Ketalar, Spravato; clinical.md §1.3 [S]). A
// protocol's catalogue must keep each of them, as absolute.
const std::vector<std::string>& LabelContraindicationCodes();

// "Baseline severity is met when the latest score on `scale` is at least `min_total`."
struct SeverityThreshold {
  Scale scale = Scale::kPhq9;
  int min_total = 0;

  friend bool operator==(const SeverityThreshold&, const SeverityThreshold&) = default;
};

// The eligibility part of the clinic's protocol (clinical.md §1.2 ELIG-01..07, §1.3, §1.4
// PRE-07, §6). Every number is a site setting owned by the medical director; the source of each
// default is in EligibilityProtocolSources. Comparisons are inclusive: "min" is met at the
// value, "max age" still counts an item exactly that old.
struct EligibilityProtocol {
  std::string version = "default-2026-11";

  // ELIG-01: adults; bipolar depression only by program policy, with a mood stabilizer.
  int min_age_years = 18;
  std::optional<int> max_age_years;  // unset: no upper limit
  bool allow_bipolar_depression = true;
  bool bipolar_requires_mood_stabilizer = true;
  std::vector<DrugClass> mood_stabilizer_classes = {DrugClass::kLithium, DrugClass::kAnticonvulsant,
                                                    DrugClass::kLamotrigine,
                                                    DrugClass::kAntipsychotic};

  // ELIG-02: at least this many failed adequate trials (distinct drugs) in the current episode;
  // a trial is adequate at an ATHF-style rating >= athf_adequacy_min, which needs at least
  // min_adequate_trial_weeks at an adequate dose (staging.h).
  int min_failed_adequate_trials = 2;
  int athf_adequacy_min = 3;
  double min_adequate_trial_weeks = 4;
  // Brigham and Women's counts a failed ECT or TMS course like a failed antidepressant trial.
  bool neuromodulation_counts_as_trial = false;

  // ELIG-03: a documented failed psychotherapy trial.
  bool require_failed_psychotherapy = true;

  // ELIG-04: met when any listed scale's latest score within baseline_scale_max_age_days reaches
  // its threshold. An empty list turns the rule off.
  std::vector<SeverityThreshold> baseline_severity_min = {{Scale::kPhq9, 10}, {Scale::kMadrs, 20}};
  int baseline_scale_max_age_days = 30;

  // PRE-07: a C-SSRS screener within baseline_scale_max_age_days.
  bool require_suicide_screen = true;

  // ELIG-06 / ELIG-07.
  bool require_medical_clearance = true;
  int clearance_max_age_days = 90;
  std::vector<ClearanceItem> clearance_required_items = AllClearanceItems();
  bool require_consent = true;

  // §1.3.
  std::vector<ContraindicationItem> contraindications = DefaultContraindications();
};

// Checks ranges and consistency, naming each bad key by its key within the section
// ("min_failed_adequate_trials", "contraindications[3].code", "baseline_severity_min.madrs").
Status ValidateEligibilityProtocol(const EligibilityProtocol& protocol);

// The source of each default, one entry per key (for `ketaclinic protocol show`).
std::vector<ParameterSource> EligibilityProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_ELIGIBILITY_PROTOCOL_H_
