#!/usr/bin/env python3
"""Independent reference solution of the KetaClinic ketamine PK models (the test oracle).

This module knows nothing about the C++ engine.  It holds

* its own table of the built-in models, typed in from docs/reference (pk.md section 1.1),
* a piecewise ODE integration of the mammillary model + effect site (+ optional
  metabolite) with ``scipy.integrate.solve_ivp(method="DOP853", rtol=1e-13)``, restarted at
  every bolus, every infusion start/stop and every output time, and
* a second, unrelated solution (matrix exponential of the augmented linear system,
  ``scipy.linalg.expm``) used only to check the oracle itself (``--self-check``).

Conventions: time in min, doses in mg, volumes in L, clearances in L/min, rates in min^-1;
concentrations are returned in ng/mL (1 mg/L = 1000 ng/mL).

State vector of the ODE (amounts in mg, effect-site concentration in mg/L)::

    x = [A1, A2, A3, Ce, Am]
    dA1/dt = R(t) - (CL + Q2 + Q3)/V1 * A1 + Q2/V2 * A2 + Q3/V3 * A3
    dA2/dt = Q2 * (A1/V1 - A2/V2)
    dA3/dt = Q3 * (A1/V1 - A3/V3)
    dCe/dt = ke0 * (A1/V1 - Ce)
    dAm/dt = fm * mmr * CL * A1/V1 - CLm/Vm * Am          (metabolite, optional)

Compartments a model does not have are dropped from the state (never integrated as zeros).

Usage as a script (prints a reference curve as CSV, same columns as ``ketaclinic simulate``)::

    PYENV_VERSION=system python3 tests/oracle/pk_oracle.py --model domino --weight-kg 70 \
        --dose-mg-per-kg 0.5 --over-min 40 [--until-min 240] [--step-min 1] [--ke0-per-min K]
    PYENV_VERSION=system python3 tests/oracle/pk_oracle.py --self-check

Always run with Debian's Python (``PYENV_VERSION=system python3``): it has SciPy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from typing import Optional, Sequence

import numpy as np
from scipy import integrate, linalg, optimize

NG_PER_ML_PER_MG_PER_L = 1000.0

# ODE tolerances of the oracle.  atol is per state component: ATOL_FACTOR * its scale.
ODE_RTOL = 1e-13
ATOL_FACTOR = 1e-14


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Metabolite:
    """Linear parent -> metabolite formation, one-compartment metabolite disposition."""

    name: str
    fraction_formed: float
    molar_mass_ratio: float
    volume_l: float
    clearance_l_per_min: float

    @property
    def elimination_per_min(self) -> float:
        return self.clearance_l_per_min / self.volume_l


@dataclasses.dataclass(frozen=True)
class Model:
    """An individualized 1-, 2- or 3-compartment model with effect site."""

    name: str
    compartments: int
    v1_l: float
    cl_l_per_min: float
    ke0_per_min: float
    v2_l: float = 0.0
    q2_l_per_min: float = 0.0
    v3_l: float = 0.0
    q3_l_per_min: float = 0.0
    metabolite: Optional[Metabolite] = None

    # ---- construction -------------------------------------------------------------------

    @staticmethod
    def from_micro(name: str, v1_l: float, k10: float, k12: float = 0.0, k21: float = 0.0,
                   k13: float = 0.0, k31: float = 0.0, *, ke0_per_min: float,
                   compartments: int) -> "Model":
        """Builds a model from V1 and micro-constants (min^-1)."""
        v2 = v1_l * k12 / k21 if compartments >= 2 else 0.0
        v3 = v1_l * k13 / k31 if compartments >= 3 else 0.0
        return Model(name=name, compartments=compartments, v1_l=v1_l, cl_l_per_min=k10 * v1_l,
                     ke0_per_min=ke0_per_min,
                     v2_l=v2, q2_l_per_min=k12 * v1_l if compartments >= 2 else 0.0,
                     v3_l=v3, q3_l_per_min=k13 * v1_l if compartments >= 3 else 0.0)

    @staticmethod
    def from_json_dict(d: dict) -> "Model":
        """Reads the custom-model JSON layout accepted by ``ketaclinic --model-file``."""
        n = int(d["compartments"])
        met = None
        if d.get("metabolite") is not None:
            m = d["metabolite"]
            met = Metabolite(name=m.get("name", "metabolite"),
                             fraction_formed=float(m["fraction_formed"]),
                             molar_mass_ratio=float(m["molar_mass_ratio"]),
                             volume_l=float(m["volume_l"]),
                             clearance_l_per_min=float(m["clearance_l_per_min"]))
        return Model(name=d.get("name", "custom"), compartments=n, v1_l=float(d["v1_l"]),
                     cl_l_per_min=float(d["cl_l_per_min"]), ke0_per_min=float(d["ke0_per_min"]),
                     v2_l=float(d.get("v2_l", 0.0)) if n >= 2 else 0.0,
                     q2_l_per_min=float(d.get("q2_l_per_min", 0.0)) if n >= 2 else 0.0,
                     v3_l=float(d.get("v3_l", 0.0)) if n >= 3 else 0.0,
                     q3_l_per_min=float(d.get("q3_l_per_min", 0.0)) if n >= 3 else 0.0,
                     metabolite=met)

    def to_json_dict(self) -> dict:
        """The custom-model JSON layout (only the fields this model uses)."""
        d = {"name": self.name, "compartments": self.compartments, "v1_l": self.v1_l,
             "cl_l_per_min": self.cl_l_per_min, "ke0_per_min": self.ke0_per_min}
        if self.compartments >= 2:
            d.update(v2_l=self.v2_l, q2_l_per_min=self.q2_l_per_min)
        if self.compartments >= 3:
            d.update(v3_l=self.v3_l, q3_l_per_min=self.q3_l_per_min)
        if self.metabolite is not None:
            m = self.metabolite
            d["metabolite"] = {"name": m.name, "fraction_formed": m.fraction_formed,
                               "molar_mass_ratio": m.molar_mass_ratio, "volume_l": m.volume_l,
                               "clearance_l_per_min": m.clearance_l_per_min}
        return d

    def with_ke0(self, ke0_per_min: float) -> "Model":
        return dataclasses.replace(self, ke0_per_min=ke0_per_min)

    # ---- linear system ------------------------------------------------------------------

    @property
    def has_metabolite(self) -> bool:
        return self.metabolite is not None

    @property
    def state_size(self) -> int:
        return self.compartments + 1 + (1 if self.has_metabolite else 0)

    @property
    def effect_index(self) -> int:
        return self.compartments

    @property
    def metabolite_index(self) -> int:
        return self.compartments + 1

    def disposition_matrix(self) -> np.ndarray:
        """d(A1..An)/dt = K @ A for the central + peripheral amounts (no input)."""
        n = self.compartments
        k = np.zeros((n, n))
        k10 = self.cl_l_per_min / self.v1_l
        k[0, 0] = -k10
        for i, (v, q) in enumerate([(self.v2_l, self.q2_l_per_min),
                                    (self.v3_l, self.q3_l_per_min)][: n - 1], start=1):
            k1i, ki1 = q / self.v1_l, q / v
            k[0, 0] -= k1i
            k[0, i] += ki1
            k[i, 0] += k1i
            k[i, i] -= ki1
        return k

    def disposition_rates(self) -> np.ndarray:
        """The positive disposition rate constants lambda_i (min^-1), descending."""
        ev = np.linalg.eigvals(self.disposition_matrix())
        return np.sort(-ev.real)[::-1]

    def system_matrix(self) -> np.ndarray:
        """dx/dt = M @ x + b * R for the full state (amounts, Ce, metabolite amount)."""
        n = self.compartments
        m = np.zeros((self.state_size, self.state_size))
        m[:n, :n] = self.disposition_matrix()
        m[self.effect_index, 0] = self.ke0_per_min / self.v1_l
        m[self.effect_index, self.effect_index] = -self.ke0_per_min
        if self.metabolite is not None:
            met = self.metabolite
            j = self.metabolite_index
            m[j, 0] = met.fraction_formed * met.molar_mass_ratio * self.cl_l_per_min / self.v1_l
            m[j, j] = -met.elimination_per_min
        return m

    def input_vector(self) -> np.ndarray:
        b = np.zeros(self.state_size)
        b[0] = 1.0
        return b

    def outputs(self, x: np.ndarray) -> dict:
        """Concentrations in ng/mL from states x of shape (state_size, ...)."""
        out = {"plasma_ng_per_ml": x[0] / self.v1_l * NG_PER_ML_PER_MG_PER_L,
               "effect_ng_per_ml": x[self.effect_index] * NG_PER_ML_PER_MG_PER_L}
        if self.metabolite is not None:
            out["metabolite_ng_per_ml"] = (x[self.metabolite_index] / self.metabolite.volume_l
                                           * NG_PER_ML_PER_MG_PER_L)
        return out

    def output_names(self) -> list:
        names = ["plasma_ng_per_ml", "effect_ng_per_ml"]
        if self.has_metabolite:
            names.append("metabolite_ng_per_ml")
        return names


BUILTIN_MODELS = ("domino", "clements", "hijazi", "kamp", "herd")
REFERENCE_WEIGHT_KG = 70.0


def builtin_model(name: str, weight_kg: float, ke0_per_min: Optional[float] = None) -> Model:
    """The built-in models, typed in from pk.md section 1.1, individualized to ``weight_kg``.

    Domino/Clements/Hijazi: V1 per kg, micro-constants fixed (everything linear in weight).
    Kamp: V and CL linear in WT/70, published in L/h (-> /60).
    Herd: V linear in WT/70, CL and Q allometric (WT/70)^0.75, CL 90 L/h, Q 215 L/h.
    """
    w = weight_kg
    s = weight_kg / REFERENCE_WEIGHT_KG
    if name == "domino":
        model = Model.from_micro("domino", 0.063 * w, k10=0.438, k12=0.592, k21=0.247,
                                 k13=0.590, k31=0.0146, ke0_per_min=math.nan, compartments=3)
        model = model.with_ke0(ke0_from_time_to_peak(model, 3.0))
    elif name == "clements":
        model = Model.from_micro("clements", 1.7522 * w, k10=0.0109, k12=0.0186, k21=0.0137,
                                 ke0_per_min=5.2, compartments=2)
    elif name == "hijazi":
        model = Model.from_micro("hijazi", 1.08 * w, k10=0.0333, k12=0.0088, k21=0.0030,
                                 ke0_per_min=4.773, compartments=2)
    elif name == "kamp":
        model = Model(name="kamp", compartments=3, v1_l=25.0 * s, v2_l=56.0 * s, v3_l=157.0 * s,
                      cl_l_per_min=84.0 / 60.0 * s, q2_l_per_min=161.0 / 60.0 * s,
                      q3_l_per_min=79.0 / 60.0 * s, ke0_per_min=2.791)
    elif name == "herd":
        a = s ** 0.75
        model = Model(name="herd", compartments=2, v1_l=38.7 * s, v2_l=102.0 * s,
                      cl_l_per_min=90.0 / 60.0 * a, q2_l_per_min=215.0 / 60.0 * a,
                      ke0_per_min=math.log(2.0) / (11.0 / 60.0))
    else:
        raise ValueError(f"unknown built-in model {name!r}")
    if ke0_per_min is not None:
        model = model.with_ke0(ke0_per_min)
    return model


def _bolus_time_to_peak(model: Model) -> float:
    """Time (min) of the effect-site maximum after an IV bolus, found as the root of Cp - Ce.

    Cp and Ce after a unit bolus are evaluated with the matrix exponential of the system.
    Before the peak Cp > Ce (Ce rising), after it Ce > Cp.
    """
    m = model.system_matrix()
    x0 = np.zeros(model.state_size)
    x0[0] = 1.0

    def cp_minus_ce(t: float) -> float:
        x = linalg.expm(m * t) @ x0
        return x[0] / model.v1_l - x[model.effect_index]

    return optimize.brentq(cp_minus_ce, 1e-6, 600.0, xtol=1e-15, rtol=4 * np.finfo(float).eps,
                           maxiter=500)


def ke0_from_time_to_peak(model: Model, tpeak_min: float) -> float:
    """ke0 (min^-1) such that the effect-site peak after a bolus is at ``tpeak_min`` (brentq).

    The time to peak decreases monotonically with ke0, so the root is bracketed by a small and
    a large ke0.  The result is independent of weight (micro-constants are weight-free).
    """

    def err(ke0: float) -> float:
        return _bolus_time_to_peak(model.with_ke0(ke0)) - tpeak_min

    return optimize.brentq(err, 1e-3, 50.0, xtol=1e-16, rtol=4 * np.finfo(float).eps,
                           maxiter=500)


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Bolus:
    at_min: float
    dose_mg: float


@dataclasses.dataclass(frozen=True)
class Infusion:
    start_min: float
    duration_min: float
    rate_mg_per_min: float

    @property
    def stop_min(self) -> float:
        return self.start_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class Schedule:
    boluses: tuple = ()
    infusions: tuple = ()

    @staticmethod
    def constant_infusion(dose_mg: float, over_min: float) -> "Schedule":
        return Schedule(infusions=(Infusion(0.0, over_min, dose_mg / over_min),))

    def to_json_dict(self) -> dict:
        events = [{"type": "bolus", "at_min": b.at_min, "dose_mg": b.dose_mg}
                  for b in self.boluses]
        events += [{"type": "infusion", "start_min": i.start_min,
                    "duration_min": i.duration_min, "rate_mg_per_min": i.rate_mg_per_min}
                   for i in self.infusions]
        return {"events": events}

    @staticmethod
    def from_json_dict(d: dict) -> "Schedule":
        boluses, infusions = [], []
        for e in d["events"]:
            if e["type"] == "bolus":
                boluses.append(Bolus(float(e["at_min"]), float(e["dose_mg"])))
            elif e["type"] == "infusion":
                infusions.append(Infusion(float(e["start_min"]), float(e["duration_min"]),
                                          float(e["rate_mg_per_min"])))
            else:
                raise ValueError(f"unknown event type {e['type']!r}")
        return Schedule(tuple(boluses), tuple(infusions))

    def total_dose_mg(self) -> float:
        return (sum(b.dose_mg for b in self.boluses)
                + sum(i.rate_mg_per_min * i.duration_min for i in self.infusions))

    def rate_on(self, a: float, b: float) -> float:
        """Total infusion rate on the open interval (a, b), which must not contain a change."""
        mid = 0.5 * (a + b)
        return sum(i.rate_mg_per_min for i in self.infusions if i.start_min <= mid < i.stop_min)

    def bolus_at(self, t: float) -> float:
        return sum(b.dose_mg for b in self.boluses if b.at_min == t)

    def breakpoints(self, until_min: float) -> list:
        """Sorted times in [0, until] where the input changes, including 0 and until."""
        pts = {0.0, until_min}
        pts.update(b.at_min for b in self.boluses)
        for i in self.infusions:
            pts.update((i.start_min, i.stop_min))
        return sorted(t for t in pts if 0.0 <= t <= until_min)


def output_grid(until_min: float, step_min: float) -> np.ndarray:
    """Grid 0, step, 2*step, ... (as k * step) up to ``until``, which is always the last time.

    When ``until`` is not a multiple of the step it is appended after the last k * step.
    """
    n = int(math.floor(until_min / step_min + 1e-9))
    grid = np.arange(n + 1) * step_min
    if until_min - grid[-1] > 1e-9 * step_min:
        grid = np.append(grid, until_min)
    else:
        grid[-1] = until_min
    return grid


# --------------------------------------------------------------------------------------------
# Reference solution 1: piecewise DOP853 integration (the oracle)
# --------------------------------------------------------------------------------------------


def _atol(model: Model, schedule: Schedule) -> np.ndarray:
    """Absolute tolerance per state: ATOL_FACTOR x a natural scale of that component."""
    dose = max(schedule.total_dose_mg(), 1e-300)
    scale = np.full(model.state_size, dose)  # amounts (mg)
    scale[model.effect_index] = dose / model.v1_l  # Ce in mg/L
    return ATOL_FACTOR * scale


def simulate_ode(model: Model, schedule: Schedule, times: np.ndarray) -> dict:
    """Concentrations (ng/mL) at ``times`` by piecewise DOP853 integration.

    The integration is restarted at every breakpoint (bolus, infusion start or stop) AND at
    every output time, so each output value is an integrator end point under error control.
    (Evaluating the grid with DOP853's dense output instead, i.e. ``t_eval``, was measured to
    be only ~1e-7 accurate for these models: its interpolant is much less accurate than its
    steps when the steps are long.)  A time equal to a bolus gets the state after that bolus.
    """
    times = np.asarray(times, dtype=float)
    until = float(times[-1])
    m = model.system_matrix()
    b = model.input_vector()
    atol = _atol(model, schedule)
    cuts = sorted(set(schedule.breakpoints(until)) | set(times.tolist()))
    x = np.zeros(model.state_size)
    states = np.full((model.state_size, times.size), np.nan)
    for j, a in enumerate(cuts):
        x[0] += schedule.bolus_at(a)
        states[:, times == a] = x[:, None]
        if j + 1 == len(cuts):
            break
        end = cuts[j + 1]
        rate = schedule.rate_on(a, end)
        sol = integrate.solve_ivp(lambda _t, y, r=rate: m @ y + b * r, (a, end), x,
                                  method="DOP853", rtol=ODE_RTOL, atol=atol)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed on [{a}, {end}]: {sol.message}")
        x = sol.y[:, -1].copy()
    if np.isnan(states).any():
        raise RuntimeError("internal error: an output time was not reached")
    return model.outputs(states)


# --------------------------------------------------------------------------------------------
# Reference solution 2: matrix exponential (only to check the oracle itself)
# --------------------------------------------------------------------------------------------


def simulate_expm(model: Model, schedule: Schedule, times: np.ndarray) -> dict:
    """Same as ``simulate_ode`` but with exact propagation by the augmented matrix exponential.

    For a constant rate R over h, [x; R](t+h) = expm([[M, b], [0, 0]] h) [x; R](t).
    """
    times = np.asarray(times, dtype=float)
    until = float(times[-1])
    n = model.state_size
    aug = np.zeros((n + 1, n + 1))
    aug[:n, :n] = model.system_matrix()
    aug[:n, n] = model.input_vector()
    cuts = sorted(set(schedule.breakpoints(until)) | set(times.tolist()))
    x = np.zeros(n + 1)
    states = np.full((n, times.size), np.nan)
    for j, a in enumerate(cuts):
        x[0] += schedule.bolus_at(a)
        states[:, times == a] = x[:n, None]
        if j + 1 < len(cuts):
            x[n] = schedule.rate_on(a, cuts[j + 1])
            x = linalg.expm(aug * (cuts[j + 1] - a)) @ x
    return model.outputs(states)


# --------------------------------------------------------------------------------------------
# Comparison helper
# --------------------------------------------------------------------------------------------

REL_TOL = 1e-9
PEAK_FLOOR = 1e-12  # absolute floor, as a fraction of the curve's peak |value|
SIGNIFICANT = 1e-6  # relative errors are reported for |ref| >= this fraction of the peak


def compare_curve(got: np.ndarray, ref: np.ndarray, rel_tol: float = REL_TOL,
                  peak_floor: float = PEAK_FLOOR) -> tuple:
    """Checks |got - ref| <= rel_tol*|ref| + peak_floor*max|ref| pointwise.

    Returns (ok, worst_index, worst_ratio, max_rel_error) where worst_ratio is the largest
    |got - ref| / allowed (<= 1 passes) and max_rel_error the largest |got - ref| / |ref| over
    the values with |ref| >= SIGNIFICANT * peak (values near zero are judged by the floor only,
    a relative error is meaningless there).
    """
    got = np.asarray(got, dtype=float)
    ref = np.asarray(ref, dtype=float)
    peak = float(np.max(np.abs(ref))) if ref.size else 0.0
    floor = peak_floor * peak
    allowed = rel_tol * np.abs(ref) + floor
    diff = np.abs(got - ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(allowed > 0, diff / allowed, np.where(diff > 0, np.inf, 0.0))
        significant = np.abs(ref) >= SIGNIFICANT * peak
        rel = np.where(significant & (np.abs(ref) > 0), diff / np.abs(ref), 0.0)
    ratio = np.where(np.isfinite(got), ratio, np.inf)
    worst = int(np.argmax(ratio))
    return (bool(np.all(ratio <= 1.0)), worst, float(ratio[worst]),
            float(np.max(rel)) if rel.size else 0.0)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _self_check() -> int:
    """Compares the DOP853 oracle with the matrix-exponential solution on a few hard cases."""
    cases = []
    for name in BUILTIN_MODELS:
        cases.append((name, builtin_model(name, 70.0), Schedule.constant_infusion(35.0, 40.0),
                      output_grid(240.0, 1.0)))
    met = Metabolite("norketamine", 1.0, 0.941, 80.0, 1.1)
    custom = Model(name="c3m", compartments=3, v1_l=20.0, v2_l=60.0, v3_l=150.0,
                   cl_l_per_min=1.3, q2_l_per_min=2.5, q3_l_per_min=1.2, ke0_per_min=0.9,
                   metabolite=met)
    sched = Schedule(boluses=(Bolus(0.0, 10.0), Bolus(13.25, 5.0), Bolus(30.0, 2.0)),
                     infusions=(Infusion(0.0, 40.0, 0.5), Infusion(10.3, 25.7, 0.25)))
    cases.append(("custom+metabolite", custom, sched, output_grid(240.0, 0.5)))
    lam = custom.disposition_rates()
    cases.append(("ke0=lambda2", custom.with_ke0(lam[1]), sched, output_grid(240.0, 0.5)))
    worst_all = 0.0
    for label, model, schedule, grid in cases:
        ode = simulate_ode(model, schedule, grid)
        ex = simulate_expm(model, schedule, grid)
        for col in model.output_names():
            ok, i, ratio, rel = compare_curve(ode[col], ex[col], rel_tol=1e-11, peak_floor=1e-14)
            worst_all = max(worst_all, rel)
            print(f"{'ok ' if ok else 'BAD'} {label:20s} {col:22s} max rel diff {rel:.2e}"
                  f" (worst at t={grid[i]:g}, ratio to 1e-11 budget {ratio:.2f})")
    print(f"largest relative difference DOP853 vs expm: {worst_all:.2e}")
    return 0 if worst_all < 1e-10 else 1


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--self-check", action="store_true",
                   help="compare the DOP853 oracle with a matrix-exponential solution")
    p.add_argument("--model", choices=BUILTIN_MODELS)
    p.add_argument("--model-file")
    p.add_argument("--weight-kg", type=float, default=70.0)
    p.add_argument("--dose-mg-per-kg", type=float)
    p.add_argument("--dose-mg", type=float)
    p.add_argument("--over-min", type=float)
    p.add_argument("--schedule")
    p.add_argument("--until-min", type=float, default=240.0)
    p.add_argument("--step-min", type=float, default=1.0)
    p.add_argument("--ke0-per-min", type=float)
    args = p.parse_args(argv)
    if args.self_check:
        return _self_check()
    if args.model:
        model = builtin_model(args.model, args.weight_kg, args.ke0_per_min)
    elif args.model_file:
        with open(args.model_file, encoding="utf-8") as f:
            model = Model.from_json_dict(json.load(f))
        if args.ke0_per_min is not None:
            model = model.with_ke0(args.ke0_per_min)
    else:
        p.error("--model or --model-file is required")
    if args.schedule:
        with open(args.schedule, encoding="utf-8") as f:
            schedule = Schedule.from_json_dict(json.load(f))
    elif args.dose_mg_per_kg is not None and args.over_min:
        schedule = Schedule.constant_infusion(args.dose_mg_per_kg * args.weight_kg, args.over_min)
    elif args.dose_mg is not None and args.over_min:
        schedule = Schedule.constant_infusion(args.dose_mg, args.over_min)
    else:
        p.error("give --schedule or a dose with --over-min")
    grid = output_grid(args.until_min, args.step_min)
    out = simulate_ode(model, schedule, grid)
    cols = model.output_names()
    print(",".join(["time_min"] + cols))
    for k, t in enumerate(grid):
        print(",".join([f"{t:.17g}"] + [f"{out[c][k]:.17g}" for c in cols]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
