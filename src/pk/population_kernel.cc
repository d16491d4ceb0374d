#include "pk/population_kernel.h"

#include <cstddef>
#include <cstring>

// The wide vector type below changes the calling convention between target clones (g++ warns:
// -Wpsabi). Every helper that takes or returns one is therefore always_inline, even at -O0,
// so no call ever passes a vector between code compiled for different targets.
#pragma GCC diagnostic ignored "-Wpsabi"
#define KC_INLINE inline __attribute__((always_inline))
#define KC_INLINE_LAMBDA __attribute__((always_inline))

namespace ketaclinic::pk::internal {
namespace {

// The hot loop: per time step, one multiply-add per mode and subject, then the outputs.
// Written over fixed-width lane arrays so that the compiler vectorizes across subjects;
// the target clones let it use AVX2/AVX-512 where the processor has them, chosen at load time.
// kBlock doubles as one GCC vector: one AVX-512 register, two AVX2 or four SSE2 registers,
// whichever the target clone has. Explicit vectors keep the state in registers across steps.
using Vec = double __attribute__((vector_size(kBlock * sizeof(double))));

KC_INLINE Vec Load(const Lanes& lanes) {
  Vec v;
  std::memcpy(&v, lanes.data(), sizeof v);
  return v;
}

KC_INLINE void Store(const Vec& v, Lanes& lanes) { std::memcpy(lanes.data(), &v, sizeof v); }

KC_INLINE Vec Splat(double value) { return Vec{} + value; }

template <size_t kCompartments, bool kProfiles>
inline __attribute__((always_inline)) void Walk(const KernelPlan& plan, const ModalBlock& block,
                                                BlockSummary& out, double* plasma_profile,
                                                double* effect_profile) {
  constexpr size_t kUsed = kCompartments + 1;
  std::array<Vec, kUsed> x{};
  std::array<Vec, kUsed> input{};
  std::array<Vec, kCompartments> effect_row{};
  for (size_t m = 0; m < kUsed; ++m) input[m] = Load(block.input[m]);
  for (size_t m = 0; m < kCompartments; ++m) effect_row[m] = Load(block.effect_row[m]);
  Vec plasma_auc{}, effect_auc{};
  Vec plasma_cmax = Splat(-1), effect_cmax = Splat(-1), plasma_tmax{}, effect_tmax{};
  const Timeline& timeline = *plan.timeline;

  auto record = [&](int index) KC_INLINE_LAMBDA {
    const double weight = plan.auc_weight[static_cast<size_t>(index)];
    const Vec index_value = Splat(static_cast<double>(index));
    Vec cp = x[0];
    Vec ce = x[kCompartments] + effect_row[0] * x[0];
    for (size_t m = 1; m < kCompartments; ++m) {
      cp += x[m];
      ce += effect_row[m] * x[m];
    }
    plasma_auc += weight * cp;
    effect_auc += weight * ce;
    const auto plasma_up = cp > plasma_cmax;
    plasma_cmax = plasma_up ? cp : plasma_cmax;
    plasma_tmax = plasma_up ? index_value : plasma_tmax;
    const auto effect_up = ce > effect_cmax;
    effect_cmax = effect_up ? ce : effect_cmax;
    effect_tmax = effect_up ? index_value : effect_tmax;
    if constexpr (kProfiles) {
      std::memcpy(plasma_profile + static_cast<size_t>(index) * kBlock, &cp, sizeof cp);
      std::memcpy(effect_profile + static_cast<size_t>(index) * kBlock, &ce, sizeof ce);
    }
  };
  auto bolus = [&](double dose) KC_INLINE_LAMBDA {
    for (size_t m = 0; m < kUsed; ++m) x[m] += input[m] * dose;
  };

  if (timeline.bolus_mg_at_zero != 0) bolus(timeline.bolus_mg_at_zero);
  record(0);
  for (const TimelineStep& step : timeline.steps) {
    // The propagator of this step's length (L1-resident; usually one length for all steps).
    const auto& decay = block.decay[static_cast<size_t>(step.dt_index)];
    const auto& gain = block.gain[static_cast<size_t>(step.dt_index)];
    const double rate = step.rate_mg_per_min;
    if (rate == 0) {  // most steps: after the infusion, decay only
      for (size_t m = 0; m < kUsed; ++m) x[m] *= Load(decay[m]);
    } else {
      for (size_t m = 0; m < kUsed; ++m) x[m] = x[m] * Load(decay[m]) + Load(gain[m]) * rate;
    }
    if (step.bolus_mg_after != 0) bolus(step.bolus_mg_after);
    if (step.output_index >= 0) record(step.output_index);
  }
  Store(plasma_cmax, out.plasma_cmax);
  Store(plasma_tmax, out.plasma_tmax_index);
  Store(plasma_auc, out.plasma_auc);
  Store(effect_cmax, out.effect_cmax);
  Store(effect_tmax, out.effect_tmax_index);
  Store(effect_auc, out.effect_auc);
}

template <bool kProfiles>
inline __attribute__((always_inline)) void ByCompartments(const KernelPlan& plan,
                                                          const ModalBlock& block,
                                                          BlockSummary& out, double* plasma_profile,
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

// Multiversioned entry points (one per output kind: clones cannot be templates), resolved once
// at load time for the processor at hand.
#define KC_TARGET_CLONES \
  __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))

KC_TARGET_CLONES void WalkSummaries(const KernelPlan& plan, const ModalBlock& block,
                                    BlockSummary& out) {
  ByCompartments<false>(plan, block, out, nullptr, nullptr);
}

KC_TARGET_CLONES void WalkWithProfiles(const KernelPlan& plan, const ModalBlock& block,
                                       BlockSummary& out, double* plasma_profile,
                                       double* effect_profile) {
  ByCompartments<true>(plan, block, out, plasma_profile, effect_profile);
}

}  // namespace

void RunModalBlock(const KernelPlan& plan, const ModalBlock& block, BlockSummary& summary,
                   double* plasma_profile, double* effect_profile) {
  if (plasma_profile != nullptr) {
    WalkWithProfiles(plan, block, summary, plasma_profile, effect_profile);
  } else {
    WalkSummaries(plan, block, summary);
  }
}

}  // namespace ketaclinic::pk::internal
