#include "pk/population_kernel.h"

#include <cstddef>

namespace ketaclinic::pk::internal {
namespace {

// The hot loop: per time step, one multiply-add per mode and subject, then the outputs.
// Written over fixed-width lane arrays so that the compiler vectorizes across subjects;
// the target clones let it use AVX2/AVX-512 where the processor has them, chosen at load time.
template <size_t kCompartments, bool kProfiles>
inline __attribute__((always_inline)) void Walk(const KernelPlan& plan, const ModalBlock& block,
                                                BlockSummary& out, double* plasma_profile,
                                                double* effect_profile) {
  constexpr size_t kUsed = kCompartments + 1;
  constexpr size_t kLanes = kBlock;
  std::array<Lanes, kModes> x{};
  Lanes plasma_prev{}, effect_prev{};
  const Timeline& timeline = *plan.timeline;

  auto record = [&](int index) {
    const double half_width = plan.auc_half_width[static_cast<size_t>(index)];
    const double index_value = static_cast<double>(index);
#pragma GCC ivdep
    for (size_t lane = 0; lane < kLanes; ++lane) {
      double cp = 0;
      for (size_t m = 0; m < kCompartments; ++m) cp += x[m][lane];
      double ce = x[kCompartments][lane];
      for (size_t m = 0; m < kCompartments; ++m) ce += block.effect_row[m][lane] * x[m][lane];
      out.plasma_auc[lane] += half_width * (cp + plasma_prev[lane]);
      out.effect_auc[lane] += half_width * (ce + effect_prev[lane]);
      plasma_prev[lane] = cp;
      effect_prev[lane] = ce;
      const bool plasma_up = cp > out.plasma_cmax[lane];
      out.plasma_cmax[lane] = plasma_up ? cp : out.plasma_cmax[lane];
      out.plasma_tmax_index[lane] = plasma_up ? index_value : out.plasma_tmax_index[lane];
      const bool effect_up = ce > out.effect_cmax[lane];
      out.effect_cmax[lane] = effect_up ? ce : out.effect_cmax[lane];
      out.effect_tmax_index[lane] = effect_up ? index_value : out.effect_tmax_index[lane];
      if constexpr (kProfiles) {
        plasma_profile[static_cast<size_t>(index) * kLanes + lane] = cp;
        effect_profile[static_cast<size_t>(index) * kLanes + lane] = ce;
      }
    }
  };
  auto bolus = [&](double dose) {
    for (size_t m = 0; m < kUsed; ++m) {
      for (size_t lane = 0; lane < kLanes; ++lane) x[m][lane] += block.input[m][lane] * dose;
    }
  };

  out = BlockSummary{};
  for (size_t lane = 0; lane < kLanes; ++lane) {
    out.plasma_cmax[lane] = -1;
    out.effect_cmax[lane] = -1;
  }
  if (timeline.bolus_mg_at_zero != 0) bolus(timeline.bolus_mg_at_zero);
  record(0);
  for (const TimelineStep& step : timeline.steps) {
    const auto& decay = block.decay[static_cast<size_t>(step.dt_index)];
    const auto& gain = block.gain[static_cast<size_t>(step.dt_index)];
    const double rate = step.rate_mg_per_min;
    for (size_t m = 0; m < kUsed; ++m) {
#pragma GCC ivdep
      for (size_t lane = 0; lane < kLanes; ++lane) {
        x[m][lane] = x[m][lane] * decay[m][lane] + gain[m][lane] * rate;
      }
    }
    if (step.bolus_mg_after != 0) bolus(step.bolus_mg_after);
    if (step.output_index >= 0) record(step.output_index);
  }
}

template <bool kProfiles>
__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"))) void Dispatch(
    const KernelPlan& plan, const ModalBlock& block, BlockSummary& out, double* plasma_profile,
    double* effect_profile) {
  switch (block.compartments) {
    case 1:
      Walk<1, kProfiles>(plan, block, out, plasma_profile, effect_profile);
      break;
    case 2:
      Walk<2, kProfiles>(plan, block, out, plasma_profile, effect_profile);
      break;
    default:
      Walk<3, kProfiles>(plan, block, out, plasma_profile, effect_profile);
      break;
  }
}

}  // namespace

void RunModalBlock(const KernelPlan& plan, const ModalBlock& block, BlockSummary& summary,
                   double* plasma_profile, double* effect_profile) {
  if (plasma_profile != nullptr) {
    Dispatch<true>(plan, block, summary, plasma_profile, effect_profile);
  } else {
    Dispatch<false>(plan, block, summary, nullptr, nullptr);
  }
}

}  // namespace ketaclinic::pk::internal
