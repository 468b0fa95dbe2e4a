"""The parts of the rates study: each a declared set of cells with its parameters, tables and figures.

A :class:`Part` computes rows for one or more tables (rows of a table several parts share, such as the
Table 1 table ``rates``, are concatenated in part order) and draws its figures from the tables. The
study (:mod:`experiments.rates.study`) runs the parts selected by ``--set parts=...``, in the order of
:data:`PARTS`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from heavytail_sim.study import ConfigError, DictOf, Float, Int, ListOf, Param, Str, Table, array_bytes

from . import figures as F
from .cells import LB_METHODS
from .config import DIMS, MIN_WINDOW_POINTS, NC_DIM, RUNS_BOOST, checkpoint_count, horizons, points_in_window
from .fitting import (NC_SETTING, constants_tables, expectation_tables, log, long_tables, lower_bound_tables,
                      nc_expectation_tables, nonconvex_tables, s001_tables, sample_sizes, sc_setting, spur_tables,
                      strongly_convex_tables)


@dataclass(frozen=True)
class Part:
    """One part of the rates study.

    Parameters
    ----------
    name : str
        Its name in ``--set parts=...``.
    help : str
        One line for the study's help.
    compute : callable
        ``compute(runner, config, noises) -> {table name: list of row dicts}``; ``noises`` are the selected
        (kind, a) pairs.
    draw : callable
        ``draw(tables, config, noises) -> {figure name: Figure}`` from the tables (as read back from CSV).
    tables : tuple of Table
        The tables it contributes rows to.
    figures : tuple of str
        The figures it draws.
    params, presets : dict
        Its own parameters (:class:`heavytail_sim.study.Param`) and their quick/full values; parts may share
        a parameter by declaring the same one.
    check : callable, optional
        ``check(config)``: raises :class:`heavytail_sim.study.ConfigError` when the part cannot run with it.
    memory : callable, optional
        ``memory(config) -> {param: bytes}``, the peak memory of its largest cell.
    """

    name: str
    help: str
    compute: Callable
    draw: Callable
    tables: tuple
    figures: tuple
    params: Mapping = field(default_factory=dict)
    presets: Mapping = field(default_factory=lambda: {"quick": {}, "full": {}})
    check: Callable | None = None
    memory: Callable | None = None


# ------------------------------------------------------------------------------- tables several parts share
RATES_COLUMNS = ["setting", "algorithm", "noise", "a", "statistic", "fitted", "ci_low", "ci_high", "theory",
                 "difference", "verdict", "theory_in_ci", "tol", "theory_source", "window", "horizon", "runs",
                 "schedule_alpha", "c", "model_exponent", "sim_seconds", "note"]


def rates_header(frame, cfg: dict, info: dict) -> str:
    """Text above the Table 1 markdown table: command, times, verdict rule, fit window, CI."""
    shared = frame.note.map(lambda v: isinstance(v, str) and v.startswith("d=1: identical"))  # runs counted once
    first = frame[(frame.statistic == "mean") & ~shared.astype(bool)]
    engine_min = float(first.sim_seconds.sum()) / 60
    mode, tol = info["mode"], cfg["tol"]
    return (f"# Table 1 of seed 000, measured ({mode} mode)\n\nCommand: `{info['command']}`; this invocation took "
            f"{info['wall'] / 60:.1f} min; the engine's simulation time of the Table 1 cells was {engine_min:.1f} min "
            "(2 cores, shared).\n\n"
            f"Verdict rule (fixed before the run): a cell agrees when |fitted - theory| <= {tol:g} "
            f"({'full' if mode == 'full' else 'quick: looser, horizons are 10^4 and CIs wide'}); "
            "for the non-convex O(.) bounds a faster decay is reported as 'faster (bound holds)'. "
            "Fit window: the last "
            f"{cfg['decades']:g} decades of the horizon (non-convex: of the horizons), least squares of log error "
            "on log k; CI: 95% percentile bootstrap over runs (whole runs resampled at every checkpoint; "
            "per horizon for the non-convex cells).\n\n")


RATES = Table("rates", header=rates_header)
"""Table 1: one row per cell and statistic (mean, median) with the fitted exponent, CI, theory and verdict."""
CURVES = Table("curves", markdown=False)
"""Mean and median error over runs at every checkpoint (horizon) of every Table 1 cell."""
LOCAL_SLOPES = Table("local_slopes", markdown=False)
"""Local slopes of the mean error with 95% bootstrap bands."""
TABLE1 = (RATES, CURVES, LOCAL_SLOPES)


def _logged(message: str, tables):
    """A part's compute: log ``message``, then ``tables(runner, cfg)`` (these parts fix their own cells)."""
    def compute(runner, cfg, noises):
        log(message)
        return tables(runner, cfg)
    return compute


def _horizon_check(key: str, per: str, what: str = "horizons"):
    """The check of a part whose horizons K are ``key`` (smallest, largest) with ``per`` per decade: enough of
    them in the fit window."""
    def check(cfg):
        ks = horizons({"nc_k": cfg[key], "nc_per_decade": cfg[per]})
        if points_in_window(ks, cfg["decades"]) < MIN_WINDOW_POINTS:
            raise ConfigError(key, f"the {what} {tuple(int(k) for k in ks)} hold fewer than {MIN_WINDOW_POINTS} in "
                                   f"the fit window (last {cfg['decades']:g} decades); widen {key} or raise {per}")
    return check


HORIZONS = ListOf(Float(1.0, 2.0 ** 53), min_len=2, max_len=2, increasing=True)
"""The kind of a (smallest, largest) pair of horizons K."""


# ------------------------------------------------------------------------------------ strongly convex (d)
SC_PARAMS = {
    "sc_steps": Param(DictOf(Int(), Int(10, 2 ** 53), keys=DIMS), "strongly convex horizon K per dimension"),
    "sc_runs": Param(DictOf(Int(), Int(2, 10 ** 9), keys=DIMS),
                     f"GClip/CClip runs per strongly convex cell per dimension (x{RUNS_BOOST:g} where c = 10)"),
    "sgd_runs": Param(DictOf(Int(), Int(2, 10 ** 9), keys=DIMS), "SGD runs per heavy-tailed strongly convex cell"),
    "gauss_sgd_runs": Param(DictOf(Int(), Int(2, 10 ** 9), keys=DIMS), "SGD runs per Gaussian strongly convex cell"),
}
SC_PRESETS = {
    "quick": {"sc_steps": {1: 10 ** 4, 10: 10 ** 4}, "sc_runs": {1: 400, 10: 60}, "sgd_runs": {1: 100, 10: 30},
              "gauss_sgd_runs": {1: 400, 10: 60}},
    "full": {"sc_steps": {1: 10 ** 6, 10: 10 ** 5}, "sc_runs": {1: 1000, 10: 200}, "sgd_runs": {1: 100, 10: 60},
             "gauss_sgd_runs": {1: 1000, 10: 200}},
}


def strongly_convex_part(d: int) -> Part:
    """Table 1's strongly convex cells on the quadratic in dimension ``d``."""
    setting = sc_setting(d)

    def compute(runner, cfg, noises):
        log(f"rates: strongly convex cells, d = {d}")
        return strongly_convex_tables(runner, cfg, d, noises)

    def draw(tables, cfg, noises):
        algs = ("gclip", "sgd") if d == 1 else ("gclip", "cclip", "sgd")
        curves = F.figure_curves(
            tables["curves"], noises, setting, algs,
            f"Strongly convex, quadratic d={d}: mean error of GClip/CClip (SGD: median under heavy "
            f"tails){'; CClip = GClip in d=1' if d == 1 else ''}", "iteration k", "f(x_bar_k) - f*", F.sc_theory,
            cfg["decades"])
        slopes = F.figure_local_slopes(
            tables["local_slopes"], noises, setting, ("gclip",) if d == 1 else ("gclip", "cclip"),
            f"Local slopes (half-decade windows) of the mean error, strongly convex d={d}, 95% bootstrap bands",
            "iteration k (window centre)", F.sc_theory, F.sc_model(d, cfg["sc_steps"][d]))
        return {f"sc_d{d}": curves, f"sc_local_slopes_d{d}": slopes}

    def check(cfg):
        from heavytail_sim.engine import log_checkpoints

        steps, dec = cfg["sc_steps"][d], cfg["decades"]
        if steps < 10 ** dec or points_in_window(log_checkpoints(steps, cfg["per_decade"]), dec) < MIN_WINDOW_POINTS:
            raise ConfigError("sc_steps", f"the fit window (last {dec:g} decades) of the d={d} horizon {steps} must "
                                          f"lie in [1, K] and hold {MIN_WINDOW_POINTS} checkpoints (raise "
                                          f"sc_steps[{d}] or per_decade, or lower decades)")

    def memory(cfg):
        runs = max(cfg["sc_runs"][d] * RUNS_BOOST, cfg["sgd_runs"][d], cfg["gauss_sgd_runs"][d])
        per_run = 5 * checkpoint_count(cfg["sc_steps"][d], cfg["per_decade"]) + 8 * d + cfg["n_boot"] + 20
        return {"sc_runs": array_bytes(runs, per_run)}

    return Part(f"sc{d}", f"strongly convex quadratic, d = {d}: GClip (Thm 1), CClip (Thm 3), SGD", compute, draw,
                TABLE1, (f"sc_d{d}", f"sc_local_slopes_d{d}"), SC_PARAMS, SC_PRESETS, check, memory)


# ----------------------------------------------------------------------------------------------- non-convex
NC_PARAMS = {
    "nc_k": Param(HORIZONS, "non-convex horizons K: (smallest, largest)"),
    "nc_per_decade": Param(Int(1, 100), "non-convex horizons per decade"),
    "nc_runs": Param(Int(2, 10 ** 9), "runs per non-convex horizon"),
}
NC_PRESETS = {"quick": {"nc_k": (10 ** 1.5, 10 ** 3.5), "nc_per_decade": 2, "nc_runs": 60},
              "full": {"nc_k": (10 ** 2, 10 ** 5), "nc_per_decade": 3, "nc_runs": 50}}


def _nc_model_fn(model_curves):
    """(alg, kind, a) -> the transient model's local slopes over the nc horizons, from ``nc_model_curves``."""
    def model(alg, kind, a):
        if model_curves is None or alg == "sgd":
            return None
        m = F.cell_rows(model_curves, NC_SETTING, alg, kind, a)
        m = m[m.span == "nc"].dropna(subset=["model_local_slope"]).sort_values("K")
        return (m.K.to_numpy(), m.model_local_slope.to_numpy()) if len(m) else None
    return model


def _nc_draw(tables, cfg, noises):
    curves = F.figure_curves(tables["curves"], noises, NC_SETTING, ("gclip", "cclip", "sgd"),
                             f"Non-convex ripple d={NC_DIM}: (1/K) sum E||grad f||^2 against the horizon K "
                             "(Thm 2 schedule per K)", "horizon K", "mean squared gradient norm", F.nc_theory,
                             cfg["decades"], sgd_median=False)
    slopes = F.figure_local_slopes(tables["local_slopes"], noises, NC_SETTING, ("gclip", "cclip"),
                                   f"Local slopes (one-decade windows) in K, non-convex ripple d={NC_DIM}, "
                                   "95% bootstrap bands", "horizon K (window centre)", F.nc_theory,
                                   _nc_model_fn(tables.get("nc_model_curves")), ylim=(-0.8, 0.0),
                                   model_label="transient model of Thm 2's schedule")
    return {"nc": curves, "nc_local_slopes": slopes}


def _nc_compute(runner, cfg, noises):
    log("rates: non-convex cells")
    return nonconvex_tables(runner, cfg, noises)


NC_MODEL = (Table("nc_model", header=lambda *_: "# The transient model of Thm 2's schedule against the non-convex "
                                                 "cells (heavytail_sim.nonconvex_model)\n\n"),
            Table("nc_model_curves", markdown=False))
NONCONVEX = Part("nc", f"non-convex ripple d = {NC_DIM}: GClip (Thm 2), CClip, SGD; error in the horizon K",
                 _nc_compute, _nc_draw, TABLE1 + NC_MODEL, ("nc", "nc_local_slopes"), NC_PARAMS, NC_PRESETS,
                 _horizon_check("nc_k", "nc_per_decade", "non-convex horizons"),
                 lambda cfg: {"nc_runs": array_bytes(cfg["nc_runs"], 8 * NC_DIM + cfg["n_boot"] + 20)})


# ----------------------------------------------------------------------------------- SGD in expectation
EXP_PARAMS = {
    "exp_runs": Param(Int(2, 10 ** 10), "runs of the SGD-in-expectation cells"),
    "exp_groups": Param(Int(2, 10 ** 6), "disjoint groups the expectation runs are split into"),
    "exp_k": Param(Int(1, 2 ** 53), "step k at which f(x_k) - f* is sampled"),
}
EXP_PRESETS = {"quick": {"exp_runs": 20_000, "exp_groups": 40, "exp_k": 100},
               "full": {"exp_runs": 400_000, "exp_groups": 100, "exp_k": 100}}


def _expectation_check(prefix: str):
    """The check of an expectation part whose parameters are ``<prefix>_runs`` and ``<prefix>_groups``:
    enough group sizes in the fit window."""
    def check(cfg):
        runs, groups = f"{prefix}_runs", f"{prefix}_groups"
        m = cfg[runs] // cfg[groups]
        if m < 2 or points_in_window(sample_sizes(m), cfg["decades"]) < MIN_WINDOW_POINTS:
            raise ConfigError(runs, f"{runs} // {groups} = {m} runs per group leave fewer than "
                                    f"{MIN_WINDOW_POINTS} group sizes in the fit window (last {cfg['decades']:g} "
                                    f"decades); raise {runs} or lower {groups}")
    return check


def _exp_draw(tables, cfg, noises):
    return {"sgd_expectation": F.figure_expectation(tables["sgd_expectation_curves"], tables.get("curves"),
                                                    cfg["exp_k"], sc_setting(1))}


EXPECTATION = Part(
    "exp", "SGD fails in expectation (seed 000 App A): sample means over n runs, SGD vs GClip",
    _logged("rates: SGD in expectation", expectation_tables), _exp_draw,
    (Table("sgd_expectation", header=lambda *_: "# SGD in expectation (seed 000 App A)\n\n"),
     Table("sgd_expectation_curves", markdown=False)),
    ("sgd_expectation",), EXP_PARAMS, EXP_PRESETS, _expectation_check("exp"),
    lambda cfg: {"exp_runs": array_bytes(cfg["exp_runs"], 24)})


# ------------------------------------------------------------------------------------ Thm 1's constants
CONST_PARAMS = {
    "const_steps": Param(Int(10, 2 ** 53), "horizon of the Thm 1 constants cells"),
    "const_runs": Param(Int(2, 10 ** 9), "runs of the Thm 1 constants cells"),
}
CONST_PRESETS = {"quick": {"const_steps": 10 ** 4, "const_runs": 200},
                 "full": {"const_steps": 10 ** 5, "const_runs": 500}}


CONSTANTS = Part(
    "const", "Thm 1 with its exact constants: projected GClip against 16 G^2/(mu (k+1)^(2(p-1)/p))",
    _logged("rates: Thm 1 constants", constants_tables),
    lambda tables, cfg, noises: {"theorem1_constants": F.figure_constants(tables["theorem1_constants_curves"])},
    (Table("theorem1_constants",
           header=lambda *_: "# Thm 1 with exact constants (projected GClip, ball radius 2)\n\n"),
     Table("theorem1_constants_curves", markdown=False)),
    ("theorem1_constants",), CONST_PARAMS, CONST_PRESETS, None,
    lambda cfg: {"const_runs": array_bytes(cfg["const_runs"],
                                           5 * checkpoint_count(cfg["const_steps"], cfg["per_decade"])
                                           + cfg["n_boot"] + 20)})


# ------------------------------------------------------------------- the non-convex lower bound (chain)
LB_PARAMS = {
    "lb_alphas": Param(ListOf(Float(1.0, 2.0, lo_open=True), unique=True, increasing=True),
                       "moment orders alpha of the lower-bound instances (2: standard noise)"),
    "lb_methods": Param(ListOf(Str(LB_METHODS), unique=True), "zero-respecting methods run on the chain"),
    "lb_T": Param(Int(2, 10 ** 4), "length T of the shortest chain of each alpha"),
    "lb_p": Param(Float(0.0, 1.0, lo_open=True, hi_open=True), "the oracle's p on the shortest chain (sets sigma)"),
    "lb_decades": Param(Float(0.3, 4.0), "span of the instances' query budgets K, in decades"),
    "lb_instances": Param(Int(2, 50), "chain lengths (instances) per alpha"),
    "lb_runs": Param(Int(2, 10 ** 9), "runs per method and instance"),
    "lb_hit_runs": Param(Int(10, 10 ** 9), "runs of the hitting-time law (shortest chain)"),
    "lb_hit_factor": Param(Float(1.0, 100.0), "horizon of the hitting-time runs, in negative-binomial means T/p"),
    "lb_tune": Param(ListOf(Float(0.0, 10.0 ** 6, lo_open=True), unique=True),
                     "multipliers of GClip's Thm 2 step tried besides 1 (the sandwich's tuned GClip)"),
}
LB_PRESETS = {"quick": {"lb_alphas": (1.2, 1.4, 1.6, 1.8, 2.0), "lb_methods": LB_METHODS, "lb_T": 8, "lb_p": 0.03,
                        "lb_decades": 1.0, "lb_instances": 3, "lb_runs": 40, "lb_hit_runs": 300, "lb_hit_factor": 3.0,
                        "lb_tune": (0.1, 10.0, 100.0)},
              "full": {"lb_alphas": (1.2, 1.4, 1.6, 1.8, 2.0), "lb_methods": LB_METHODS, "lb_T": 8, "lb_p": 0.03,
                       "lb_decades": 2.0, "lb_instances": 6, "lb_runs": 100, "lb_hit_runs": 1000, "lb_hit_factor": 3.0,
                       "lb_tune": (0.1, 10.0, 100.0)}}


def _lb_memory(cfg):
    # the longest chain has T <= lb_T 10^(lb_decades/2) (the budget grows at least like T^2) times a margin; the
    # hitting runs keep 9 metrics at every step up to lb_hit_factor T/p
    T = cfg["lb_T"] * 10 ** (cfg["lb_decades"] / 2) * 2
    steps = cfg["lb_hit_factor"] * cfg["lb_T"] / cfg["lb_p"]
    return {"lb_runs": array_bytes(cfg["lb_runs"], 8 * 8 * T + 9 * 60 + cfg["n_boot"] + 20),
            "lb_hit_runs": array_bytes(cfg["lb_hit_runs"], 8 * 8 * cfg["lb_T"] + 9 * steps + 20)}


def _lb_draw(tables, cfg, noises):
    return {"nc_lower_bound": F.figure_lower_bound(tables["nc_lower_bound"], tables["nc_lower_bound_sandwich"],
                                                    tables["nc_lower_bound_hitting"], tables["nc_lower_bound_law"])}


LOWER_BOUND = Part(
    "lb", "non-convex lower bound (seed 001 Thm 6) on the chain: every method, hitting times, exponent, sandwich",
    _logged("rates: non-convex lower bound (chain)", lower_bound_tables),
    _lb_draw,
    (RATES, CURVES, Table("nc_lower_bound", header=lambda *_: "# Seed 001 Thm 6 simulated: every method on every chain "
                                                      "instance, at its budget K\n\n"),
     Table("nc_lower_bound_law", header=lambda *_: "# The progress law on the shortest chain: hitting times against "
                                                   "NB(T, p), support <= reveals, reveals ~ Binomial\n\n"),
     Table("nc_lower_bound_sandwich", header=lambda *_: "# The sandwich: Thm 6's lower bound <= GClip's measured error "
                                                        "<= seed 000 Thm 2's bound, on the same instances\n\n"),
     Table("nc_lower_bound_hitting", markdown=False)),
    ("nc_lower_bound",), LB_PARAMS, LB_PRESETS, None, _lb_memory)


# --------------------------------------------------------------- SGD in expectation, non-convex (N/A)
NCEXP_PARAMS = {
    "ncexp_runs": Param(Int(2, 10 ** 10), "runs of the non-convex SGD-in-expectation cells"),
    "ncexp_groups": Param(Int(2, 10 ** 6), "disjoint groups those runs are split into"),
    "ncexp_k": Param(Int(1, 2 ** 53), "horizon K of the non-convex expectation cells"),
}
NCEXP_PRESETS = {"quick": {"ncexp_runs": 20_000, "ncexp_groups": 40, "ncexp_k": 100},
                 "full": {"ncexp_runs": 400_000, "ncexp_groups": 100, "ncexp_k": 100}}


NC_EXPECTATION = Part(
    "ncexp", "SGD in expectation on the non-convex ripple (Table 1's N/A cell): sample means over n runs",
    _logged("rates: non-convex SGD in expectation", nc_expectation_tables),
    lambda tables, cfg, noises: {"nc_sgd_expectation": F.figure_nc_expectation(tables["nc_sgd_expectation_curves"],
                                                                               cfg["ncexp_k"])},
    (RATES, Table("nc_sgd_expectation", header=lambda *_: "# SGD in expectation, non-convex (Table 1: N/A)\n\n"),
     Table("nc_sgd_expectation_curves", markdown=False)),
    ("nc_sgd_expectation",), NCEXP_PARAMS, NCEXP_PRESETS, _expectation_check("ncexp"),
    lambda cfg: {"ncexp_runs": array_bytes(cfg["ncexp_runs"], 8 * NC_DIM * 6 + 24)})


# ---------------------------------------------------------- Thm 2's constants on a non-benign ripple
SPUR_PARAMS = {
    "spur_k": Param(HORIZONS, "horizons K of the non-benign ripple cells: (smallest, largest)"),
    "spur_per_decade": Param(Int(1, 100), "non-benign ripple horizons per decade"),
    "spur_runs": Param(Int(2, 10 ** 9), "runs per non-benign ripple horizon"),
}
SPUR_PRESETS = {"quick": {"spur_k": (10 ** 1.5, 10 ** 3.5), "spur_per_decade": 2, "spur_runs": 30},
                "full": {"spur_k": (10 ** 2, 10 ** 5), "spur_per_decade": 3, "spur_runs": 50}}
SPURIOUS = Part(
    "ncspur", "Thm 2 (GClip) and Thm 5 (CClip) with exact constants on ripple(4, c=2, w=3) in a box: spurious minima",
    _logged("rates: non-benign ripple, exact constants", spur_tables),
    lambda tables, cfg, noises: {"theorem2_constants": F.figure_theorem2_constants(
        tables["theorem2_constants_curves"], tables["theorem2_constants"])},
    (RATES, CURVES, Table("theorem2_constants", header=lambda *_: "# Seed 000 Thm 2 / Thm 5 with exact constants on ripple(4, "
                                                          "c=2, w=3) in [-6, 6]^4\n\n"),
     Table("theorem2_constants_curves", markdown=False)),
    ("theorem2_constants",), SPUR_PARAMS, SPUR_PRESETS, _horizon_check("spur_k", "spur_per_decade"),
    lambda cfg: {"spur_runs": array_bytes(cfg["spur_runs"], 8 * NC_DIM * 6 + cfg["n_boot"] + 20)})


# ----------------------------------------------------------------- the Pareto misses, longer horizons
LONG_PARAMS = {
    "long_k": Param(HORIZONS, "horizons K of the longer-horizon Pareto cells: (smallest, largest)"),
    "long_per_decade": Param(Int(2, 100), "longer-horizon cells' horizons per decade"),
    "long_runs": Param(Int(2, 10 ** 9), "runs per longer horizon"),
    "long_tails": Param(ListOf(Float(1.0, 2.0, lo_open=True, hi_open=True), unique=True),
                        "Pareto tail indices of the longer-horizon cells"),
}
LONG_PRESETS = {"quick": {"long_k": (10 ** 3.5, 10 ** 4.5), "long_per_decade": 2, "long_runs": 10,
                          "long_tails": (1.2, 1.4, 1.6, 1.8)},
                "full": {"long_k": (10 ** 5, 10 ** 7), "long_per_decade": 2, "long_runs": 20,
                         "long_tails": (1.2, 1.4, 1.6, 1.8)}}


def _long_check(cfg):
    lo, hi = cfg["long_k"]
    if hi < 10 * lo * (1 - 1e-9):
        raise ConfigError("long_k", f"must span at least one decade (its local slopes use one-decade windows), got "
                                    f"({lo:g}, {hi:g})")


LONG = Part(
    "nclong", "the Pareto non-convex cells at longer horizons: local slopes against the transient model",
    _logged("rates: Pareto non-convex cells, longer horizons", long_tables),
    lambda tables, cfg, noises: {"nc_transient": F.figure_transient(tables.get("local_slopes"), tables["nc_transient"],
                                                                    tables["nc_model_curves"], NC_SETTING)},
    (Table("nc_transient", header=lambda *_: "# Pareto non-convex cells at longer horizons: measured slopes against the "
                                             "transient model and Table 1\n\n"),
     Table("nc_model_curves", markdown=False)),
    ("nc_transient",), LONG_PARAMS, LONG_PRESETS, _long_check,
    lambda cfg: {"long_runs": array_bytes(cfg["long_runs"], 8 * NC_DIM * 6 + cfg["n_boot"] + 20)})


# ------------------------------------------------------------------------- seed 001's own theorems
S001_PARAMS = {
    "s001_k": Param(HORIZONS, "horizons K of seed 001 Thm 2's cells: (smallest, largest)"),
    "s001_per_decade": Param(Int(1, 100), "seed 001 Thm 2 horizons per decade"),
    "s001_runs": Param(Int(2, 10 ** 9), "runs per seed 001 Thm 2 horizon"),
    "s001_onset": Param(Float(1.0, 10.0 ** 12), "K at which Thm 2's K-dependent threshold overtakes its fixed entries "
                                                "(sets x0)"),
    "s001_steps": Param(Int(10, 2 ** 53), "horizon of seed 001 Thm 4's cells"),
    "s001_sc_runs": Param(Int(2, 10 ** 9), "runs of seed 001 Thm 4's cells"),
}
S001_PRESETS = {"quick": {"s001_k": (10 ** 3, 10 ** 5), "s001_per_decade": 2, "s001_runs": 30, "s001_onset": 100.0,
                          "s001_steps": 10 ** 4, "s001_sc_runs": 200},
                "full": {"s001_k": (10 ** 3, 10 ** 6), "s001_per_decade": 3, "s001_runs": 50, "s001_onset": 100.0,
                         "s001_steps": 10 ** 5, "s001_sc_runs": 500}}


def _s001_check(cfg):
    _horizon_check("s001_k", "s001_per_decade")(cfg)
    if cfg["s001_onset"] > cfg["s001_k"][0]:
        raise ConfigError("s001_onset", f"{cfg['s001_onset']:g} lies above the smallest horizon {cfg['s001_k'][0]:g}: "
                                        "the fit would mix the constant-threshold regime in")


SEED001 = Part(
    "s001", "seed 001 Thm 2 (GClip, central moment sigma) and Thm 4 (projected GClip, non-smooth strongly convex)",
    _logged("rates: seed 001 Thm 2 and Thm 4", s001_tables),
    lambda tables, cfg, noises: {"seed001_theorems": F.figure_seed001(tables["seed001_theorems_curves"])},
    (Table("seed001_theorems", header=lambda *_: "# Seed 001's own theorems: rates and constants\n\n"),
     Table("seed001_theorems_curves", markdown=False)),
    ("seed001_theorems",), S001_PARAMS, S001_PRESETS, _s001_check,
    lambda cfg: {"s001_sc_runs": array_bytes(cfg["s001_sc_runs"], 5 * checkpoint_count(cfg["s001_steps"], cfg["per_decade"])
                                             + cfg["n_boot"] + 20)})


PARTS = {p.name: p for p in (strongly_convex_part(1), strongly_convex_part(10), NONCONVEX, EXPECTATION, CONSTANTS,
                             LOWER_BOUND, NC_EXPECTATION, SPURIOUS, LONG, SEED001)}
"""Every part, in the order they run and their rows appear."""
