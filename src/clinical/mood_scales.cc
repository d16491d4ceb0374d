// Depression and anxiety questionnaires: PHQ-9, GAD-7, MADRS, QIDS-SR16. Items arrive validated
// (scales.cc); every band and rule cites its source.

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "clinical/scales_internal.h"

namespace ketaclinic::clinical::internal {
namespace {

// The same-day action for any suicide-risk flag on a depression scale. The action is a design
// proposal of clinical.md §2.1 ("item 9 must trigger suicide-risk workflow" [D]).
constexpr const char* kSuicideRiskAction =
    "a same-day suicide-risk assessment (C-SSRS) is required";

ScaleScore Make(Scale scale, const std::vector<int>& items, int total, const char* band) {
  ScaleScore score;
  score.scale = scale;
  score.total = total;
  score.band = band;
  score.items = items;
  return score;
}

}  // namespace

ScaleScore ScorePhq9(const std::vector<int>& items) {
  // Severity bands: clinical.md §2.1 [S] (LOINC answer list LL382-3).
  static constexpr std::array<Band, 5> kBands = {{{0, 4, "none-minimal"},
                                                  {5, 9, "mild"},
                                                  {10, 14, "moderate"},
                                                  {15, 19, "moderately severe"},
                                                  {20, 27, "severe"}}};
  const int total = Sum(items);
  ScaleScore score = Make(Scale::kPhq9, items, total, BandOf(kBands, total));
  // Item 9 (thoughts of being better off dead or of self-harm, LOINC 44260-8) above 0 triggers
  // the suicide-risk workflow: clinical.md §2.1 [D].
  if (const int item9 = items[8]; item9 > 0) {
    score.findings.push_back(
        {"suicide-risk.phq9-item9", Severity::kWarning,
         "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) is " +
             std::to_string(item9) + ": " + kSuicideRiskAction,
         "clinical.md §2.1 [D]; LOINC 44260-8"});
  }
  return score;
}

ScaleScore ScoreGad7(const std::vector<int>& items) {
  // Bands: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing
  // generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-7 (cut points 5, 10,
  // 15). Not in clinical.md.
  static constexpr std::array<Band, 4> kBands = {
      {{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 21, "severe"}}};
  const int total = Sum(items);
  return Make(Scale::kGad7, items, total, BandOf(kBands, total));
}

ScaleScore ScoreMadrs(const std::vector<int>& items) {
  // Bands: clinical.md §2.2 [S] ("one convention": Wikipedia; progress.im).
  static constexpr std::array<Band, 4> kBands = {
      {{0, 6, "normal"}, {7, 19, "mild"}, {20, 34, "moderate"}, {35, 60, "severe"}}};
  const int total = Sum(items);
  ScaleScore score = Make(Scale::kMadrs, items, total, BandOf(kBands, total));
  // Item 10 is "suicidal thoughts" (clinical.md §2.2 [S]). The threshold 4 is a design choice
  // [D], not from clinical.md: on the original anchors (Montgomery & Åsberg, Br J Psychiatry
  // 1979) 4 is "probably better off dead; suicide considered as a possible solution, but without
  // specific plans or intention".
  if (const int item10 = items[9]; item10 >= 4) {
    score.findings.push_back({"suicide-risk.madrs-item10", Severity::kWarning,
                              "MADRS item 10 (suicidal thoughts) is " + std::to_string(item10) +
                                  ": " + kSuicideRiskAction,
                              "clinical.md §2.2 (item 10); threshold 4 [D]"});
  }
  return score;
}

ScaleScore ScoreQidsSr16(const std::vector<int>& items) {
  // Total = max(q1-q4) + q5 + max(q6-q9) + q10 + q11 + q12 + q13 + q14 + max(q15, q16):
  // clinical.md §2.3 [S]. The domain names are those of Rush et al., Biol Psychiatry
  // 2003;54:573-83 (clinical.md says only "9 DSM domains").
  const std::span<const int> q(items);
  auto max_of = [&q](size_t first, size_t count) {
    const std::span<const int> part = q.subspan(first, count);
    return *std::max_element(part.begin(), part.end());
  };
  const std::array<Subscore, 9> domains = {{{"sleep", max_of(0, 4)},
                                            {"sad_mood", q[4]},
                                            {"appetite_weight", max_of(5, 4)},
                                            {"concentration", q[9]},
                                            {"self_view", q[10]},
                                            {"suicidal_ideation", q[11]},
                                            {"interest", q[12]},
                                            {"energy", q[13]},
                                            {"psychomotor", max_of(14, 2)}}};
  int total = 0;
  for (const Subscore& domain : domains) total += domain.score;
  // Bands: clinical.md §2.3 [S].
  static constexpr std::array<Band, 5> kBands = {{{0, 5, "none"},
                                                  {6, 10, "mild"},
                                                  {11, 15, "moderate"},
                                                  {16, 20, "severe"},
                                                  {21, 27, "very severe"}}};
  ScaleScore score = Make(Scale::kQidsSr16, items, total, BandOf(kBands, total));
  score.subscores.assign(domains.begin(), domains.end());
  // Item 12 = thoughts of death or suicide, a trigger: clinical.md §2.3 [S]; the action is that
  // of §2.1 [D].
  if (const int item12 = items[11]; item12 > 0) {
    score.findings.push_back({"suicide-risk.qids-item12", Severity::kWarning,
                              "QIDS-SR16 item 12 (thoughts of death or suicide) is " +
                                  std::to_string(item12) + ": " + kSuicideRiskAction,
                              "clinical.md §2.3 [S]; action §2.1 [D]"});
  }
  return score;
}

}  // namespace ketaclinic::clinical::internal
