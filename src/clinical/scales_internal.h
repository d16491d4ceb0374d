#ifndef KETACLINIC_CLINICAL_SCALES_INTERNAL_H_
#define KETACLINIC_CLINICAL_SCALES_INTERNAL_H_

// Internal to the clinical module: the per-scale scorers behind ScoreScale. Each takes items
// that ValidateItems has already accepted (right count, every item in range).

#include <span>
#include <vector>

#include "clinical/scales.h"

namespace ketaclinic::clinical::internal {

// An inclusive range of totals and its name.
struct Band {
  int low;
  int high;
  const char* name;
};

// The name of the band holding `total`; the bands must cover every valid total.
const char* BandOf(std::span<const Band> bands, int total);

int Sum(std::span<const int> items);

// mood_scales.cc
ScaleScore ScorePhq9(const std::vector<int>& items);
ScaleScore ScoreGad7(const std::vector<int>& items);
ScaleScore ScoreMadrs(const std::vector<int>& items);
ScaleScore ScoreQidsSr16(const std::vector<int>& items);

// safety_scales.cc
ScaleScore ScoreCadss(const std::vector<int>& items);
ScaleScore ScoreCadss6(const std::vector<int>& items);
ScaleScore ScoreMoaas(const std::vector<int>& items);
ScaleScore ScoreCssrsScreener(const std::vector<int>& items);

}  // namespace ketaclinic::clinical::internal

#endif  // KETACLINIC_CLINICAL_SCALES_INTERNAL_H_
