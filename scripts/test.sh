#!/usr/bin/env bash
# Runs every test of KetaClinic on a fresh Debian 12 machine: installs what it needs, checks
# formatting, builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit,
# property and oracle tests, builds the release binary and runs its tests and a short benchmark
# smoke run, then clang-tidy-19. Exits non-zero on the first failure.
#
#   scripts/test.sh            # everything, as CI runs it
#   KC_LONG=1 scripts/test.sh  # also the long benchmark runs (docs/BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ketaclinic-ccache}"
# Paths relative to the checkout, so that clones in different folders share cached objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "formatting (clang-format, Google base)"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find src tests bench -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

step "dev build: Debug + ASan + UBSan"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
# Inside a throwaway PostgreSQL 15 server, so the store's contract suite runs on both backends.
scripts/with-postgres.sh ctest --preset dev -j "$jobs"

step "release build"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

step "benchmark smoke run"
if [ "${KC_LONG:-0}" = 1 ]; then
  build/release/bench/ketaclinic_pk_bench
  build/release/bench/ketaclinic_vitals_bench
  build/release/bench/ketaclinic_store_bench
else
  build/release/bench/ketaclinic_pk_bench --benchmark_min_time=0.01 \
    --benchmark_filter='BM_StandardCurve|BM_EffectSiteTciPlan'
  build/release/bench/ketaclinic_vitals_bench --benchmark_min_time=0.01
  build/release/bench/ketaclinic_store_bench --smoke
fi

step "clang-tidy-19"
mapfile -t units < <(git ls-files 'src/*.cc' 2>/dev/null || find src -name '*.cc')
# xargs exits non-zero if any clang-tidy run did; the log shows what it found.
if ! printf '%s\n' "${units[@]}" | xargs -P "$jobs" -n 4 clang-tidy-19 -p build/dev --quiet \
     --extra-arg=-Wno-unknown-warning-option >build/clang-tidy.log 2>&1; then
  grep -v 'warnings generated' build/clang-tidy.log >&2
  echo "clang-tidy-19 found problems (above)" >&2
  exit 1
fi

step "all tests passed"
