#include "clinical/staging.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

// The lower end of the usual daily dose for adult depression, from two dosing tables read in
// public copies (not the ATHF; neither verified against the printed original) [R].
constexpr std::string_view kMcMaster =
    "lower end of the usual daily dose: McMaster Textbook of Internal Medicine, antidepressant "
    "table (empendium.com/mcmtextbook/table/031_8844) [R]";
constexpr std::string_view kUpToDate =
    "lower end of the usual total daily dose: UpToDate, 'Unipolar depression in adults: "
    "antidepressant doses' (public mirror) [R]";

std::string Weeks(double weeks) { return FormatNumber(weeks) + " wk"; }
std::string Mg(double mg) { return FormatNumber(mg) + " mg/day"; }

}  // namespace

const std::vector<AdequateDose>& MinimumAdequateDoses() {
  // Monoamine oxidase inhibitors such as phenelzine are left out on purpose: the tables give
  // their starting dose as the lower end of the usual range, which is not an adequate dose.
  static const auto* const kTable = new std::vector<AdequateDose>{
      {"agomelatine", 25, kUpToDate},     {"amitriptyline", 150, kUpToDate},
      {"bupropion", 300, kMcMaster},      {"citalopram", 20, kMcMaster},
      {"clomipramine", 100, kUpToDate},   {"desipramine", 150, kUpToDate},
      {"desvenlafaxine", 50, kMcMaster},  {"doxepin", 100, kUpToDate},
      {"duloxetine", 60, kMcMaster},      {"escitalopram", 10, kMcMaster},
      {"fluoxetine", 20, kMcMaster},      {"fluvoxamine", 50, kMcMaster},
      {"imipramine", 150, kUpToDate},     {"levomilnacipran", 40, kMcMaster},
      {"milnacipran", 50, kMcMaster},     {"mirtazapine", 15, kMcMaster},
      {"nefazodone", 300, kUpToDate},     {"nortriptyline", 50, kUpToDate},
      {"paroxetine", 20, kMcMaster},      {"sertraline", 50, kMcMaster},
      {"tranylcypromine", 30, kUpToDate}, {"trazodone", 200, kUpToDate},
      {"venlafaxine", 75, kMcMaster},     {"vilazodone", 20, kMcMaster},
      {"vortioxetine", 10, kMcMaster},
  };
  return *kTable;
}

std::string DrugKey(std::string_view drug) {
  while (!drug.empty() && std::isspace(static_cast<unsigned char>(drug.front())) != 0) {
    drug.remove_prefix(1);
  }
  std::string key;
  for (const char c : drug) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) break;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

std::optional<AdequateDose> FindMinimumAdequateDose(std::string_view drug) {
  const std::string key = DrugKey(drug);
  for (const AdequateDose& row : MinimumAdequateDoses()) {
    if (row.drug == key) return row;
  }
  return std::nullopt;
}

const char* DoseAdequacyName(DoseAdequacy adequacy) {
  switch (adequacy) {
    case DoseAdequacy::kAdequate:
      return "adequate";
    case DoseAdequacy::kBelowMinimum:
      return "below-minimum";
    case DoseAdequacy::kUnknown:
      return "unknown";
  }
  return "unknown";
}

TrialRating RateTrial(const AntidepressantTrial& trial, double min_adequate_weeks,
                      int athf_adequacy_min) {
  TrialRating rating;
  const std::optional<AdequateDose> row = FindMinimumAdequateDose(trial.drug);
  std::string dose_text = Mg(trial.daily_dose_mg);
  if (row) {
    rating.minimum_adequate_dose_mg = row->min_daily_dose_mg;
    const bool by_table = trial.daily_dose_mg >= row->min_daily_dose_mg;
    rating.dose = by_table ? DoseAdequacy::kAdequate : DoseAdequacy::kBelowMinimum;
    dose_text += " (table minimum " + Mg(row->min_daily_dose_mg);
    if (trial.adequate_dose && *trial.adequate_dose != by_table) {
      // The clinician knows the patient (a slow metabolizer, a level checked): followed, and
      // said so.
      rating.dose = *trial.adequate_dose ? DoseAdequacy::kAdequate : DoseAdequacy::kBelowMinimum;
      dose_text += std::string("; clinician judged it ") +
                   (*trial.adequate_dose ? "adequate" : "not adequate");
    }
    dose_text += ")";
  } else if (trial.adequate_dose) {
    rating.dose = *trial.adequate_dose ? DoseAdequacy::kAdequate : DoseAdequacy::kBelowMinimum;
    dose_text += std::string(" (not in the table; clinician judged it ") +
                 (*trial.adequate_dose ? "adequate" : "not adequate") + ")";
  } else {
    rating.dose = DoseAdequacy::kUnknown;
    dose_text += " (not in the table and no clinician judgment: adequacy unknown)";
  }

  const double weeks = trial.weeks_at_dose;
  int level = 0;
  std::string basis = Weeks(weeks) + " at " + dose_text + ": ";
  if (weeks <= 0) {
    level = 0;
    basis += "never taken at this dose, level 0";
  } else if (weeks < min_adequate_weeks) {
    level = 1;
    basis += "shorter than " + Weeks(min_adequate_weeks) + ", level 1";
  } else if (rating.dose != DoseAdequacy::kAdequate) {
    level = 2;
    basis += "dose not shown adequate, level 2";
  } else if (weeks < 2 * min_adequate_weeks) {
    level = 3;
    basis += "adequate dose and duration, level 3";
  } else {
    level = 4;
    basis += "adequate dose for at least " + Weeks(2 * min_adequate_weeks) + ", level 4";
  }
  if (trial.augmentation && level >= 3) {
    level = std::min(level + 1, 5);
    basis += "; augmented";
    if (!trial.augmentation_agent.empty()) basis += " with " + trial.augmentation_agent;
    basis += " +1";
  }
  const bool poor_adherence = trial.adherence == Adherence::kPoor;
  const bool intolerance = trial.outcome == TrialOutcome::kIntolerance;
  if (poor_adherence || intolerance) {
    level = std::max(level - 1, 0);
    basis += poor_adherence ? "; poor adherence -1" : "; stopped for intolerance -1";
  }
  rating.athf = level;
  rating.adequate = level >= athf_adequacy_min;
  rating.failed = rating.adequate && (trial.outcome == TrialOutcome::kNoResponse ||
                                      trial.outcome == TrialOutcome::kPartialResponse);
  basis += " = ATHF " + std::to_string(level) + (rating.adequate ? ", adequate" : ", not adequate");
  if (rating.adequate) {
    basis += std::string(", ") + TrialOutcomeName(trial.outcome);
    if (rating.failed) basis += ": failed";
  }
  rating.basis = std::move(basis);
  return rating;
}

const char* MsmSeverityName(MsmSeverity severity) {
  switch (severity) {
    case MsmSeverity::kSubsyndromal:
      return "subsyndromal";
    case MsmSeverity::kMild:
      return "mild";
    case MsmSeverity::kModerate:
      return "moderate";
    case MsmSeverity::kSevereWithoutPsychosis:
      return "severe without psychosis";
    case MsmSeverity::kSevereWithPsychosis:
      return "severe with psychosis";
  }
  return "moderate";
}

std::optional<MsmSeverity> MsmSeverityFromScore(const ScaleScore& score, bool psychotic_features) {
  if (score.scale != Scale::kPhq9 && score.scale != Scale::kMadrs &&
      score.scale != Scale::kQidsSr16) {
    return std::nullopt;
  }
  if (psychotic_features) return MsmSeverity::kSevereWithPsychosis;
  const std::string& band = score.band;
  // Band names as scales.cc gives them (mood_scales.cc): MADRS normal/mild/moderate/severe,
  // PHQ-9 none-minimal/mild/moderate/moderately severe/severe, QIDS-SR16
  // none/mild/moderate/severe/very severe.
  if (band == "normal" || band == "none-minimal" || band == "none")
    return MsmSeverity::kSubsyndromal;
  if (band == "mild") return MsmSeverity::kMild;
  if (band == "moderate" || band == "moderately severe") return MsmSeverity::kModerate;
  return MsmSeverity::kSevereWithoutPsychosis;  // "severe", "very severe"
}

int MsmDurationPoints(int episode_months) {
  if (episode_months <= 12) return 1;
  if (episode_months <= 24) return 2;
  return 3;
}

int MsmTreatmentFailurePoints(int failed_medications) {
  if (failed_medications <= 0) return 0;
  if (failed_medications <= 2) return 1;
  if (failed_medications <= 4) return 2;
  if (failed_medications <= 6) return 3;
  if (failed_medications <= 10) return 4;
  return 5;
}

const char* MsmCategory(int total) {
  if (total <= 6) return "mild";
  if (total <= 10) return "moderate";
  return "severe";
}

MsmScore ScoreMsm(const MsmInput& input) {
  MsmScore score;
  score.duration = MsmDurationPoints(input.episode_months);
  score.severity = static_cast<int>(input.severity);
  score.treatment_failure = MsmTreatmentFailurePoints(input.failed_medications);
  score.augmentation = input.augmentation_used ? 1 : 0;
  score.ect = input.ect_used ? 1 : 0;
  score.total =
      score.duration + score.severity + score.treatment_failure + score.augmentation + score.ect;
  score.category = MsmCategory(score.total);
  return score;
}

}  // namespace ketaclinic::clinical
