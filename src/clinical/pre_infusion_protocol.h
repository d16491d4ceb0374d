#ifndef KETACLINIC_CLINICAL_PRE_INFUSION_PROTOCOL_H_
#define KETACLINIC_CLINICAL_PRE_INFUSION_PROTOCOL_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"
#include "clinical/patient.h"  // DrugClass

namespace ketaclinic::clinical {

// Whether a site requires a test before every infusion (clinical.md §1.4 PRE-06, PRE-09: "per
// site").
enum class TestPolicy {
  kNone,      // not required (a recorded positive result still counts)
  kRequired,  // required, within the protocol's maximum age
};

const char* TestPolicyName(TestPolicy policy);  // "none" | "required"
Result<TestPolicy> ParseTestPolicy(std::string_view name, std::string_view field);

// The C-SSRS screener's triage level (clinical.md §2.8; the band ScoreScale gives).
enum class CssrsRisk { kNone, kLow, kModerate, kHigh };

const char* CssrsRiskName(CssrsRisk risk);  // "none" | "low" | "moderate" | "high"
Result<CssrsRisk> ParseCssrsRisk(std::string_view name, std::string_view field);

// The pre-infusion part of the clinic's protocol (clinical.md §1.4 PRE-01..09, §1.9 interval,
// §6 defaults; the source of each default is in PreInfusionProtocolSources). Comparisons:
// "warn above" is strict (>), "block at" is inclusive (>=), "below" is strict (<), "max age" is
// inclusive (an item exactly that old still counts), "min" is inclusive (exactly that long is
// enough).
struct PreInfusionProtocol {
  std::string version = "default-2026-11";

  // PRE-01 NPO: minimum time since solid food / clear liquids.
  double npo_solids_min = 120;
  double npo_clear_liquids_min = 30;

  // PRE-02: today's weight.
  double weight_max_age_h = 12;

  // Baseline vitals (PRE-03..05) count only if taken within this many minutes before the check.
  double baseline_vitals_max_age_min = 60;
  // PRE-03 baseline BP: warn above, block at (either number), confirmed by a repeat reading at
  // least repeat_after_min later.
  double bp_warn_systolic_mmhg = 140;
  double bp_warn_diastolic_mmhg = 90;
  double bp_block_systolic_mmhg = 180;
  double bp_block_diastolic_mmhg = 110;
  // PRE-04 baseline HR: warn above, block above (confirmed by a repeat like the BP).
  double hr_warn_bpm = 100;
  double hr_block_bpm = 120;
  // PRE-03/04: rest before a repeat reading counts as a confirmation (or a clearance).
  double repeat_after_min = 5;
  // PRE-05 baseline SpO2 on room air: block below.
  double spo2_block_below_percent = 92;

  // PRE-06 pregnancy test for patients who can become pregnant.
  TestPolicy pregnancy_test = TestPolicy::kRequired;
  double pregnancy_test_max_age_h = 72;

  // PRE-07 C-SSRS screener and a depression scale before dosing.
  double cssrs_max_age_h = 24;
  double depression_scale_max_age_h = 72;
  // A screener at this risk level or above blocks; the level below it warns (§2.8 [D]).
  CssrsRisk cssrs_block_risk = CssrsRisk::kHigh;

  // PRE-08 concomitant medications that warn (patient.h classes; the Spravato REMS monitoring
  // form asks about benzodiazepines, non-benzodiazepine hypnotics, psychostimulants and MAOIs,
  // §4.1; PRE-08 adds opioids). Lamotrigine is judged by its daily dose instead.
  std::vector<DrugClass> medication_warn_classes = {
      DrugClass::kBenzodiazepine, DrugClass::kNonBenzodiazepineHypnotic, DrugClass::kMaoi,
      DrugClass::kStimulant, DrugClass::kOpioid};
  double lamotrigine_warn_above_mg_per_day = 150;

  // PRE-09 urine drug screen.
  TestPolicy drug_screen = TestPolicy::kRequired;
  double drug_screen_max_age_days = 90;

  // §1.9 interval between infusion starts: below the hard minimum is a block that nothing
  // overrides; below the soft minimum a warning a physician may override with a reason.
  double interval_hard_min_h = 20;
  double interval_soft_min_h = 44;
};

// Checks types, ranges and consistency (warn below block, hard minimum below soft), naming each
// bad key by its key within the section ("bp_block_systolic_mmhg").
Status ValidatePreInfusionProtocol(const PreInfusionProtocol& protocol);

// The source of each default, one entry per key (for `ketaclinic protocol show`).
std::vector<ParameterSource> PreInfusionProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PRE_INFUSION_PROTOCOL_H_
