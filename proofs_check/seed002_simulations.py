"""Seed 002, Sec 6: statements about simulated update distributions, decided by simulation.

The update of the simple-average model (seed 002 Thm 1, mu = 0, eps = 0) is simulated with numpy for
N = 20000 independent coordinates at a fixed seed, for the gradient laws of Figs 5-7:
Delta theta_t = -g_t / sqrt((1/t) sum_{i<=t} g_i^2) (the sign of seed 002's Sec 2 definition,
Delta theta = (theta_t - theta_{t-1})/lambda). Modes are counted with
:func:`heavytail_sim.diagnostics.count_modes` (Gaussian KDE, 5% prominence: its documented noise level
is ~2% at n >= 10^4) and skewness with :func:`heavytail_sim.diagnostics.skewness` (batch-means SE).
"""
from __future__ import annotations

import functools

import numpy as np

from .registry import Readings, count, gt, le, lt, trend
from .registry import claim as _claim

SEED = "002"
RUNS = 20_000  # KDE mode counts need n >= 10^4 for the 5% prominence rule of count_modes
STEPS = 30
SIM_SEED = 20240602


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 002 claim."""
    return _claim(id, SEED, location, statement, **kw)


@functools.lru_cache(maxsize=None)
def simulate(scenario: str, sign: int = -1) -> np.ndarray:
    """Updates of shape (STEPS, RUNS) at t = 1..STEPS for one gradient law of seed 002 Sec 6.

    ``sign = -1`` is Delta theta = (theta_t - theta_{t-1})/lambda; ``+1`` is g_t/sqrt(n_t/c_n) as in Thm 1.
    Each scenario has its own stream (fixed seed), so results do not depend on the order of calls.
    """
    streams = {"N(0,1)": 0, "N(0,t^2)": 1, "N(0,1/t^2)": 2, "N(-1,1)": 3, "N(-t,1)": 4, "Cauchy": 5}
    rng = np.random.default_rng([SIM_SEED, streams[scenario]])
    t = np.arange(1, STEPS + 1, dtype=float)
    xi = rng.standard_cauchy((RUNS, STEPS)) if scenario == "Cauchy" else rng.standard_normal((RUNS, STEPS))
    g = {"N(0,1)": xi, "N(0,t^2)": xi * t, "N(0,1/t^2)": xi / t, "N(-1,1)": xi - 1.0, "N(-t,1)": xi - t, "Cauchy": xi}[scenario]
    upd = g / np.sqrt(np.cumsum(g * g, axis=1) / t)
    return (sign * upd).T


@functools.lru_cache(maxsize=None)
def modes(scenario: str) -> tuple[int, ...]:
    """KDE mode counts of the update at t = 1..STEPS (t = 1 is +-1 for symmetric laws: counted as 2)."""
    from heavytail_sim.diagnostics import count_modes

    return tuple(count_modes(u)[0] for u in simulate(scenario))


def last_multimodal(scenario: str) -> int:
    """The last step t at which the update has at least 2 KDE modes."""
    ms = modes(scenario)
    return max(t for t, k in enumerate(ms, start=1) if k >= 2)


def _stat(scenario: str, ts: tuple[int, ...], what: str, sign: int = -1) -> tuple[list[float], list[float]]:
    """Variance or skewness of the update at steps ts, with standard errors from 20 batches."""
    from heavytail_sim.diagnostics import skewness

    u = simulate(scenario, sign)
    vals, ses = [], []
    for t in ts:
        x = u[t - 1]
        if what == "var":
            per = np.array([b.var() for b in np.array_split(x, 20)])
            vals.append(float(x.var()))
            ses.append(float(per.std(ddof=1) / np.sqrt(20)))
        else:
            s, se = skewness(x)
            vals.append(s)
            ses.append(se)
    return vals, ses


TS = (2, 5, 10, 20, 30)
TS_SKEW = (2, 5, 10)  # the steps where Fig 6 shows the skew; by t = 30 it is within a few SE of 0


@claim("002-sec6.1-increasing", "Sec 6.1, Fig 5",
       "With an increasing gradient variance (g_t ~ N(0, t^2)) the bi-modal structure remains for a relatively long time "
       "(longer than with a constant variance).", mutant={"direction": -1}, mc=True)
def _increasing(direction: int = 1):
    rel = gt if direction > 0 else lt
    return rel("last step with >= 2 KDE modes, N(0,t^2) vs N(0,1)", last_multimodal("N(0,t^2)"), last_multimodal("N(0,1)"),
               context={"modes N(0,t^2), t = 1..12": modes("N(0,t^2)")[:12], "modes N(0,1), t = 1..12": modes("N(0,1)")[:12]})


@claim("002-sec6.1-decreasing", "Sec 6.1, Fig 5",
       "With a decreasing gradient variance (g_t ~ N(0, 1/t^2)) the bi-modal structure disappears very fast "
       "(no later than with a constant variance).", mutant={"extra_steps": -1}, mc=True)
def _decreasing(extra_steps: int = 0):
    return le("last step with >= 2 KDE modes, N(0,1/t^2) vs N(0,1)", last_multimodal("N(0,1/t^2)"), last_multimodal("N(0,1)") + extra_steps,
              context={"modes N(0,1/t^2), t = 1..12": modes("N(0,1/t^2)")[:12]})


@claim("002-sec6.1-thinner", "Sec 6.1, Fig 5", "With a decreasing gradient variance the update distribution becomes thinner and sharper through time.",
       mutant={"direction": 1}, mc=True)
def _thinner(direction: int = -1):
    v, se = _stat("N(0,1/t^2)", TS, "var")
    return trend("Var Delta theta_t for g_t ~ N(0, 1/t^2)", v, direction, se=se, at=TS)


@claim("002-sec6.2-skew-sign", "Sec 6.2, Fig 6", "With g_t ~ N(-1, 1) the resulting distribution is left-skewed.",
       mutant={"gradient_mean": 0}, mc=True)
def _skew_sign(gradient_mean: int = -1):
    scenario = {-1: "N(-1,1)", 0: "N(0,1)"}[gradient_mean]
    out = {}
    for name, sign in (("Delta theta = (theta_t - theta_{t-1})/lambda (Sec 2 definition)", -1),
                       ("Delta theta = g_t/sqrt(n_t/c_n) (the variable of Thm 1)", 1)):
        s, se = _stat(scenario, TS_SKEW, "skew", sign)
        # left-skewed: the skewness is negative beyond its 5-SE band
        out[name] = lt(f"skewness + 5 SE of the update, g_t ~ {scenario}", list(np.add(s, np.multiply(5, se))), 0, at=TS_SKEW,
                       context={"skewness": s}, corrected="not left-skewed: skewness {skewness} at t = 2, 5, 10")
    return Readings(out)


@claim("002-sec6.2-recentre", "Sec 6.2, Fig 6",
       "With g_t ~ N(-1, 1) the skewed distribution moves back towards the centre as m increases (initial steps are more skewed).",
       mutant={"direction": 1}, mc=True)
def _recentre(direction: int = -1):
    s, se = _stat("N(-1,1)", TS, "skew")
    return trend("|skewness| of the update, g_t ~ N(-1,1)", [abs(v) for v in s], direction, se=se, at=TS)


@claim("002-sec6.2-growing-mean", "Sec 6.2, Fig 6",
       "The distribution gets thinner and less skewed when the magnitude of the mean increases with time (N(-t,1) against N(-1,1)).",
       mutant={"direction": 1}, mc=True)
def _growing_mean(direction: int = -1):
    rel = lt if direction < 0 else gt
    var_t, _ = _stat("N(-t,1)", TS, "var")
    var_1, _ = _stat("N(-1,1)", TS, "var")
    sk_t, sk_t_se = _stat("N(-t,1)", TS, "skew")
    sk_1, _ = _stat("N(-1,1)", TS, "skew")
    return Readings({
        "compared with N(-1,1) at the same step": [rel("Var, N(-t,1) minus N(-1,1)", np.subtract(var_t, var_1), 0, at=TS),
                                                   rel("|skewness|, N(-t,1) minus N(-1,1)", np.subtract(np.abs(sk_t), np.abs(sk_1)), 0, at=TS)],
        "over time for N(-t,1)": [trend("Var, N(-t,1)", var_t, direction, se=_stat("N(-t,1)", TS, "var")[1], at=TS),
                                  trend("|skewness|, N(-t,1)", list(np.abs(sk_t)), direction, se=sk_t_se, at=TS)],
    })


@claim("002-sec6.3-trimodal", "Sec 6.3, Fig 7", "With standard Cauchy gradients the update distribution takes a trimodal structure.",
       mutant={"n_modes": 2}, mc=True)
def _trimodal(n_modes: int = 3):
    ms = modes("Cauchy")
    return count("largest number of KDE modes over t = 2..30", max(ms[1:]), n_modes,
                 context={"modes at t = 1..12": ms[:12], "modes for N(0,1) gradients at t = 1..12": modes("N(0,1)")[:12]})
