"""Training the small models of :mod:`heavytail_sim.models` with the package's registered update rules.

One step: a minibatch of ``batch_size`` examples drawn uniformly with replacement from the finite data
set (generator ``numpy.random.default_rng([seed, 3])``), its exact mean gradient, and one step of the
rule through :func:`heavytail_sim.reference.rule_step` -- the numpy definitions of every registered rule
that the engine's kernels are tested against, so no update rule is written a second time. The logged
loss is the full-data mean loss (the training objective of the finite data set).

The four methods compared (seed 000 Fig 3 / seed 001 Fig 3: SGD with momentum, clipped SGD, Adam,
ACClip) are :data:`METHODS`; GClip's threshold is tau = tau_mult g0 with g0 the median minibatch
gradient norm at initialisation (:func:`grad_norm_scale`), tuned over (cap, tau_mult) with
cap = eta tau_mult as in :mod:`heavytail_sim.noise_sweep`.

:func:`train` can also record the update Delta theta = (theta_t - theta_{t-1}) / eta of a block of
parameters at chosen steps: with Adam at beta1 = 0 this is the quantity whose law seed 002 derives
(Thm 1) and measures on networks (Figs 2, 8).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .algorithms import Algorithm, acclip_defaults
from .errors import ParameterError, UsageError
from .models.base import Data, Model, check_positive_int

METHODS = {
    "sgd": ("SGD momentum", Algorithm("sgd", beta1=0.9)),
    "gclip": ("GClip (momentum)", Algorithm("gclip", beta1=0.9)),
    "adam": ("Adam", Algorithm("adam", beta1=0.9, beta2=0.999, eps=1e-8)),
    "acclip": ("ACClip", acclip_defaults()),
}
"""name -> (label, Algorithm): seed 000 Sec 5.1's four methods with their usual defaults."""


@dataclass
class TrainRun:
    """One training run.

    Attributes
    ----------
    steps : ndarray (L,)
        Logged steps (0 = initialisation).
    loss : ndarray (L,)
        Full-data mean loss at those steps (``inf`` from the step a run diverged on).
    diverged_at : int or None
        First step whose parameters or loss were not finite.
    theta : ndarray (P,)
        Final parameters (NaN after divergence).
    updates : dict
        Recorded step -> Delta theta of the recorded block at that step (divided by eta), shape (B,).
    active : dict
        Recorded step -> bool mask (B,): coordinates whose minibatch gradient was non-zero at that step.
    """

    steps: np.ndarray
    loss: np.ndarray
    diverged_at: int | None
    theta: np.ndarray
    updates: dict = field(default_factory=dict)
    active: dict = field(default_factory=dict)

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


def _check_eta(eta) -> float:
    if isinstance(eta, bool) or not isinstance(eta, (int, float, np.integer, np.floating)) or \
            not (math.isfinite(eta) and eta > 0):
        raise ParameterError("eta", f"must be a positive finite number, got {eta!r}")
    return float(eta)


def train(model: Model, data: Data, theta0, algorithm: Algorithm, eta: float, tau: float = math.inf, *,
          steps: int, batch_size: int = 32, seed: int = 0, log_every: int = 0, record_steps: Sequence[int] = (),
          block: tuple | None = None) -> TrainRun:
    """Train ``model`` on ``data`` from ``theta0`` with a registered update rule and constant eta, tau.

    Parameters
    ----------
    model, data : Model, Data
    theta0 : array_like (P,)
        Initial parameters (copied).
    algorithm : Algorithm
        Any registered rule (:class:`heavytail_sim.algorithms.Algorithm`).
    eta, tau : float
        Constant learning rate and clipping threshold (``inf``: no clipping; CClip uses tau for every
        coordinate).
    steps : int
        Number of steps K >= 1.
    batch_size : int
        Minibatch size b.
    seed : int
        Seeds the minibatch indices (stream ``[seed, 3]``).
    log_every : int
        Log the full-data loss every ``log_every`` steps (0: only at 0 and K); K is always logged.
    record_steps : sequence of int
        Steps (1..K) at which the update of ``block`` is recorded.
    block : (lo, hi) or None
        Parameter slice recorded (default: all parameters).

    Returns
    -------
    TrainRun
    """
    steps = check_positive_int(steps, "steps")
    b = check_positive_int(batch_size, "batch_size")
    eta = _check_eta(eta)
    if not (isinstance(tau, (int, float, np.integer, np.floating)) and tau > 0):
        raise ParameterError("tau", f"must be positive (inf: no clipping), got {tau!r}")
    log_every = check_positive_int(log_every, "log_every", 0)
    rec = sorted({int(s) for s in record_steps})
    if rec and (rec[0] < 1 or rec[-1] > steps):
        raise UsageError(f"record_steps must lie in 1..{steps}, got {rec}")
    from .reference import RuleState, rule_step

    theta = np.array(model._theta(theta0), dtype=float)
    lo, hi = (0, theta.size) if block is None else (int(block[0]), int(block[1]))
    if not 0 <= lo < hi <= theta.size:
        raise UsageError(f"block must be a slice of 0..{theta.size}, got {block}")
    logged = sorted({0, steps} | (set(range(0, steps + 1, log_every)) if log_every else set()))
    gen = np.random.default_rng([int(seed), 3])
    n = len(data)
    st = RuleState(theta.size)
    tau_vec = np.ones(theta.size)
    losses, updates, active = [], {}, {}
    diverged = None
    li = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence is detected below
        for k in range(0, steps + 1):
            if k > 0:
                g = model.grad(theta, data.take(gen.integers(0, n, b)))
                d = rule_step(algorithm, st, g, k, eta, float(tau), tau_vec)
                theta -= d
                if k in rec:
                    updates[k] = -d[lo:hi] / eta
                    active[k] = g[lo:hi] != 0
                if not np.all(np.isfinite(theta)):
                    diverged = k
            if li < len(logged) and logged[li] == k:
                loss = model.full_loss(theta, data) if diverged is None else math.inf
                if not math.isfinite(loss) and diverged is None:
                    diverged = k
                losses.append(loss if diverged is None else math.inf)
                li += 1
            if diverged is not None:
                break
    losses += [math.inf] * (len(logged) - len(losses))
    if diverged is not None:
        theta[:] = np.nan
    return TrainRun(np.array(logged), np.array(losses, dtype=float), diverged, theta, updates, active)


def grad_norm_scale(model: Model, data: Data, theta, batch_size: int = 32, n: int = 64, seed: int = 0) -> float:
    """Median norm of ``n`` minibatch gradients at ``theta`` (batches from ``default_rng([seed, 4])``):
    the unit of GClip's threshold."""
    n = check_positive_int(n, "n")
    gen = np.random.default_rng([int(seed), 4])
    norms = [np.linalg.norm(model.grad(theta, data.take(gen.integers(0, len(data), batch_size)))) for _ in range(n)]
    return float(np.median(norms))


def method_step(name: str, cand: dict, g0: float) -> tuple[Algorithm, float, float]:
    """(Algorithm, eta, tau) of a tuning candidate: ``{"eta"}`` or, for GClip, ``{"cap", "tau_mult"}``
    with tau = tau_mult g0 and eta = cap / tau_mult."""
    if name not in METHODS:
        raise ParameterError("method", f"must be one of {', '.join(METHODS)}, got '{name}'")
    alg = METHODS[name][1]
    if name == "gclip":
        return alg, float(cand["cap"]) / float(cand["tau_mult"]), float(cand["tau_mult"]) * g0
    return alg, float(cand["eta"]), math.inf


def tune_training(model: Model, data: Data, name: str, etas: Sequence[float], tau_mults: Sequence[float],
                  seeds: Sequence[int], steps: int, batch_size: int = 32, init_seed: int = 0, g0: float | None = None,
                  max_extend: int = 2):
    """Tune the learning rate (and GClip's threshold) of one method on ``seeds`` (minibatch streams), all
    from ``model.init(init_seed)``: score = median over seeds of the final full-data loss (inf when a
    run diverges), grid extended until the optimum is interior
    (:func:`heavytail_sim.interior_tuning.tune_interior`).

    Returns
    -------
    (InteriorResult, g0)
        The tuning result and the threshold unit g0 used.
    """
    import pandas as pd

    from .interior_tuning import tune_interior

    if len(seeds) == 0:
        raise UsageError("need at least one tuning seed")
    theta0 = model.init(init_seed)
    if g0 is None:
        g0 = grad_norm_scale(model, data, theta0, batch_size, seed=init_seed)

    def scorer(cands):
        rows = []
        for c in cands:
            alg, eta, tau = method_step(name, c, g0)
            finals = [train(model, data, theta0, alg, eta, tau, steps=steps, batch_size=batch_size,
                            seed=int(s)).final_loss for s in seeds]
            rows.append({"score": float(np.median(finals)), **{f"seed_{s}": v for s, v in zip(seeds, finals)}})
        return pd.DataFrame(rows)

    axes = {"cap": tuple(etas), "tau_mult": tuple(tau_mults)} if name == "gclip" else {"eta": tuple(etas)}
    return tune_interior(scorer, axes, max_extend=max_extend), g0


def compare_methods(model: Model, data: Data, names: Sequence[str], etas: Sequence[float],
                    tau_mults: Sequence[float], tune_seeds: Sequence[int], eval_seeds: Sequence[int], steps: int,
                    batch_size: int = 32, log_every: int = 0, init_seed: int = 0, max_extend: int = 2):
    """Tune each method (:func:`tune_training`) and train it on fresh minibatch streams ``eval_seeds``.

    Returns
    -------
    (list of dict, list of dict, pandas.DataFrame)
        Summary rows (method, tuned eta / tau, edge report, final loss median and range over the
        evaluation seeds), curve rows (method, seed, step, loss) and every tuning candidate's score.
    """
    import pandas as pd

    theta0 = model.init(init_seed)
    g0 = grad_norm_scale(model, data, theta0, batch_size, seed=init_seed)
    rows, curves, tables = [], [], []
    for name in names:
        res, _ = tune_training(model, data, name, etas, tau_mults, tune_seeds, steps, batch_size, init_seed, g0,
                               max_extend)
        alg, eta, tau = method_step(name, res.best, g0)
        finals = []
        for s in eval_seeds:
            run = train(model, data, theta0, alg, eta, tau, steps=steps, batch_size=batch_size, seed=int(s),
                        log_every=log_every)
            finals.append(run.final_loss)
            curves += [{"method": name, "seed": int(s), "step": int(k), "loss": float(v)}
                       for k, v in zip(run.steps, run.loss)]
        rows.append({"method": name, "label": METHODS[name][0], "eta": eta, "tau": tau, "g0": g0,
                     "tau_mult": res.best.get("tau_mult", math.nan), "tuned_at_edge": res.edge_text(),
                     "candidates": len(res.table), "tune_score": res.best_score, "steps": steps,
                     "eval_seeds": len(eval_seeds), "final_median": float(np.median(finals)),
                     "final_min": float(np.min(finals)), "final_max": float(np.max(finals)),
                     "diverged": int(np.sum(~np.isfinite(finals)))})
        tab = res.table.copy()
        tab.insert(0, "method", name)
        tables.append(tab)
    return rows, curves, pd.concat(tables, ignore_index=True)


def update_samples(model: Model, data: Data, init_seeds: Sequence[int], record: Sequence[int], eta: float,
                   beta2: float = 0.999, batch_size: int = 32, block: str | None = None) -> dict:
    """Adam's update Delta theta with beta1 = 0 (seed 002's setting: mu = 0, eps ~ 0) on one parameter
    block of ``model`` during the first steps of training, for several initialisations.

    Parameters
    ----------
    init_seeds : sequence of int
        Seeds of ``model.init`` (and of the minibatch streams): seed 002 Fig 8's "random seeds".
    record : sequence of int
        Steps t at which the update is kept.
    eta : float
        Learning rate of the training run (the update is divided by it).
    block : str or None
        Name of the parameter block (``model.layout``); default the largest.

    Returns
    -------
    dict
        seed -> {t: (update (B,), active mask (B,))}; coordinates whose gradient is zero at step t
        have update 0 exactly (no momentum).
    """
    offs = model.layout.offsets
    if block is None:
        block = max(offs, key=lambda k: offs[k][1] - offs[k][0])
    if block not in offs:
        raise UsageError(f"unknown parameter block {block!r} (have {', '.join(offs)})")
    lo, hi, _ = offs[block]
    alg = Algorithm("adam", beta1=0.0, beta2=beta2, eps=1e-12)  # eps only guards never-touched coordinates
    out = {}
    for s in init_seeds:
        run = train(model, data, model.init(int(s)), alg, eta, steps=max(record), batch_size=batch_size, seed=int(s),
                    record_steps=record, block=(lo, hi))
        out[int(s)] = {t: (run.updates[t], run.active[t]) for t in run.updates}
    return out
