"""The parts of the rates study: each a declared set of cells with its parameters, tables and figures.

A :class:`Part` computes rows for one or more tables (rows of a table several parts share, such as the
Table 1 table ``rates``, are concatenated in part order) and draws its figures from the tables. The
study (:mod:`experiments.rates.study`) runs the parts selected by ``--set parts=...``, in the order of
:data:`PARTS`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from heavytail_sim.study import ConfigError, DictOf, Float, Int, ListOf, Param, Table, array_bytes

from . import figures as F
from .config import DIMS, MIN_WINDOW_POINTS, NC_DIM, RUNS_BOOST, checkpoint_count, horizons, points_in_window
from .fitting import (NC_SETTING, constants_tables, expectation_tables, log, nonconvex_tables, sc_setting,
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
    "nc_k": Param(ListOf(Float(1.0, 2.0 ** 53), min_len=2, max_len=2, increasing=True),
                  "non-convex horizons K: (smallest, largest)"),
    "nc_per_decade": Param(Int(1, 100), "non-convex horizons per decade"),
    "nc_runs": Param(Int(2, 10 ** 9), "runs per non-convex horizon"),
}
NC_PRESETS = {"quick": {"nc_k": (10 ** 1.5, 10 ** 3.5), "nc_per_decade": 2, "nc_runs": 60},
              "full": {"nc_k": (10 ** 2, 10 ** 5), "nc_per_decade": 3, "nc_runs": 50}}


def _nc_draw(tables, cfg, noises):
    curves = F.figure_curves(tables["curves"], noises, NC_SETTING, ("gclip", "cclip", "sgd"),
                             f"Non-convex ripple d={NC_DIM}: (1/K) sum E||grad f||^2 against the horizon K "
                             "(Thm 2 schedule per K)", "horizon K", "mean squared gradient norm", F.nc_theory,
                             cfg["decades"], sgd_median=False)
    slopes = F.figure_local_slopes(tables["local_slopes"], noises, NC_SETTING, ("gclip", "cclip"),
                                   f"Local slopes (one-decade windows) in K, non-convex ripple d={NC_DIM}, "
                                   "95% bootstrap bands", "horizon K (window centre)", F.nc_theory, lambda *_: None,
                                   ylim=(-0.8, 0.0), model_legend=False)
    return {"nc": curves, "nc_local_slopes": slopes}


def _nc_check(cfg):
    ks = horizons(cfg)
    if points_in_window(ks, cfg["decades"]) < MIN_WINDOW_POINTS:
        raise ConfigError("nc_k", f"the non-convex horizons {tuple(int(k) for k in ks)} hold fewer than "
                                  f"{MIN_WINDOW_POINTS} in the fit window (last {cfg['decades']:g} decades); widen "
                                  "nc_k or raise nc_per_decade")


def _nc_compute(runner, cfg, noises):
    log("rates: non-convex cells")
    return nonconvex_tables(runner, cfg, noises)


NONCONVEX = Part("nc", f"non-convex ripple d = {NC_DIM}: GClip (Thm 2), CClip, SGD; error in the horizon K",
                 _nc_compute, _nc_draw, TABLE1, ("nc", "nc_local_slopes"), NC_PARAMS, NC_PRESETS, _nc_check,
                 lambda cfg: {"nc_runs": array_bytes(cfg["nc_runs"], 8 * NC_DIM + cfg["n_boot"] + 20)})


# ----------------------------------------------------------------------------------- SGD in expectation
EXP_PARAMS = {
    "exp_runs": Param(Int(2, 10 ** 10), "runs of the SGD-in-expectation cells"),
    "exp_groups": Param(Int(2, 10 ** 6), "disjoint groups the expectation runs are split into"),
    "exp_k": Param(Int(1, 2 ** 53), "step k at which f(x_k) - f* is sampled"),
}
EXP_PRESETS = {"quick": {"exp_runs": 20_000, "exp_groups": 40, "exp_k": 100},
               "full": {"exp_runs": 400_000, "exp_groups": 100, "exp_k": 100}}


def _exp_check(cfg):
    import numpy as np

    m = cfg["exp_runs"] // cfg["exp_groups"]
    ns = np.unique(np.round(np.geomspace(1, max(m, 1), 30)).astype(np.int64))
    if m < 2 or points_in_window(ns, cfg["decades"]) < MIN_WINDOW_POINTS:
        raise ConfigError("exp_runs", f"exp_runs // exp_groups = {m} runs per group leave fewer than "
                                      f"{MIN_WINDOW_POINTS} group sizes in the fit window (last {cfg['decades']:g} "
                                      "decades); raise exp_runs or lower exp_groups")


def _exp_compute(runner, cfg, noises):
    log("rates: SGD in expectation")
    return expectation_tables(runner, cfg)


def _exp_draw(tables, cfg, noises):
    return {"sgd_expectation": F.figure_expectation(tables["sgd_expectation_curves"], tables.get("curves"),
                                                    cfg["exp_k"], sc_setting(1))}


EXPECTATION = Part(
    "exp", "SGD fails in expectation (seed 000 App A): sample means over n runs, SGD vs GClip",
    _exp_compute, _exp_draw,
    (Table("sgd_expectation", header=lambda *_: "# SGD in expectation (seed 000 App A)\n\n"),
     Table("sgd_expectation_curves", markdown=False)),
    ("sgd_expectation",), EXP_PARAMS, EXP_PRESETS, _exp_check,
    lambda cfg: {"exp_runs": array_bytes(cfg["exp_runs"], 24)})


# ------------------------------------------------------------------------------------ Thm 1's constants
CONST_PARAMS = {
    "const_steps": Param(Int(10, 2 ** 53), "horizon of the Thm 1 constants cells"),
    "const_runs": Param(Int(2, 10 ** 9), "runs of the Thm 1 constants cells"),
}
CONST_PRESETS = {"quick": {"const_steps": 10 ** 4, "const_runs": 200},
                 "full": {"const_steps": 10 ** 5, "const_runs": 500}}


def _const_compute(runner, cfg, noises):
    log("rates: Thm 1 constants")
    return constants_tables(runner, cfg)


CONSTANTS = Part(
    "const", "Thm 1 with its exact constants: projected GClip against 16 G^2/(mu (k+1)^(2(p-1)/p))",
    _const_compute, lambda tables, cfg, noises: {"theorem1_constants":
                                                 F.figure_constants(tables["theorem1_constants_curves"])},
    (Table("theorem1_constants",
           header=lambda *_: "# Thm 1 with exact constants (projected GClip, ball radius 2)\n\n"),
     Table("theorem1_constants_curves", markdown=False)),
    ("theorem1_constants",), CONST_PARAMS, CONST_PRESETS, None,
    lambda cfg: {"const_runs": array_bytes(cfg["const_runs"],
                                           5 * checkpoint_count(cfg["const_steps"], cfg["per_decade"])
                                           + cfg["n_boot"] + 20)})


PARTS = {p.name: p for p in (strongly_convex_part(1), strongly_convex_part(10), NONCONVEX, EXPECTATION, CONSTANTS)}
"""Every part, in the order they run and their rows appear."""
