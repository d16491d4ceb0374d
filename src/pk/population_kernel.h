#ifndef KETACLINIC_PK_POPULATION_KERNEL_H_
#define KETACLINIC_PK_POPULATION_KERNEL_H_

// Internal to pk: the vectorized inner loop of population simulation.

#include <array>
#include <vector>

#include "pk/timeline.h"

namespace ketaclinic::pk::internal {

// Subjects advanced together; the lane loops below compile to SIMD across subjects.
inline constexpr int kBlock = 8;
inline constexpr int kModes = 4;  // up to three plasma modes and the effect site

using Lanes = std::array<double, kBlock>;

// The modal form of kBlock subjects (unused lanes are zero and ignored).
struct ModalBlock {
  int compartments = 3;
  // [dt][mode] per lane: e^{−λ dt} and input·(1 − e^{−λ dt})/λ.
  std::vector<std::array<Lanes, kModes>> decay;
  std::vector<std::array<Lanes, kModes>> gain;
  std::array<Lanes, kModes> input{};       // bolus gain per mode
  std::array<Lanes, kModes> effect_row{};  // Ce = Σ effect_row x (modes), mg/L
};

struct BlockSummary {
  Lanes plasma_cmax{}, plasma_tmax_index{}, plasma_auc{};
  Lanes effect_cmax{}, effect_tmax_index{}, effect_auc{};
};

// The precomputed walk of a population's timeline.
struct KernelPlan {
  const Timeline* timeline = nullptr;
  // Trapezoid weights per output index, ½ (t_{i+1} − t_{i−1}) with the ends halved: the linear
  // trapezoidal AUC is Σ w_i C_i, one multiply-add per point.
  std::vector<double> auc_weight;
};

// Simulates one block. Concentrations are in mg/L. When `plasma_profile` is not null, writes
// [time][lane] values there (and the same for effect).
void RunModalBlock(const KernelPlan& plan, const ModalBlock& block, BlockSummary& summary,
                   double* plasma_profile, double* effect_profile);

}  // namespace ketaclinic::pk::internal

#endif  // KETACLINIC_PK_POPULATION_KERNEL_H_
