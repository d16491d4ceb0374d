// Readings per second of the live-session rule engine (clinical::VitalsRuleEngine) on one core,
// and the heap allocations it makes per reading (the target is none). Numbers and the command in
// docs/BENCHMARKS.md; the rules in docs/SESSION.md.
//
//   cmake --preset release -B build/rel && cmake --build build/rel --target ketaclinic_vitals_bench
//   build/rel/bench/ketaclinic_vitals_bench

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "clinical/session_protocol.h"
#include "clinical/vitals.h"
#include "clinical/vitals_rules.h"

// Every allocation of this program is counted, so the benchmark can report allocations per
// reading of the engine (the hot path must make none).
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// The replacements pair malloc with free; GCC cannot see that they replace the global pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace ketaclinic::clinical {
namespace {

using std::chrono::seconds;

const Instant kStart{seconds(1'795'000'000)};

enum class Mix { kRealistic, kNormal, kAbnormal };

// A monitor stream: HR, SpO2 and RR every 5 s, a cuff BP every 2 min. In the realistic mix,
// episodes come and go: a hypertensive stretch (BP 165-205), tachycardia (HR 115-135), SpO2 dips
// (88-93 %) and low respiratory rates, so about a fifth of the readings raise an alarm and every
// temporal rule starts, confirms and ends runs.
std::vector<VitalSigns> Stream(Mix mix, size_t count) {
  std::mt19937 random(20261130);
  auto uniform = [&](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(random);
  };
  std::vector<VitalSigns> stream;
  stream.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    VitalSigns v;
    v.time = kStart + seconds(static_cast<long long>(5 * i));
    // Episodes of 10 min (120 readings) out of every 40 min, each kind in its turn.
    const size_t minute = i / 12;
    const bool episode = mix == Mix::kAbnormal || (mix == Mix::kRealistic && minute % 40 < 10);
    const size_t kind = (minute / 40) % 4;
    const bool hypertension = episode && (mix == Mix::kAbnormal || kind == 0);
    const bool tachycardia = episode && (mix == Mix::kAbnormal || kind == 1);
    const bool desaturation = episode && (mix == Mix::kAbnormal || kind == 2);
    const bool bradypnoea = episode && (mix == Mix::kAbnormal || kind == 3);
    v.heart_rate_bpm = tachycardia ? uniform(115, 135) : uniform(60, 95);
    v.spo2_percent = desaturation ? uniform(88, 93) : uniform(95, 100);
    v.resp_rate_per_min = bradypnoea ? uniform(7, 12) : uniform(12, 18);
    if (i % 24 == 0) {
      v.systolic_mmhg = hypertension ? uniform(165, 205) : uniform(110, 150);
      v.diastolic_mmhg = hypertension ? uniform(95, 118) : uniform(65, 90);
    }
    stream.push_back(v);
  }
  return stream;
}

void RunStream(benchmark::State& state, Mix mix) {
  const std::vector<VitalSigns> stream = Stream(mix, 1 << 16);
  const seconds span = (stream.back().time - stream.front().time) + seconds(5);
  VitalsRuleEngine engine{SessionProtocol{}};
  engine.BeginPhase(SessionPhase::kIntra, kStart);
  size_t i = 0;
  seconds offset{0};
  std::uint64_t alarms = 0;
  std::uint64_t readings = 0;
  const std::uint64_t allocations_before = g_allocations.load();
  for (auto _ : state) {
    VitalSigns reading = stream[i];
    reading.time += offset;
    const AlarmList raised = engine.OnVitals(reading, SessionPhase::kIntra);
    alarms += raised.size();
    benchmark::DoNotOptimize(raised);
    ++readings;
    if (++i == stream.size()) {  // the stream again, later (times never go backwards)
      i = 0;
      offset += span;
    }
  }
  const std::uint64_t allocations = g_allocations.load() - allocations_before;
  state.SetItemsProcessed(static_cast<int64_t>(readings));
  state.counters["alarms_per_reading"] =
      static_cast<double>(alarms) / static_cast<double>(readings);
  state.counters["allocations_per_reading"] =
      static_cast<double>(allocations) / static_cast<double>(readings);
}

void BM_VitalsRulesRealisticStream(benchmark::State& state) { RunStream(state, Mix::kRealistic); }
void BM_VitalsRulesAllNormal(benchmark::State& state) { RunStream(state, Mix::kNormal); }
void BM_VitalsRulesAllAbnormal(benchmark::State& state) { RunStream(state, Mix::kAbnormal); }

BENCHMARK(BM_VitalsRulesRealisticStream);
BENCHMARK(BM_VitalsRulesAllNormal);
BENCHMARK(BM_VitalsRulesAllAbnormal);

}  // namespace
}  // namespace ketaclinic::clinical
