#ifndef KETACLINIC_PK_POPULATION_H_
#define KETACLINIC_PK_POPULATION_H_

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "base/error.h"
#include "pk/model.h"
#include "pk/schedule.h"
#include "pk/timeline.h"

namespace ketaclinic::pk {

struct PopulationRequest {
  ModelDefinition model;  // must have variability (ModelDefinition::variability)
  double weight_kg = 70;
  Schedule schedule;
  TimeGrid grid;
  int64_t subjects = 1000;
  uint64_t seed = 1;
  int threads = 1;
  // Percentiles (0-100) of Cp and Ce at each time point; empty for none.
  std::vector<double> percentiles = {5, 50, 95};
  // Concentrations (ng/mL) for the fraction of subjects above them at each time and each
  // subject's time above them.
  std::vector<double> thresholds_ng_per_ml;
};

// Per-subject results, one entry per subject in subject order.
struct SubjectSummaries {
  std::vector<double> plasma_cmax_ng_per_ml, plasma_tmax_min, plasma_auc_ng_min_per_ml;
  std::vector<double> effect_cmax_ng_per_ml, effect_tmax_min, effect_auc_ng_min_per_ml;
  // [threshold][subject]: minutes above each threshold (linear interpolation between points).
  std::vector<std::vector<double>> plasma_min_above, effect_min_above;
};

struct PopulationResult {
  std::vector<double> time_min;
  std::vector<double> percentiles;
  std::vector<std::vector<double>> plasma_percentiles_ng_per_ml;  // [percentile][time]
  std::vector<std::vector<double>> effect_percentiles_ng_per_ml;  // [percentile][time]
  std::vector<double> thresholds_ng_per_ml;
  std::vector<std::vector<double>> plasma_fraction_above;  // [threshold][time]
  std::vector<std::vector<double>> effect_fraction_above;  // [threshold][time]
  SubjectSummaries subjects;
  int64_t matrix_exponential_subjects = 0;  // subjects whose modal form was ill-conditioned
};

// Called now and then with the number of subjects done, from a worker thread.
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

// Percentile profiles keep every subject's curve; above this many values per series the request
// is refused (choose fewer subjects or a coarser step).
inline constexpr double kMaxProfileValues = 50'000'000;

Status ValidatePopulationRequest(const PopulationRequest& request);

// Draws subjects' parameters: each typical value times exp(eta), eta ~ N(0, ln(1 + CV^2)), from
// the subject's own random stream, so a subject depends only on (seed, index).
class SubjectSampler {
 public:
  SubjectSampler(const IndividualParameters& typical, const Variability& variability,
                 uint64_t seed);
  IndividualParameters Sample(int64_t index) const;

 private:
  IndividualParameters typical_;
  std::array<double, 7> omega_{};  // v1 v2 v3 cl q2 q3 ke0
  uint64_t seed_;
};

// One subject, as SubjectSampler(typical, variability, seed).Sample(index).
IndividualParameters SampleSubject(const IndividualParameters& typical,
                                   const Variability& variability, uint64_t seed, int64_t index);

// Simulates every subject with the exact solution, in blocks vectorized across subjects and
// spread over `threads`. The results are identical for a seed whatever the thread count.
Result<PopulationResult> SimulatePopulation(const PopulationRequest& request,
                                            const ProgressCallback& progress = {});

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_POPULATION_H_
