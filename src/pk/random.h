#ifndef KETACLINIC_PK_RANDOM_H_
#define KETACLINIC_PK_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <numbers>

namespace ketaclinic::pk {

// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of xoshiro): a 64-bit generator
// that passes BigCrush, cheap to start anywhere. Our own normal transform follows, because the
// standard library's distributions differ between implementations (dependencies.md §5.8), and
// population results must be identical for a seed on any toolchain and thread count.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform on (0, 1]: 53 random bits, never 0 (safe for log).
  double NextUnitOpenZero() { return (static_cast<double>(Next() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// The generator of subject `index` in a population seeded with `seed`: independent of how the
// subjects are split between threads.
inline SplitMix64 SubjectStream(uint64_t seed, uint64_t index) {
  SplitMix64 mix(seed ^ 0x5DEECE66DULL);
  const uint64_t base = mix.Next();
  SplitMix64 index_mix(base + index * 0xD1B54A32D192ED03ULL);
  return SplitMix64(index_mix.Next());
}

// A pair of independent standard normal draws by the Box–Muller transform.
struct NormalPair {
  double first;
  double second;
};

inline NormalPair NextNormalPair(SplitMix64& rng) {
  const double radius = std::sqrt(-2.0 * std::log(rng.NextUnitOpenZero()));
  const double angle = 2.0 * std::numbers::pi * rng.NextUnitOpenZero();
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_RANDOM_H_
