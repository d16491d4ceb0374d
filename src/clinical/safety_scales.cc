// Scales read during and around an infusion: CADSS and CADSS-6 (dissociation), MOAA/S
// (sedation) and the C-SSRS screener (suicide risk). Items arrive validated (scales.cc).

#include <array>
#include <string>
#include <vector>

#include "clinical/scales_internal.h"

namespace ketaclinic::clinical::internal {
namespace {

// CADSS publishes no severity bands (clinical.md §2.5 gives none, nor does Bremner 1998).
constexpr const char* kNoBands = "n/a";

// The CADSS-6 short form: items 1, 2, 6, 7, 15 and 22 of the full CADSS, 1-based (clinical.md
// §2.5 [S], Rodrigues 2021).
constexpr std::array<size_t, 6> kCadss6Items = {1, 2, 6, 7, 15, 22};

std::string JoinNumbers(const std::vector<int>& numbers) {
  std::string text;
  for (const int n : numbers) {
    if (!text.empty()) text += ", ";
    text += std::to_string(n);
  }
  return text;
}

}  // namespace

ScaleScore ScoreCadss(const std::vector<int>& items) {
  // 23 items 0-4, total 0-92: clinical.md §2.5 [R].
  ScaleScore score;
  score.scale = Scale::kCadss;
  score.total = Sum(items);
  score.band = kNoBands;
  score.items = items;
  int cadss6 = 0;
  for (const size_t item : kCadss6Items) cadss6 += items[item - 1];
  score.subscores.push_back({"cadss6", cadss6});
  return score;
}

ScaleScore ScoreCadss6(const std::vector<int>& items) {
  // The six items alone, each 0-4, total 0-24 (clinical.md §2.5).
  ScaleScore score;
  score.scale = Scale::kCadss6;
  score.total = Sum(items);
  score.band = kNoBands;
  score.items = items;
  return score;
}

ScaleScore ScoreMoaas(const std::vector<int>& items) {
  // The meaning of each level: clinical.md §1.7 [S] (Chernik 1990, as tabulated in Thorax).
  // The variant that adds 6 = alert is not accepted.
  static constexpr std::array<const char*, 6> kMeanings = {
      "no response to pain",
      "no response to mild prodding",
      "responds only after mild prodding/shaking",
      "responds only after name called loudly/repeatedly",
      "lethargic response to name in normal tone",
      "responds readily to name in normal tone"};
  const int level = items[0];
  ScaleScore score;
  score.scale = Scale::kMoaas;
  score.total = level;
  score.band = kMeanings.at(static_cast<size_t>(level));
  score.items = items;
  // Stop at MOAA/S <= sedation_stop (default 2): clinical.md §1.6 STOP-04 and §6 [D]. MOAA/S 0
  // is loss of consciousness (Spravato trials, clinical.md §1.7 [S]).
  if (level <= kDefaultSedationStopMoaas) {
    std::string message = "MOAA/S " + std::to_string(level) + " (" + score.band + ")";
    if (level == 0) message += ", loss of consciousness";
    message += ": stop the infusion and monitor to recovery; physician to assess";
    score.findings.push_back({"sedation.moaas-stop", Severity::kBlock, std::move(message),
                              "clinical.md §1.6 STOP-04, §6 sedation_stop (default MOAA/S <= 2) "
                              "[D]"});
  }
  return score;
}

ScaleScore ScoreCssrsScreener(const std::vector<int>& items) {
  // Items (1 = yes): 1 wish to be dead, 2 non-specific active suicidal thoughts, 3 thoughts with
  // method, 4 with intent, 5 with plan and intent, 6 suicidal behaviour in the past 3 months
  // (LOINC codes in scales.h; clinical.md §2.8 [S]).
  std::vector<int> yes;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] == 1) yes.push_back(static_cast<int>(i) + 1);
  }
  const bool high = items[3] == 1 || items[4] == 1 || items[5] == 1;
  // The triage (high: intent, plan or recent behaviour; moderate: method; low: wish or
  // non-specific thoughts only) is the common screener convention, not verified against the
  // Columbia triage documents [R]. clinical.md §2.8 names only the levels.
  const char* risk = "none";
  if (high) {
    risk = "high";
  } else if (items[2] == 1) {
    risk = "moderate";
  } else if (!yes.empty()) {
    risk = "low";
  }
  ScaleScore score;
  score.scale = Scale::kCssrsScreener;
  score.total = Sum(items);  // the number of "yes" answers; the risk level is the result
  score.band = risk;
  score.items = items;
  const std::string answered = "C-SSRS screener " + std::string(risk) + " risk (yes to item" +
                               (yes.size() == 1 ? " " : "s ") + JoinNumbers(yes) + ")";
  if (high) {
    // High risk: same-day evaluation, outpatient infusion blocked pending a safety plan:
    // clinical.md §2.8 [D].
    score.findings.push_back(
        {"suicide-risk.cssrs-high", Severity::kBlock,
         answered + ": same-day evaluation required; no outpatient infusion until a safety plan "
                    "is in place",
         "clinical.md §2.8 [D]; triage [R]"});
  } else if (!yes.empty()) {
    // Any "yes" is a positive screen that a clinician must review (clinical.md §2.8; the level
    // of action below "high" is not specified there) [D].
    score.findings.push_back({"suicide-risk.cssrs-positive", Severity::kWarning,
                              answered + ": a clinician must review the suicide risk",
                              "clinical.md §2.8 [D]; triage [R]"});
  }
  return score;
}

}  // namespace ketaclinic::clinical::internal
