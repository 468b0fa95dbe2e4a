"""From the cells' per-run errors to the rates study's tables: fitted exponents with bootstrap CIs against
the theory (with verdicts), the curves and local slopes the figures draw, SGD's sample means and Thm 1's
constants."""
from __future__ import annotations

import math
import sys
import time

import numpy as np

from heavytail_sim.study import seed_for

from .cells import CONST_RADIUS, Curve, constants_cell, expectation_samples, nc_cell, nc_expectation_samples, sc_cell
from .config import EXP_TAILS, MU, NC_DIM, TAILS, choose_c, horizons, noise_label, schedule_alpha

CURVE_COLUMNS = ["setting", "algorithm", "noise", "a", "k", "mean", "median", "runs"]
SLOPE_COLUMNS = ["setting", "algorithm", "noise", "a", "k_mid", "slope", "ci_low", "ci_high"]


def _theory_text(value: float) -> str:
    """A theory exponent for the console; NaN is SGD's mean under heavy tails, which Table 1 leaves out."""
    return "n/a (mean infinite)" if math.isnan(value) else f"{value:+.3f}"


def _fit_text(row: dict) -> str:
    """A rates row's fitted exponent and CI for the progress log: ``-0.612 [-0.650, -0.570]``."""
    return f"{row['fitted']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]"


def exact_constant_laws() -> list:
    """The noise laws of the exact-constant parts: Pareto at every tail index of :data:`TAILS`, and Gaussian."""
    return [("pareto", t) for t in TAILS] + [("gaussian", None)]


def log(msg: str) -> None:
    """Progress of the study on stderr."""
    print(msg, file=sys.stderr, flush=True)


def sc_setting(d: int) -> str:
    return f"strongly convex d={d}"


NC_SETTING = f"non-convex ripple d={NC_DIM}"


def bound_verdict(fitted: float, theory: float, tol: float, kind: str = "theta") -> str:
    """:func:`heavytail_sim.rates.verdict`, plus ``kind="lower"`` for an Omega(.) bound: a slower decay than the
    bound's exponent is ``"slower (bound holds)"``, a faster one beyond ``tol`` ``"disagrees"``."""
    from heavytail_sim.rates import verdict

    if kind != "lower":
        return verdict(fitted, theory, tol, kind)
    v = verdict(-fitted, -theory, tol, "upper")
    return "slower (bound holds)" if v == "faster (bound holds)" else v


def fit_rows(curve: Curve, base: dict, theory_by_stat: dict, cfg: dict, seed: int, kind_by_stat: dict,
             metric_of=None, decades: float | None = None) -> list:
    """One table row per statistic: fitted exponent with CI, theory, difference and verdict.

    ``metric_of`` maps a row's statistic name to (statistic over runs, raw errors) when it is not the curve's
    own statistic (default: the statistic itself over ``curve.raw``); ``decades`` overrides the fit window."""
    from heavytail_sim.rates import fit_exponent

    rows = []
    kmax = float(np.max(curve.k))
    tol = cfg["tol"]
    for stat, (theory_val, source) in theory_by_stat.items():
        over, raw = (stat, curve.raw) if metric_of is None or stat not in metric_of else metric_of[stat]
        fit = fit_exponent(curve.k, raw, statistic=over, decades=cfg["decades"] if decades is None else decades,
                           kmax=kmax, n_boot=cfg["n_boot"], seed=seed, paired=curve.paired)
        vkind = kind_by_stat.get(stat, "theta")
        v = "n/a (mean infinite: Table 1 N/A)" if vkind == "na" else bound_verdict(fit.slope, theory_val, tol, vkind)
        rows.append({**base, "statistic": stat, "fitted": fit.slope, "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                     "theory": theory_val, "difference": fit.slope - theory_val if math.isfinite(theory_val)
                     else math.nan, "verdict": v, "theory_in_ci": bool(fit.ci_low <= theory_val <= fit.ci_high),
                     "tol": tol, "theory_source": source,
                     "window": f"[{fit.k_lo:.3g}, {fit.k_hi:.3g}]", "runs": curve.runs, "sim_seconds": curve.wall})
    return rows


def curve_rows(curve: Curve, setting: str, alg: str, kind: str, a) -> list:
    """The mean and median over runs at each checkpoint (or horizon) of one cell."""
    if curve.paired:
        mean, median = curve.raw.mean(axis=1), np.median(curve.raw, axis=1)
    else:
        mean = np.array([np.mean(v) for v in curve.raw])
        median = np.array([np.median(v) for v in curve.raw])
    base = {"setting": setting, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a}
    return [{**base, "k": int(k), "mean": m, "median": md, "runs": curve.runs}
            for k, m, md in zip(curve.k, mean, median)]


def slope_rows(curve: Curve, setting: str, alg: str, kind: str, a, cfg: dict) -> list:
    """Local slopes of the mean error with 95% bootstrap bands (half-decade windows; one decade for horizons)."""
    from heavytail_sim.rates import local_slope_bands

    width = 0.5 if curve.paired else 1.0  # horizons are sparser than checkpoints: one-decade windows
    km, s, lo, hi = local_slope_bands(curve.k, curve.raw, statistic="mean", width=width, n_boot=cfg["n_boot_local"],
                                      seed=seed_for(cfg["seed"], "rates.local_slopes", setting=setting, algorithm=alg,
                                                    noise=kind, a=a), paired=curve.paired)
    base = {"setting": setting, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a}
    return [{**base, "k_mid": k, "slope": v, "ci_low": l, "ci_high": h} for k, v, l, h in zip(km, s, lo, hi)]


def strongly_convex_tables(runner, cfg: dict, d: int, noises) -> dict:
    """Table 1's strongly convex cells in dimension d: rates rows, curves, local slopes."""
    from heavytail_sim import theory

    rows, curves, slopes, done = [], [], [], {}
    k_hi = cfg["sc_steps"][d]
    setting = sc_setting(d)
    for kind, a in noises:
        alpha = schedule_alpha(a)
        c = choose_c(kind, a)[0]
        # the transient model over this cell's own fit window (per coordinate: exact form for CClip and
        # for GClip in d = 1, an approximation for GClip in d > 1)
        model = theory.transient_exponent(kind, alpha, 1.0, c, 1.0 / alpha, k_hi / 10 ** cfg["decades"], k_hi)
        th = theory.strongly_convex_exponent(alpha)
        for alg in ("gclip", "cclip", "sgd"):
            t0 = time.perf_counter()
            note = ""
            if d == 1 and alg == "cclip":
                # in d = 1, CClip with tau_k = c B k^(1/a), B = 1, and GClip with tau_k = c G k^(1/a),
                # G = sqrt(1) = 1, are the same update up to rounding (tests/test_experiments_rates.py)
                cur = done["gclip"]
                note = "d=1: identical to GClip (same runs)"
            else:
                cur = sc_cell(runner, d, alg, kind, a, cfg)
            done[alg] = cur
            base = {"setting": setting, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a,
                    "schedule_alpha": alpha, "c": c if alg != "sgd" else math.nan, "horizon": int(cur.k[-1]),
                    "model_exponent": model if alg != "sgd" else math.nan, "note": note}
            src = "seed 000 Table 1, Thm 1" if alg == "gclip" else "seed 000 Table 1, Thm 3"
            kinds = {}
            if alg == "sgd":
                if a is None:
                    stats = {"mean": (th, "seed 000 Table 1 (SGD, alpha >= 2)"), "median": (th, "same scaling")}
                else:
                    stats = {"mean": (math.nan, "seed 000 Table 1: N/A, App A: E f = inf"),
                             "median": (theory.sgd_median_exponent(a), "derived: GCLT scale k^(1/a-1)")}
                    kinds = {"mean": "na"}
            else:
                stats = {"mean": (th, src), "median": (th, "same scaling (variance term)")}
            boot = seed_for(cfg["seed"], "rates.fit", setting=setting, algorithm=alg, noise=kind, a=a)
            rows += fit_rows(cur, base, stats, cfg, boot, kinds)
            curves += curve_rows(cur, setting, alg, kind, a)
            if alg == "gclip" or (alg == "cclip" and d > 1):
                slopes += slope_rows(cur, setting, alg, kind, a, cfg)
            log(f"  strongly convex d={d} {alg:5s} {noise_label(kind, a):13s}: mean slope {_fit_text(rows[-2])}"
                f" theory {_theory_text(rows[-2]['theory'])}  ({cur.wall:.1f} s sim, {time.perf_counter() - t0:.1f} s)")
    return {"rates": rows, "curves": curves, "local_slopes": slopes}


MODEL_POINTS_PER_DECADE = 12  # dense horizons of the model curves (the model is cheap; its local slopes are smooth)


def nc_model(alg: str, kind: str, a, Ks, cfg: dict) -> dict:
    """The transient model of Thm 2's schedule (heavytail_sim.nonconvex_model) for one nc cell at horizons Ks."""
    from heavytail_sim.nonconvex_model import theorem2_model_curve

    from .cells import nc_problem, nc_scale

    return theorem2_model_curve(alg, kind, schedule_alpha(a), 1.0, nc_problem(), nc_scale(alg), Ks,
                                seed=seed_for(cfg["seed"], "rates.nc_model", noise=kind, a=a))


def model_curve_rows(alg: str, kind: str, a, k_lo: float, k_hi: float, cfg: dict, span: str) -> list:
    """The model's error and centred one-decade local slope on a dense grid of horizons in [k_lo, k_hi]."""
    from heavytail_sim.nonconvex_model import centred_local_slopes

    n = int(round(MODEL_POINTS_PER_DECADE * math.log10(k_hi / k_lo))) + 1
    Ks = np.geomspace(k_lo, k_hi, n)
    m = nc_model(alg, kind, a, Ks, cfg)
    mids, loc = centred_local_slopes(Ks, m["error"], 1.0, MODEL_POINTS_PER_DECADE // 2)
    local = dict(zip(np.round(mids, 6), loc))
    return [{"setting": NC_SETTING, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a, "span": span,
             "K": float(K), "eta": e, "tau": t, "V": v, "model_error": err,
             "model_local_slope": local.get(round(float(K), 6), math.nan)}
            for K, e, t, v, err in zip(Ks, m["eta"], m["tau"], m["V"], m["error"])]


def nonconvex_tables(runner, cfg: dict, noises) -> dict:
    """Table 1's non-convex cells (ripple, error in the horizon K): rates rows, curves, local slopes, and the
    transient model's exponent for each GClip/CClip cell (``nc_model``) with its dense curve (``nc_model_curves``)."""
    from heavytail_sim import theory
    from heavytail_sim.nonconvex_model import log_slope

    rows, curves, slopes, model_rows, model_curves = [], [], [], [], []
    cells = [(alg, kind, a) for kind, a in noises for alg in ("gclip", "cclip")]
    if ("gaussian", None) in noises:
        cells.append(("sgd", "gaussian", None))
    for alg, kind, a in cells:
        t0 = time.perf_counter()
        cur = nc_cell(runner, alg, kind, a, cfg)
        alpha = schedule_alpha(a)
        th = theory.nonconvex_exponent(alpha)
        src = {"gclip": "seed 000 Table 1, Thm 2", "cclip": "seed 000 Table 1 (CClip, non-convex)",
               "sgd": "seed 000 Table 1 (SGD, alpha >= 2)"}[alg]
        model = math.nan
        k_hi = float(cur.k[-1])
        k_lo = k_hi / 10 ** cfg["decades"]
        if alg != "sgd":
            # the model over the cell's own horizons and fit window (fixed before the runs it is compared with)
            model = log_slope(cur.k, nc_model(alg, kind, a, cur.k, cfg)["error"], k_lo, k_hi)
        base = {"setting": NC_SETTING, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a,
                "schedule_alpha": alpha, "c": math.nan, "horizon": int(cur.k[-1]), "model_exponent": model,
                "note": "error in K; each K its own runs; O(.) bound"}
        rows += fit_rows(cur, base, {"mean": (th, src), "median": (th, "same scaling")}, cfg,
                         seed_for(cfg["seed"], "rates.fit", setting=NC_SETTING, algorithm=alg, noise=kind, a=a),
                         {"mean": "upper", "median": "upper"})
        curves += curve_rows(cur, NC_SETTING, alg, kind, a)
        if alg != "sgd":
            slopes += slope_rows(cur, NC_SETTING, alg, kind, a, cfg)
            fit = rows[-2]
            half = 0.5 * (fit["ci_high"] - fit["ci_low"])
            model_rows.append({"setting": NC_SETTING, "algorithm": alg, "noise": kind, "a": base["a"],
                               "window": fit["window"], "runs": cur.runs, "fitted": fit["fitted"],
                               "ci_low": fit["ci_low"], "ci_high": fit["ci_high"], "theory": th, "model": model,
                               "model_minus_fitted": model - fit["fitted"],
                               "model_in_ci": bool(fit["ci_low"] <= model <= fit["ci_high"]),
                               "model_within_ci_or_tol": bool(abs(model - fit["fitted"]) <= max(half, MODEL_TOL)),
                               "gap_fitted": fit["fitted"] - th, "gap_model": model - th})
            model_curves += model_curve_rows(alg, kind, a, float(cur.k[0]), k_hi, cfg, "nc")
        log(f"  non-convex {alg:5s} {noise_label(kind, a):13s}: mean slope {_fit_text(rows[-2])} theory {th:+.3f}"
            + (f" model {model:+.3f}" if alg != "sgd" else "") +
            f" ({cur.wall:.1f} s sim, {time.perf_counter() - t0:.1f} s)")
    return {"rates": rows, "curves": curves, "local_slopes": slopes, "nc_model": model_rows,
            "nc_model_curves": model_curves}


MODEL_TOL = 0.01
"""Verdict on the transient model, fixed before its runs: a cell's exponent is predicted when the model lies in the
fitted exponent's 95% CI, or, where that CI is narrower, within 0.01 of it (``model_within_ci_or_tol``)."""


def sample_sizes(m: int) -> np.ndarray:
    """The numbers of runs n at which sample means are taken: a log grid of 30 points from 1 to ``m``, rounded."""
    return np.unique(np.round(np.geomspace(1, m, 30)).astype(np.int64))


def sample_mean_curves(f: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``f`` into ``groups`` disjoint groups; return n (log grid up to the group size) and the
    sample mean of the first n draws of each group, shape ``(len(n), groups)``."""
    m = f.size // groups
    blocks = f[: m * groups].reshape(groups, m)
    ns = sample_sizes(m)
    means = np.cumsum(blocks, axis=1)[:, ns - 1] / ns
    return ns, means.T


def growth_rows(f: np.ndarray, cfg: dict, groups: int, seed: int, theory_growth: float) -> tuple[dict, list]:
    """Growth exponent in n of the median over ``groups`` disjoint groups of the sample mean of n runs of ``f``,
    with its bootstrap CI and verdict against ``theory_growth``: (row fields, curve rows)."""
    from heavytail_sim.rates import fit_exponent, verdict

    ns, means = sample_mean_curves(f, groups)
    fit = fit_exponent(ns, means, statistic="median", decades=cfg["decades"], n_boot=cfg["n_boot"], seed=seed)
    row = {"runs": f.size, "groups": groups, "statistic": "median over groups of the sample mean of n runs",
           "fitted_growth": fit.slope, "ci_low": fit.ci_low, "ci_high": fit.ci_high, "theory_growth": theory_growth,
           "difference": fit.slope - theory_growth, "verdict": verdict(fit.slope, theory_growth, cfg["tol"]),
           "window_n": f"[{fit.k_lo:.3g}, {fit.k_hi:.3g}]", "median_over_runs": float(np.median(f))}
    q25, q75 = np.quantile(means, [0.25, 0.75], axis=1)
    curves = [{"n": int(n), "median": md, "q25": lo, "q75": hi}
              for n, md, lo, hi in zip(ns, np.median(means, axis=1), q25, q75)]
    return row, curves


def expectation_tables(runner, cfg: dict) -> dict:
    """SGD fails in expectation: growth exponent in n of the median (over groups) of the sample mean of n
    runs' f(x_k) - f*, for SGD and GClip under alpha-stable noise; and the curves it is fitted on."""
    from heavytail_sim import theory

    rows, curves = [], []
    for a in EXP_TAILS:
        for alg in ("sgd", "gclip"):
            f = expectation_samples(runner, alg, a, cfg)
            th = theory.sgd_sample_mean_growth(a) if alg == "sgd" else 0.0
            row, cur = growth_rows(f, cfg, cfg["exp_groups"], seed_for(cfg["seed"], "rates.exp_fit", algorithm=alg, a=a),
                                   th)
            rows.append({"algorithm": alg, "noise": "stable", "a": a, "k": cfg["exp_k"], **row,
                         "theory_source": "derived from seed 000 App A: tail index a/2 of f(x_k), n^(2/a-1)"
                         if alg == "sgd" else "finite variance after clipping: sample mean converges"})
            rows[-1] = {key: rows[-1][key] for key in EXPECTATION_COLUMNS}
            curves += [{"algorithm": alg, "a": a, **c} for c in cur]
            log(f"  expectation {alg:5s} a={a}: growth {row['fitted_growth']:+.3f} [{row['ci_low']:+.3f}, "
                f"{row['ci_high']:+.3f}] theory {th:+.3f}")
    return {"sgd_expectation": rows, "sgd_expectation_curves": curves}


EXPECTATION_COLUMNS = ["algorithm", "noise", "a", "k", "runs", "groups", "statistic", "fitted_growth", "ci_low",
                       "ci_high", "theory_growth", "difference", "verdict", "theory_source", "window_n",
                       "median_over_runs"]


def constants_tables(runner, cfg: dict) -> dict:
    """Projected GClip on |x| <= 2 with Thm 1's exact schedule; mean error vs 16 G^2/(mu (k+1)^(2(p-1)/p))."""
    from heavytail_sim import theory

    from .cells import moment_order

    rows, curves = [], []
    for kind, a in exact_constant_laws():
        # Assumption 1 needs p < a: the largest p on a 0.1 grid below a (p = 2 for Gaussian)
        p = moment_order(a)
        G, Gerr = theory.ball_G(MU, CONST_RADIUS, kind, 2.0 if a is None else a, 1.0, p)
        k, raw = constants_cell(runner, kind, a, p, G, cfg)
        summary, per = bound_check(k, raw, theory.theorem1_bound(k, p, G, MU), cfg["n_boot"],
                                   seed_for(cfg["seed"], "rates.const_fit", noise=kind, a=a))
        rows.append({"noise": kind, "a": math.nan if a is None else a, "p": p, "G": G, "G_quad_err": Gerr,
                     "radius": CONST_RADIUS, "runs": raw.shape[1], "horizon": int(k[-1]), **summary})
        curves += [{"noise": kind, "a": math.nan if a is None else a, "p": p, "G": G, **r} for r in per]
        log(f"  Thm 1 constants {noise_label(kind, a)}: p={p:g} G={G:.3f}, "
            f"min bound/mean {rows[-1]['min_margin_mean']:.1f}")
    return {"theorem1_constants": rows, "theorem1_constants_curves": curves}


# ----------------------------------------------------------------------- the non-convex lower bound (chain)
LB_SETTING = "non-convex lower bound: chain (seed 001 Thm 6)"
LB_MIN_STAT = "mean of min_k grad_sq"
"""Statistic name of the rows fitting the mean over runs of min_k ||grad f(x_k)||^2 (engine metric min_grad_sq)."""


def lb_theory(alpha: float) -> float:
    """Table 1's non-convex lower-bound exponent -2(alpha-1)/(3alpha-2) of ||grad f||^2 (seed 001 Thm 6;
    ``TABLE1_NC_LOWER_EXPONENT``), alpha = 2 being the standard-noise column."""
    from proofs_check import statements as st

    return float(st.TABLE1_NC_LOWER_EXPONENT.subs(st.alpha, alpha))


def _mean_ci(x: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Mean with a 95% percentile bootstrap interval."""
    from heavytail_sim.rates import bootstrap_curves

    reps = bootstrap_curves(np.asarray(x, float)[None, :], statistic="mean", n_boot=n_boot, seed=seed)[:, 0]
    return float(np.mean(x)), float(np.quantile(reps, 0.025)), float(np.quantile(reps, 0.975))


def lb_instance_row(inst, name: str, res: dict, cfg: dict) -> dict:
    """The lower-bound checks of one method on one instance at its budget K (the last checkpoint)."""
    from heavytail_sim.chain_law import binomial_tail, reveals_gof, support_violations

    K = inst.budget
    seed = seed_for(cfg["seed"], "rates.lb_fit", method=name, alpha=inst.alpha, T=inst.T)
    ming = np.sqrt(res["min_grad_sq"][-1])
    m, lo, hi = _mean_ci(ming, cfg["n_boot"], seed)
    avg, alo, ahi = _mean_ci(res["avg_grad_sq"][-1], cfg["n_boot"], seed + 1)
    g0 = float(np.linalg.norm(inst.problem().grad(np.zeros(inst.T))))
    gof = reveals_gof(res["reveals"][-1], K, inst.p)
    hit = res["hit_step"][-1]
    return {"alpha": inst.alpha, "method": name, "T": inst.T, "eps": inst.eps, "p": inst.p, "sigma": inst.sigma,
            "lam": inst.lam, "K": K, "runs": ming.size,
            "mean_min_grad": m, "min_grad_ci_low": lo, "min_grad_ci_high": hi, "min_grad_over_eps": m / inst.eps,
            "thm6_holds": bool(lo >= inst.eps),
            "min_at_start": float(np.mean(np.isclose(ming, g0, rtol=1e-12, atol=0))),
            "mean_min_grad_sq": float(np.mean(res["min_grad_sq"][-1])), "theory_exponent": lb_theory(inst.alpha),
            "mean_avg_grad_sq": avg, "avg_ci_low": alo, "avg_ci_high": ahi, "lower_bound_sq": inst.lower_bound_sq(),
            "avg_over_lower_bound": avg / inst.lower_bound_sq(),
            "reveals_mean": float(np.mean(res["reveals"][-1])), "Kp": K * inst.p, "reveals_chi2_pvalue": gof.pvalue,
            "support_violations": support_violations(res["support"], res["reveals"]),
            "progress_per_reveal": float(np.mean(res["progress"][-1]) / max(np.mean(res["reveals"][-1]), 1e-300)),
            "hit_by_K": float(np.mean(hit <= K)), "binomial_tail_at_K": float(binomial_tail([K], inst.p, inst.T)[0]),
            "sim_seconds": res["wall"]}


def lb_hitting(runner, inst, name: str, cfg: dict) -> tuple[dict, list]:
    """Hitting times of one method on the shortest chain up to lb_hit_factor NB means, recorded at every step: the
    exact per-run checks (support <= reveals at every step; progress T never reached before the run's own T-th
    reveal), the empirical law against NB(T, p) with DKW bands, and the CDF curves for the figure."""
    from heavytail_sim.chain_law import (binomial_tail, empirical_cdf, hitting_dominance, reveals_gof,
                                         support_violations, tth_reveal_steps)

    from .cells import chain_cell

    H = int(math.ceil(cfg["lb_hit_factor"] * inst.T / inst.p))
    ks = np.arange(1, H + 1)
    res = chain_cell(runner, inst, name, cfg, steps=H, runs=cfg["lb_hit_runs"], checkpoints=ks)
    hit = res["hit_step"][-1]
    own = tth_reveal_steps(ks, res["reveals"], inst.T)
    chk = hitting_dominance(hit, ks, inst.T, inst.p, LB_LEVEL)
    gof = reveals_gof(res["reveals"][-1], H, inst.p)
    row = {"alpha": inst.alpha, "method": name, "T": inst.T, "p": inst.p, "horizon": H, "runs": hit.size,
           "budget_K": inst.budget, "hit_by_K": float(np.mean(hit <= inst.budget)),
           "binomial_tail_at_K": float(binomial_tail([inst.budget], inst.p, inst.T)[0]),
           "hit_by_horizon": float(np.mean(np.isfinite(hit))),
           "support_violations": support_violations(res["support"], res["reveals"]),
           "hits_before_own_Tth_reveal": int(np.sum(hit < own)), "steps_checked": H,
           "max_excess_over_NB": chk.excess, "dkw_band": chk.band, "dominated_by_NB": chk.dominated,
           "ks_distance": chk.distance, "dkw_band_two_sided": chk.band_two_sided, "hits_like_NB": chk.matches,
           "reveal_stream_ks_distance": float(np.max(np.abs(empirical_cdf(own, ks) - binomial_tail(ks, inst.p, inst.T)))),
           "reveals_chi2_pvalue": gof.pvalue, "sim_seconds": res["wall"]}
    grid = np.unique(np.round(np.geomspace(max(inst.T, 1), H, 60)).astype(np.int64))
    curves = [{"alpha": inst.alpha, "method": name, "T": inst.T, "p": inst.p, "k": int(k), "cdf": f, "nb_cdf": g}
              for k, f, g in zip(grid, empirical_cdf(hit, grid), binomial_tail(grid, inst.p, inst.T))]
    return row, curves


LB_LEVEL = 0.99
"""Level of the hitting-time bands: a method obeying the law is flagged with probability at most 1% per test (the
exact per-run checks, ``support_violations`` and ``hits_before_own_Tth_reveal``, have no false alarms)."""


def lower_bound_tables(runner, cfg: dict) -> dict:
    """Seed 001 Thm 6 simulated: every method on every chain instance of every alpha, the hitting-time law, the
    exponent of the error in the budget K (rates rows) and the sandwich with GClip and seed 000 Thm 2."""
    from heavytail_sim.chain_law import chain_family, instance_exponent, instance_G
    from heavytail_sim import theory

    from .cells import chain_cell, chain_f0

    rows, sandwich, law, hit_curves, rates, curves = [], [], [], [], [], []
    for alpha in cfg["lb_alphas"]:
        fam = chain_family(alpha, cfg["lb_T"], cfg["lb_p"], cfg["lb_decades"], cfg["lb_instances"])
        inst_exp = instance_exponent(fam)
        th = lb_theory(alpha)
        done: dict = {}
        for name in cfg["lb_methods"]:
            t0 = time.perf_counter()
            per = [chain_cell(runner, inst, name, cfg) for inst in fam]
            done[name] = per
            rows += [lb_instance_row(inst, name, res, cfg) for inst, res in zip(fam, per)]
            cur = Curve(np.array([i.budget for i in fam]), [r["avg_grad_sq"][-1] for r in per], False,
                        sum(r["wall"] for r in per), cfg["lb_runs"])
            base = {"setting": LB_SETTING, "algorithm": name, "noise": "chain (probability-p oracle)", "a": alpha,
                    "schedule_alpha": alpha, "c": math.nan, "horizon": int(cur.k[-1]), "model_exponent": inst_exp,
                    "note": f"error at the budget K of each instance (T = {fam[0].T}..{fam[-1].T}); "
                            "model_exponent: the instance family's own exponent; Omega(.) bound"}
            stats = {"mean": (th, "seed 001 Thm 6 (Table 1 lower bound)"),
                     LB_MIN_STAT: (th, "seed 001 Thm 6 (its error: the best iterate)")}
            curves += curve_rows(cur, LB_SETTING, name, base["noise"], alpha)
            rates += fit_rows(cur, base, stats, cfg, seed_for(cfg["seed"], "rates.fit", setting=LB_SETTING,
                                                              algorithm=name, a=alpha),
                              {s: "lower" for s in stats}, decades=math.log10(cur.k[-1] / cur.k[0]) + 1e-6,
                              metric_of={LB_MIN_STAT: ("mean", [r["min_grad_sq"][-1] for r in per])})
            log(f"  lower bound a={alpha:g} {name:6s}: error slope {_fit_text(rates[-2])} theory {th:+.3f} "
                f"(instances {inst_exp:+.3f}) ({cur.wall:.1f} s sim, {time.perf_counter() - t0:.1f} s)")
            row, cdf = lb_hitting(runner, fam[0], name, cfg)
            law.append(row)
            hit_curves += cdf
        # the sandwich: GClip with seed 000 Thm 2's schedule (and the step multiplied by lb_tune) against Thm 2's bound
        for j, inst in enumerate(fam):
            gclip = done["gclip"][j] if "gclip" in done else chain_cell(runner, inst, "gclip", cfg)
            measured = {1.0: gclip}
            for f in cfg["lb_tune"]:
                measured[f] = chain_cell(runner, inst, "gclip", cfg, eta_factor=f)
            means = {f: float(np.mean(r["avg_grad_sq"][-1])) for f, r in measured.items()}
            best = min(means, key=means.get)
            m, lo, hi = _mean_ci(gclip["avg_grad_sq"][-1], cfg["n_boot"],
                                 seed_for(cfg["seed"], "rates.lb_sandwich", alpha=alpha, T=inst.T))
            G, f0 = instance_G(inst), chain_f0(inst)
            bound = float(theory.theorem2_bound([inst.budget], alpha, G, inst.L, f0)[0])
            sandwich.append({"alpha": alpha, "T": inst.T, "K": inst.budget, "eps": inst.eps, "p": inst.p,
                             "lower_bound_sq": inst.lower_bound_sq(), "gclip_thm2_mean": m, "ci_low": lo,
                             "ci_high": hi, "gclip_tuned_mean": means[best], "tuned_eta_factor": best,
                             "thm2_bound": bound, "G": G, "f0": f0, "L": inst.L,
                             "sandwich_holds": bool(inst.lower_bound_sq() <= means[best] <= m and hi <= bound),
                             "bound_over_measured": bound / m, "measured_over_lower": means[best] / inst.lower_bound_sq(),
                             **{f"eta_x{f:g}": v for f, v in means.items()}})
    return {"nc_lower_bound": rows, "nc_lower_bound_law": law, "nc_lower_bound_hitting": hit_curves,
            "nc_lower_bound_sandwich": sandwich, "rates": rates, "curves": curves}


# ------------------------------------------------------------------ SGD in expectation, non-convex (N/A cell)
def growth_verdict(fitted: float, ci_low: float, theory: float, tol: float) -> str:
    """Verdict on a sample-mean growth exponent (fixed before the run). The sample mean of n runs is about
    b + c n^theory (b > 0 the bulk, c n^theory the heavy tail's share), whose local exponent rises to ``theory``
    from below: "agrees" within ``tol``; growth whose CI excludes 0 but below theory - tol is "grows, below the
    asymptote (bulk dominates)"; anything else (no growth, or faster than predicted) "disagrees"."""
    from heavytail_sim.rates import verdict

    v = verdict(fitted, theory, tol)
    if v == "disagrees" and ci_low > 0 and fitted < theory - tol:
        return "grows, below the asymptote (bulk dominates)"
    return v


def nc_expectation_tables(runner, cfg: dict) -> dict:
    """Table 1's N/A cell (SGD, non-convex, alpha < 2): growth in n of the sample mean of n runs' (1/K) sum_k
    ||grad f(x_{k-1})||^2 on the nc ripple under alpha-stable noise, SGD against GClip; rates rows for the cell."""
    from heavytail_sim import theory

    rows, curves, rates = [], [], []
    for a in EXP_TAILS:
        for alg in ("sgd", "gclip"):
            f = nc_expectation_samples(runner, alg, a, cfg)
            th = theory.sgd_sample_mean_growth(a) if alg == "sgd" else 0.0
            row, cur = growth_rows(f, cfg, cfg["ncexp_groups"],
                                   seed_for(cfg["seed"], "rates.ncexp_fit", algorithm=alg, a=a), th)
            if alg == "sgd":
                row["verdict"] = growth_verdict(row["fitted_growth"], row["ci_low"], th, cfg["tol"])
            rows.append({"algorithm": alg, "noise": "stable", "a": a, "k": cfg["ncexp_k"], **row,
                         "theory_source": "derived: a jump eta xi adds ~eta xi^2/(2K) to the error (tail index a/2 < 1): "
                                          "growth n^(2/a-1) as n -> inf, from below while the bulk dominates"
                         if alg == "sgd" else "GClip (Thm 2, alpha = a): bounded steps, finite mean"})
            rows[-1] = {key: rows[-1][key] for key in EXPECTATION_COLUMNS}
            curves += [{"algorithm": alg, "a": a, **c} for c in cur]
            if alg == "sgd":
                rates.append({"setting": NC_SETTING, "algorithm": "sgd", "noise": "stable", "a": a,
                              "statistic": "sample mean over n runs: growth exponent in n", "fitted": row["fitted_growth"],
                              "ci_low": row["ci_low"], "ci_high": row["ci_high"], "theory": th,
                              "difference": row["difference"], "verdict": row["verdict"],
                              "theory_in_ci": bool(row["ci_low"] <= th <= row["ci_high"]), "tol": cfg["tol"],
                              "theory_source": "seed 000 Table 1: N/A (E = inf); growth n^(2/a-1) derived",
                              "window": row["window_n"], "horizon": cfg["ncexp_k"], "runs": f.size,
                              "schedule_alpha": 2.0, "c": math.nan, "model_exponent": math.nan,
                              "note": "N/A cell: the mean does not exist; see nc_sgd_expectation.md"})
            log(f"  non-convex expectation {alg:5s} a={a}: growth {row['fitted_growth']:+.3f} [{row['ci_low']:+.3f}, "
                f"{row['ci_high']:+.3f}] theory {th:+.3f}")
    return {"nc_sgd_expectation": rows, "nc_sgd_expectation_curves": curves, "rates": rates}


# ------------------------------------------------------------- Thm 2's constants on a non-benign ripple
SPUR_SETTING = "non-convex ripple d=4 c=2 w=3 (box, exact constants)"


def bound_check(k, raw, bound, n_boot: int, seed: int, paired: bool = True) -> tuple[dict, list]:
    """The measured mean against a bound at every checkpoint (or horizon): margins and whether it holds for the
    mean and for its 97.5% bootstrap upper bound; and the per-checkpoint rows (k, mean, upper95, bound)."""
    from heavytail_sim.rates import bootstrap_curves

    mean = np.array([np.mean(v) for v in raw]) if not paired else np.asarray(raw).mean(axis=1)
    upper = np.quantile(bootstrap_curves(raw, statistic="mean", n_boot=n_boot, seed=seed, paired=paired), 0.975, axis=0)
    bound = np.asarray(bound, float)
    summary = {"min_margin_mean": float(np.min(bound / mean)), "k_at_min": int(k[np.argmin(bound / mean)]),
               "min_margin_upper95": float(np.min(bound / upper)), "holds_every_checkpoint": bool(np.all(mean <= bound)),
               "holds_upper95_every_checkpoint": bool(np.all(upper <= bound))}
    return summary, [{"k": int(kk), "mean": m, "upper95": u, "bound": b} for kk, m, u, b in zip(k, mean, upper, bound)]


STATIONARY = 0.01
"""A run has stopped at a stationary point when ||grad f(x_K)||^2 <= 0.01 ||grad f(x_0)||^2."""


def landing(f_last, grad_sq, spurious_f: float, g0sq: float, f0: float) -> dict:
    """Where the runs are at the largest horizon: fractions stopped at the global minimum (f < half the smallest
    spurious minimum's value), at a spurious stationary point, or still moving; and the share of f0 dissipated."""
    still = np.asarray(grad_sq) <= STATIONARY * g0sq
    f_last = np.asarray(f_last)
    return {"at_global_min": float(np.mean(still & (f_last < spurious_f / 2))),
            "at_spurious_min": float(np.mean(still & (f_last >= spurious_f / 2))),
            "not_stationary": float(np.mean(~still)), "f0_dissipated": float(1 - np.median(f_last) / f0)}


def spur_tables(runner, cfg: dict) -> dict:
    """GClip/CClip on the box-projected ripple(4, c=2, w=3) with seed 000 Thm 2's constants computed exactly: rates
    rows (exponent in K), the bound at every horizon, and where the runs end (global or spurious minima)."""
    from heavytail_sim import theory
    from heavytail_sim.nonconvex_model import ripple_box_constants
    from heavytail_sim.problems import ripple_stationary_points

    from .cells import SPUR_C, SPUR_R, SPUR_W, moment_order, spur_cell, spur_problem

    rows, curves, rates, table1_curves = [], [], [], []
    prob = spur_problem()
    minima, _ = ripple_stationary_points(SPUR_C, SPUR_W, SPUR_R)
    one = float(prob.h[0]) * (minima[1] ** 2 / 2 + SPUR_C * (1 - math.cos(SPUR_W * minima[1])))  # smallest spurious f
    g0sq = float(np.sum(prob.grad(prob.x0) ** 2))
    Ks = horizons({"nc_k": cfg["spur_k"], "nc_per_decade": cfg["spur_per_decade"]})
    for kind, a in exact_constant_laws():
        p = moment_order(a)
        consts = ripple_box_constants(prob, SPUR_R, kind, schedule_alpha(a), 1.0, p)
        th = theory.nonconvex_exponent(p)
        for alg in ("gclip", "cclip"):
            cur = spur_cell(runner, alg, kind, a, consts, Ks, cfg)
            G = consts.G if alg == "gclip" else consts.B_norm(prob.dim)
            bound = theory.theorem2_bound(cur.k, p, G, consts.L, consts.f0)
            summary, per = bound_check(cur.k, cur.raw, bound, cfg["n_boot"],
                                       seed_for(cfg["seed"], "rates.spur_fit", algorithm=alg, noise=kind, a=a), False)
            f_last = cur.last["f_last"]
            rows.append({"algorithm": alg, "noise": kind, "a": math.nan if a is None else a, "p": p,
                         "constant": "G (Assumption 1)" if alg == "gclip" else "l_p norm of B (Assumption 2)", "value": G,
                         "G_lower": consts.G_lower if alg == "gclip" else math.nan, "M": consts.M, "B": consts.B,
                         "B_quad_err": consts.B_quad_err, "L": consts.L, "f0": consts.f0, "box": SPUR_R,
                         "runs": cur.runs, "horizon": int(cur.k[-1]), **summary,
                         **landing(f_last, cur.last["grad_sq"], one, g0sq, consts.f0)})
            curves += [{"algorithm": alg, "noise": kind, "a": math.nan if a is None else a, "p": p, **r} for r in per]
            base = {"setting": SPUR_SETTING, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a,
                    "schedule_alpha": p, "c": math.nan, "horizon": int(cur.k[-1]), "model_exponent": math.nan,
                    "note": f"Thm 2 with exact constants at moment order p={p:g} (Table 1 at a: "
                            f"{theory.nonconvex_exponent(schedule_alpha(a)):.3f}); O(.) bound"}
            src = "seed 000 Thm 2 at p" if alg == "gclip" else "seed 000 Thm 5 (CClip) at p"
            rates += fit_rows(cur, base, {"mean": (th, src), "median": (th, "same scaling")}, cfg,
                              seed_for(cfg["seed"], "rates.fit", setting=SPUR_SETTING, algorithm=alg, noise=kind, a=a),
                              {"mean": "upper", "median": "upper"})
            table1_curves += curve_rows(cur, SPUR_SETTING, alg, kind, a)
            log(f"  spurious ripple {alg:5s} {noise_label(kind, a):13s} p={p:g}: slope {rates[-2]['fitted']:+.3f} theory "
                f"{th:+.3f}; bound/mean >= {summary['min_margin_mean']:.2f}; {rows[-1]['at_spurious_min']:.0%} of runs at "
                "spurious minima")
    return {"theorem2_constants": rows, "theorem2_constants_curves": curves, "rates": rates, "curves": table1_curves}


# ------------------------------------------------------------- the Pareto misses at longer horizons
def long_tables(runner, cfg: dict) -> dict:
    """The Pareto non-convex cells at horizons long_k: local slopes (one-decade windows) with bootstrap bands, the
    transient model's slope over the same horizons and the theory; the window fit; the model's dense curve."""
    from heavytail_sim import theory
    from heavytail_sim.nonconvex_model import log_slope

    rows, model_curves = [], []
    Ks = horizons({"nc_k": cfg["long_k"], "nc_per_decade": cfg["long_per_decade"]})
    for a in cfg["long_tails"]:
        th = theory.nonconvex_exponent(a)
        for alg in ("gclip", "cclip"):
            t0 = time.perf_counter()
            cur = nc_cell(runner, alg, "pareto", a, cfg, Ks=Ks, runs=cfg["long_runs"])
            model = nc_model(alg, "pareto", a, cur.k, cfg)["error"]
            base = {"algorithm": alg, "noise": "pareto", "a": a, "runs": cur.runs, "theory": th}
            for r in slope_rows(cur, NC_SETTING, alg, "pareto", a, cfg):
                lo, hi = r["k_mid"] / 10 ** 0.5, r["k_mid"] * 10 ** 0.5
                rows.append({**base, "window": f"[{lo:.3g}, {hi:.3g}]", "k_mid": r["k_mid"], "measured": r["slope"],
                             "ci_low": r["ci_low"], "ci_high": r["ci_high"], "model": log_slope(cur.k, model, lo, hi),
                             "kind": "local slope (one decade)"})
            fit = fit_exponent_row(cur, cfg, seed_for(cfg["seed"], "rates.long_fit", algorithm=alg, a=a))
            rows.append({**base, "window": f"[{cur.k[0]:.3g}, {cur.k[-1]:.3g}]",
                         "k_mid": math.sqrt(cur.k[0] * cur.k[-1]), "measured": fit.slope, "ci_low": fit.ci_low,
                         "ci_high": fit.ci_high, "model": log_slope(cur.k, model, cur.k[0], cur.k[-1]),
                         "kind": "fit over all long horizons"})
            # the model from K = 10 to half a decade past the last horizon: the figure's whole range
            model_curves += model_curve_rows(alg, "pareto", a, 10.0, float(cur.k[-1]) * 10 ** 0.5, cfg, "long")
            log(f"  long horizons {alg:5s} pareto a={a:g}: slope {fit.slope:+.3f} [{fit.ci_low:+.3f}, {fit.ci_high:+.3f}] "
                f"over K in [{cur.k[0]}, {cur.k[-1]}], model {rows[-1]['model']:+.3f}, theory {th:+.3f} "
                f"({cur.wall:.1f} s sim, {time.perf_counter() - t0:.1f} s)")
    for r in rows:
        r["model_in_ci"] = bool(r["ci_low"] <= r["model"] <= r["ci_high"])
        r["model_minus_measured"] = r["model"] - r["measured"]
    return {"nc_transient": rows, "nc_model_curves": model_curves}


def fit_exponent_row(cur: Curve, cfg: dict, seed: int):
    """The mean's exponent over all of a cell's horizons (or checkpoints) with its bootstrap CI."""
    from heavytail_sim.rates import fit_exponent

    return fit_exponent(cur.k, cur.raw, statistic="mean", decades=math.log10(cur.k[-1] / cur.k[0]) + 1e-6,
                        n_boot=cfg["n_boot"], seed=seed, paired=cur.paired)


# --------------------------------------------------------------------------- seed 001's own theorems
S001_THM2 = "seed 001 Thm 2 (central moment sigma)"
S001_THM4 = "seed 001 Thm 4 (projected GClip, non-smooth)"


def s001_thm2_setup(kind: str, a, cfg: dict) -> dict:
    """The instance of seed 001 Thm 2 for one noise law: ripple(1) (c = 1, w = 2), moment order p, the sigma at which
    the threshold's fixed entries are smallest, the noise scale giving E|g - grad f|^p = sigma^p exactly (d = 1), and
    x0 such that the K-dependent entry of tau overtakes the fixed ones at K = s001_onset (the onset scales like f0)."""
    from scipy.optimize import brentq

    from heavytail_sim.noise import abs_moment
    from heavytail_sim.problems import ripple
    from heavytail_sim.schedules import theorem2_sigma_tau

    from .cells import moment_order

    p = moment_order(a)
    # the entries 2 and 48^(1/(p-1)) sigma^(p/(p-1)) of seed 001 Thm 2's tau meet here; 8 sigma < 2 there
    sigma = (2.0 ** (p - 1.0) / 48.0) ** (1.0 / p)
    scale = sigma / abs_moment(kind, schedule_alpha(a), 1.0, p) ** (1.0 / p)
    L = ripple(1).L
    fixed = float(theorem2_sigma_tau(p, sigma, L, 1e300, 1.0))  # the K-dependent entry vanishes as f0 -> inf

    def onset(f0: float) -> float:  # smallest K whose threshold exceeds the fixed entries (bisection in log K)
        lo, hi = -30.0, 60.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if float(theorem2_sigma_tau(p, sigma, L, f0, math.exp(mid))) > fixed * (1 + 1e-12) \
                else (mid, hi)
        return math.exp(hi)

    f0 = cfg["s001_onset"] / onset(1.0)  # the entry depends on K / (f0 L): the onset is proportional to f0
    x0 = brentq(lambda t: float(ripple(1, x0=t).value(np.array([t]))) - f0, 0.0, 0.5, xtol=1e-15, rtol=1e-15)
    prob = ripple(1, x0=x0)
    f0 = float(prob.value(prob.x0)) - prob.fstar
    return {"p": p, "sigma": sigma, "scale": scale, "problem": prob, "f0": f0, "x0": x0, "L": L, "fixed_tau": fixed,
            "onset": onset(f0)}


def relaxation(setup: dict, K: float) -> float:
    """eta L K for seed 001 Thm 2's schedule at horizon K: how many relaxation times 1/(eta L) the run lasts (the
    error reaches its stationary, rate-setting regime only when this is large)."""
    from heavytail_sim.schedules import theorem2_sigma

    return float(theorem2_sigma(setup["p"], setup["sigma"], setup["L"], setup["f0"], K).eta0 * setup["L"] * K)


def _s001_check(theorem: int, k, raw, paired: bool, bound, kind: str, a, cfg: dict) -> tuple[dict, list, object]:
    """Seed 001 Thm ``theorem``'s cell: the measured mean against the bound (:func:`bound_check`: summary and
    per-checkpoint rows) and the mean's fitted exponent."""
    from heavytail_sim.rates import fit_exponent

    summary, per = bound_check(k, raw, bound, cfg["n_boot"],
                               seed_for(cfg["seed"], "rates.s001_fit", theorem=theorem, noise=kind, a=a), paired)
    fit = fit_exponent(k, raw, statistic="mean", decades=cfg["decades"], n_boot=cfg["n_boot"],
                       seed=seed_for(cfg["seed"], "rates.s001_fit", theorem=theorem, noise=kind, a=a, w=1),
                       paired=paired)
    return summary, per, fit


def _s001_row(theorem: str, kind: str, a, p: float, setup: dict, fit, theory_value: float, summary: dict,
              cfg: dict) -> dict:
    """One row of ``seed001_theorems``: the law, the theorem's ``setup`` columns, the fit with its verdict against
    the O(.) exponent ``theory_value``, and the bound check's ``summary``."""
    return {"theorem": theorem, "noise": kind, "a": math.nan if a is None else a, "p": p, **setup,
            "fitted": fit.slope, "ci_low": fit.ci_low, "ci_high": fit.ci_high,
            "window": f"[{fit.k_lo:.3g}, {fit.k_hi:.3g}]", "theory": theory_value,
            "verdict": bound_verdict(fit.slope, theory_value, cfg["tol"], "upper"), **summary}


def s001_tables(runner, cfg: dict) -> dict:
    """Seed 001 Thm 2 (GClip, central moment sigma, ``theorem2_sigma``) on ripple(1) and Thm 4 (projected GClip,
    ``theorem4_projected``) on the non-smooth l1_quadratic(1) in |x| <= 2: fitted exponents and the bounds
    (``theorem2_sigma_bound``, ``theorem4_bound``) at every horizon / checkpoint."""
    from heavytail_sim import theory

    from .cells import S001_RADIUS, s001_thm2_cell, s001_thm4_cell

    rows, curves = [], []
    Ks = horizons({"nc_k": cfg["s001_k"], "nc_per_decade": cfg["s001_per_decade"]})
    for kind, a in exact_constant_laws():
        la = math.nan if a is None else a
        # Thm 2 (sigma): each horizon its own runs; the bound is on (1/K) sum E min{||grad f||, ||grad f||^2}, which is
        # at most the measured (1/K) sum E||grad f||^2: checking the latter against it is the stronger check
        st = s001_thm2_setup(kind, a, cfg)
        p = st["p"]
        cur = s001_thm2_cell(runner, kind, a, st, Ks, cfg)
        bound = theory.theorem2_sigma_bound(cur.k, p, st["sigma"], st["L"], st["f0"])
        summary, per, fit = _s001_check(2, cur.k, cur.raw, False, bound, kind, a, cfg)
        th = theory.nonconvex_exponent(p)
        rows.append(_s001_row(S001_THM2, kind, a, p, {
            "constant": "sigma", "value": st["sigma"], "noise_scale": st["scale"], "x0": st["x0"], "f0": st["f0"],
            "L_or_mu": st["L"], "tau_fixed": st["fixed_tau"], "onset_K": st["onset"],
            "eta_L_K_window_start": relaxation(st, fit.k_lo), "runs": cur.runs, "horizon": int(cur.k[-1])},
            fit, th, summary, cfg))
        curves += [{"theorem": S001_THM2, "noise": kind, "a": la, "p": p, **r} for r in per]
        log(f"  seed 001 Thm 2 {noise_label(kind, a):13s} p={p:g}: slope {fit.slope:+.3f} [{fit.ci_low:+.3f}, "
            f"{fit.ci_high:+.3f}] theory {th:+.3f}; bound/mean >= {summary['min_margin_mean']:.2f}")
        # Thm 4: G = sup_{|x| <= 2} (E|lam sign(x) + mu x + xi|^p)^(1/p) = (E|lam + 2 mu + xi|^p)^(1/p) (convex, even)
        val, err = theory.shifted_abs_moment(1.0 + MU * S001_RADIUS, kind, schedule_alpha(a), 1.0, p)
        G = val ** (1.0 / p)
        k, raw, _ = s001_thm4_cell(runner, kind, a, p, G, cfg)
        summary, per, fit = _s001_check(4, k, raw, True, theory.theorem4_bound(k, p, G, MU), kind, a, cfg)
        th = theory.strongly_convex_exponent(p)
        rows.append(_s001_row(S001_THM4, kind, a, p, {
            "constant": "G", "value": G, "noise_scale": 1.0, "x0": 1.0, "f0": math.nan, "L_or_mu": MU,
            "tau_fixed": math.nan, "onset_K": math.nan, "eta_L_K_window_start": math.nan, "runs": raw.shape[1],
            "horizon": int(k[-1])}, fit, th, summary, cfg))
        curves += [{"theorem": S001_THM4, "noise": kind, "a": la, "p": p, **r} for r in per]
        log(f"  seed 001 Thm 4 {noise_label(kind, a):13s} p={p:g}: slope {fit.slope:+.3f} [{fit.ci_low:+.3f}, "
            f"{fit.ci_high:+.3f}] theory {th:+.3f}; bound/mean >= {summary['min_margin_mean']:.1f}")
    return {"seed001_theorems": rows, "seed001_theorems_curves": curves}
