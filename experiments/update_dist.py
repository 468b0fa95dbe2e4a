"""Study: the distribution of Adam's update Delta theta on synthetic gradients (seed 002, SPEC Sec 5).

Parts (each a CSV + markdown table; figures named after the seed's figures they regenerate):
  A. simple-average model vs Thm 1 / Cor 1-2 for m = 2, 3, 5, 10, 50, 200 (seed Fig 1, Fig 3);
  B. Adam's exponential average with bias correction vs the simple-average model at m = 2/(1-beta);
  C. seed Sec 6: time-varying gradient scale (Fig 5), non-zero mean (Fig 6), Cauchy gradients (Fig 7).
"""
from __future__ import annotations

import sys

from heavytail_sim.cache import cell
from heavytail_sim.study import Int, Param, Study, Table, array_bytes, seed_for

HELP = "Distribution of Adam/RMSProp updates vs seed 002's theory (KS, Cor 1-2, modes, skew)"
DESCRIPTION = HELP + """.

Simulates many independent coordinates with the numba update simulator and writes tables (CSV +
markdown) and the figures of seed 002 Figs 1, 3, 5, 6 and 7 (histograms saved as tables too, so the
figures can be redrawn).

Examples:
  heavytail-sim update-dist --quick
  heavytail-sim update-dist --set runs_a=200000 --out ud
"""

M_VALUES = (2, 3, 5, 10, 50, 200)
BETAS = (0.9, 0.99, 0.999)
SHOW_T = (2, 3, 5, 10, 20, 50)
SEC6_STEPS = 200
# Sec 6 figures: scenarios, histogram range, steps shown, log y axis, title
SEC6_FIGURES = {
    "fig5_time_varying_scale": (("increasing N(0,t^2)", "decreasing N(0,1/t^2)"), (-4.5, 4.5), SHOW_T, False,
                                "Seed 002 Fig 5: time-varying gradient scale"),
    "fig6_nonzero_mean": (("mean N(-1,1)", "mean N(-t,1)"), (-4.5, 4.5), SHOW_T, False,
                          r"Seed 002 Fig 6: non-zero gradient mean ($\Delta\theta = -g/\sqrt{\cdot}$, so mass sits at > 0)"),
    "fig7_cauchy": (("Cauchy(0,1)",), (-7.5, 7.5), (2, 3, 5, 10, 50), True, "Seed 002 Fig 7: Cauchy gradients"),
}
MIN_RUNS = 100  # coordinates per sample: KS tests and KDE modes need a few dozen at least
MIN_RUNS_SEC6 = 200  # Sec 6's skewness is batched over 20 batches of at least 10 coordinates (diagnostics.skewness)
PARAMS = {  # coordinates simulated per scenario
    "runs_a": Param(Int(MIN_RUNS, 10 ** 10), "coordinates of the simple-average model (Thm 1, Cor 1-2)"),
    "runs_curve": Param(Int(MIN_RUNS, 10 ** 10), "coordinates per m of the variance curves (Fig 3)"),
    "runs_b": Param(Int(MIN_RUNS, 10 ** 10), "coordinates per beta of Adam's exponential average"),
    "runs_c": Param(Int(MIN_RUNS_SEC6, 10 ** 10), "coordinates per Sec 6 scenario"),
}
PRESETS = {
    "quick": {"runs_a": 40_000, "runs_curve": 20_000, "runs_b": 10_000, "runs_c": 40_000},
    "full": {"runs_a": 1_000_000, "runs_curve": 200_000, "runs_b": 200_000, "runs_c": 400_000},
}


def _memory(cfg: dict) -> dict:
    # the kept updates (recorded steps x coordinates) plus the simulator's state and the statistics' copies
    return {"runs_a": array_bytes(cfg["runs_a"], len(M_VALUES) + 12), "runs_curve": array_bytes(cfg["runs_curve"], 48),
            "runs_b": array_bytes(cfg["runs_b"], 40), "runs_c": array_bytes(cfg["runs_c"], 6 * 23 + 12)}


def _var_ci(x):
    """Sample variance and the half-width of its normal-approximation 95% CI, sqrt((mu4 - s^4)/n)."""
    import numpy as np

    c = x - x.mean()
    v = float(np.mean(c * c))
    return v, 1.96 * float(np.sqrt(max(np.mean(c ** 4) - v * v, 0.0) / x.size))


@cell
def part_a(runner, cfg, seed, gauss):
    """Simple-average model: KS against Thm 1, Cor 1 and Cor 2, modes."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    from heavytail_sim.adaptive_updates import abs_update_variance, simulate_updates, student_t_variance, update_law
    from heavytail_sim.diagnostics import count_modes

    rec, u = simulate_updates(gauss, max(M_VALUES), cfg["runs_a"], M_VALUES, method="simple",
                              seed=seed_for(seed, "update_dist.simple"))
    rows = []
    for j, m in enumerate(rec):
        x = u[j]
        law = update_law(m)
        ks = stats.kstest(x, law.cdf)
        v, vci = _var_ci(x)
        va, vaci = _var_ci(np.abs(x))
        modes, _ = count_modes(x)
        rows.append({"m": int(m), "n": x.size, "ks_stat": ks.statistic, "ks_p": ks.pvalue,
                     "var": v, "var_ci95": vci, "var_theory": law.var(),
                     "var_abs": va, "var_abs_ci95": vaci, "var_abs_cor2": abs_update_variance(m),
                     "var_abs_seed_eq34": (m - 1) / m, "var_student_t": student_t_variance(m),
                     "modes_kde": modes, "modes_theory": 2 if m < 3 else (0 if m == 3 else 1)})
    table = pd.DataFrame(rows)
    # the variance curves of seed Fig 3 need every m, not only the six above
    curve_m = np.unique(np.r_[np.arange(2, 21), np.geomspace(20, 200, 12).astype(int)])
    rec_c, uc = simulate_updates(gauss, int(curve_m[-1]), cfg["runs_curve"], curve_m, method="simple",
                                 seed=seed_for(seed, "update_dist.variance_curve"))
    var = [_var_ci(x) for x in uc]
    var_abs = [_var_ci(np.abs(x)) for x in uc]
    curve = pd.DataFrame({"m": rec_c, "var": [v for v, _ in var], "var_ci95": [ci for _, ci in var],
                          "var_abs": [v for v, _ in var_abs], "var_abs_ci95": [ci for _, ci in var_abs]})
    return table, (rec, u), curve


@cell
def part_b(runner, cfg, seed, gauss):
    """Adam (exponential average, bias-corrected, beta1 = 0) against the simple-average model."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    from heavytail_sim.adaptive_updates import abs_update_variance, effective_count, simulate_updates, update_law

    rows, curves = [], []
    for beta in BETAS:
        horizon = int(round(10 / (1 - beta)))
        m_eq = 2 / (1 - beta)  # seed 002 eq 12
        grid = np.unique(np.r_[np.arange(2, 11), np.geomspace(10, horizon, 16).astype(int)])
        rec, u = simulate_updates(gauss, horizon, cfg["runs_b"], grid, method="exponential", beta1=0.0,
                                  beta2=beta, bias_correction=True, seed=seed_for(seed, "update_dist.adam", beta=beta))
        for j, t in enumerate(rec):
            neff = float(effective_count(beta, t))
            x = u[j]
            curves.append({"beta": beta, "t": int(t), "m_eff": neff,
                           "ks_vs_m_eq_t": stats.kstest(x, update_law(t).cdf).statistic,
                           "ks_vs_m_eff": stats.kstest(x, update_law(neff).cdf).statistic if neff > 1.01 else np.nan,
                           "var": _var_ci(x)[0], "var_abs": _var_ci(np.abs(x))[0],
                           "var_abs_cor2_m_eff": abs_update_variance(neff) if neff > 1.01 else np.nan})
        x = u[-1]  # stationary regime: t = 10 / (1 - beta), where beta^t = e^-10
        law = update_law(m_eq)
        ks = stats.kstest(x, law.cdf)
        v, vci = _var_ci(x)
        va, vaci = _var_ci(np.abs(x))
        rows.append({"beta": beta, "m_eq": m_eq, "t": int(rec[-1]), "n": x.size,
                     "ks_stat_vs_f_m_eq": ks.statistic, "ks_p": ks.pvalue,
                     "var": v, "var_ci95": vci, "var_simple_model": 1.0,
                     "var_abs": va, "var_abs_ci95": vaci, "var_abs_simple_model": abs_update_variance(m_eq),
                     "max_abs_simple_model": np.sqrt(m_eq), "max_abs_observed": float(np.abs(x).max()),
                     "max_abs_bound": 1 / np.sqrt(1 - beta)})
    return pd.DataFrame(rows), pd.DataFrame(curves)


@cell
def part_c(runner, cfg, seed):
    """Seed 002 Sec 6: modes under a time-varying scale and for Cauchy gradients; skew under a mean."""
    import numpy as np
    import pandas as pd

    from heavytail_sim.adaptive_updates import simulate_updates
    from heavytail_sim.diagnostics import count_modes, skewness
    from heavytail_sim.noise import NoiseModel

    steps = SEC6_STEPS
    rec_t = np.unique(np.r_[np.arange(2, 21), [30, 50, 100, 200]])
    gauss = NoiseModel("gaussian")
    scenarios = {  # name: (noise, mean(t), scale(t)), seed 002 Fig 5-7
        "constant N(0,1)": (gauss, 0.0, 1.0),
        "increasing N(0,t^2)": (gauss, 0.0, lambda t: t),
        "decreasing N(0,1/t^2)": (gauss, 0.0, lambda t: 1 / t),
        "mean N(-1,1)": (gauss, -1.0, 1.0),
        "mean N(-t,1)": (gauss, lambda t: -t, 1.0),
        "Cauchy(0,1)": (NoiseModel("cauchy"), 0.0, 1.0),
    }
    rows, samples = [], {}
    for name, (noise, mean, scale) in scenarios.items():
        rec, u = simulate_updates(noise, steps, cfg["runs_c"], rec_t, method="simple", mean=mean, scale=scale,
                                  seed=seed_for(seed, "update_dist.sec6", scenario=name))
        samples[name] = (rec, u)
        for j, t in enumerate(rec):
            x = u[j]
            modes, where = count_modes(x)
            sk, sk_se = skewness(x)
            edge = float(np.mean(np.abs(x) > 0.9 * np.sqrt(t)))  # mass within 10% of the bound sqrt(t)
            rows.append({"scenario": name, "t": int(t), "modes_kde": modes,
                         "mode_locations": " ".join(f"{w:.2f}" for w in where),
                         "skewness": sk, "skewness_se": sk_se, "mean": float(x.mean()),
                         "median": float(np.median(x)), "frac_near_bound": edge})
    return pd.DataFrame(rows), samples


def _summary_c(table):
    """One line per scenario: the last step with >= 2 KDE modes, and skewness at t = 2, 10, 200."""
    import pandas as pd

    out = []
    for name, g in table.groupby("scenario", sort=False):
        multi = g[g.modes_kde >= 2].t
        sk = g.set_index("t").skewness
        out.append({"scenario": name, "last_t_multimodal": int(multi.max()) if len(multi) else 0,
                    "max_modes": int(g.modes_kde.max()), "skew_t2": sk.get(2), "skew_t10": sk.get(10),
                    "skew_t200": sk.get(200)})
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------- figures

def _hist_frame(x, bins: int, lo: float, hi: float, **labels):
    """Density histogram of ``x`` over [lo, hi] as a frame (labels as leading columns)."""
    import numpy as np
    import pandas as pd

    dens, edges = np.histogram(x, bins=bins, range=(lo, hi), density=True)
    return pd.DataFrame({**labels, "bin_lo": edges[:-1], "bin_hi": edges[1:], "density": dens})


def fig1_histograms(a_samples):
    """Histograms of the simple-average updates for each m of :data:`M_VALUES` (seed 002 Fig 1)."""
    import numpy as np
    import pandas as pd

    rec, u = a_samples
    lims = [min(np.sqrt(m), 4.5) for m in rec]
    return pd.concat([_hist_frame(x, 80, -lim, lim, m=int(m)) for m, x, lim in zip(rec, u, lims)], ignore_index=True)


def sec6_histograms(samples):
    """Histograms of the updates shown by the Sec 6 figures (:data:`SEC6_FIGURES`)."""
    import numpy as np
    import pandas as pd

    parts = []
    for fig, (names, (lo, hi), show, _, _) in SEC6_FIGURES.items():
        for name in names:
            rec, u = samples[name]
            for t in show:
                parts.append(_hist_frame(u[int(np.searchsorted(rec, t))], 120, lo, hi, figure=fig, scenario=name,
                                         t=int(t)))
    return pd.concat(parts, ignore_index=True)


def _edges(h):
    import numpy as np

    return np.r_[h.bin_lo.to_numpy(), h.bin_hi.iloc[-1]]


def fig1(hist):
    import numpy as np

    from heavytail_sim.adaptive_updates import update_law
    from heavytail_sim.plotting import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharey=False)
    for ax, (m, h) in zip(axes.flat, hist.groupby("m", sort=True)):
        lim = np.sqrt(m)
        grid = np.linspace(-lim, lim, 801)[1:-1]
        ax.stairs(h.density, _edges(h), fill=True, color="C0", alpha=0.45, label="simulated")
        ax.plot(grid, update_law(m).pdf(grid), "k-", lw=1.5, label="Thm 1 (eq 30)")
        ax.plot(grid, np.exp(-grid ** 2 / 2) / np.sqrt(2 * np.pi), "r--", lw=1, label="N(0, 1)")
        ax.set_xlim(-min(lim, 4.5) * 1.05, min(lim, 4.5) * 1.05)
        ax.set_ylim(0, 1.0 if m == 2 else None)
        ax.set_title(f"m = {m}  (support |x| <= {lim:.2f})")
        ax.set_xlabel(r"$\Delta\theta$ (learning rate divided out)")
        ax.set_ylabel("density")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Seed 002 Fig 1: update distribution of the simple-average model, N(0,1) gradients")
    fig.tight_layout()
    return fig


def fig3(curve):
    import numpy as np

    from heavytail_sim.adaptive_updates import abs_update_variance, student_t_variance
    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    m = np.linspace(2, 200, 2000)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    a1.errorbar(curve.m, curve["var"], yerr=curve.var_ci95, fmt="o", ms=3, label="simulated (95% CI)")
    a1.axhline(1.0, color="k", label="Cor 1: Var = 1")
    mt = m[m > 2.05]
    a1.plot(mt, [student_t_variance(v) for v in mt], "r--", label="Student-t model m/(m-2)")
    a1.set_xscale("log")
    a1.set_ylim(0, 3)
    a1.set_xlabel("step m")
    a1.set_ylabel(r"Var $\Delta\theta$")
    a1.set_title(r"Variance of $\Delta\theta$")
    a1.legend()
    a2.errorbar(curve.m, curve.var_abs, yerr=curve.var_abs_ci95, fmt="o", ms=3, label="simulated (95% CI)")
    a2.plot(m, [abs_update_variance(v) for v in m], "k-", label="Cor 2")
    a2.plot(m, (m - 1) / m, "g:", label="seed Sec 4 text: (m-1)/m")
    a2.axhline(1 - 2 / np.pi, color="grey", lw=0.8, ls="--", label=r"limit $1 - 2/\pi$")
    a2.set_xscale("log")
    a2.set_xlabel("step m")
    a2.set_ylabel(r"Var $|\Delta\theta|$")
    a2.set_title(r"Variance of $|\Delta\theta|$")
    a2.legend()
    fig.suptitle("Seed 002 Fig 3 on synthetic N(0,1) gradients (simple average)")
    fig.tight_layout()
    return fig


def fig_exp(curves, n_runs):
    import numpy as np

    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    for i, (beta, g) in enumerate(curves.groupby("beta")):
        a1.plot(g.t, g.ks_vs_m_eff, "o-", color=f"C{i}", ms=3, label=rf"$\beta$={beta}")
        a2.plot(g.t, g.var_abs, "o", color=f"C{i}", ms=3, label=rf"simulated, $\beta$={beta}")
        a2.plot(g.t, g.var_abs_cor2_m_eff, "-", color=f"C{i}", lw=1, label=r"Cor 2 at $m_{eff}(t)$")
    # E sup|F_n - F| of a correct law is about 0.87/sqrt(n) (Kolmogorov distribution mean)
    a1.axhline(0.87 / np.sqrt(n_runs), color="grey", ls="--", lw=1, label="KS noise level 0.87/sqrt(n)")
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("Adam step t")
    a1.set_ylabel("KS distance")
    a1.set_title(r"KS distance of Adam's update (beta1=0) to $f_{m_{eff}(t)}$")
    a1.legend(fontsize=7)
    a2.set_xscale("log")
    a2.set_xlabel("Adam step t")
    a2.set_ylabel(r"Var $|\Delta\theta|$")
    a2.set_title(r"Var$|\Delta\theta|$: Adam vs Cor 2 at $m_{eff}$")
    a2.legend(fontsize=7, ncol=2)
    fig.suptitle(r"Exponential averaging vs the simple-average approximation ($m_{eff} \to (1+\beta)/(1-\beta)$)")
    fig.tight_layout()
    return fig


def fig_sec6(hist, figure: str):
    from heavytail_sim.plotting import pyplot

    plt = pyplot()
    names, _, show, logy, suptitle = SEC6_FIGURES[figure]
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4.3), squeeze=False)
    for ax, name in zip(axes[0], names):
        sub = hist[(hist.figure == figure) & (hist.scenario == name)]
        for i, t in enumerate(show):
            h = sub[sub.t == t]
            ax.stairs(h.density, _edges(h), color=f"C{i}", label=f"t = {t}")
        ax.set_title(f"g_t ~ {name}", fontsize=10)
        ax.set_xlabel(r"$\Delta\theta$")
        ax.set_ylabel("density")
        ax.legend(fontsize=7)
        if logy:
            ax.set_yscale("log")
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def fig_modes_skew(table):
    import numpy as np

    from heavytail_sim.plotting import pyplot

    plt = pyplot()

    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(17, 4.3))
    for i, name in enumerate(["constant N(0,1)", "increasing N(0,t^2)", "decreasing N(0,1/t^2)", "Cauchy(0,1)"]):
        g = table[table.scenario == name]
        a1.plot(g.t, g.modes_kde + 0.04 * (i - 1.5), "o-", ms=3, label=name)
    a1.set_xscale("log")
    a1.set_xlabel("step t")
    a1.set_ylabel("number of KDE modes")
    a1.set_yticks([1, 2, 3])
    a1.set_title("Modes of the update density (prominence >= 5% of peak)")
    a1.legend(fontsize=8)
    for i, name in enumerate(["constant N(0,1)", "mean N(-1,1)", "mean N(-t,1)"]):
        g = table[table.scenario == name]
        a2.errorbar(g.t, g.skewness, yerr=1.96 * g.skewness_se, fmt="o-", ms=3, label=name)
    a2.axhline(0, color="k", lw=0.6)
    a2.set_xscale("log")
    a2.set_xlabel("step t")
    a2.set_ylabel(r"skewness of $\Delta\theta$ (95% CI)")
    a2.set_title("Skew under a non-zero gradient mean")
    a2.legend(fontsize=8)
    for i, name in enumerate(["constant N(0,1)", "increasing N(0,t^2)", "Cauchy(0,1)"]):
        g = table[table.scenario == name]
        a3.plot(g.t, g.frac_near_bound, "o-", ms=3, label=name)
    tt = np.unique(table.t)
    a3.plot(tt, 1 / tt, "k:", label="1/t (current sample is the largest)")
    a3.set_xscale("log")
    a3.set_yscale("log")
    a3.set_xlabel("step t")
    a3.set_ylabel(r"P($|\Delta\theta| > 0.9\sqrt{t}$)")
    a3.set_title("Mass next to the bound sqrt(t) (outer modes)")
    a3.legend(fontsize=8)
    fig.suptitle("Seed 002 Sec 6 quantified (simple average, synthetic gradients)")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------- driver

def compute(cfg: dict, runner) -> dict:
    """The tables of parts A, B and C, and the histograms the figures show."""
    from heavytail_sim.noise import NoiseModel

    gauss = NoiseModel("gaussian")
    seed = cfg["seed"]
    table_a, a_samples, curve = part_a(runner, cfg, seed, gauss)
    table_b, curves_b = part_b(runner, cfg, seed, gauss)
    table_c, samples_c = part_c(runner, cfg, seed)
    return {"theory_m": table_a, "variance_curve": curve, "adam_vs_simple": table_b,
            "adam_vs_simple_curve": curves_b, "sec6": table_c, "sec6_summary": _summary_c(table_c),
            "fig1_histograms": fig1_histograms(a_samples), "sec6_histograms": sec6_histograms(samples_c)}


def draw(tables: dict, cfg: dict) -> dict:
    """The seven figures from the tables."""
    figs = {"fig1_update_density": fig1(tables["fig1_histograms"]), "fig3_variance": fig3(tables["variance_curve"]),
            "adam_vs_simple": fig_exp(tables["adam_vs_simple_curve"], cfg["runs_b"])}
    figs.update({name: fig_sec6(tables["sec6_histograms"], name) for name in SEC6_FIGURES})
    figs["sec6_modes_skew"] = fig_modes_skew(tables["sec6"])
    return figs


def summary(tables: dict, cfg: dict) -> str:
    """The console report of a run."""
    cols = ["m", "ks_stat", "ks_p", "var", "var_abs", "var_abs_cor2", "var_abs_seed_eq34", "modes_kde"]
    return "\n".join([
        tables["theory_m"][cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"),
        tables["adam_vs_simple"][["beta", "m_eq", "t", "ks_stat_vs_f_m_eq", "var", "var_abs", "var_abs_simple_model"]]
        .to_string(index=False, float_format=lambda v: f"{v:.4g}"),
        tables["sec6_summary"].to_string(index=False, float_format=lambda v: f"{v:.3g}")])


def finding(tables: dict) -> str:
    """One sentence from the tables."""
    th = tables["theory_m"]
    ad = tables["adam_vs_simple"]
    sec6 = tables["sec6_summary"].set_index("scenario")
    worst = (th.var_abs - th.var_abs_cor2).abs().max()
    b09 = ad[ad.beta == 0.9].iloc[0]
    return (f"Seed 002's eq 30 is the law of the simple-average update x_g = g_t / sqrt((1/t) sum g_i^2) "
            f"(KS p >= {th.ks_p.min():.2g} for m = {', '.join(str(m) for m in th.m)}; Var = 1 within "
            f"{(th['var'] - 1).abs().max():.3f}; Cor 2 within {worst:.4f}), i.e. Thm 1 holds with c_n = t (with "
            f"its stated c_n = 1/t the update is x_g / t: claim 002-thm1-normalisation); the text's "
            f"Var|x_g| = (m-1)/m does not hold (0.5 vs {th.var_abs.iloc[0]:.3f} at m = 2); "
            f"Adam at beta = 0.9 departs from it (Var|update| {b09.var_abs:.3f} vs {b09.var_abs_simple_model:.3f}); "
            f"a growing gradient scale keeps the update bimodal up to t = "
            f"{int(sec6.loc['increasing N(0,t^2)', 'last_t_multimodal'])}, Cauchy gradients give up to "
            f"{int(sec6.loc['Cauchy(0,1)', 'max_modes'])} modes.")


STUDY = Study(
    name="update-dist", help=HELP, description=DESCRIPTION, params=PARAMS, presets=PRESETS,
    compute=compute, draw=draw, finding=finding, summary=summary, memory=_memory, backend=False,
    tables=(Table("theory_m"), Table("variance_curve"), Table("adam_vs_simple"), Table("adam_vs_simple_curve"),
            Table("sec6"), Table("sec6_summary"), Table("fig1_histograms", markdown=False),
            Table("sec6_histograms", markdown=False)),
    figures=("fig1_update_density", "fig3_variance", "adam_vs_simple", *SEC6_FIGURES, "sec6_modes_skew"), weight=2)

if __name__ == "__main__":
    from heavytail_sim.cli import standalone

    sys.exit(standalone(STUDY, prog="python -m experiments.update_dist"))
