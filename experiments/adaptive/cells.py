"""The adaptive study's cached cells: each computes one piece through the library and returns plain rows.

Every cell takes the runner first (its cache stores the result, so an interrupted run resumes) and plain
arguments that define what it computes; its seeds come from :func:`heavytail_sim.study.seed_for` on the
cell's identity (never its sizes), so larger runs extend a cell instead of reseeding it. Methods of one
sweep cell share their tuning and evaluation seeds (common random numbers sharpen the comparison).
"""
from __future__ import annotations

import math

import numpy as np

from heavytail_sim.cache import cell
from heavytail_sim.study import seed_for


def seeds(master: int, purpose: str, n: int, **identity) -> list:
    """``n`` seeds of one purpose (``tune``, ``eval``, ...) for the cell ``identity``."""
    return [seed_for(master, f"adaptive.{purpose}", j=j, **identity) for j in range(n)]


# --------------------------------------------------------------------------------------------- sweep
@cell
def sweep_cell(runner, setting: dict, law: str, method: str, etas: tuple, tau_mults: tuple, max_extend: int,
               tune_seeds: tuple, tune_runs: int, eval_seeds: tuple, eval_runs: int):
    """One (setting, law, method): tuned on ``tune_seeds``, evaluated on ``eval_seeds`` (CPU engine)."""
    from heavytail_sim.noise_sweep import Setting, parse_law, run_cell

    return run_cell(Setting(**setting), parse_law(law), method, etas, tau_mults, list(tune_seeds), tune_runs,
                    list(eval_seeds), eval_runs, max_extend, clip_seed=int(eval_seeds[0]),
                    progress=getattr(runner, "progress", False))


@cell
def diagnosis_cell(runner, law: str, dim: int, n: int, n_boot: int, seed: int):
    """The tail estimators on ``n`` noise vectors of a law of known index (equal scales, stationary)."""
    from heavytail_sim.noise_sweep import Setting, diagnose_law, parse_law

    lw = parse_law(law)
    diag = diagnose_law(Setting(dim=dim), lw, n, n_boot, seed)
    tab = diag.table()
    tab.insert(0, "category", diag.category)
    tab.insert(0, "tail_index", lw.tail_index)
    tab.insert(0, "family", lw.family)
    tab.insert(0, "law", lw.label)
    return tab.to_dict("records")


# --------------------------------------------------------------------------------------------- models
def _model_and_data(kind: str, n_data: int, master: int):
    from heavytail_sim.models import build_model

    model = build_model(kind)
    return model, model.make_data(n_data, seed_for(master, "adaptive.data", model=kind))


@cell
def model_cell(runner, kind: str, n_data: int, steps: int, batch: int, etas: tuple, clip_mults: tuple,
               tune_seeds: tuple, eval_seeds: tuple, log_every: int, max_extend: int, master: int):
    """SGD momentum / GClip / Adam / ACClip on one model: tuned, then trained on fresh minibatch streams."""
    from heavytail_sim.training import compare_methods

    from .config import TRAIN_METHODS

    model, data = _model_and_data(kind, n_data, master)
    rows, curves, tuning = compare_methods(model, data, TRAIN_METHODS, etas, clip_mults, list(tune_seeds),
                                           list(eval_seeds), steps, batch, log_every,
                                           init_seed=seed_for(master, "adaptive.init", model=kind),
                                           max_extend=max_extend)
    for r in rows:
        r["model"] = kind
    for c in curves:
        c["model"] = kind
    tuning.insert(0, "model", kind)
    return rows, curves, tuning


@cell
def noise_cell(runner, kind: str, n_data: int, lr: float, steps: int, checkpoints: tuple, batch: int,
               n_batches: int, n_boot: int, master: int):
    """Minibatch noise of one model at checkpoints of a plain-SGD run: every estimate (with the raw-norm
    block estimator) and norm histograms against the exact Gaussian reference."""
    from heavytail_sim.errors import UsageError
    from heavytail_sim.gradient_noise import noise_during_training

    model, _ = _model_and_data(kind, n_data, master)
    seed = seed_for(master, "adaptive.noise", model=kind)
    for attempt in range(4):  # plain SGD at the tuned momentum-SGD rate may diverge: a third of it then
        try:
            study = noise_during_training(model, n_data=n_data, data_seed=seed_for(master, "adaptive.data", model=kind),
                                          init_seed=seed_for(master, "adaptive.init", model=kind), lr=lr,
                                          steps=steps, checkpoints=checkpoints, batch_size=batch,
                                          n_batches=n_batches, seed=seed, n_boot=n_boot)
            break
        except UsageError:
            if attempt == 3:
                raise
            lr /= 3.0
    est = study.estimates().assign(model=kind)
    est.insert(2, "lr", lr)
    summary = study.summary().assign(model=kind)
    summary.insert(1, "lr", lr)
    hist = []
    for step in study.norms:
        ref_med = float(np.median(study.reference_norms[step]))
        for source, x in (("noise", study.norms[step]), ("gaussian_reference", study.reference_norms[step])):
            hist.append((step, source, np.asarray(x) / ref_med))
    pos = np.concatenate([h[2] for h in hist])
    edges = np.geomspace(pos.min() * 0.98, pos.max() * 1.02, 41)
    hist_rows = []
    for step, source, x in hist:
        dens, _ = np.histogram(x, bins=edges, density=True)
        hist_rows += [{"model": kind, "step": step, "source": source, "bin_lo": a, "bin_hi": b, "density": v}
                      for a, b, v in zip(edges[:-1], edges[1:], dens)]
    training = study.training.assign(model=kind)
    return est.to_dict("records"), summary.to_dict("records"), hist_rows, training.to_dict("records")


# --------------------------------------------------------------------------------------------- updates
def _hist(x, lo, hi, bins, **labels):
    dens, edges = np.histogram(x, bins=bins, range=(lo, hi), density=True)
    return [{**labels, "bin_lo": a, "bin_hi": b, "density": v} for a, b, v in zip(edges[:-1], edges[1:], dens)]


@cell
def order_cell(runner, beta1: float, beta2: float, runs: int, record: tuple, n_boot: int, master: int):
    """Seed 002 eq 3 (momentum inside the preconditioner) beside the Kingma-Ba order, N(0, 1) gradients."""
    from scipy import stats

    from heavytail_sim.adaptive_updates import (describe_updates, effective_count, momentum_variance,
                                                simulate_updates, update_bound, update_law)
    from heavytail_sim.noise import NoiseModel

    seed = seed_for(master, "adaptive.order", beta1=beta1, beta2=beta2)
    samples = {}
    for order in ("kingma_ba", "inner"):
        # the same seed for both orders: the same gradients, only the order of the operations differs
        rec, u = simulate_updates(NoiseModel("gaussian"), max(record), runs, record, method="exponential",
                                  beta1=beta1, beta2=beta2, order=order, seed=seed)
        samples[order] = u
    rows, hist = [], []
    for j, t in enumerate(rec):
        for order in ("kingma_ba", "inner"):
            x = samples[order][j]
            d = describe_updates(x, int(t), n_boot, seed)
            m_eff = float(effective_count(beta2, t))
            other = samples["inner" if order == "kingma_ba" else "kingma_ba"][j]
            d.update(order=order, beta1=beta1, beta2=beta2, bound=float(update_bound(beta1, beta2, int(t), order)),
                     var_theory_inner=float(momentum_variance(beta1, t)),
                     ks_between_orders=float(stats.ks_2samp(x, other).statistic),
                     ks_to_mu0_law=float(stats.kstest(x, update_law(m_eff).cdf).statistic) if m_eff > 1.01 else math.nan)
            rows.append(d)
            lim = 1.6
            hist += _hist(x, -lim, lim, 80, order=order, t=int(t))
    return rows, hist


@cell
def modes_cell(runner, scenario: str, runs: int, record: tuple, n_boot: int, master: int):
    """The update law of the simple-average model (seed 002 Thm 1's setting) under one gradient law:
    mode counts with the bootstrap criterion, and histograms."""
    from heavytail_sim.adaptive_updates import describe_updates, simulate_updates
    from heavytail_sim.noise import NoiseModel

    seed = seed_for(master, "adaptive.modes", scenario=scenario)
    noise, scale = scenario_law(scenario)
    rec, u = simulate_updates(noise, max(record), runs, record, method="simple", scale=scale, seed=seed)
    rows, hist = [], []
    for t, x in zip(rec, u):
        d = describe_updates(x, int(t), n_boot, seed)
        d["scenario"] = scenario
        rows.append(d)
        lim = math.sqrt(t) * 1.02
        hist += _hist(x, -lim, lim, 80, scenario=scenario, t=int(t))
    return rows, hist


def scenario_law(scenario: str):
    """(NoiseModel, scale profile) of an update-mode scenario: ``stable<a>``, ``gauss_decreasing`` (N(0, 1/t^2),
    seed 002 Fig 5 right), ``gauss_increasing`` (N(0, t^2), Fig 5 left)."""
    from heavytail_sim.noise import NoiseModel

    if scenario == "gauss_decreasing":
        return NoiseModel("gaussian"), (lambda t: 1.0 / t)
    if scenario == "gauss_increasing":
        return NoiseModel("gaussian"), (lambda t: t)
    a = float(scenario[6:])
    return NoiseModel("stable", a), 1.0  # a = 2: N(0, 2), the Gaussian control; a = 1: Cauchy


@cell
def fig8_cell(runner, kind: str, n_data: int, init_seeds: tuple, record: tuple, lr: float, beta2: float,
              batch: int, n_boot: int, master: int):
    """Adam (beta1 = 0) updates of the largest parameter block of one model during its first steps, for
    several initialisations, against seed 002's f_m with m the effective count of Adam's average."""
    from scipy import stats

    from heavytail_sim.adaptive_updates import effective_count, update_law
    from heavytail_sim.modality import stable_mode_count
    from heavytail_sim.training import update_samples

    model, data = _model_and_data(kind, n_data, master)
    offs = model.layout.offsets
    block = max(offs, key=lambda k: offs[k][1] - offs[k][0])
    us = update_samples(model, data, list(init_seeds), record, lr, beta2, batch, block)
    rows, hist = [], []
    for s, per in us.items():
        for t, (u, act) in per.items():
            m_eff = float(effective_count(beta2, t))
            law = update_law(m_eff)
            mc = stable_mode_count(u, n_boot=n_boot, seed=s)
            rows.append({"model": kind, "block": block, "size": int(u.size), "seed": s, "t": int(t), "m_eff": m_eff,
                         "frac_zero_gradient": float(1 - act.mean()), "var": float(np.var(u)),
                         "var_active": float(np.var(u[act])) if act.any() else math.nan,
                         "ks_all": float(stats.kstest(u, law.cdf).statistic),
                         "ks_active": float(stats.kstest(u[act], law.cdf).statistic) if act.sum() > 1 else math.nan,
                         "ks_critical_95": 1.358 / math.sqrt(u.size),
                         "modes": mc.count, "mode_share": mc.boot_share, "modality": mc.verdict})
            lim = math.sqrt(t) * 1.02
            hist += _hist(u, -lim, lim, 40, model=kind, seed=s, t=int(t))
    return rows, hist
