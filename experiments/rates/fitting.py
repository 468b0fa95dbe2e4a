"""From the cells' per-run errors to the rates study's tables: fitted exponents with bootstrap CIs against
the theory (with verdicts), the curves and local slopes the figures draw, SGD's sample means and Thm 1's
constants."""
from __future__ import annotations

import math
import sys
import time

import numpy as np

from heavytail_sim.study import seed_for

from .cells import CONST_RADIUS, Curve, constants_cell, expectation_samples, nc_cell, sc_cell
from .config import EXP_TAILS, MU, NC_DIM, TAILS, choose_c, noise_label, schedule_alpha

CURVE_COLUMNS = ["setting", "algorithm", "noise", "a", "k", "mean", "median", "runs"]
SLOPE_COLUMNS = ["setting", "algorithm", "noise", "a", "k_mid", "slope", "ci_low", "ci_high"]


def log(msg: str) -> None:
    """Progress of the study on stderr."""
    print(msg, file=sys.stderr, flush=True)


def sc_setting(d: int) -> str:
    return f"strongly convex d={d}"


NC_SETTING = f"non-convex ripple d={NC_DIM}"


def fit_rows(curve: Curve, base: dict, theory_by_stat: dict, cfg: dict, seed: int, kind_by_stat: dict) -> list:
    """One table row per statistic: fitted exponent with CI, theory, difference and verdict."""
    from heavytail_sim.rates import fit_exponent, verdict

    rows = []
    kmax = float(np.max(curve.k))
    tol = cfg["tol"]
    for stat, (theory_val, source) in theory_by_stat.items():
        fit = fit_exponent(curve.k, curve.raw, stat, cfg["decades"], kmax, cfg["n_boot"], seed, curve.paired)
        vkind = kind_by_stat.get(stat, "theta")
        v = "n/a (mean infinite: Table 1 N/A)" if vkind == "na" else verdict(fit.slope, theory_val, tol, vkind)
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
    km, s, lo, hi = local_slope_bands(curve.k, curve.raw, "mean", width, cfg["n_boot_local"],
                                      seed_for(cfg["seed"], "rates.local_slopes", setting=setting, algorithm=alg,
                                               noise=kind, a=a), curve.paired)
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
            log(f"  strongly convex d={d} {alg:5s} {noise_label(kind, a):13s}: "
                f"mean slope {rows[-2]['fitted']:+.3f} [{rows[-2]['ci_low']:+.3f}, {rows[-2]['ci_high']:+.3f}]"
                f" theory {rows[-2]['theory']:+.3f}  ({cur.wall:.0f}s sim, {time.perf_counter() - t0:.0f}s)")
    return {"rates": rows, "curves": curves, "local_slopes": slopes}


def nonconvex_tables(runner, cfg: dict, noises) -> dict:
    """Table 1's non-convex cells (ripple, error in the horizon K): rates rows, curves, local slopes."""
    from heavytail_sim import theory

    rows, curves, slopes = [], [], []
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
        base = {"setting": NC_SETTING, "algorithm": alg, "noise": kind, "a": math.nan if a is None else a,
                "schedule_alpha": alpha, "c": math.nan, "horizon": int(cur.k[-1]), "model_exponent": math.nan,
                "note": "error in K; each K its own runs; O(.) bound"}
        rows += fit_rows(cur, base, {"mean": (th, src), "median": (th, "same scaling")}, cfg,
                         seed_for(cfg["seed"], "rates.fit", setting=NC_SETTING, algorithm=alg, noise=kind, a=a),
                         {"mean": "upper", "median": "upper"})
        curves += curve_rows(cur, NC_SETTING, alg, kind, a)
        if alg != "sgd":
            slopes += slope_rows(cur, NC_SETTING, alg, kind, a, cfg)
        log(f"  non-convex {alg:5s} {noise_label(kind, a):13s}: mean slope {rows[-2]['fitted']:+.3f} "
            f"[{rows[-2]['ci_low']:+.3f}, {rows[-2]['ci_high']:+.3f}] theory {th:+.3f} "
            f"({cur.wall:.0f}s sim, {time.perf_counter() - t0:.0f}s)")
    return {"rates": rows, "curves": curves, "local_slopes": slopes}


def sample_mean_curves(f: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``f`` into ``groups`` disjoint groups; return n (log grid up to the group size) and the
    sample mean of the first n draws of each group, shape ``(len(n), groups)``."""
    m = f.size // groups
    blocks = f[: m * groups].reshape(groups, m)
    ns = np.unique(np.round(np.geomspace(1, m, 30)).astype(np.int64))
    means = np.cumsum(blocks, axis=1)[:, ns - 1] / ns
    return ns, means.T


def expectation_tables(runner, cfg: dict) -> dict:
    """SGD fails in expectation: growth exponent in n of the median (over groups) of the sample mean of n
    runs' f(x_k) - f*, for SGD and GClip under alpha-stable noise; and the curves it is fitted on."""
    from heavytail_sim import theory
    from heavytail_sim.rates import fit_exponent, verdict

    rows, curves = [], []
    for a in EXP_TAILS:
        for alg in ("sgd", "gclip"):
            f = expectation_samples(runner, alg, a, cfg)
            ns, means = sample_mean_curves(f, cfg["exp_groups"])
            fit = fit_exponent(ns, means, "median", cfg["decades"], None, cfg["n_boot"],
                               seed_for(cfg["seed"], "rates.exp_fit", algorithm=alg, a=a))
            th = theory.sgd_sample_mean_growth(a) if alg == "sgd" else 0.0
            rows.append({"algorithm": alg, "noise": "stable", "a": a, "k": cfg["exp_k"], "runs": f.size,
                         "groups": cfg["exp_groups"], "statistic": "median over groups of the sample mean of n runs",
                         "fitted_growth": fit.slope, "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                         "theory_growth": th, "difference": fit.slope - th,
                         "verdict": verdict(fit.slope, th, cfg["tol"]),
                         "theory_source": "derived from seed 000 App A: tail index a/2 of f(x_k), n^(2/a-1)"
                         if alg == "sgd" else "finite variance after clipping: sample mean converges",
                         "window_n": f"[{fit.k_lo:.3g}, {fit.k_hi:.3g}]", "median_over_runs": float(np.median(f))})
            q25, q75 = np.quantile(means, [0.25, 0.75], axis=1)
            curves += [{"algorithm": alg, "a": a, "n": int(n), "median": md, "q25": lo, "q75": hi}
                       for n, md, lo, hi in zip(ns, np.median(means, axis=1), q25, q75)]
            log(f"  expectation {alg:5s} a={a}: growth {fit.slope:+.3f} [{fit.ci_low:+.3f}, {fit.ci_high:+.3f}] "
                f"theory {th:+.3f}")
    return {"sgd_expectation": rows, "sgd_expectation_curves": curves}


def constants_tables(runner, cfg: dict) -> dict:
    """Projected GClip on |x| <= 2 with Thm 1's exact schedule; mean error vs 16 G^2/(mu (k+1)^(2(p-1)/p))."""
    from heavytail_sim import theory
    from heavytail_sim.rates import bootstrap_curves

    rows, curves = [], []
    for kind, a in [("pareto", t) for t in TAILS] + [("gaussian", None)]:
        # Assumption 1 needs p < a: the largest p on a 0.1 grid below a (p = 2 for Gaussian)
        p = 2.0 if a is None else round(a - 0.1, 10)
        G, Gerr = theory.ball_G(MU, CONST_RADIUS, kind, 2.0 if a is None else a, 1.0, p)
        k, raw = constants_cell(runner, kind, a, p, G, cfg)
        mean = raw.mean(axis=1)
        boot = bootstrap_curves(raw, "mean", cfg["n_boot"], seed_for(cfg["seed"], "rates.const_fit", noise=kind, a=a))
        upper = np.quantile(boot, 0.975, axis=0)
        bound = theory.theorem1_bound(k, p, G, MU)
        rows.append({"noise": kind, "a": math.nan if a is None else a, "p": p, "G": G, "G_quad_err": Gerr,
                     "radius": CONST_RADIUS, "runs": raw.shape[1], "horizon": int(k[-1]),
                     "min_margin_mean": float(np.min(bound / mean)), "k_at_min": int(k[np.argmin(bound / mean)]),
                     "min_margin_upper95": float(np.min(bound / upper)),
                     "holds_every_checkpoint": bool(np.all(mean <= bound)),
                     "holds_upper95_every_checkpoint": bool(np.all(upper <= bound))})
        curves += [{"noise": kind, "a": math.nan if a is None else a, "p": p, "G": G, "k": int(kk), "mean": m,
                    "upper95": u, "bound": b} for kk, m, u, b in zip(k, mean, upper, bound)]
        log(f"  Thm 1 constants {noise_label(kind, a)}: p={p:g} G={G:.3f}, "
            f"min bound/mean {rows[-1]['min_margin_mean']:.1f}")
    return {"theorem1_constants": rows, "theorem1_constants_curves": curves}
