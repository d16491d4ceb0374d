#include "clinical/pre_infusion_protocol.h"

#include <string>

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md; each is also in
// PreInfusionProtocolSources for `ketaclinic protocol show`):
//   NPO 2 h solids / 30 min clear liquids — §1.4 PRE-01, the Spravato instruction [S]; IV clinics
//     ask 4-6 h [S-low], a stricter site setting. The [S] source is preferred (§0).
//   weight within 12 h ("measured today") — §1.4 PRE-02 [S]/[D]
//   BP warn > 140/90 — §1.4 PRE-03, Spravato "consider delaying if BP > 140/90" [S]; §6
//   BP block >= 180/110 confirmed after 5 min — §1.4 PRE-03 [S-low] forum / [R] Sanacora / [D]; §6
//   HR warn > 100, block > 120 sustained — §1.4 PRE-04 [S-low]/[D]
//   SpO2 block < 92 % — §1.4 PRE-05 [S]; §6 spo2_block
//   pregnancy test, C-SSRS, depression scale, medications, UDS — §1.4 PRE-06..09 ("per site")
//   interval 20 h hard / 44 h soft — §1.9, §6 min_interval_hard / soft [D]

namespace ketaclinic::clinical {

const char* TestPolicyName(TestPolicy policy) {
  switch (policy) {
    case TestPolicy::kNone:
      return "none";
    case TestPolicy::kRequired:
      return "required";
  }
  return "required";
}

Result<TestPolicy> ParseTestPolicy(std::string_view name, std::string_view field) {
  if (name == "none") return TestPolicy::kNone;
  if (name == "required") return TestPolicy::kRequired;
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "must be none or required, got '" + std::string(name) + "'"));
}

const char* CssrsRiskName(CssrsRisk risk) {
  switch (risk) {
    case CssrsRisk::kNone:
      return "none";
    case CssrsRisk::kLow:
      return "low";
    case CssrsRisk::kModerate:
      return "moderate";
    case CssrsRisk::kHigh:
      return "high";
  }
  return "high";
}

Result<CssrsRisk> ParseCssrsRisk(std::string_view name, std::string_view field) {
  for (CssrsRisk risk :
       {CssrsRisk::kNone, CssrsRisk::kLow, CssrsRisk::kModerate, CssrsRisk::kHigh}) {
    if (name == CssrsRiskName(risk)) return risk;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "must be none, low, moderate or high, got '" + std::string(name) + "'"));
}

Status ValidatePreInfusionProtocol(const PreInfusionProtocol& p) {
  Validator v("invalid pre-infusion protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  // Bounds are plausibility limits for a site setting, not clinical advice: outside them the
  // number is almost surely a unit mistake (hours typed as minutes, kPa for mmHg).
  v.InRange("npo_solids_min", p.npo_solids_min, 0, 24 * 60, "min");
  v.InRange("npo_clear_liquids_min", p.npo_clear_liquids_min, 0, 24 * 60, "min");
  v.InRange("weight_max_age_h", p.weight_max_age_h, 1, 24 * 31, "h");
  v.InRange("baseline_vitals_max_age_min", p.baseline_vitals_max_age_min, 5, 24 * 60, "min");
  const bool warn_sbp =
      v.InRange("bp_warn_systolic_mmhg", p.bp_warn_systolic_mmhg, 90, 250, "mmHg");
  const bool warn_dbp =
      v.InRange("bp_warn_diastolic_mmhg", p.bp_warn_diastolic_mmhg, 50, 150, "mmHg");
  const bool block_sbp =
      v.InRange("bp_block_systolic_mmhg", p.bp_block_systolic_mmhg, 90, 250, "mmHg");
  const bool block_dbp =
      v.InRange("bp_block_diastolic_mmhg", p.bp_block_diastolic_mmhg, 50, 150, "mmHg");
  if (warn_sbp && block_sbp) {
    v.Require(p.bp_warn_systolic_mmhg < p.bp_block_systolic_mmhg, "bp_block_systolic_mmhg",
              "must be above bp_warn_systolic_mmhg");
  }
  if (warn_dbp && block_dbp) {
    v.Require(p.bp_warn_diastolic_mmhg < p.bp_block_diastolic_mmhg, "bp_block_diastolic_mmhg",
              "must be above bp_warn_diastolic_mmhg");
  }
  const bool warn_hr = v.InRange("hr_warn_bpm", p.hr_warn_bpm, 40, 250, "beats/min");
  const bool block_hr = v.InRange("hr_block_bpm", p.hr_block_bpm, 40, 250, "beats/min");
  if (warn_hr && block_hr) {
    v.Require(p.hr_warn_bpm < p.hr_block_bpm, "hr_block_bpm", "must be above hr_warn_bpm");
  }
  v.InRange("repeat_after_min", p.repeat_after_min, 1, 60, "min");
  v.InRange("spo2_block_below_percent", p.spo2_block_below_percent, 80, 100, "%");
  v.InRange("pregnancy_test_max_age_h", p.pregnancy_test_max_age_h, 1, 24 * 31, "h");
  v.InRange("cssrs_max_age_h", p.cssrs_max_age_h, 1, 24 * 31, "h");
  v.InRange("depression_scale_max_age_h", p.depression_scale_max_age_h, 1, 24 * 31, "h");
  // A screener with no risk, or low risk, must never block on its own (§2.8 triage).
  v.Require(p.cssrs_block_risk == CssrsRisk::kModerate || p.cssrs_block_risk == CssrsRisk::kHigh,
            "cssrs_block_risk", "must be moderate or high");
  for (size_t i = 0; i < p.medication_warn_classes.size(); ++i) {
    const DrugClass c = p.medication_warn_classes[i];
    const std::string field = "medication_warn_classes[" + std::to_string(i) + "]";
    v.Require(c != DrugClass::kOther && c != DrugClass::kLamotrigine, field,
              "'other' never warns and lamotrigine is judged by "
              "lamotrigine_warn_above_mg_per_day");
    for (size_t j = 0; j < i; ++j) {
      v.Require(p.medication_warn_classes[j] != c, field, "is listed twice");
    }
  }
  v.InRange("lamotrigine_warn_above_mg_per_day", p.lamotrigine_warn_above_mg_per_day, 0, 1000,
            "mg/day");
  v.InRange("drug_screen_max_age_days", p.drug_screen_max_age_days, 1, 3660, "days");
  const bool hard_ok = v.InRange("interval_hard_min_h", p.interval_hard_min_h, 0, 24 * 90, "h");
  const bool soft_ok = v.InRange("interval_soft_min_h", p.interval_soft_min_h, 0, 24 * 90, "h");
  if (hard_ok && soft_ok) {
    v.Require(p.interval_hard_min_h <= p.interval_soft_min_h, "interval_soft_min_h",
              "must not be below interval_hard_min_h");
  }
  return v.Finish();
}

std::vector<ParameterSource> PreInfusionProtocolSources() {
  return {
      {"npo_solids_min",
       "clinical.md §1.4 PRE-01: 2 h food for Spravato [S]; IV clinics 4-6 h [S-low]"},
      {"npo_clear_liquids_min",
       "clinical.md §1.4 PRE-01: 30 min liquids for Spravato [S]; IV clinics 4-6 h [S-low]"},
      {"weight_max_age_h",
       "clinical.md §1.4 PRE-02: weight measured today for weight-based dosing [S]; 12 h [D]"},
      {"baseline_vitals_max_age_min",
       "clinical.md §1.4: BP 'prior to' administration (Spravato) [S]; 60 min [D]"},
      {"bp_warn_systolic_mmhg",
       "clinical.md §1.4 PRE-03, §6 baseline_bp_warn 140/90: Spravato 'consider delaying' [S]"},
      {"bp_warn_diastolic_mmhg",
       "clinical.md §1.4 PRE-03, §6 baseline_bp_warn 140/90: Spravato 'consider delaying' [S]"},
      {"bp_block_systolic_mmhg",
       "clinical.md §1.4 PRE-03, §6 baseline_bp_block 180/110 on repeat [S-low]/[R]/[D]"},
      {"bp_block_diastolic_mmhg",
       "clinical.md §1.4 PRE-03, §6 baseline_bp_block 180/110 on repeat [S-low]/[R]/[D]"},
      {"hr_warn_bpm", "clinical.md §1.4 PRE-04: warn > 100 [S-low]/[D]"},
      {"hr_block_bpm", "clinical.md §1.4 PRE-04: hard stop > 120 sustained [S-low]/[D]"},
      {"repeat_after_min",
       "clinical.md §1.4 PRE-03: repeat after 5 min rest; two readings 5 min apart [S-low]/[D]"},
      {"spo2_block_below_percent",
       "clinical.md §1.4 PRE-05, §6 spo2_block < 92 % room air: ED sedation trial exclusion [S]"},
      {"pregnancy_test",
       "clinical.md §1.4 PRE-06: per site; label/trial exclusions [S]; "
       "required for patients who can become pregnant [D]"},
      {"pregnancy_test_max_age_h", "clinical.md §1.4 PRE-06: per site; 72 h [D]"},
      {"cssrs_max_age_h",
       "clinical.md §1.4 PRE-07: C-SSRS screen before dosing [S]; same day, 24 h [D]"},
      {"depression_scale_max_age_h",
       "clinical.md §1.4 PRE-07: depression scale before dosing [S]; 72 h (between-visit "
       "self-report) [D]"},
      {"cssrs_block_risk",
       "clinical.md §2.8: high risk blocks outpatient infusion pending a safety plan [D]"},
      {"medication_warn_classes",
       "clinical.md §1.4 PRE-08: benzodiazepines, MAOIs, stimulants, opioids (REMS form "
       "fields, non-benzodiazepine hypnotics included) [S]"},
      {"lamotrigine_warn_above_mg_per_day",
       "clinical.md §1.4 PRE-08 lamotrigine [S]; the 150 mg/day threshold [D]"},
      {"drug_screen",
       "clinical.md §1.4 PRE-09: UDS per policy; Manitoba CPSM 2026 universal "
       "UDS [S, excerpt truncated]; required [D]"},
      {"drug_screen_max_age_days", "clinical.md §1.4 PRE-09: per site; 90 days [D]"},
      {"interval_hard_min_h",
       "clinical.md §1.9, §6 min_interval_hard 20 h between infusion starts [D]; never "
       "overridable"},
      {"interval_soft_min_h",
       "clinical.md §1.9, §6 min_interval_soft 44 h [D]; schedules never use consecutive days "
       "[S]; a physician may override with a reason"},
  };
}

}  // namespace ketaclinic::clinical
