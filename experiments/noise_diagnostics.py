"""Study: gradient-noise diagnostics (seed 000 Sec 2, Fig 2, App H; SPEC Sec 6).

Parts (CSV + markdown tables, PNG figures):
  1. noise-norm histograms, Gaussian vs alpha-stable vectors (seed 000 Fig 2 b, e);
  2. empirical variance against sample size (Fig 2 c, f) with the growth exponent 2/alpha - 1 fitted;
  3. calibration of the tail-index estimators (Mohammadi block sums, Hill) on symmetric alpha-stable and
     symmetric Pareto (Lomax) samples of known index: bias and spread against sample size;
  4. both estimators applied to simulated gradient-noise vectors, per coordinate and for the norm.
"""
from __future__ import annotations

import sys

from heavytail_sim.cache import cell
from heavytail_sim.study import Int, ListOf, Param, Study, Table, array_bytes, seed_for

HELP = "Gradient-noise diagnostics: noise norms, empirical variance vs n, tail-index estimators"
DESCRIPTION = HELP + """ (seed 000 Fig 2, App H).

Writes the variance_vs_n, variance_growth, estimator_calibration, estimators_on_noise and noise_norms
tables and the figures fig2be_noise_norms.png, fig2cf_variance_vs_n.png and estimator_calibration.png;
the estimators are calibrated on synthetic alpha-stable and Pareto samples of known index.

Examples:
  heavytail-sim noise --quick
  heavytail-sim noise --set var_n=1000000 --set "calib_n=(1000, 100000)"
"""

ALPHAS = (0.5, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0)
MIN_ESTIMATOR_N = 64  # the block estimator's minimum sample size (heavytail_sim.tail_index)
PARAMS = {
    "var_n": Param(Int(10 ** 4, 10 ** 10), "noise vectors per variance stream (the slope is fitted over n >= 1000)"),
    "var_d": Param(Int(1, 10 ** 4), "dimension of the variance streams"),
    "var_reps": Param(Int(2, 10 ** 4), "independent variance streams (the slope's CI uses their spread)"),
    "hist_d": Param(Int(1, 10 ** 4), "dimension of the noise vectors of the norm histograms and of the estimators"),
    "hist_n": Param(Int(100, 10 ** 9), "noise vectors per norm histogram"),
    "calib_n": Param(ListOf(Int(MIN_ESTIMATOR_N, 10 ** 9), increasing=True), "sample sizes of the calibration"),
    "calib_reps": Param(Int(1, 10 ** 6), "calibration samples per (law, index, size)"),
    "apply_n": Param(Int(MIN_ESTIMATOR_N, 10 ** 9), "noise vectors per estimate on simulated noise"),
    "apply_reps": Param(Int(1, 10 ** 6), "estimates per law on simulated noise"),
}
PRESETS = {
    "quick": {"var_n": 10 ** 5, "var_d": 10, "var_reps": 4, "hist_d": 100, "hist_n": 20_000,
              "calib_n": (1_000, 10_000), "calib_reps": 20, "apply_n": 4_000, "apply_reps": 6},
    "full": {"var_n": 10 ** 7, "var_d": 10, "var_reps": 16, "hist_d": 100, "hist_n": 100_000,
             "calib_n": (1_000, 10_000, 100_000), "calib_reps": 100, "apply_n": 20_000, "apply_reps": 20},
}
VAR_LAWS = (("gaussian", 2.0), ("stable", 1.5), ("stable", 1.1))


def _memory(cfg: dict) -> dict:
    return {"hist_n": array_bytes(cfg["hist_n"], 2 * cfg["hist_d"] + 4),
            "apply_n": array_bytes(cfg["apply_reps"], cfg["apply_n"], 2 * cfg["hist_d"] + 4),
            "calib_n": array_bytes(max(cfg["calib_n"]), 4), "var_reps": array_bytes(cfg["var_reps"], 1000)}


def _label(kind, a):
    return "Gaussian N(0,1)" if kind == "gaussian" else f"{kind} alpha={a:g}"


@cell
def part_variance(runner, cfg, seed):
    """Running empirical variance (trace of the sample covariance) of d-dim noise vectors, and norms."""
    import numpy as np
    import pandas as pd

    from heavytail_sim.diagnostics import noise_stream
    from heavytail_sim.noise import NoiseModel

    n = cfg["var_n"]
    chk = np.unique(np.geomspace(10, n, 8 * int(np.log10(n)) + 1).astype(np.int64))
    rows, fits, streams = [], [], {}
    for kind, a in VAR_LAWS:
        s = noise_stream(NoiseModel(kind, a), cfg["var_d"], n, chk, keep=0, reps=cfg["var_reps"],
                         seed=seed_for(seed, "noise.variance", law=kind, alpha=a))
        streams[(kind, a)] = s
        for r in range(cfg["var_reps"]):
            for k, v in zip(chk, s["variance"][r]):
                rows.append({"law": _label(kind, a), "rep": r, "n": int(k), "emp_variance": v})
        # growth exponent of the running variance over n >= 1000: a sum of n terms with tail index
        # alpha/2 < 1 grows like n^(2/alpha), so (1/n) sum ||x||^2 ~ n^(2/alpha - 1) (0 for Gaussian)
        sel = chk >= 1000
        slopes = [np.polyfit(np.log(chk[sel]), np.log(s["variance"][r, sel]), 1)[0] for r in range(cfg["var_reps"])]
        slopes = np.array(slopes)
        from scipy.stats import t as student

        # 95% CI of the mean slope over independent streams (Student t, reps - 1 dof)
        half = student.ppf(0.975, slopes.size - 1) * slopes.std(ddof=1) / np.sqrt(slopes.size)
        last = s["variance"][:, -1]
        tenth = s["variance"][:, np.searchsorted(chk, n // 10)]
        fits.append({"law": _label(kind, a), "d": cfg["var_d"], "n_max": n, "reps": cfg["var_reps"],
                     "growth_exponent_mean": slopes.mean(), "growth_exponent_ci95": half,
                     "growth_exponent_theory": 0.0 if kind == "gaussian" else 2 / a - 1,
                     "true_variance": cfg["var_d"] * 1.0 if kind == "gaussian" else np.inf,
                     "emp_var_at_n_max_median": float(np.median(last)),
                     "ratio_last_to_n_over_10_max": float(np.max(last / tenth)),
                     "ratio_last_to_n_over_10_min": float(np.min(last / tenth))})
    return pd.DataFrame(rows), pd.DataFrame(fits)


@cell
def part_calibration(runner, cfg, seed):
    """Bias and spread of both estimators on samples of known index."""
    import numpy as np
    import pandas as pd

    from heavytail_sim.noise import sample
    from heavytail_sim.tail_index import block_alpha_median, hill_alpha

    rows = []
    for kind in ("stable", "pareto"):
        for a in ALPHAS:
            for n in cfg["calib_n"]:
                est = {"block": [], "hill": []}
                for r in range(cfg["calib_reps"]):
                    x = sample(kind, a, 1.0, n, seed=seed_for(seed, "noise.calibration", law=kind, alpha=a, rep=r))
                    est["block"].append(block_alpha_median(x))
                    est["hill"].append(hill_alpha(x))
                for name, v in est.items():
                    v = np.array(v)
                    q10, q50, q90 = np.percentile(v, [10, 50, 90])
                    rows.append({"law": kind, "alpha": a, "n": n, "estimator": name, "reps": v.size,
                                 "median": q50, "bias_median": q50 - a, "q10": q10, "q90": q90,
                                 "spread_q90_q10": q90 - q10})
    return pd.DataFrame(rows)


@cell
def part_apply(runner, cfg, seed):
    """Estimators on simulated gradient-noise vectors (i.i.d. coordinates of the package's noise laws)."""
    import numpy as np
    import pandas as pd

    from heavytail_sim.diagnostics import noise_stream
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.tail_index import block_alpha_median, hill_alpha

    d, n, reps = cfg["hist_d"], cfg["apply_n"], cfg["apply_reps"]
    laws = (("gaussian", 2.0), ("stable", 1.1), ("stable", 1.5), ("stable", 1.8), ("pareto", 1.5))
    rows = []
    for kind, a in laws:
        s = noise_stream(NoiseModel(kind, a), d, n, [n], keep=n, reps=reps,
                         seed=seed_for(seed, "noise.apply", law=kind, alpha=a))
        res = {k: [] for k in ("coord_block", "coord_hill", "vector_block", "norm_scalar_block",
                               "norm_centred_block", "norm_hill")}
        for r in range(reps):
            x, nr = s["coords"][r], s["norms"][r]
            res["coord_block"].append(block_alpha_median(x[:, 0]))  # one coordinate: n scalars
            res["coord_hill"].append(hill_alpha(x[:, 0]))
            res["vector_block"].append(block_alpha_median(x))      # sums of vectors, then norms
            res["norm_scalar_block"].append(block_alpha_median(nr))  # norms as positive scalars
            res["norm_centred_block"].append(block_alpha_median(nr - nr.mean()))  # minus the sample mean
            res["norm_hill"].append(hill_alpha(nr))
        truth = np.inf if kind == "gaussian" else a
        for name, v in res.items():
            v = np.array(v)
            q10, q50, q90 = np.percentile(v, [10, 50, 90])
            rows.append({"law": _label(kind, a), "tail_index": truth, "d": d, "n_vectors": n, "reps": reps,
                         "estimate": name, "median": q50, "q10": q10, "q90": q90})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- figures

@cell
def norm_sample(runner, kind: str, a: float, d: int, n: int, seed: int):
    """Norms of n noise vectors of dimension d (the histogram data of seed 000 Fig 2 b, e)."""
    from heavytail_sim.diagnostics import noise_stream
    from heavytail_sim.noise import NoiseModel

    return noise_stream(NoiseModel(kind, a), d, n, [n], keep=n, seed=seed)["norms"][0]


def norm_histograms(runner, cfg: dict, seed: int):
    """Histograms of ||xi|| / sqrt(d) per law of :data:`VAR_LAWS` (seed 000 Fig 2 b, e) and, for the
    heavy-tailed laws, the anchor of the reference line of slope -(alpha+1) through the top 2% of norms."""
    import numpy as np
    import pandas as pd

    d, n = cfg["hist_d"], cfg["hist_n"]
    hists, tails = [], []
    for kind, a in VAR_LAWS:
        nr = norm_sample(runner, kind, a, d, n, seed_for(seed, "noise.norms", law=kind, alpha=a)) / np.sqrt(d)
        bins = 100 if kind == "gaussian" else np.geomspace(nr.min(), nr.max(), 100)
        dens, edges = np.histogram(nr, bins=bins, density=True)
        hists.append(pd.DataFrame({"law": _label(kind, a), "kind": kind, "alpha": a, "d": d, "n": n,
                                   "bin_lo": edges[:-1], "bin_hi": edges[1:], "density": dens}))
        if kind != "gaussian":
            top = np.sort(nr)[-n // 50:]
            tails.append({"law": _label(kind, a), "alpha": a, "x_from": top[0], "x_to": top[-1],
                          "density_at_from": dens[np.searchsorted(edges, top[0]) - 1], "slope": -(a + 1)})
    return pd.concat(hists, ignore_index=True), pd.DataFrame(tails)


def fig_norms(hist, tail):
    import numpy as np
    from scipy import stats

    from heavytail_sim.plotting import pyplot

    plt = pyplot()
    laws = list(dict.fromkeys(hist.law))
    fig, axes = plt.subplots(1, len(laws), figsize=(16, 4.3))
    for ax, law in zip(axes, laws):
        h = hist[hist.law == law]
        kind, d = h.kind.iloc[0], int(h.d.iloc[0])
        edges = np.r_[h.bin_lo.to_numpy(), h.bin_hi.iloc[-1]]
        if kind == "gaussian":
            ax.stairs(h.density, edges, fill=True, color="C0", alpha=0.6, label="simulated")
            g = np.linspace(edges[0], edges[-1], 400)
            # ||x||^2 ~ chi^2_d, so ||x||/sqrt(d) has density 2 d u f_chi2(d u^2)
            ax.plot(g, 2 * d * g * stats.chi2(d).pdf(d * g * g), "k-", label=r"$\chi_d/\sqrt{d}$ law")
            ax.set_xlabel(r"$\|\xi\| / \sqrt{d}$")
        else:
            ax.stairs(h.density, edges, fill=True, color="C1", alpha=0.6, label="simulated")
            ax.set_xscale("log")
            ax.set_yscale("log")
            t = tail[tail.law == law].iloc[0]
            x = np.geomspace(t.x_from, t.x_to, 50)
            ax.plot(x, (x / t.x_from) ** t.slope * t.density_at_from, "k--",
                    label=rf"slope $-(\alpha+1) = {t.slope:g}$")
            ax.set_xlabel(r"$\|\xi\| / \sqrt{d}$ (log scale)")
        ax.set_ylabel("density")
        ax.set_title(f"{law}, d = {d}")
        ax.legend(fontsize=8)
    fig.suptitle("Seed 000 Fig 2 (b, e): norm of the noise vector, concentrated vs heavy-tailed")
    fig.tight_layout()
    return fig


def fig_variance(rows, fits):
    import numpy as np

    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    laws = list(fits.law)
    fig, axes = plt.subplots(1, len(laws), figsize=(5.5 * len(laws), 4.3))
    for ax, law in zip(axes, laws):
        g = rows[rows.law == law]
        f = fits[fits.law == law].iloc[0]
        for r, gr in g.groupby("rep"):
            ax.plot(gr.n, gr.emp_variance, "-", lw=0.7, color="0.6", alpha=0.7,
                    label=f"{int(f.reps)} independent streams" if r == 0 else None)
        med = g.groupby("n").emp_variance.median()
        ax.plot(med.index, med.values, "-", lw=2, color="C0", label="median over streams")
        # the theory slope n^(2/alpha - 1), drawn through the median at the start of the fit window (n = 1000)
        n0 = med.index[np.searchsorted(med.index, 1000)] if med.index[-1] >= 1000 else med.index[0]
        nn = med.index[med.index >= n0]
        ax.plot(nn, med.loc[n0] * (nn / n0) ** f.growth_exponent_theory, "--", color="C3",
                label=f"theory slope n^{f.growth_exponent_theory:.2f}")
        if np.isfinite(f.true_variance):
            ax.axhline(f.true_variance, color="k", ls="--", label=f"true variance {f.true_variance:g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sample size n")
        ax.set_ylabel(r"empirical variance $\frac{1}{n}\sum\|\xi_j - \bar\xi\|^2$")
        ax.set_title(f"{law}: fitted growth n^{f.growth_exponent_mean:.2f}±{f.growth_exponent_ci95:.2f} "
                     f"(theory {f.growth_exponent_theory:.2f})", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"Seed 000 Fig 2 (c, f): empirical variance vs sample size, d = {int(fits.d.iloc[0])}")
    fig.tight_layout()
    return fig


def fig_calibration(calib):
    import numpy as np

    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    nmax = calib.n.max()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    for ax, law in zip(axes, ("stable", "pareto")):
        for j, (est, mk) in enumerate((("block", "o"), ("hill", "s"))):
            g = calib[(calib.law == law) & (calib.estimator == est) & (calib.n == nmax)]
            off = (j - 0.5) * 0.03
            ax.errorbar(g.alpha + off, g["median"], yerr=[g["median"] - g.q10, g.q90 - g["median"]], fmt=mk,
                        ms=4, capsize=2, label=f"{est} (median, 10-90%)")
            for _, row in g[g["median"] > 3.3].iterrows():  # off the chart: Hill on Gaussian-like tails
                ax.annotate(f"{est}: {row['median']:.1f}", (row.alpha + off, 3.3), ha="right", fontsize=8,
                            arrowprops={"arrowstyle": "->"}, xytext=(row.alpha - 0.1, 3.0))
        a = np.array([0.4, 2.1])
        ax.plot(a, a, "k-", lw=0.8, label="truth")
        ax.set_xlabel(r"true tail index $\alpha$")
        ax.set_ylabel(r"estimate $\hat\alpha$")
        ax.set_ylim(0, 3.5)
        ax.set_title(f"{'symmetric alpha-stable' if law == 'stable' else 'symmetric Pareto (Lomax)'}, n = {nmax}")
        ax.legend(fontsize=8)
    fig.suptitle("Tail-index estimators on synthetic samples of known index")
    fig.tight_layout()
    return fig


def compute(cfg: dict, runner) -> dict:
    """The tables of the four parts (and the norm histograms of part 1)."""
    seed = cfg["seed"]
    rows, fits = part_variance(runner, cfg, seed)
    hist, tail = norm_histograms(runner, cfg, seed)
    return {"variance_vs_n": rows, "variance_growth": fits,
            "estimator_calibration": part_calibration(runner, cfg, seed),
            "estimators_on_noise": part_apply(runner, cfg, seed), "noise_norms": hist, "noise_norms_tail": tail}


def draw(tables: dict, cfg: dict) -> dict:
    """The three figures from the tables."""
    return {"fig2be_noise_norms": fig_norms(tables["noise_norms"], tables["noise_norms_tail"]),
            "fig2cf_variance_vs_n": fig_variance(tables["variance_vs_n"], tables["variance_growth"]),
            "estimator_calibration": fig_calibration(tables["estimator_calibration"])}


def summary(tables: dict, cfg: dict) -> str:
    """The console report of a run."""
    fits, calib, applied = tables["variance_growth"], tables["estimator_calibration"], tables["estimators_on_noise"]
    fmt = lambda v: f"{v:.3g}"  # noqa: E731
    big = calib[calib.n == calib.n.max()]
    return "\n".join([
        fits[["law", "growth_exponent_mean", "growth_exponent_ci95", "growth_exponent_theory",
              "ratio_last_to_n_over_10_min", "ratio_last_to_n_over_10_max"]].to_string(index=False, float_format=fmt),
        big.pivot_table(index=["law", "alpha"], columns="estimator", values="median").to_string(float_format=fmt),
        applied.pivot_table(index="law", columns="estimate", values="median", sort=False).to_string(float_format=fmt)])


def finding(tables: dict) -> str:
    """One sentence from the tables."""
    g = tables["variance_growth"].set_index("law")
    ap = tables["estimators_on_noise"]
    s15 = g.loc["stable alpha=1.5"]
    vec = ap[(ap.estimate == "vector_block")].set_index("law")["median"]
    norm = ap[(ap.estimate == "norm_scalar_block")].set_index("law")["median"]
    return (f"The empirical variance of Gaussian noise settles (growth exponent "
            f"{g.loc['Gaussian N(0,1)', 'growth_exponent_mean']:.3f}) while for alpha = 1.5 it keeps growing like "
            f"n^{s15.growth_exponent_mean:.2f} +- {s15.growth_exponent_ci95:.2f} (theory {s15.growth_exponent_theory:.2f}); "
            f"the block estimator in vector form recovers the index "
            f"({', '.join(f'{law}: {v:.2f}' for law, v in vec.items())}) while applied to raw norms it returns "
            f"about 1 whatever the law ({', '.join(f'{v:.2f}' for v in norm.values)}).")


STUDY = Study(
    name="noise", help=HELP, description=DESCRIPTION, params=PARAMS, presets=PRESETS,
    compute=compute, draw=draw, finding=finding, summary=summary, memory=_memory, backend=False,
    tables=(Table("variance_vs_n"), Table("variance_growth"), Table("estimator_calibration"),
            Table("estimators_on_noise"), Table("noise_norms", markdown=False),
            Table("noise_norms_tail", markdown=False)),
    figures=("fig2be_noise_norms", "fig2cf_variance_vs_n", "estimator_calibration"), weight=2)

if __name__ == "__main__":
    from heavytail_sim.cli import standalone

    sys.exit(standalone(STUDY, prog="python -m experiments.noise_diagnostics"))
