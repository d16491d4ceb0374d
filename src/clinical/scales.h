#ifndef KETACLINIC_CLINICAL_SCALES_H_
#define KETACLINIC_CLINICAL_SCALES_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "clinical/finding.h"

namespace ketaclinic::clinical {

// The rating scales KetaClinic scores (docs/SCALES.md). Each is scored from its item responses
// in questionnaire order; the scoring rules, bands and findings cite /work/shared/reference
// clinical.md §2 (or the original publication where clinical.md is silent).
enum class Scale {
  kPhq9,           // PHQ-9 depression, self-report (§2.1)
  kGad7,           // GAD-7 anxiety, self-report (Spitzer 2006; not in clinical.md)
  kMadrs,          // MADRS depression, clinician-rated (§2.2)
  kQidsSr16,       // QIDS-SR16 depression, self-report (§2.3)
  kCadss,          // CADSS dissociation, 23 items (§2.5)
  kCadss6,         // CADSS-6 short form, 6 items (§2.5)
  kMoaas,          // MOAA/S sedation, one observation (§1.7)
  kCssrsScreener,  // C-SSRS screener, 6 yes/no items (§2.8)
};

// What a scale looks like: its command-line name, title, item count and ranges.
struct ScaleInfo {
  Scale scale;
  const char* name;   // "phq9": what ParseScaleName accepts and the CLI prints
  const char* title;  // "PHQ-9"
  int item_count;
  int item_min;  // every item of a scale shares one range
  int item_max;
  int total_max;  // the total is always >= 0
  const char* source;
};

const ScaleInfo& GetScaleInfo(Scale scale);
// Every scale, in the order of the enum.
const std::vector<ScaleInfo>& AllScales();
// "phq9, gad7, madrs, qids-sr16, cadss, cadss6, moaas, cssrs-screener".
std::string ScaleNameList();

// A scale by its name, case-insensitively ("PHQ9" and "phq9"). An unknown name is an
// InvalidArgument error on field "scale" that lists the known names.
Result<Scale> ParseScaleName(std::string_view name);

// A named part of a score: a QIDS-SR16 symptom domain, the CADSS-6 items within a full CADSS.
struct Subscore {
  std::string name;
  int score = 0;

  friend bool operator==(const Subscore&, const Subscore&) = default;
};

struct ScaleScore {
  Scale scale = Scale::kPhq9;
  int total = 0;
  // The severity band ("moderate"), the MOAA/S meaning, the C-SSRS risk level, or "n/a" where
  // no bands are published (CADSS).
  std::string band;
  std::vector<int> items;           // as given, validated
  std::vector<Subscore> subscores;  // empty where none is meaningful
  // Rule verdicts about this score (e.g. a suicide-risk flag). A kBlock finding means the
  // clinical action it guards must not go ahead; it does not make the score invalid.
  std::vector<Finding> findings;
};

// Validates every item (count and range) and scores the scale. An invalid input is an
// InvalidArgument error naming every problem at once: "items" for a wrong count, "items[i]"
// (0-based, as in a JSON array) for an out-of-range item, whose reason also names the
// questionnaire's 1-based item number: "items[8]: must be 0-3, got 5 (item 9)".
Result<ScaleScore> ScoreScale(Scale scale, const std::vector<int>& items);

// Validation alone, with the same problems as ScoreScale.
Status ValidateItems(Scale scale, const std::vector<int>& items);

// The MOAA/S at or below which an infusion stops (sedation_stop, clinical.md §6 and §1.6
// STOP-04, a design proposal [D]). This is only the default: the clinic's protocol will own the
// parameter, and ScoreScale will then take it from there.
inline constexpr int kDefaultSedationStopMoaas = 2;

// --- Codes for later FHIR use (clinical.md §2.1, §2.8) -------------------------------------

// PHQ-9 (clinical.md §2.1 [S]).
inline constexpr const char* kPhq9PanelLoinc = "44249-1";
inline constexpr const char* kPhq9TotalLoinc = "44261-6";
inline constexpr std::array<const char*, 9> kPhq9ItemLoinc = {"44250-9", "44255-8", "44259-0",
                                                              "44254-1", "44251-7", "44258-2",
                                                              "44252-5", "44253-3", "44260-8"};
inline constexpr const char* kPhq9FunctionalDifficultyLoinc = "69722-7";  // not scored
inline constexpr const char* kPhq9AnswerListLoinc = "LL358-3";
inline constexpr const char* kPhq9SeverityAnswerListLoinc = "LL382-3";

// GAD-7 total score. Not in clinical.md [R: verify against loinc.org before use].
inline constexpr const char* kGad7TotalLoinc = "70274-6";

// C-SSRS screener (clinical.md §2.8 [S], HL7 US Behavioral Health Profiles IG example). Item 6
// is the "within the past 3 months" behaviour question (93269-9); the lifetime question
// (93267-3) is not an item of this screener.
inline constexpr const char* kCssrsPanelLoinc = "93245-9";
inline constexpr std::array<const char*, 6> kCssrsScreenerItemLoinc = {
    "93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93269-9"};
inline constexpr const char* kCssrsLifetimeBehaviourLoinc = "93267-3";
inline constexpr const char* kCssrsRiskLevelLoinc = "93374-7";

// MADRS, QIDS-SR16, CADSS and MOAA/S have no LOINC code found so far (clinical.md §2.2, §2.3,
// §7): a local CodeSystem will be needed.

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_SCALES_H_
