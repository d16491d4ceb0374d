#!/usr/bin/env python3
"""Side-by-side reference for the population-simulation benchmark (docs/BENCHMARKS.md).

``ketaclinic population ... --subjects-out subjects.csv`` writes every simulated subject's
parameters and its plasma/effect-site Cmax, Tmax and AUC.  This script reads that file,
re-simulates THE SAME subjects (their own parameters) with an independent method, and reports

* the largest relative difference of Cmax and AUC (plasma and effect site) vs the C++ values,
  and how many Tmax differ, and
* its own throughput in subject-profiles per second.

Usage::

    ketaclinic population --model kamp --weight-kg 70 --dose-mg-per-kg 0.5 --over-min 40 \
        --subjects 20000 --seed 1 --threads 1 --until-min 1440 --step-min 1 \
        --cv v1=0.3,v2=0.3,v3=0.3,cl=0.3,q2=0.3,q3=0.3 --subjects-out /tmp/subjects.csv
    OPENBLAS_NUM_THREADS=1 PYENV_VERSION=system python3 bench/reference/population_reference.py \
        --subjects-csv /tmp/subjects.csv --weight-kg 70 --dose-mg-per-kg 0.5 --over-min 40 \
        --until-min 1440 --step-min 1 [--check-subjects 3] [--json]

(bench/reference/compare_population.sh does both and prints the throughput ratio.)

Method (nothing shared with the C++ engine or its closed-form sums of exponentials):

1. Per subject, the linear system x' = M x + b R with x = [A1, A2, (A3), Ce] (amounts in mg,
   Ce in mg/L) is augmented with the infusion rate as a constant state, and its one-step
   propagator Phi = expm([[M, b], [0, 0]] * dt) is computed with ``scipy.linalg.expm`` on the
   whole stack of subjects at once (SciPy >= 1.9 accepts stacked matrices).  Unlike an
   eigendecomposition, expm does not break down when ke0 equals a disposition eigenvalue.
2. The state is advanced step by step, x_{k+1} = Phi x_k, vectorized across subjects
   (a (states, subjects) array; one broadcast multiply-add per column of Phi per step).  The
   rate state is the infusion rate while the infusion runs, 0 after.
3. Cmax/Tmax are taken on the output grid (first grid time of the maximum), AUC is the linear
   trapezoid on the grid; concentrations in ng/mL.

What is timed (``simulate_s``): building the stacked matrices, expm, the time stepping and the
Cmax/Tmax/AUC computation.  Not timed: Python start-up, reading the CSV, the comparison.

Use Debian's Python (``PYENV_VERSION=system python3``); set OPENBLAS_NUM_THREADS=1 for a
single-thread figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pathlib
import sys
import time
from typing import Optional

import numpy as np
from scipy import linalg

NG_PER_ML_PER_MG_PER_L = 1000.0

PARAMETER_COLUMNS = ("v1_l", "v2_l", "v3_l", "cl_l_per_min", "q2_l_per_min", "q3_l_per_min",
                     "ke0_per_min")
METRIC_COLUMNS = ("plasma_cmax_ng_per_ml", "plasma_tmax_min", "plasma_auc_ng_min_per_ml",
                  "effect_cmax_ng_per_ml", "effect_tmax_min", "effect_auc_ng_min_per_ml")


@dataclasses.dataclass
class Population:
    """Subject parameters (one array per column) and the C++ metrics read from --subjects-out."""

    subject: np.ndarray
    params: dict   # column name -> float array
    cpp: dict      # metric column name -> float array

    @property
    def size(self) -> int:
        return self.subject.size

    @property
    def compartments(self) -> int:
        """1, 2 or 3: the number of compartments (must be the same for every subject)."""
        has_v2 = self.params["v2_l"] > 0
        has_v3 = self.params["v3_l"] > 0
        if has_v3.all() and has_v2.all():
            return 3
        if has_v2.all() and not has_v3.any():
            return 2
        if not has_v2.any() and not has_v3.any():
            return 1
        raise ValueError("subjects do not all have the same number of compartments")


@dataclasses.dataclass
class Regimen:
    """A constant infusion of rate_mg_per_min from 0 to over_min (a multiple of the step)."""

    rate_mg_per_min: float
    over_min: float


@dataclasses.dataclass
class Metrics:
    plasma_cmax: np.ndarray
    plasma_tmax: np.ndarray
    plasma_auc: np.ndarray
    effect_cmax: np.ndarray
    effect_tmax: np.ndarray
    effect_auc: np.ndarray

    def as_columns(self) -> dict:
        return dict(zip(METRIC_COLUMNS, (self.plasma_cmax, self.plasma_tmax, self.plasma_auc,
                                         self.effect_cmax, self.effect_tmax, self.effect_auc)))


def read_subjects(path: pathlib.Path) -> Population:
    """Reads the ``--subjects-out`` CSV of ``ketaclinic population``."""
    with open(path, encoding="utf-8") as f:
        header = [h.strip() for h in f.readline().split(",")]
    missing = [c for c in ("subject",) + PARAMETER_COLUMNS + METRIC_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; header is {header}")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    col = {name: data[:, i] for i, name in enumerate(header)}
    return Population(subject=col["subject"],
                      params={c: col[c] for c in PARAMETER_COLUMNS},
                      cpp={c: col[c] for c in METRIC_COLUMNS})


def augmented_matrices(pop: Population, n_cmt: int) -> np.ndarray:
    """Stacked augmented system matrices, shape (N, n_cmt + 2, n_cmt + 2).

    States: A1..A_n (mg), Ce (mg/L), R (mg/min, constant: its row is zero).
    """
    p = pop.params
    n = pop.size
    s = n_cmt + 2
    ie, ir = n_cmt, n_cmt + 1
    m = np.zeros((n, s, s))
    v1 = p["v1_l"]
    m[:, 0, 0] = -p["cl_l_per_min"] / v1
    for i, (v, q) in enumerate((("v2_l", "q2_l_per_min"), ("v3_l", "q3_l_per_min"))[: n_cmt - 1],
                               start=1):
        k1i = p[q] / v1
        ki1 = p[q] / p[v]
        m[:, 0, 0] -= k1i
        m[:, 0, i] = ki1
        m[:, i, 0] = k1i
        m[:, i, i] = -ki1
    m[:, ie, 0] = p["ke0_per_min"] / v1
    m[:, ie, ie] = -p["ke0_per_min"]
    m[:, 0, ir] = 1.0
    return m


def simulate_population(pop: Population, regimen: Regimen, until_min: float, step_min: float,
                        chunk: int = 4096) -> tuple:
    """Simulates every subject; returns (Metrics, timings dict).

    Subjects are processed in chunks so that the working arrays stay in cache.
    """
    n_steps = int(round(until_min / step_min))
    if abs(n_steps * step_min - until_min) > 1e-9 * until_min:
        raise ValueError("--until-min must be a multiple of --step-min")
    on_steps = int(round(regimen.over_min / step_min))
    if abs(on_steps * step_min - regimen.over_min) > 1e-9 * max(regimen.over_min, 1.0):
        raise ValueError("--over-min must be a multiple of --step-min for this reference")
    n_cmt = pop.compartments

    t0 = time.perf_counter()
    phi = linalg.expm(augmented_matrices(pop, n_cmt) * step_min)
    t_expm = time.perf_counter() - t0

    out = {k: np.empty(pop.size) for k in METRIC_COLUMNS}
    for lo in range(0, pop.size, chunk):
        hi = min(pop.size, lo + chunk)
        res = _step_chunk(phi[lo:hi], pop.params["v1_l"][lo:hi], regimen.rate_mg_per_min,
                          on_steps, n_steps, step_min)
        for k, v in res.items():
            out[k][lo:hi] = v
    total = time.perf_counter() - t0
    metrics = Metrics(*(out[k] for k in METRIC_COLUMNS))
    return metrics, {"expm_s": t_expm, "stepping_and_metrics_s": total - t_expm,
                     "simulate_s": total}


def _step_chunk(phi: np.ndarray, v1: np.ndarray, rate: float, on_steps: int, n_steps: int,
                step_min: float) -> dict:
    """Advances one chunk of subjects through all steps and computes their metrics.

    With x the (states, subjects) array of the body + effect-site states, one step is
    x_new = sum_j Phi[:, j] * x[j] + Phi[:, rate] * R: one broadcast multiply-add per column of
    Phi on a (states, subjects) block.  (Measured ~2.5x faster than einsum/matmul over stacked
    small matrices, which NumPy does not hand to BLAS.)

    Cmax, Tmax and the trapezoid AUC are accumulated during the stepping (storing the
    trajectories and reducing afterwards was measured 3x slower).  Plasma metrics are taken on
    the central amount A1 and scaled by 1000/V1 at the end (same argmax, exact scaling).
    """
    n = phi.shape[0]
    ns = phi.shape[1] - 1          # body + effect-site states (the last state is the rate)
    ie = ns - 1                    # effect-site state
    # cols[j][i, :] = Phi[i, j] over the chunk's subjects.
    cols = [np.ascontiguousarray(phi[:, :ns, j].T) for j in range(ns + 1)]
    x = np.zeros((ns, n))
    new = np.empty_like(x)
    tmp = np.empty_like(x)
    # Running metrics for the two outputs (row 0: A1 in mg, row 1: Ce in mg/L).  The value at
    # t = 0 is 0 (no drug before the infusion starts): cmax starts at 0 with tmax index 0.
    peak = np.zeros((2, n))
    ipeak = np.zeros((2, n), dtype=np.int64)
    total = np.zeros((2, n))        # sum of the grid values (t = 0 contributes 0)
    up = np.empty((2, n), dtype=bool)
    cur = np.empty((2, n))
    for k in range(n_steps):
        np.multiply(cols[0], x[0], out=new)
        for j in range(1, ns):
            np.multiply(cols[j], x[j], out=tmp)
            new += tmp
        if k < on_steps and rate != 0.0:
            np.multiply(cols[ns], rate, out=tmp)
            new += tmp
        x, new = new, x
        cur[0] = x[0]
        cur[1] = x[ie]
        total += cur
        np.greater(cur, peak, out=up)     # strict: Tmax is the first time of the maximum
        np.copyto(peak, cur, where=up)
        np.copyto(ipeak, k + 1, where=up)
    # Trapezoid on a uniform grid: step * (sum - (first + last) / 2); the first value is 0.
    auc = step_min * (total - 0.5 * cur)
    scale = np.stack([NG_PER_ML_PER_MG_PER_L / v1, np.full(n, NG_PER_ML_PER_MG_PER_L)])
    peak *= scale
    auc *= scale
    res = {}
    for row, prefix in enumerate(("plasma", "effect")):
        res[f"{prefix}_cmax_ng_per_ml"] = peak[row]
        res[f"{prefix}_tmax_min"] = ipeak[row] * step_min
        res[f"{prefix}_auc_ng_min_per_ml"] = auc[row]
    return res


def compare(pop: Population, metrics: Metrics) -> dict:
    """Largest relative differences of the C++ metrics vs this reference."""
    ours = metrics.as_columns()
    result = {}
    for col in METRIC_COLUMNS:
        ref, got = ours[col], pop.cpp[col]
        if col.endswith("tmax_min"):
            diff = np.abs(got - ref) > 1e-9
            result[col] = {"mismatches": int(diff.sum()),
                           "first_mismatch_subject": (int(pop.subject[np.argmax(diff)])
                                                      if diff.any() else None)}
        else:
            rel = np.abs(got - ref) / np.abs(ref)
            i = int(np.argmax(rel))
            result[col] = {"max_rel_diff": float(rel[i]), "subject": int(pop.subject[i]),
                           "reference": float(ref[i]), "ketaclinic": float(got[i])}
    return result


def check_against_ode(pop: Population, metrics: Metrics, regimen: Regimen, until_min: float,
                      step_min: float, count: int) -> float:
    """Validates this vectorized method on the first ``count`` subjects against the DOP853
    oracle in tests/oracle/pk_oracle.py; returns the largest relative Cmax/AUC difference
    (and raises if a Tmax differs)."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "oracle"))
    import pk_oracle  # pylint: disable=import-outside-toplevel

    worst = 0.0
    grid = pk_oracle.output_grid(until_min, step_min)
    sched = pk_oracle.Schedule.constant_infusion(regimen.rate_mg_per_min * regimen.over_min,
                                                 regimen.over_min)
    ours = metrics.as_columns()
    for i in range(min(count, pop.size)):
        p = {k: float(v[i]) for k, v in pop.params.items()}
        model = pk_oracle.Model(name="subject", compartments=pop.compartments, v1_l=p["v1_l"],
                                v2_l=p["v2_l"], v3_l=p["v3_l"], cl_l_per_min=p["cl_l_per_min"],
                                q2_l_per_min=p["q2_l_per_min"], q3_l_per_min=p["q3_l_per_min"],
                                ke0_per_min=p["ke0_per_min"])
        out = pk_oracle.simulate_ode(model, sched, grid)
        for prefix, curve in (("plasma", out["plasma_ng_per_ml"]),
                              ("effect", out["effect_ng_per_ml"])):
            if int(np.argmax(curve)) * step_min != ours[f"{prefix}_tmax_min"][i]:
                raise AssertionError(f"subject {i}: {prefix} Tmax differs from DOP853 oracle")
            cmax = curve.max()
            auc = step_min * (curve.sum() - 0.5 * (curve[0] + curve[-1]))
            worst = max(worst, abs(ours[f"{prefix}_cmax_ng_per_ml"][i] - cmax) / cmax,
                        abs(ours[f"{prefix}_auc_ng_min_per_ml"][i] - auc) / auc)
    return worst


def main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(description="Python/SciPy reference for `ketaclinic population`.")
    p.add_argument("--subjects-csv", required=True, help="file written by --subjects-out")
    p.add_argument("--weight-kg", type=float, default=70.0)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--dose-mg-per-kg", type=float, default=None)
    g.add_argument("--dose-mg", type=float, default=None)
    p.add_argument("--over-min", type=float, default=40.0)
    p.add_argument("--until-min", type=float, default=1440.0)
    p.add_argument("--step-min", type=float, default=1.0)
    p.add_argument("--chunk", type=int, default=4096, help="subjects per vectorized block")
    p.add_argument("--check-subjects", type=int, default=0,
                   help="also validate the first K subjects against the DOP853 oracle")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    args = p.parse_args(argv)

    dose_mg = (args.dose_mg if args.dose_mg is not None
               else (0.5 if args.dose_mg_per_kg is None else args.dose_mg_per_kg) * args.weight_kg)
    regimen = Regimen(rate_mg_per_min=dose_mg / args.over_min, over_min=args.over_min)
    pop = read_subjects(pathlib.Path(args.subjects_csv))
    metrics, timing = simulate_population(pop, regimen, args.until_min, args.step_min,
                                          args.chunk)
    diffs = compare(pop, metrics)
    steps = int(round(args.until_min / args.step_min))
    result = {
        "subjects": pop.size,
        "compartments": pop.compartments,
        "grid": f"0..{args.until_min:g} min step {args.step_min:g} ({steps + 1} points)",
        "timing": timing,
        "timed": "stacked matrices + scipy.linalg.expm + time stepping + Cmax/Tmax/AUC",
        "profiles_per_second": pop.size / timing["simulate_s"],
        "differences_vs_ketaclinic": diffs,
        "max_rel_diff_cmax_auc": max(d["max_rel_diff"] for d in diffs.values()
                                     if "max_rel_diff" in d),
        "tmax_mismatches": sum(d["mismatches"] for d in diffs.values() if "mismatches" in d),
    }
    if args.check_subjects > 0:
        result["self_check_vs_dop853_max_rel_diff"] = check_against_ode(
            pop, metrics, regimen, args.until_min, args.step_min, args.check_subjects)

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"python reference: {result['subjects']} subjects, {result['compartments']}-compartment"
          f" + effect site, grid {result['grid']}")
    print(f"python reference: timed = {result['timed']}")
    print(f"python reference: expm {timing['expm_s']:.3f} s, stepping+metrics "
          f"{timing['stepping_and_metrics_s']:.3f} s, total {timing['simulate_s']:.3f} s")
    print(f"python reference: throughput {result['profiles_per_second']:.0f} "
          "subject-profiles/s (1 process)")
    for col, d in diffs.items():
        if "max_rel_diff" in d:
            print(f"  {col:28s} max rel diff {d['max_rel_diff']:.3e} (subject {d['subject']}:"
                  f" reference {d['reference']:.17g}, ketaclinic {d['ketaclinic']:.17g})")
        else:
            print(f"  {col:28s} {d['mismatches']} subjects differ"
                  + (f" (first: subject {d['first_mismatch_subject']})"
                     if d["mismatches"] else ""))
    print(f"python reference: max relative difference of Cmax/AUC vs ketaclinic: "
          f"{result['max_rel_diff_cmax_auc']:.3e}; Tmax mismatches: {result['tmax_mismatches']}")
    if "self_check_vs_dop853_max_rel_diff" in result:
        print(f"python reference: self-check on {args.check_subjects} subjects vs DOP853 oracle:"
              f" max rel diff {result['self_check_vs_dop853_max_rel_diff']:.3e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
