"""The rates study's shared configuration: constants, the parameters every part reads (with their
presets), and the choices the parts share (noise laws, threshold constant c, horizons).

A part's own parameters, rules and memory estimate live with the part (:mod:`experiments.rates.parts`)."""
from __future__ import annotations

import functools
import math

from heavytail_sim.study import Float, Int, ListOf, Param, Str

TAILS = (1.2, 1.4, 1.6, 1.8)
NOISES = tuple((kind, a) for kind in ("pareto", "stable") for a in TAILS) + (("gaussian", None),)
C_GRID = (1.0, 3.0, 10.0)
C_TRANSIENT_TOL = 0.02
RUNS_BOOST = 2.5
MU = 1.0
L_D = {1: 1.0, 10: 2.0}   # eigenvalues geomspace(mu, L): L/mu = 2 keeps eta_k h_i = 4 h_i/(k+1) overshoot mild
DIMS = (1, 10)
NC_DIM = 4
EXP_TAILS = (1.2, 1.5, 1.8)
ALGORITHMS = ("gclip", "cclip", "sgd")
ALG_NAME = {"gclip": "GClip", "cclip": "CClip", "sgd": "SGD"}
MIN_WINDOW_POINTS = 3  # checkpoints (or horizons) a fit window must hold for a slope with a residual


def noise_label(kind: str, a) -> str:
    """Human-readable noise name: ``pareto a=1.8``, ``gaussian``."""
    return "gaussian" if a is None else f"{kind} a={a:g}"


def noise_key(kind: str, a) -> str:
    """Short name used by ``--set noises=...``: pareto1.8, stable1.2, gaussian."""
    return "gaussian" if a is None else f"{kind}{a:g}"


NOISE_KEYS = tuple(noise_key(k, a) for k, a in NOISES)


def selected_noises(cfg: dict) -> tuple:
    """The (kind, a) pairs chosen by ``noises``, in :data:`NOISES` order."""
    return tuple((k, a) for k, a in NOISES if noise_key(k, a) in cfg["noises"])


def schedule_alpha(a) -> float:
    """The alpha the schedules use: the tail index a, or 2 for Gaussian noise (the alpha >= 2 column)."""
    return 2.0 if a is None else float(a)


PARAMS = {
    "per_decade": Param(Int(1, 100), "checkpoints per decade of k"),
    "decades": Param(Float(0.1, 10.0), "fit window: the last this many decades of the horizon"),
    "n_boot": Param(Int(10, 10 ** 6), "bootstrap resamples of every exponent CI"),
    "n_boot_local": Param(Int(10, 10 ** 6), "bootstrap resamples of the local-slope bands"),
    "tol": Param(Float(0.0, 1.0, lo_open=True), "verdict: a cell agrees when |fitted - theory| <= tol"),
    "noises": Param(ListOf(Str(NOISE_KEYS), unique=True), "noise laws of the Table 1 cells"),
}
"""Parameters every part reads; each part declares its own besides (:mod:`experiments.rates.parts`)."""
PRESETS = {
    "quick": {"per_decade": 8, "decades": 2.0, "n_boot": 300, "n_boot_local": 100, "tol": 0.15, "noises": NOISE_KEYS},
    "full": {"per_decade": 10, "decades": 2.0, "n_boot": 1000, "n_boot_local": 300, "tol": 0.05, "noises": NOISE_KEYS},
}
FULL_SC_STEPS_D1 = 10 ** 6  # the full preset's d = 1 horizon: the window of the rule choosing c


@functools.lru_cache(maxsize=None)
def choose_c(kind: str, a) -> tuple[float, float]:
    """(c, model transient exponent) by the rule of the study's docstring (full-mode d = 1 window)."""
    from heavytail_sim import theory

    alpha = schedule_alpha(a)
    k_hi = FULL_SC_STEPS_D1
    k_lo = k_hi / 10 ** PRESETS["full"]["decades"]
    target = theory.strongly_convex_exponent(alpha)
    best = None
    for c in C_GRID:
        model = theory.transient_exponent(kind, alpha, 1.0, c, 1.0 / alpha, k_lo, k_hi)
        best = (c, model)
        if abs(model - target) <= C_TRANSIENT_TOL:
            break
    return best


def runs_factor(kind: str, a) -> float:
    """More runs where c is at the top of the grid: the kurtosis of x_bar grows like c^a, and with it the
    variance of the mean error (measured in quick mode: CI half-width ~1.5x the c = 1 cells at c = 10)."""
    return RUNS_BOOST if choose_c(kind, a)[0] >= C_GRID[-1] else 1.0


def horizons(cfg: dict):
    """The non-convex horizons K: ``nc_per_decade`` per decade from ``nc_k[0]`` to ``nc_k[1]``, rounded."""
    import numpy as np

    lo, hi = cfg["nc_k"]
    n = int(round(cfg["nc_per_decade"] * math.log10(hi / lo))) + 1
    return np.unique(np.round(np.logspace(math.log10(lo), math.log10(hi), n)).astype(np.int64))


def points_in_window(k, decades: float) -> int:
    """How many of the checkpoints (or horizons) ``k`` lie in the fit window (the last ``decades`` decades)."""
    from heavytail_sim.rates import window_mask

    return int(window_mask(k, decades).sum())


def checkpoint_count(steps: int, per_decade: int) -> float:
    """About how many log-spaced checkpoints a horizon has (for memory estimates)."""
    return per_decade * math.log10(max(steps, 10)) + 2
