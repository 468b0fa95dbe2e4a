"""Study: the information-theoretic lower bound of seed 000 (Thm 4, App G) against GClip, projected SGD
and count-based estimators, on the exact construction.

Three parts, all written to the out dir:

* ``construction.csv``: unbiasedness and the alpha-moment of the oracle on [0, 1/2] over a grid of
  (alpha, eps), computed exactly (two-point law);
* ``lemma7.csv`` / ``lemma7.png``: success probability of the optimal test of nu from k oracle calls
  (exact binomial total variation) against Lemma 7's bound and the bound its proof derives;
* ``lower_bound.csv`` / ``lower_bound.png`` / ``exponents.csv``: for each k of a log grid the instance
  with eps = eps(k); nu-averaged mean error of projected GClip (Thm 1 schedule, G of the construction),
  projected SGD (eta_k = 4/(k+1)) and the Bayes / likelihood-ratio estimators from the jump count,
  against eps^2/64, the exact Bayes risk (minimum over all algorithms) and Thm 1's upper bound.

Statistic: the plain mean over runs. The theorems bound the mean, and every error here is bounded
(iterates live in [0, 1/2]), so the mean has finite variance and a normal / bootstrap interval is valid.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from heavytail_sim.cache import cell
from heavytail_sim.study import ConfigError, Int, Param, Study, Table, array_bytes, seed_for

HELP = "Lower bound of seed 000 Thm 4: exact construction, Lemma 7, GClip/SGD/estimators vs eps^2/64"
DESCRIPTION = HELP + """.

Writes construction/lemma7/lower_bound/exponents tables (CSV + markdown) and the figures
lower_bound.png and lemma7.png.

Examples:
  heavytail-sim lower-bound --quick
  heavytail-sim lower-bound --set k_max=100000 --set runs=1000 --out lb
"""

ALPHAS = (1.2, 1.5, 1.8, 2.0)
SIM_METHODS = ("gclip", "sgd")            # run by the engine on the construction
COUNT_METHODS = ("bayes", "mle")          # computed from the jump count
METHOD_LABEL = {"gclip": "projected GClip (Thm 1)", "sgd": "projected SGD, eta=4/(k+1)",
                "bayes": "posterior mean from count", "mle": "likelihood-ratio test from count"}
LEMMA7_FIXED_EPS = 1.0 / 32.0
LEMMA7_K_MAX = 10 ** 6
PARAMS = {
    "k_max": Param(Int(10, 2 ** 53), "largest number of oracle calls k of the simulated grid (it starts at 10)"),
    "per_decade": Param(Int(1, 100), "grid points per decade of k"),
    "runs": Param(Int(2, 10 ** 9), "runs per (alpha, k, nu) and method"),
    "lemma7_per_decade": Param(Int(1, 100), f"grid points per decade of k for Lemma 7 (k up to {LEMMA7_K_MAX})"),
    "n_boot": Param(Int(10, 10 ** 6), "bootstrap resamples of the exponent CIs"),
}
# quick: seconds on 2 cores; full: a few minutes
PRESETS = {
    "quick": {"k_max": 10 ** 4, "per_decade": 2, "runs": 400, "lemma7_per_decade": 2, "n_boot": 300},
    "full": {"k_max": 10 ** 5, "per_decade": 3, "runs": 2000, "lemma7_per_decade": 4, "n_boot": 1000},
}


def k_grid(k_max: int, per_decade: int, k_min: int = 10) -> np.ndarray:
    """Distinct integers log-spaced from k_min to k_max, ``per_decade`` per decade."""
    n = int(round(per_decade * math.log10(k_max / k_min))) + 1
    return np.unique(np.round(np.logspace(math.log10(k_min), math.log10(k_max), n)).astype(np.int64))


@cell
def construction_table(runner, alphas=(1.1, 1.2, 1.35, 1.5, 1.65, 1.8, 1.9, 2.0), n_eps: int = 9):
    """Exact checks of the oracle on [0, 1/2]: max |E g - grad f| and max E|g|^alpha per (alpha, eps)."""
    import pandas as pd

    from heavytail_sim.lower_bound import max_abs_moment, oracle_mean
    from heavytail_sim.problems import lower_bound_instance

    xs = np.linspace(0.0, 0.5, 1001)
    rows = []
    for a in alphas:
        for eps in np.geomspace(1e-4, 0.125, n_eps):
            bias = 0.0
            for nu in (0, 1):
                inst = lower_bound_instance(a, float(eps), nu)
                bias = max(bias, float(np.max(np.abs(oracle_mean(inst, xs) - inst.problem.grad(xs[:, None])[:, 0]))))
            mx, xarg, nuarg = max_abs_moment(a, float(eps))
            g = lower_bound_instance(a, float(eps), 0)
            rows.append({"alpha": a, "eps": float(eps), "gamma": g.gamma, "p0": g.p,
                         "p1": lower_bound_instance(a, float(eps), 1).p, "max_abs_bias": bias,
                         "max_E_abs_g_alpha": mx, "argmax_x": xarg, "argmax_nu": nuarg,
                         "G": mx ** (1 / a), "moment_bound_holds": bool(mx <= 1.0)})
    return pd.DataFrame(rows)


@cell
def lemma7_table(runner, k_max: int, per_decade: int):
    """Optimal-test success probability vs Lemma 7's bound for eps = eps(k) and a fixed eps."""
    import pandas as pd

    from heavytail_sim.lower_bound import (eps_for_k, lemma7_bound, lemma7_proof_bound, lemma7_proof_final,
                                           optimal_test_success)

    rows = []
    for a in ALPHAS:
        for k in k_grid(k_max, per_decade):
            for mode, eps in (("eps(k)", float(eps_for_k(a, k))), ("eps=1/32", LEMMA7_FIXED_EPS)):
                succ = optimal_test_success(a, eps, int(k))
                lb = float(lemma7_bound(a, eps, k))
                rows.append({"alpha": a, "k": int(k), "eps_mode": mode, "eps": eps, "optimal_success": succ,
                             "lemma7_bound": lb, "proof_final_bound": float(lemma7_proof_final(a, eps, k)),
                             "pinsker_kl_bound": float(lemma7_proof_bound(a, eps, k)),
                             "bound_holds": bool(succ <= lb + 1e-12)})
    return pd.DataFrame(rows)


@cell
def simulate_errors(runner, alpha: float, ks: np.ndarray, runs: int, seed: int) -> dict:
    """Per-run nu-paired errors: ``out[method][c]`` is an array (runs,) of (e_nu0 + e_nu1)/2 at ks[c].

    Pairing run r of nu = 0 with run r of nu = 1 (independent streams) makes the pair average an i.i.d.
    sample whose mean is the nu-averaged error of Thm 4, so a bootstrap over pairs is valid.
    """
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.lower_bound import construction_G, count_estimator_errors, eps_for_k
    from heavytail_sim.problems import lower_bound_instance
    from heavytail_sim.schedules import sgd_decreasing, theorem1

    out = {m: [] for m in SIM_METHODS + COUNT_METHODS}
    for c, k in enumerate(ks):
        k = int(k)
        eps = float(eps_for_k(alpha, k))
        G = construction_G(alpha, eps)
        scheds = {"gclip": theorem1(alpha, G, 1.0), "sgd": sgd_decreasing(1.0)}
        per_nu = {m: [] for m in out}
        for nu in (0, 1):
            inst = lower_bound_instance(alpha, eps, nu)
            s = seed_for(seed, "lower_bound.errors", alpha=alpha, k=k, nu=nu)
            for m in SIM_METHODS:  # same seed: both methods see the same oracle bits (paired comparison)
                res = runner.simulate(inst.problem, inst.noise, Algorithm(m), scheds[m], runs=runs, steps=k,
                                      seed=s, checkpoints=[k], keep_raw=True)
                per_nu[m].append(res.raw["f_avg"][-1])
            for m in COUNT_METHODS:
                per_nu[m].append(count_estimator_errors(alpha, eps, k, nu, runs, s, estimator=m))
        for m in out:
            out[m].append(0.5 * (per_nu[m][0] + per_nu[m][1]))
    return out


def _grid_has_points(cfg: dict) -> None:
    if len(k_grid(cfg["k_max"], cfg["per_decade"])) < 2:
        raise ConfigError("k_max", f"the k grid from 10 to k_max={cfg['k_max']} with per_decade={cfg['per_decade']} "
                                   "has one point; an exponent needs two (raise k_max or per_decade)")


def _memory(cfg: dict) -> dict:
    # per (alpha, k): both nu, four methods, plus the engine's state of one simulation
    n_k = len(k_grid(cfg["k_max"], cfg["per_decade"]))
    return {"runs": array_bytes(cfg["runs"], 12 * n_k + 16)}


def compute(cfg: dict, runner) -> dict:
    """The four tables; simulations through ``runner``."""
    import pandas as pd

    from heavytail_sim.lower_bound import bayes_risk, construction_G, eps_for_k, lower_bound_value
    from heavytail_sim.rates import fit_exponent

    cons = construction_table(runner)
    lem = lemma7_table(runner, LEMMA7_K_MAX, cfg["lemma7_per_decade"])

    ks = k_grid(cfg["k_max"], cfg["per_decade"])
    rows, fits = [], []
    for a in ALPHAS:
        raw = simulate_errors(runner, a, ks, cfg["runs"], cfg["seed"])
        rate = -2 * (a - 1) / a  # seed 000, Thm 1 / Thm 4: error ~ k^(-2(alpha-1)/alpha)
        for c, k in enumerate(ks):
            eps = float(eps_for_k(a, k))
            lb = float(lower_bound_value(eps))
            G = construction_G(a, eps)
            upper = 16 * G ** 2 / (k + 1) ** (2 * (a - 1) / a)  # seed 000, Thm 1 with mu = 1
            br = bayes_risk(a, eps, int(k))
            for m in SIM_METHODS + COUNT_METHODS:
                v = raw[m][c]
                mean, se = float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size))
                rows.append({"alpha": a, "k": int(k), "eps": eps, "method": m, "mean_error": mean, "se": se,
                             "lower_bound": lb, "bayes_risk": br, "gclip_upper": upper, "G": G,
                             "ratio_to_lower_bound": mean / lb,
                             "above_bound_z": (mean - lb) / se if se > 0 else math.inf})
        # two windows: all k, and the last two decades (less pre-asymptotic: the box [0, 1/2] truncates
        # the first, large steps)
        for span in (math.log10(ks.max() / ks.min()) + 0.01, 2.0):
            for m in SIM_METHODS + COUNT_METHODS:
                fit = fit_exponent(ks, raw[m], statistic="mean", decades=span, n_boot=cfg["n_boot"],
                                   seed=seed_for(cfg["seed"], "lower_bound.fit", alpha=a, method=m), paired=False)
                fits.append({"alpha": a, "method": m, "exponent": fit.slope, "ci_low": fit.ci_low,
                             "ci_high": fit.ci_high, "theory": rate, "k_lo": int(fit.k_lo),
                             "k_hi": int(fit.k_hi), "n_points": fit.n_points})
        brs = np.array([bayes_risk(a, float(eps_for_k(a, k)), int(k)) for k in ks])
        slope = float(np.polyfit(np.log(ks), np.log(brs), 1)[0])
        fits.append({"alpha": a, "method": "bayes_risk_exact", "exponent": slope, "ci_low": slope,
                     "ci_high": slope, "theory": rate, "k_lo": int(ks.min()), "k_hi": int(ks.max()),
                     "n_points": len(ks)})
    return {"construction": cons, "lemma7": lem, "lower_bound": pd.DataFrame(rows), "exponents": pd.DataFrame(fits)}


def draw(tables: dict, cfg: dict) -> dict:
    """The two figures from the tables."""
    return {"lower_bound": _figure_errors(tables["lower_bound"]), "lemma7": _figure_lemma7(tables["lemma7"])}


def summary(tables: dict, cfg: dict) -> str:
    """The console report of a run."""
    cons, lem, table, fit_df = (tables[n] for n in ("construction", "lemma7", "lower_bound", "exponents"))
    lines = []
    lines.append(f"construction: unbiased to {cons.max_abs_bias.max():.2e}; max E|g|^alpha = "
          f"{cons.max_E_abs_g_alpha.max():.4f} (<= 1 on all {len(cons)} (alpha, eps) pairs: "
          f"{bool(cons.moment_bound_holds.all())})")
    l7 = lem[lem.eps_mode == "eps(k)"].groupby("alpha").agg(optimal=("optimal_success", "max"),
                                                            lemma7=("lemma7_bound", "max"),
                                                            proof_last_line=("proof_final_bound", "max"))
    lines.append("Lemma 7 at eps = eps(k) (max over k): optimal-test success vs bound")
    lines.append(l7.to_string(float_format=lambda v: f"{v:.4f}"))
    lines.append(f"Lemma 7 bound holds everywhere: {bool(lem.bound_holds.all())}")
    summ = table.groupby(["alpha", "method"]).ratio_to_lower_bound.agg(["min", "max"])
    lines.append("error / (eps^2/64), min and max over k:")
    lines.append(summ.to_string(float_format=lambda v: f"{v:.2f}"))
    lines.append("fitted exponents (mean error vs k, 95% bootstrap CI):")
    lines.append(fit_df[["alpha", "method", "k_lo", "k_hi", "exponent", "ci_low", "ci_high", "theory"]].to_string(
        index=False, float_format=lambda v: f"{v:.3f}"))
    return "\n".join(lines)


def _figure_errors(table):
    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5), sharex=True)
    styles = {"gclip": ("C3", "o"), "sgd": ("C0", "s"), "bayes": ("C2", "^"), "mle": ("C4", "v")}
    for ax, a in zip(axes.ravel(), ALPHAS):
        t = table[table.alpha == a]
        first = t[t.method == "gclip"]
        ax.plot(first.k, first.gclip_upper, "r:", lw=1.5, label="Thm 1 upper bound 16G²/(k+1)^(2(α-1)/α)")
        ax.plot(first.k, first.bayes_risk, color="0.4", lw=2, label="exact Bayes risk (best any algorithm)")
        ax.plot(first.k, first.lower_bound, "k--", lw=1.5, label="Thm 4 lower bound ε²/64")
        for m, (col, mk) in styles.items():
            s = t[t.method == m]
            ax.errorbar(s.k, s.mean_error, yerr=1.96 * s.se, color=col, marker=mk, ms=5, lw=1, capsize=2,
                        label=METHOD_LABEL[m])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"α = {a}: ε = 1/(16 k^((α-1)/α))")
        ax.grid(True, which="major", alpha=0.3)
        ax.set_ylabel("ν-averaged mean error E f_b(x̂) − f*")
    for ax in axes[1]:
        ax.set_xlabel("oracle calls k")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.suptitle("Seed 000 Thm 4 construction: measured errors between the lower bound and GClip's upper bound")
    fig.tight_layout(rect=(0, 0.07, 1, 0.97))
    return fig


def _figure_lemma7(lem):
    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3), sharey=True)
    for ax, mode in zip(axes, ("eps(k)", "eps=1/32")):
        t = lem[lem.eps_mode == mode]
        for i, a in enumerate(ALPHAS):
            s = t[t.alpha == a]
            col = f"C{i}"
            ax.plot(s.k, s.optimal_success, color=col, lw=2, label=f"α={a}: optimal test (exact)")
            ax.plot(s.k, np.minimum(s.lemma7_bound, 1.05), color=col, ls="--", lw=1.2,
                    label=f"α={a}: Lemma 7 bound")
            ax.plot(s.k, np.minimum(s.proof_final_bound, 1.05), color=col, ls=":", lw=1.2,
                    label=f"α={a}: proof's last line (¼ of the lemma's root)")
        ax.axhline(0.75, color="k", lw=0.8, alpha=0.6)
        ax.set_xscale("log")
        ax.set_ylim(0.48, 1.06)
        ax.set_xlabel("samples k of Bern(p_ν)")
        ax.set_title("ε = 1/(16 k^((α-1)/α)) (Thm 4's choice)" if mode == "eps(k)" else "fixed ε = 1/32")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("P(test recovers ν)  (bounds capped at 1.05)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7.5, frameon=False)
    fig.suptitle("Seed 000 Lemma 7: best test of ν from k samples vs the lemma's bound (line at 3/4)")
    fig.tight_layout(rect=(0, 0.16, 1, 0.95))
    return fig


def finding(tables: dict) -> str:
    """One sentence from the tables."""
    tab = tables["lower_bound"]
    fits = tables["exponents"]
    g = fits[(fits.method == "gclip")]
    g = g[g.k_lo == g.k_lo.max()] if len(g) else g
    parts = ", ".join(f"{r.exponent:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}] vs {r.theory:.3f} (alpha={r.alpha:g})"
                      for r in g.itertuples())
    ratio = tab.groupby("method").ratio_to_lower_bound.min()
    return (f"Every method stays above the lower bound eps^2/64 (smallest ratio: "
            f"{', '.join(f'{m} {v:.1f}x' for m, v in ratio.items())}), and GClip's error decays with the "
            f"exponents {parts}, so the upper and lower bounds meet in rate.")


STUDY = Study(
    name="lower-bound", help=HELP, description=DESCRIPTION, params=PARAMS, presets=PRESETS,
    compute=compute, draw=draw, finding=finding, summary=summary, rules=(_grid_has_points,), memory=_memory,
    tables=(Table("construction"), Table("lemma7"), Table("lower_bound"), Table("exponents")),
    figures=("lower_bound", "lemma7"), weight=2)

if __name__ == "__main__":
    from heavytail_sim.cli import standalone

    sys.exit(standalone(STUDY, prog="python -m experiments.lower_bound"))
