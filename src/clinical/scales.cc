#include "clinical/scales.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>
#include <utility>

#include "base/validation.h"

#include "clinical/scales_internal.h"

namespace ketaclinic::clinical {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

namespace internal {

const char* BandOf(std::span<const Band> bands, int total) {
  for (const Band& band : bands) {
    if (total >= band.low && total <= band.high) return band.name;
  }
  KC_CHECK(false && "bands must cover every valid total");
  return "";
}

int Sum(std::span<const int> items) { return std::accumulate(items.begin(), items.end(), 0); }

}  // namespace internal

const std::vector<ScaleInfo>& AllScales() {
  // Item counts and ranges: clinical.md §2.1 (PHQ-9), §2.2 (MADRS), §2.3 (QIDS-SR16),
  // §2.5 (CADSS, CADSS-6), §1.7 (MOAA/S), §2.8 (C-SSRS); GAD-7 from Spitzer et al., Arch Intern
  // Med 2006;166:1092-7 (not in clinical.md).
  static const auto* const kScales = new std::vector<ScaleInfo>{
      {Scale::kPhq9, "phq9", "PHQ-9", 9, 0, 3, 27, "clinical.md §2.1; LOINC LL382-3"},
      {Scale::kGad7, "gad7", "GAD-7", 7, 0, 3, 21,
       "Spitzer et al., Arch Intern Med 2006 (not in clinical.md)"},
      {Scale::kMadrs, "madrs", "MADRS", 10, 0, 6, 60, "clinical.md §2.2"},
      {Scale::kQidsSr16, "qids-sr16", "QIDS-SR16", 16, 0, 3, 27, "clinical.md §2.3"},
      {Scale::kCadss, "cadss", "CADSS", 23, 0, 4, 92, "clinical.md §2.5 (Bremner 1998)"},
      {Scale::kCadss6, "cadss6", "CADSS-6", 6, 0, 4, 24, "clinical.md §2.5 (Rodrigues 2021)"},
      {Scale::kMoaas, "moaas", "MOAA/S", 1, 0, 5, 5, "clinical.md §1.7 (Chernik 1990)"},
      {Scale::kCssrsScreener, "cssrs-screener", "C-SSRS screener", 6, 0, 1, 6, "clinical.md §2.8"},
  };
  return *kScales;
}

const ScaleInfo& GetScaleInfo(Scale scale) {
  const std::vector<ScaleInfo>& scales = AllScales();
  const auto found = std::find_if(scales.begin(), scales.end(),
                                  [scale](const ScaleInfo& info) { return info.scale == scale; });
  KC_CHECK(found != scales.end());
  return *found;
}

std::string ScaleNameList() {
  std::string list;
  for (const ScaleInfo& info : AllScales()) {
    if (!list.empty()) list += ", ";
    list += info.name;
  }
  return list;
}

Result<Scale> ParseScaleName(std::string_view name) {
  const std::string lower = Lower(name);
  for (const ScaleInfo& info : AllScales()) {
    if (lower == info.name) return info.scale;
  }
  return tl::unexpected(Error::InvalidArgument(
      "scale", "unknown scale '" + std::string(name) + "'; known: " + ScaleNameList()));
}

Status ValidateItems(Scale scale, const std::vector<int>& items) {
  const ScaleInfo& info = GetScaleInfo(scale);
  Validator v(std::string("invalid ") + info.title + " items");
  v.Require(std::cmp_equal(items.size(), info.item_count), "items",
            std::string(info.title) + " has " + std::to_string(info.item_count) + " item" +
                (info.item_count == 1 ? "" : "s") + ", got " + std::to_string(items.size()));
  // Every present item is checked even when the count is wrong, so one round fixes all.
  for (size_t i = 0; i < items.size(); ++i) {
    const int item = items[i];
    if (item >= info.item_min && item <= info.item_max) continue;
    v.Add({"items[" + std::to_string(i) + "]",
           "must be " + std::to_string(info.item_min) + "-" + std::to_string(info.item_max) +
               ", got " + std::to_string(item) + " (item " + std::to_string(i + 1) + ")"});
  }
  return v.Finish();
}

Result<ScaleScore> ScoreScale(Scale scale, const std::vector<int>& items) {
  if (Status valid = ValidateItems(scale, items); !valid) return tl::unexpected(valid.error());
  switch (scale) {
    case Scale::kPhq9:
      return internal::ScorePhq9(items);
    case Scale::kGad7:
      return internal::ScoreGad7(items);
    case Scale::kMadrs:
      return internal::ScoreMadrs(items);
    case Scale::kQidsSr16:
      return internal::ScoreQidsSr16(items);
    case Scale::kCadss:
      return internal::ScoreCadss(items);
    case Scale::kCadss6:
      return internal::ScoreCadss6(items);
    case Scale::kMoaas:
      return internal::ScoreMoaas(items);
    case Scale::kCssrsScreener:
      return internal::ScoreCssrsScreener(items);
  }
  return tl::unexpected(Error::Internal("unknown scale"));
}

}  // namespace ketaclinic::clinical
