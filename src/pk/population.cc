#include "pk/population.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

#include "base/validation.h"
#include "pk/engine.h"
#include "pk/metrics.h"
#include "pk/population_kernel.h"
#include "pk/random.h"
#include "pk/simulate.h"

namespace ketaclinic::pk {
namespace {

using internal::kBlock;
using internal::kModes;

constexpr int64_t kMaxSubjects = 100'000'000;
constexpr int kMaxThreads = 256;
constexpr int64_t kBlocksPerChunk = 16;

double Omega(double cv) { return std::sqrt(std::log1p(cv * cv)); }

size_t Index(int64_t i) { return static_cast<size_t>(i); }

// Population summaries cover the parent drug only.
IndividualParameters ParentOnly(const IndividualParameters& typical) {
  IndividualParameters p;
  p.compartments = typical.compartments;
  p.v1_l = typical.v1_l;
  p.v2_l = typical.v2_l;
  p.v3_l = typical.v3_l;
  p.cl_l_per_min = typical.cl_l_per_min;
  p.q2_l_per_min = typical.q2_l_per_min;
  p.q3_l_per_min = typical.q3_l_per_min;
  p.ke0_per_min = typical.ke0_per_min;
  return p;
}

// Everything one worker needs besides the shared request.
struct Workspace {
  internal::ModalBlock block;
  internal::BlockSummary summary;
  std::vector<double> plasma_profile;  // [time][lane], mg/L
  std::vector<double> effect_profile;
  std::vector<double> lane_series;
  std::vector<std::vector<int64_t>> plasma_above_counts;  // [threshold][time]
  std::vector<std::vector<int64_t>> effect_above_counts;
  int64_t matrix_exponential_subjects = 0;
};

class PopulationRun {
 public:
  PopulationRun(const PopulationRequest& request, const IndividualParameters& typical)
      : request_(request),
        typical_(typical),
        sampler_(ParentOnly(typical), request.model.variability, request.seed) {
    timeline_ = BuildTimeline(request.schedule, request.grid);
    plan_.timeline = &timeline_;
    const std::vector<double>& times = timeline_.output_times_min;
    plan_.auc_weight.assign(times.size(), 0);
    for (size_t i = 1; i < times.size(); ++i) {
      const double half_width = 0.5 * (times[i] - times[i - 1]);
      plan_.auc_weight[i - 1] += half_width;
      plan_.auc_weight[i] += half_width;
    }
    time_count_ = static_cast<int64_t>(times.size());
    profiles_ = !request.percentiles.empty() || !request.thresholds_ng_per_ml.empty();
    keep_matrix_ = !request.percentiles.empty();

    const size_t n = Index(request.subjects);
    SubjectSummaries& s = result_.subjects;
    for (auto* v : {&s.plasma_cmax_ng_per_ml, &s.plasma_tmax_min, &s.plasma_auc_ng_min_per_ml,
                    &s.effect_cmax_ng_per_ml, &s.effect_tmax_min, &s.effect_auc_ng_min_per_ml}) {
      v->assign(n, 0);
    }
    const size_t thresholds = request.thresholds_ng_per_ml.size();
    s.plasma_min_above.assign(thresholds, std::vector<double>(n, 0));
    s.effect_min_above.assign(thresholds, std::vector<double>(n, 0));
    if (keep_matrix_) {
      // Every element is written by StoreProfiles before it is read: no zero fill (it cost a
      // fifth of a large run).
      plasma_matrix_ = std::make_unique_for_overwrite<float[]>(n * Index(time_count_));
      effect_matrix_ = std::make_unique_for_overwrite<float[]>(n * Index(time_count_));
    }
  }

  PopulationResult Run(const ProgressCallback& progress) {
    const int64_t blocks = (request_.subjects + kBlock - 1) / kBlock;
    std::atomic<int64_t> next_chunk{0};
    std::atomic<int64_t> done{0};
    std::mutex progress_mutex;
    const int threads = static_cast<int>(std::min<int64_t>(request_.threads, blocks));
    std::vector<Workspace> workspaces(Index(threads));

    auto worker = [&](Workspace& ws) {
      Prepare(ws);
      for (;;) {
        const int64_t first = next_chunk.fetch_add(kBlocksPerChunk);
        if (first >= blocks) break;
        const int64_t last = std::min(blocks, first + kBlocksPerChunk);
        for (int64_t b = first; b < last; ++b) RunBlock(ws, b * kBlock);
        const int64_t chunk_subjects = std::min(request_.subjects, last * kBlock) - first * kBlock;
        const int64_t subjects_done = done.fetch_add(chunk_subjects) + chunk_subjects;
        if (progress) {
          std::lock_guard lock(progress_mutex);
          progress(subjects_done, request_.subjects);
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, std::ref(workspaces[Index(t)]));
    worker(workspaces[0]);
    for (std::thread& thread : pool) thread.join();

    // Integer counts: the sum is the same in any order, so results do not depend on threads.
    const size_t thresholds = request_.thresholds_ng_per_ml.size();
    result_.plasma_fraction_above.assign(thresholds, std::vector<double>(Index(time_count_), 0));
    result_.effect_fraction_above.assign(thresholds, std::vector<double>(Index(time_count_), 0));
    for (const Workspace& ws : workspaces) {
      result_.matrix_exponential_subjects += ws.matrix_exponential_subjects;
      for (size_t h = 0; h < thresholds; ++h) {
        for (size_t t = 0; t < Index(time_count_); ++t) {
          result_.plasma_fraction_above[h][t] += static_cast<double>(ws.plasma_above_counts[h][t]);
          result_.effect_fraction_above[h][t] += static_cast<double>(ws.effect_above_counts[h][t]);
        }
      }
    }
    const double subjects = static_cast<double>(request_.subjects);
    for (size_t h = 0; h < thresholds; ++h) {
      for (size_t t = 0; t < Index(time_count_); ++t) {
        result_.plasma_fraction_above[h][t] /= subjects;
        result_.effect_fraction_above[h][t] /= subjects;
      }
    }
    result_.time_min = timeline_.output_times_min;
    result_.percentiles = request_.percentiles;
    result_.thresholds_ng_per_ml = request_.thresholds_ng_per_ml;
    if (keep_matrix_) ComputePercentiles(threads);
    return std::move(result_);
  }

 private:
  void Prepare(Workspace& ws) const {
    const size_t dts = timeline_.distinct_dt_min.size();
    ws.block.decay.assign(dts, {});
    ws.block.gain.assign(dts, {});
    ws.block.compartments = typical_.compartments;
    if (profiles_) {
      ws.plasma_profile.assign(Index(time_count_) * kBlock, 0);
      ws.effect_profile.assign(Index(time_count_) * kBlock, 0);
      ws.lane_series.assign(Index(time_count_), 0);
    }
    const size_t thresholds = request_.thresholds_ng_per_ml.size();
    ws.plasma_above_counts.assign(thresholds, std::vector<int64_t>(Index(time_count_), 0));
    ws.effect_above_counts.assign(thresholds, std::vector<int64_t>(Index(time_count_), 0));
  }

  // Fills lane `lane` of the block with a subject's modal form.
  void FillLane(Workspace& ws, int lane, const ModalForm& form) const {
    internal::ModalBlock& block = ws.block;
    const size_t l = static_cast<size_t>(lane);
    for (size_t d = 0; d < timeline_.distinct_dt_min.size(); ++d) {
      const double dt = timeline_.distinct_dt_min[d];
      for (int m = 0; m < form.modes; ++m) {
        const double rate = form.rate[size_t(m)];
        const double decay = std::exp(-rate * dt);
        // 1 − e^{−x} loses digits to cancellation only for small x; expm1 is slower.
        const double rise = rate * dt < 0.01 ? -std::expm1(-rate * dt) : 1 - decay;
        block.decay[d][size_t(m)][l] = decay;
        block.gain[d][size_t(m)][l] = form.input[size_t(m)] * rise / rate;
      }
    }
    for (int m = 0; m < form.modes; ++m) {
      block.input[size_t(m)][l] = form.input[size_t(m)];
      block.effect_row[size_t(m)][l] = form.effect_row[size_t(m)];
    }
  }

  void RunBlock(Workspace& ws, int64_t first_subject) {
    std::array<bool, kBlock> fallback{};
    std::array<IndividualParameters, kBlock> subjects;
    const int lanes =
        static_cast<int>(std::min<int64_t>(kBlock, request_.subjects - first_subject));
    for (int lane = 0; lane < kBlock; ++lane) {
      ClearLane(ws, lane);
      if (lane >= lanes) continue;
      IndividualParameters& p = subjects[size_t(lane)];
      p = sampler_.Sample(first_subject + lane);
      ModalForm form;
      if (ComputeModalForm(p, form)) {
        FillLane(ws, lane, form);
      } else {
        fallback[size_t(lane)] = true;
      }
    }
    internal::RunModalBlock(plan_, ws.block, ws.summary,
                            profiles_ ? ws.plasma_profile.data() : nullptr,
                            profiles_ ? ws.effect_profile.data() : nullptr);
    for (int lane = 0; lane < lanes; ++lane) {
      if (fallback[size_t(lane)]) {
        ++ws.matrix_exponential_subjects;
        RunLaneByMatrixExponential(ws, lane, Engine::Create(subjects[size_t(lane)]));
      }
      Store(ws, lane, first_subject + lane);
    }
    if (keep_matrix_) StoreProfiles(ws, first_subject, lanes);
  }

  // Copies the block's profiles into the [time][subject] matrices: at each time the block's
  // subjects are adjacent, so this writes whole cache lines.
  void StoreProfiles(const Workspace& ws, int64_t first_subject, int lanes) {
    const size_t n = Index(request_.subjects);
    const size_t first = Index(first_subject);
    for (size_t t = 0; t < Index(time_count_); ++t) {
      for (size_t l = 0; l < static_cast<size_t>(lanes); ++l) {
        plasma_matrix_[t * n + first + l] =
            static_cast<float>(ws.plasma_profile[t * kBlock + l] * kNgPerMlPerMgPerL);
        effect_matrix_[t * n + first + l] =
            static_cast<float>(ws.effect_profile[t * kBlock + l] * kNgPerMlPerMgPerL);
      }
    }
  }

  static void ClearLane(Workspace& ws, int lane) {
    const size_t l = static_cast<size_t>(lane);
    for (auto& modes : ws.block.decay) {
      for (auto& lanes : modes) lanes[l] = 0;
    }
    for (auto& modes : ws.block.gain) {
      for (auto& lanes : modes) lanes[l] = 0;
    }
    for (int m = 0; m < kModes; ++m) {
      ws.block.input[size_t(m)][l] = 0;
      ws.block.effect_row[size_t(m)][l] = 0;
    }
  }

  // The same walk as the kernel, one subject at a time, for an ill-conditioned modal form.
  void RunLaneByMatrixExponential(Workspace& ws, int lane, const Engine& engine) const {
    std::vector<Stepper> steppers;
    steppers.reserve(timeline_.distinct_dt_min.size());
    for (double dt : timeline_.distinct_dt_min) steppers.push_back(engine.MakeStepper(dt));
    internal::BlockSummary& s = ws.summary;
    const size_t l = static_cast<size_t>(lane);
    s.plasma_cmax[l] = s.effect_cmax[l] = -1;
    s.plasma_auc[l] = s.effect_auc[l] = 0;
    State state;
    auto record = [&](int index) {
      const Concentrations c = engine.Read(state);
      const double w = plan_.auc_weight[size_t(index)];
      s.plasma_auc[l] += w * c.plasma_mg_per_l;
      s.effect_auc[l] += w * c.effect_mg_per_l;
      if (c.plasma_mg_per_l > s.plasma_cmax[l]) {
        s.plasma_cmax[l] = c.plasma_mg_per_l;
        s.plasma_tmax_index[l] = index;
      }
      if (c.effect_mg_per_l > s.effect_cmax[l]) {
        s.effect_cmax[l] = c.effect_mg_per_l;
        s.effect_tmax_index[l] = index;
      }
      if (profiles_) {
        ws.plasma_profile[size_t(index) * kBlock + l] = c.plasma_mg_per_l;
        ws.effect_profile[size_t(index) * kBlock + l] = c.effect_mg_per_l;
      }
    };
    engine.AddBolus(state, timeline_.bolus_mg_at_zero);
    record(0);
    for (const TimelineStep& step : timeline_.steps) {
      steppers[size_t(step.dt_index)].Advance(state, step.rate_mg_per_min);
      if (step.bolus_mg_after != 0) engine.AddBolus(state, step.bolus_mg_after);
      if (step.output_index >= 0) record(step.output_index);
    }
  }

  void Store(Workspace& ws, int lane, int64_t subject) {
    const size_t l = static_cast<size_t>(lane);
    const size_t i = Index(subject);
    const std::vector<double>& times = timeline_.output_times_min;
    SubjectSummaries& s = result_.subjects;
    const internal::BlockSummary& b = ws.summary;
    s.plasma_cmax_ng_per_ml[i] = b.plasma_cmax[l] * kNgPerMlPerMgPerL;
    s.plasma_tmax_min[i] = times[static_cast<size_t>(b.plasma_tmax_index[l])];
    s.plasma_auc_ng_min_per_ml[i] = b.plasma_auc[l] * kNgPerMlPerMgPerL;
    s.effect_cmax_ng_per_ml[i] = b.effect_cmax[l] * kNgPerMlPerMgPerL;
    s.effect_tmax_min[i] = times[static_cast<size_t>(b.effect_tmax_index[l])];
    s.effect_auc_ng_min_per_ml[i] = b.effect_auc[l] * kNgPerMlPerMgPerL;
    if (!profiles_) return;
    const size_t count = Index(time_count_);
    for (int site = 0; site < 2; ++site) {
      const std::vector<double>& profile = site == 0 ? ws.plasma_profile : ws.effect_profile;
      for (size_t t = 0; t < count; ++t) {
        ws.lane_series[t] = profile[t * kBlock + l] * kNgPerMlPerMgPerL;
      }
      for (size_t h = 0; h < request_.thresholds_ng_per_ml.size(); ++h) {
        const double threshold = request_.thresholds_ng_per_ml[h];
        auto& counts = site == 0 ? ws.plasma_above_counts[h] : ws.effect_above_counts[h];
        for (size_t t = 0; t < count; ++t) counts[t] += ws.lane_series[t] > threshold ? 1 : 0;
        auto& above = site == 0 ? s.plasma_min_above[h] : s.effect_min_above[h];
        above[i] = TimeAboveMin(times, ws.lane_series, threshold);
      }
    }
  }

  void ComputePercentiles(int threads) {
    const size_t count = Index(time_count_);
    const size_t n = Index(request_.subjects);
    const size_t percentiles = request_.percentiles.size();
    result_.plasma_percentiles_ng_per_ml.assign(percentiles, std::vector<double>(count, 0));
    result_.effect_percentiles_ng_per_ml.assign(percentiles, std::vector<double>(count, 0));
    std::atomic<size_t> next{0};
    auto worker = [&] {
      std::vector<float> row(n);
      for (size_t t; (t = next.fetch_add(1)) < 2 * count;) {
        const bool plasma = t < count;
        const size_t time = plasma ? t : t - count;
        const float* matrix = plasma ? plasma_matrix_.get() : effect_matrix_.get();
        std::copy_n(matrix + time * n, n, row.begin());
        auto& out =
            plasma ? result_.plasma_percentiles_ng_per_ml : result_.effect_percentiles_ng_per_ml;
        for (size_t p = 0; p < percentiles; ++p) {
          // Linear interpolation between order statistics (Hyndman & Fan type 7, numpy's
          // default). Selection, not a full sort: O(n) per percentile.
          const double h = static_cast<double>(n - 1) * request_.percentiles[p] / 100;
          const size_t low = static_cast<size_t>(std::floor(h));
          const auto low_it = row.begin() + static_cast<ptrdiff_t>(low);
          std::nth_element(row.begin(), low_it, row.end());
          const auto low_value = static_cast<double>(*low_it);
          const double high_value =
              low + 1 < n ? static_cast<double>(*std::min_element(low_it + 1, row.end()))
                          : low_value;
          out[p][time] = low_value + (h - static_cast<double>(low)) * (high_value - low_value);
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& thread : pool) thread.join();
    plasma_matrix_.reset();
    effect_matrix_.reset();
  }

  const PopulationRequest& request_;
  const IndividualParameters typical_;
  const SubjectSampler sampler_;
  Timeline timeline_;
  internal::KernelPlan plan_;
  int64_t time_count_ = 0;
  bool profiles_ = false;
  bool keep_matrix_ = false;
  std::unique_ptr<float[]> plasma_matrix_;  // [time][subject], ng/mL
  std::unique_ptr<float[]> effect_matrix_;
  PopulationResult result_;
};

}  // namespace

Status ValidatePopulationRequest(const PopulationRequest& request) {
  Validator v("invalid population request");
  if (auto status = ValidateModel(request.model); !status) v.Merge(status.error(), "model.");
  v.Require(request.model.variability.Any(), "model",
            "'" + request.model.name +
                "' has no inter-individual variability; give coefficients of variation "
                "(--cv) to simulate a population");
  v.InRange("weight_kg", request.weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  if (auto status = ValidateSchedule(request.schedule); !status)
    v.Merge(status.error(), "schedule.");
  if (auto status = ValidateGrid(request.grid); !status) v.Merge(status.error(), "");
  v.Require(request.subjects >= 1 && request.subjects <= kMaxSubjects, "subjects",
            "must be between 1 and " + std::to_string(kMaxSubjects) + ", got " +
                std::to_string(request.subjects));
  v.Require(request.threads >= 1 && request.threads <= kMaxThreads, "threads",
            "must be between 1 and " + std::to_string(kMaxThreads) + ", got " +
                std::to_string(request.threads));
  for (size_t i = 0; i < request.percentiles.size(); ++i) {
    v.InRange("percentiles[" + std::to_string(i) + "]", request.percentiles[i], 0, 100, "");
  }
  for (size_t i = 0; i < request.thresholds_ng_per_ml.size(); ++i) {
    v.Positive("thresholds_ng_per_ml[" + std::to_string(i) + "]", request.thresholds_ng_per_ml[i]);
  }
  if (v.ok() && !request.percentiles.empty()) {
    const double values =
        static_cast<double>(request.subjects) * static_cast<double>(GridTimes(request.grid).size());
    v.Require(values <= kMaxProfileValues, "subjects",
              "times the number of time points exceeds " + FormatNumber(kMaxProfileValues) +
                  " values kept for percentiles; use fewer subjects or a larger step");
  }
  return v.Finish();
}

SubjectSampler::SubjectSampler(const IndividualParameters& typical, const Variability& variability,
                               uint64_t seed)
    : typical_(typical),
      omega_{Omega(variability.v1_cv), Omega(variability.v2_cv), Omega(variability.v3_cv),
             Omega(variability.cl_cv), Omega(variability.q2_cv), Omega(variability.q3_cv),
             Omega(variability.ke0_cv)},
      seed_(seed) {}

IndividualParameters SubjectSampler::Sample(int64_t index) const {
  SplitMix64 rng = SubjectStream(seed_, static_cast<uint64_t>(index));
  // Always draw all seven, so that adding variability to one parameter leaves the others' draws.
  std::array<double, 8> eta{};
  for (size_t i = 0; i < eta.size(); i += 2) {
    const NormalPair pair = NextNormalPair(rng);
    eta[i] = pair.first;
    eta[i + 1] = pair.second;
  }
  IndividualParameters p = typical_;
  p.v1_l *= std::exp(omega_[0] * eta[0]);
  p.v2_l *= std::exp(omega_[1] * eta[1]);
  p.v3_l *= std::exp(omega_[2] * eta[2]);
  p.cl_l_per_min *= std::exp(omega_[3] * eta[3]);
  p.q2_l_per_min *= std::exp(omega_[4] * eta[4]);
  p.q3_l_per_min *= std::exp(omega_[5] * eta[5]);
  if (omega_[6] > 0) p.ke0_per_min *= std::exp(omega_[6] * eta[6]);
  return p;
}

IndividualParameters SampleSubject(const IndividualParameters& typical,
                                   const Variability& variability, uint64_t seed, int64_t index) {
  return SubjectSampler(typical, variability, seed).Sample(index);
}

Result<PopulationResult> SimulatePopulation(const PopulationRequest& request,
                                            const ProgressCallback& progress) {
  if (auto status = ValidatePopulationRequest(request); !status) {
    return tl::unexpected(status.error());
  }
  auto typical = Individualize(request.model, request.weight_kg);
  if (!typical) return tl::unexpected(typical.error());
  PopulationRun run(request, *typical);
  return run.Run(progress);
}

}  // namespace ketaclinic::pk
