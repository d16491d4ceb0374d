// Pharmacology benchmarks (docs/BENCHMARKS.md has the numbers and the command):
//   BM_StandardCurve       one curve: 0.5 mg/kg over 40 min, 240 one-minute points (Kamp, 3 cmt)
//   BM_EffectSiteTciPlan   an effect-site TCI plan for 60 min at 10-s updates (Kamp)
//   BM_Population/N/T      3-compartment + effect site, 1440 one-minute steps, Cmax, Tmax and
//                          AUC per subject, N subjects on T threads: items/s = subject-profiles
//                          per second

#include <benchmark/benchmark.h>

#include "pk/engine.h"
#include "pk/population.h"
#include "pk/registry.h"
#include "pk/simulate.h"
#include "pk/tci.h"

namespace ketaclinic::pk {
namespace {

void BM_StandardCurve(benchmark::State& state) {
  const Engine engine = Engine::Create(*Individualize(*FindModel("kamp"), 70));
  const Schedule schedule = ConstantInfusion(35, 40);
  for (auto _ : state) {
    auto curve = Simulate(engine, schedule, {240, 1});
    benchmark::DoNotOptimize(curve);
  }
}
BENCHMARK(BM_StandardCurve);

void BM_EffectSiteTciPlan(benchmark::State& state) {
  const Engine engine = Engine::Create(*Individualize(*FindModel("kamp"), 70));
  const TciRequest request{TciMode::kEffect, {{0, 150}}, 60, 10, 0};
  for (auto _ : state) {
    auto plan = PlanTci(engine, request);
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_EffectSiteTciPlan)->Unit(benchmark::kMicrosecond);

PopulationRequest ThroughputRequest(int64_t subjects, int threads) {
  PopulationRequest request;
  request.model = *FindModel("kamp");
  request.model.variability = {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0};
  request.schedule = ConstantInfusion(35, 40);
  request.grid = {1439, 1};  // 1440 one-minute steps after time 0
  request.subjects = subjects;
  request.threads = threads;
  request.percentiles = {};  // Cmax and AUC per subject only
  return request;
}

// Arguments: subjects, threads.
void BM_Population(benchmark::State& state) {
  const PopulationRequest request =
      ThroughputRequest(state.range(0), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto result = SimulatePopulation(request);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Population)
    ->Args({100'000, 1})
    ->Args({200'000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ketaclinic::pk
