#!/usr/bin/env python3
"""Oracle test of ``ketaclinic simulate`` against an independent SciPy ODE solution.

Usage (this is how CTest runs it)::

    PYENV_VERSION=system python3 tests/oracle/test_simulate_oracle.py \
        --ketaclinic build/dev/src/cli/ketaclinic [--jobs 2] [--only SUBSTRING] [--keep DIR]

For every case the script writes the model/schedule JSON files it needs, runs
``ketaclinic simulate ... --format csv``, solves the same problem with ``pk_oracle.simulate_ode``
(piecewise DOP853, rtol 1e-13, restarted at every dose event and output time; parameters of the
built-in models typed in independently from docs/reference pk.md) and compares every grid
value of every column:

    pass if |cli - ref| <= 1e-9 * |ref| + 1e-12 * max(|ref| over that curve)

It also checks the CSV header, the number of rows and the time column.  One line is printed
per case (max relative error over values >= 1e-6 of the curve's peak, and the worst error as a
percentage of the allowed one), then informational lines (plasma at 40 min of the standard regimen per model), and
finally ``N passed, M failed``.  The exit status is 1 if any case failed, 2 on bad usage.

Use Debian's Python (``PYENV_VERSION=system python3``): the pyenv one has no SciPy.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import dataclasses
import io
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile
from typing import Optional

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import pk_oracle as oracle  # noqa: E402  (local module next to this file)

STANDARD_DOSE_MG_PER_KG = 0.5
STANDARD_OVER_MIN = 40.0
CLI_TIMEOUT_S = 30


@dataclasses.dataclass
class Case:
    """One simulate invocation and the matching reference problem."""

    label: str
    model: oracle.Model                    # the model the reference integrates
    schedule: oracle.Schedule              # the dosing the reference integrates
    weight_kg: float
    until_min: float = 240.0
    step_min: float = 1.0
    builtin: Optional[str] = None          # --model NAME (else --model-file with `model`)
    ke0_override: Optional[float] = None   # --ke0-per-min
    dose_args: tuple = ()                  # e.g. ("--dose-mg-per-kg", "0.5", "--over-min", "40")
    # (else --schedule with `schedule`)
    note: str = ""


@dataclasses.dataclass
class Outcome:
    label: str
    ok: bool
    message: str
    max_rel_err: float = math.nan
    plasma_at_40: Optional[tuple] = None  # (ref, cli) for the standard-regimen cases


# --------------------------------------------------------------------------------------------
# Case construction
# --------------------------------------------------------------------------------------------


def fmt(x: float) -> str:
    """A float as the shortest text that reads back as the same double."""
    return repr(float(x))


def standard_dose_args() -> tuple:
    return ("--dose-mg-per-kg", fmt(STANDARD_DOSE_MG_PER_KG), "--over-min", fmt(STANDARD_OVER_MIN))


def builtin_case(label: str, name: str, weight_kg: float, *, step: float = 1.0,
                 until: float = 240.0, ke0: Optional[float] = None, note: str = "") -> Case:
    """A built-in model with the standard regimen 0.5 mg/kg over 40 min."""
    return Case(label=label, model=oracle.builtin_model(name, weight_kg, ke0),
                schedule=oracle.Schedule.constant_infusion(STANDARD_DOSE_MG_PER_KG * weight_kg,
                                                           STANDARD_OVER_MIN),
                weight_kg=weight_kg, until_min=until, step_min=step, builtin=name,
                ke0_override=ke0, dose_args=standard_dose_args(), note=note)


def random_schedule(seed: int, until: float, step: float) -> oracle.Schedule:
    """A seeded schedule with boluses on and between grid points and overlapping infusions.

    * 2-4 boluses: one at t = 0, one on a grid point, one strictly between grid points, and
      (for odd seeds) one exactly at the last grid point ``until``;
    * 3 infusions: a long base infusion from 0, one starting inside it at a non-grid time and
      overlapping it, and a third overlapping the second that runs past ``until`` for even
      seeds.
    """
    rng = np.random.default_rng(seed)
    n_grid = int(round(until / step))
    on_grid = int(rng.integers(1, n_grid // 2)) * step
    between = (int(rng.integers(1, n_grid // 2)) + float(rng.uniform(0.1, 0.9))) * step
    boluses = [oracle.Bolus(0.0, float(rng.uniform(5, 25))),
               oracle.Bolus(on_grid, float(rng.uniform(2, 15))),
               oracle.Bolus(between, float(rng.uniform(2, 15)))]
    if seed % 2 == 1:
        boluses.append(oracle.Bolus(until, float(rng.uniform(2, 10))))
    base = oracle.Infusion(0.0, float(rng.uniform(30, 60)), float(rng.uniform(0.3, 1.5)))
    s2 = float(rng.uniform(3, base.duration_min - 5))
    second = oracle.Infusion(s2, float(rng.uniform(10, 50)), float(rng.uniform(0.1, 1.0)))
    s3 = float(rng.uniform(second.start_min + 1, second.stop_min - 1))
    d3 = (until - s3 + 17.3) if seed % 2 == 0 else float(rng.uniform(5, 40))
    third = oracle.Infusion(s3, d3, float(rng.uniform(0.05, 0.5)))
    return oracle.Schedule(boluses=tuple(boluses), infusions=(base, second, third))


def custom_three_compartment(with_metabolite: bool = True) -> oracle.Model:
    """A made-up 3-compartment model (Kamp-like) with a norketamine-like metabolite."""
    met = oracle.Metabolite(name="norketamine", fraction_formed=0.8, molar_mass_ratio=0.941,
                            volume_l=95.0, clearance_l_per_min=1.15)
    return oracle.Model(name="custom3", compartments=3, v1_l=21.5, v2_l=63.0, v3_l=171.0,
                        cl_l_per_min=1.37, q2_l_per_min=2.9, q3_l_per_min=1.21,
                        ke0_per_min=0.73, metabolite=met if with_metabolite else None)


def build_cases() -> list:
    """All cases (each one simulate run)."""
    cases = []
    # 1. Each built-in model, 70 kg, standard regimen.
    for name in oracle.BUILTIN_MODELS:
        cases.append(builtin_case(f"std_{name}_70kg", name, 70.0, note="standard regimen"))
    # 2. Other weights (tests the weight scaling rules) and a half-minute grid.
    cases += [builtin_case("domino_45kg", "domino", 45.0),
              builtin_case("clements_120kg_step0.5", "clements", 120.0, step=0.5),
              builtin_case("hijazi_45kg_step0.5", "hijazi", 45.0, step=0.5),
              builtin_case("kamp_120kg", "kamp", 120.0),
              builtin_case("herd_45kg", "herd", 45.0),
              builtin_case("herd_120kg_step0.5", "herd", 120.0, step=0.5)]
    # 3. --dose-mg and a 24-hour horizon.
    kamp = oracle.builtin_model("kamp", 70.0)
    cases.append(Case(label="kamp_dose_mg_35_1440min", model=kamp,
                      schedule=oracle.Schedule.constant_infusion(35.0, 40.0), weight_kg=70.0,
                      until_min=1440.0, builtin="kamp",
                      dose_args=("--dose-mg", "35", "--over-min", "40")))
    # 4. Random schedules (seeded): boluses on/between grid points, overlapping infusions.
    for seed, (name, step, weight) in enumerate([("domino", 0.5, 70.0), ("clements", 1.0, 82.0),
                                                 ("hijazi", 0.5, 60.0), ("kamp", 1.0, 70.0),
                                                 ("herd", 0.5, 95.0), ("domino", 1.0, 55.0)],
                                                start=1):
        until = 180.0 if step == 0.5 else 240.0
        cases.append(Case(label=f"random{seed}_{name}_step{step:g}",
                          model=oracle.builtin_model(name, weight),
                          schedule=random_schedule(seed, until, step), weight_kg=weight,
                          until_min=until, step_min=step, builtin=name))
    # Non-dyadic steps: 0.1 min (times are k * 0.1), and 0.7 min with an end time that is not
    # a multiple of the step (the last row is at --until-min itself).
    cases.append(Case(label="random9_kamp_step0.1", model=kamp,
                      schedule=random_schedule(9, 60.0, 0.1), weight_kg=70.0, until_min=60.0,
                      step_min=0.1, builtin="kamp"))
    cases.append(builtin_case("herd_step0.7_until100", "herd", 70.0, step=0.7, until=100.0))
    # 5. Custom 3-compartment model with metabolite: standard regimen and a random schedule.
    c3 = custom_three_compartment()
    cases.append(Case(label="custom3_metabolite_std", model=c3,
                      schedule=oracle.Schedule.constant_infusion(35.0, 40.0), weight_kg=70.0,
                      dose_args=standard_dose_args()))
    cases.append(Case(label="custom3_metabolite_random7_step0.5", model=c3,
                      schedule=random_schedule(7, 240.0, 0.5), weight_kg=70.0, step_min=0.5))
    # 6. Singular cases: ke0 equal to a disposition eigenvalue (computed here with numpy).
    lam_domino = oracle.builtin_model("domino", 70.0).disposition_rates()
    lam_kamp = kamp.disposition_rates()
    lam_herd = oracle.builtin_model("herd", 70.0).disposition_rates()
    cases += [builtin_case("singular_domino_ke0=lambda3", "domino", 70.0, ke0=lam_domino[2]),
              builtin_case("singular_kamp_ke0=lambda1", "kamp", 70.0, ke0=lam_kamp[0]),
              builtin_case("singular_herd_ke0=lambda2", "herd", 70.0, ke0=lam_herd[1]),
              builtin_case("near_singular_kamp_ke0=lambda2*(1+1e-7)", "kamp", 70.0,
                           ke0=lam_kamp[1] * (1 + 1e-7))]
    # Metabolite elimination rate equal to a parent eigenvalue, and ke0 equal to another one.
    lam_c3 = custom_three_compartment(False).disposition_rates()
    met = dataclasses.replace(c3.metabolite, volume_l=80.0, clearance_l_per_min=lam_c3[1] * 80.0)
    c3_sing = dataclasses.replace(c3, metabolite=met, ke0_per_min=lam_c3[2])
    cases.append(Case(label="singular_custom3_kme=lambda2_ke0=lambda3", model=c3_sing,
                      schedule=random_schedule(8, 240.0, 1.0), weight_kg=70.0))
    # --ke0-per-min on a custom model file.
    cases.append(Case(label="custom3_metabolite_ke0_override", model=c3.with_ke0(0.21),
                      schedule=oracle.Schedule.constant_infusion(35.0, 40.0), weight_kg=70.0,
                      ke0_override=0.21, dose_args=standard_dose_args()))
    # 7. One-compartment custom models (with and without metabolite, and fully resonant:
    #    ke0 = k10 = metabolite elimination rate).
    c1 = oracle.Model(name="custom1", compartments=1, v1_l=180.0, cl_l_per_min=1.3,
                      ke0_per_min=0.5)
    cases.append(Case(label="custom1_std", model=c1,
                      schedule=oracle.Schedule.constant_infusion(35.0, 40.0), weight_kg=70.0,
                      dose_args=standard_dose_args()))
    k10 = c1.cl_l_per_min / c1.v1_l
    c1_res = dataclasses.replace(
        c1, ke0_per_min=k10,
        metabolite=oracle.Metabolite("norketamine", 1.0, 0.941, 50.0, k10 * 50.0))
    cases.append(Case(label="singular_custom1_ke0=kme=k10_bolus_schedule", model=c1_res,
                      schedule=oracle.Schedule(boluses=(oracle.Bolus(0.0, 20.0),
                                                        oracle.Bolus(60.0, 10.0)),
                                               infusions=(oracle.Infusion(0.0, 40.0, 0.875),)),
                      weight_kg=70.0, step_min=0.5, until_min=300.0))
    # 8. Pure boluses on grid points (the value at a bolus instant includes the bolus).
    cases.append(Case(label="boluses_only_herd_step1", model=oracle.builtin_model("herd", 70.0),
                      schedule=oracle.Schedule(boluses=(oracle.Bolus(0.0, 35.0),
                                                        oracle.Bolus(30.0, 10.0),
                                                        oracle.Bolus(90.5, 10.0))),
                      weight_kg=70.0, builtin="herd"))
    return cases


# --------------------------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------------------------


def cli_command(binary: str, case: Case, workdir: pathlib.Path) -> list:
    """Writes the case's JSON inputs into ``workdir`` and returns the simulate command line."""
    cmd = [binary, "simulate"]
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in case.label)
    if case.builtin:
        cmd += ["--model", case.builtin]
    else:
        model = case.model if case.ke0_override is None else case.model.with_ke0(1.0)
        path = workdir / f"{safe}.model.json"
        path.write_text(json.dumps(model.to_json_dict(), indent=1))
        cmd += ["--model-file", str(path)]
    cmd += ["--weight-kg", fmt(case.weight_kg)]
    if case.dose_args:
        cmd += list(case.dose_args)
    else:
        path = workdir / f"{safe}.schedule.json"
        path.write_text(json.dumps(case.schedule.to_json_dict(), indent=1))
        cmd += ["--schedule", str(path)]
    cmd += ["--until-min", fmt(case.until_min), "--step-min", fmt(case.step_min)]
    if case.ke0_override is not None:
        cmd += ["--ke0-per-min", fmt(case.ke0_override)]
    cmd += ["--format", "csv"]
    return cmd


def parse_csv(text: str) -> tuple:
    """(header list, float array of shape (rows, cols)) from the CLI's CSV output."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if r]
    if not rows:
        raise ValueError("empty CSV output")
    header = [h.strip() for h in rows[0]]
    data = np.array([[float(v) for v in r] for r in rows[1:]], dtype=float)
    return header, data.reshape(len(rows) - 1, len(header))


def run_case(binary: str, case: Case, workdir: str) -> Outcome:
    """Runs the CLI and the reference for one case and compares them."""
    cmd = cli_command(binary, case, pathlib.Path(workdir))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Outcome(case.label, False, f"could not run the CLI: {exc}")
    if proc.returncode != 0:
        err = (proc.stderr or proc.stdout).strip().splitlines()
        return Outcome(case.label, False, f"CLI exit status {proc.returncode}: "
                       f"{err[0] if err else '(no output)'}  [{' '.join(cmd[1:])}]")
    try:
        header, data = parse_csv(proc.stdout)
    except ValueError as exc:
        return Outcome(case.label, False, f"unreadable CSV: {exc}")

    columns = case.model.output_names()
    expected_header = ["time_min"] + columns
    if header != expected_header:
        return Outcome(case.label, False, f"header {header} != expected {expected_header}")
    grid = oracle.output_grid(case.until_min, case.step_min)
    if data.shape[0] != grid.size:
        return Outcome(case.label, False, f"{data.shape[0]} rows, expected {grid.size} "
                       f"(0..{case.until_min:g} step {case.step_min:g})")
    bad_t = np.abs(data[:, 0] - grid) > 1e-12 * np.maximum(1.0, grid)
    if bad_t.any():
        k = int(np.argmax(bad_t))
        return Outcome(case.label, False, f"time column row {k}: {data[k, 0]!r} != {grid[k]!r}")

    ref = oracle.simulate_ode(case.model, case.schedule, grid)
    worst_rel, worst_ratio, failures = 0.0, 0.0, []
    for j, col in enumerate(columns, start=1):
        ok, i, ratio, rel = oracle.compare_curve(data[:, j], ref[col])
        worst_rel = max(worst_rel, rel)
        worst_ratio = max(worst_ratio, ratio)
        if not ok:
            failures.append(f"{col} at t={grid[i]:g}: expected {ref[col][i]:.17g}, "
                            f"got {data[i, j]:.17g} (rel err "
                            f"{abs(data[i, j] - ref[col][i]) / max(abs(ref[col][i]), 1e-300):.2e},"
                            f" {ratio:.3g}x the allowed error)")
    at40 = None
    if case.note == "standard regimen":
        k40 = int(np.argmin(np.abs(grid - STANDARD_OVER_MIN)))
        at40 = (float(ref["plasma_ng_per_ml"][k40]), float(data[k40, 1]))
    msg = (f"{grid.size} rows x {len(columns)} curves, max rel err {worst_rel:.2e}, "
           f"worst error {100 * worst_ratio:.3g}% of the allowed")
    if failures:
        msg += "; " + "; ".join(failures)
    return Outcome(case.label, not failures, msg, worst_rel, at40)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Oracle test of `ketaclinic simulate`.")
    p.add_argument("--ketaclinic", required=True, help="path to the ketaclinic binary")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="cases run in parallel (default: number of CPUs)")
    p.add_argument("--only", help="run only cases whose label contains this text")
    p.add_argument("--keep", help="write the JSON inputs into this directory and keep them")
    args = p.parse_args(argv)

    binary = os.path.abspath(args.ketaclinic)
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    cases = [c for c in build_cases() if not args.only or args.only in c.label]

    with tempfile.TemporaryDirectory(prefix="kc_oracle_") as tmp:
        workdir = args.keep or tmp
        os.makedirs(workdir, exist_ok=True)
        with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(pool.map(run_case, [binary] * len(cases), cases,
                                     [workdir] * len(cases)))

    width = max(len(o.label) for o in outcomes) if outcomes else 10
    for o in outcomes:
        print(f"{'PASS' if o.ok else 'FAIL'}  {o.label:{width}s}  {o.message}")
    for o in outcomes:
        if o.plasma_at_40 is not None:
            ref, got = o.plasma_at_40
            print(f"info: plasma at 40 min, 0.5 mg/kg over 40 min ({o.label}): "
                  f"reference {ref:.6f} ng/mL, ketaclinic {got:.6f} ng/mL")
    worst = max((o.max_rel_err for o in outcomes if not math.isnan(o.max_rel_err)), default=0.0)
    print(f"info: largest relative error over all compared values (|ref| >= "
          f"{oracle.SIGNIFICANT:g} x peak): {worst:.3e}")
    passed = sum(o.ok for o in outcomes)
    failed = len(outcomes) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
