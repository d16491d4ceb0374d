#!/usr/bin/env bash
# Side-by-side population benchmark: `ketaclinic population` (C++) vs the Python/SciPy reference
# (bench/reference/population_reference.py) on THE SAME simulated subjects.
#
# Usage:
#   bench/reference/compare_population.sh [--ketaclinic PATH] [--subjects N] [--seed S]
#                                         [--threads T] [--case herd|kamp|all] [--keep DIR]
#                                         [--perf]
#
# Defaults: --ketaclinic build/dev/src/cli/ketaclinic (use a Release build for published numbers),
# 20000 subjects, seed 1, 1 C++ thread, both cases:
#   herd : --model herd  (its published inter-individual variability), 2 compartments
#   kamp : --model kamp --cv v1=0.3,v2=0.3,v3=0.3,cl=0.3,q2=0.3,q3=0.3, 3 compartments
# Regimen for both: 70 kg, 0.5 mg/kg over 40 min, 1-minute grid for 1440 minutes.
#
# For each case it
#   1. times the C++ command (wall clock of the whole process via /usr/bin/time, run WITHOUT
#      --subjects-out so that writing the per-subject CSV is not timed; any timing the command
#      reports itself in its JSON output is printed as well),
#   2. runs it again with --subjects-out to get every subject's parameters and Cmax/Tmax/AUC,
#   3. runs the Python reference on that file (single-threaded: OPENBLAS_NUM_THREADS=1), which
#      re-simulates the same subjects, compares Cmax/AUC/Tmax and times its own simulation
#      (stacked matrices + expm + time stepping + metrics; not CSV reading),
#   4. prints both throughputs (subject-profiles per second) and their ratio,
#   5. with --perf, profiles the C++ run with `perf record` and prints its top functions.
# Both sides compute the same thing: every subject's profile on the grid and its Cmax, Tmax and
# AUC (the C++ side with --percentiles none, so no per-time percentiles are kept).
#
# Needs Debian's Python with SciPy: the script runs `PYENV_VERSION=system python3`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ketaclinic="$root/build/dev/src/cli/ketaclinic"
subjects=20000
seed=1
threads=1
which_case=all
keep=""
profile=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --ketaclinic) ketaclinic="$2"; shift 2 ;;
    --subjects) subjects="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --case) which_case="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --perf) profile=1; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[[ -x "$ketaclinic" ]] || { echo "error: $ketaclinic is not executable" >&2; exit 2; }
export PYENV_VERSION=system
py() { python3 "$@"; }

if [[ -n "$keep" ]]; then
  workdir="$keep"; mkdir -p "$workdir"
else
  workdir="$(mktemp -d)"; trap 'rm -rf "$workdir"' EXIT
fi

weight=70 dose=0.5 over=40 until=1440 step=1

run_case() {
  local name="$1"; shift
  local model_args=("$@")
  local common=("${model_args[@]}" --weight-kg "$weight" --dose-mg-per-kg "$dose" --over-min "$over"
                --until-min "$until" --step-min "$step" --subjects "$subjects" --seed "$seed"
                --threads "$threads" --percentiles none)
  echo "=== $name: ketaclinic population ${common[*]}"

  # 1. Timed C++ run (no per-subject file).
  /usr/bin/time -f "%e %M" -o "$workdir/$name.time" \
    "$ketaclinic" population "${common[@]}" --format json >"$workdir/$name.summary.json"
  local cpp_wall cpp_rss
  read -r cpp_wall cpp_rss <"$workdir/$name.time"

  # 2. Same population with --subjects-out.
  "$ketaclinic" population "${common[@]}" --format json \
    --subjects-out "$workdir/$name.subjects.csv" >/dev/null

  # 3. Python reference on the same subjects.
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 py "$here/population_reference.py" \
    --subjects-csv "$workdir/$name.subjects.csv" --weight-kg "$weight" \
    --dose-mg-per-kg "$dose" --over-min "$over" --until-min "$until" --step-min "$step" \
    --check-subjects 2 --json >"$workdir/$name.python.json"

  # 4. Report.
  py - "$workdir/$name.summary.json" "$workdir/$name.python.json" "$cpp_wall" "$cpp_rss" \
    "$subjects" "$threads" <<'EOF'
import json, sys
summary_path, python_path, wall, rss_kb, n, threads = sys.argv[1:]
wall, n = float(wall), int(n)
ref = json.load(open(python_path))
try:
    summary = json.load(open(summary_path))
except (OSError, ValueError):
    summary = {}

def timing_fields(obj, prefix=""):
    """Fields of the C++ JSON summary that look like timings or throughputs."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = f"{prefix}{k}"
            if isinstance(v, (dict, list)):
                out.update(timing_fields(v, key + "."))
            elif isinstance(v, (int, float)) and any(
                    w in k.lower() for w in ("second", "elapsed", "time_s", "wall", "per_s", "_ms")):
                out[key] = v
    return out

cpp_rate = n / wall
print(f"  ketaclinic (C++, {threads} thread(s)): {wall:.3f} s wall for the whole process "
      f"(max RSS {int(rss_kb) / 1024:.0f} MiB) -> {cpp_rate:,.0f} subject-profiles/s")
for k, v in timing_fields(summary).items():
    print(f"      reported by ketaclinic: {k} = {v}")
py_rate = ref["profiles_per_second"]
t = ref["timing"]
print(f"  python reference (NumPy/SciPy, 1 thread): {t['simulate_s']:.3f} s "
      f"(expm {t['expm_s']:.3f} s + stepping/metrics {t['stepping_and_metrics_s']:.3f} s; "
      f"timed: {ref['timed']}) -> {py_rate:,.0f} subject-profiles/s")
# Like for like: the C++ command's own timing covers sampling the subjects and simulating them
# (no process start, no output), as the Python timing covers its simulation only.
sim_s = summary.get("elapsed_s")
if isinstance(sim_s, (int, float)) and sim_s > 0:
    cpp_sim_rate = n / sim_s
    print(f"  ketaclinic simulation alone: {sim_s:.4f} s -> {cpp_sim_rate:,.0f} subject-profiles/s")
    ratio = cpp_sim_rate / py_rate
    print(f"  throughput ratio C++ / Python (simulation vs simulation): {ratio:.3g}x"
          + ("  (the C++ command is SLOWER than the Python reference)" if ratio < 1 else ""))
ratio_wall = cpp_rate / py_rate
print(f"  throughput ratio C++ whole process / Python simulation: {ratio_wall:.3g}x")
print(f"  agreement: max relative difference of Cmax/AUC (plasma, effect) = "
      f"{ref['max_rel_diff_cmax_auc']:.3e}; Tmax mismatches = {ref['tmax_mismatches']}")
for col, d in ref["differences_vs_ketaclinic"].items():
    if "max_rel_diff" in d:
        print(f"      {col:28s} {d['max_rel_diff']:.3e} (subject {d['subject']})")
    else:
        print(f"      {col:28s} {d['mismatches']} mismatches")
print(f"  python reference self-check vs DOP853 oracle (2 subjects): "
      f"{ref['self_check_vs_dop853_max_rel_diff']:.3e}")
EOF

  # 5. Optional profile of the C++ command.
  if [[ "$profile" == 1 ]]; then
    if perf record -o "$workdir/$name.perf.data" -q \
         "$ketaclinic" population "${common[@]}" --format json >/dev/null 2>"$workdir/$name.perf.err"; then
      echo "  perf profile of the C++ command (self time, top functions):"
      perf report -i "$workdir/$name.perf.data" --no-children --stdio --percent-limit 2 \
          --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | cut -c1-150 | sed 's/^/    /'
    else
      echo "  perf record failed: $(tail -1 "$workdir/$name.perf.err")"
    fi
  fi
}

case "$which_case" in
  herd) run_case herd --model herd ;;
  kamp) run_case kamp --model kamp --cv v1=0.3,v2=0.3,v3=0.3,cl=0.3,q2=0.3,q3=0.3 ;;
  all)
    run_case herd --model herd
    run_case kamp --model kamp --cv v1=0.3,v2=0.3,v3=0.3,cl=0.3,q2=0.3,q3=0.3 ;;
  *) echo "unknown --case $which_case (herd, kamp or all)" >&2; exit 2 ;;
esac
