"""The rates study's figures, drawn from its tables alone (no simulation): error curves with the theory
slope, local slopes with bootstrap bands, SGD's sample means, Thm 1's constants."""
from __future__ import annotations

import math

import numpy as np

from .config import ALG_NAME, TAILS, choose_c, noise_label, schedule_alpha

ALG_STYLE = {"gclip": {"color": "C0"}, "cclip": {"color": "C1"}, "sgd": {"color": "C2"}}


def cell_rows(table, setting: str, alg: str, kind: str, a):
    """The rows of one cell (setting, algorithm, noise law) of a curves or slopes table, in table order."""
    same_a = table["a"].isna() if a is None else np.isclose(table["a"], a)
    return table[(table.setting == setting) & (table.algorithm == alg) & (table.noise == kind) & same_a]


def _legend_entries(axes) -> tuple[list, list]:
    """Unique (handle, label) pairs over all panels, in order of appearance."""
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    return handles, labels


def _place_legend(fig, handles, labels, n_panels: int, ncols: int = 5) -> None:
    """Legend in the grid's empty slot when there is one, else in a band below the panels."""
    if n_panels > ncols and n_panels % ncols:
        fig.legend(handles, labels, loc="lower right", bbox_to_anchor=(0.98, 0.08), fontsize=8)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
    else:
        fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, 0.14, 1, 0.93))


def figure_curves(curves, noises, setting: str, algs, title: str, xlabel: str, ylabel: str, theory_fn,
                  decades: float, sgd_median: bool = True):
    """One panel per noise law: the error of each algorithm against k (mean; SGD's median under heavy tails
    when ``sgd_median``), the fit window shaded and the theory slope ``theory_fn(alg, a)`` beside it."""
    from matplotlib.lines import Line2D

    from heavytail_sim.plotting import loglog_curve, panel_grid

    fig, axes = panel_grid(len(noises), min(5, len(noises)), sharey=False)
    for ax, (kind, a) in zip(axes, noises):
        for alg in algs:
            cur = cell_rows(curves, setting, alg, kind, a)
            if cur.empty:
                continue
            stat = "median" if (alg == "sgd" and a is not None and sgd_median) else "mean"
            kmax = float(cur.k.max())
            loglog_curve(ax, cur.k, cur[stat], f"{ALG_NAME[alg]} {stat}", theory_slope=theory_fn(alg, a),
                         window=(kmax / 10 ** decades, kmax), theory_label=None, marker=".", ms=3, lw=1.2,
                         **ALG_STYLE[alg])
        ax.set_title(noise_label(kind, a), fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
    handles, labels = _legend_entries(axes)
    handles.append(Line2D([], [], color="k", ls=":"))
    labels.append("theory slope (Table 1), 1.6x above the curve's end")
    handles.append(Line2D([], [], color="0.85", lw=6))
    labels.append("fit window")
    _place_legend(fig, handles, labels, len(noises))
    fig.suptitle(title, fontsize=11)
    return fig


def figure_local_slopes(slopes, noises, setting: str, algs, title: str, xlabel: str, theory_fn, model_fn,
                        ylim=(-1.6, 0.4), model_legend: bool = True,
                        model_label: str = "transient model: local slope of V(tau_k)/k"):
    """One panel per noise law: local slopes of the mean error with their bootstrap bands, the theory
    exponent and, where ``model_fn(alg, kind, a)`` gives one, the transient model's local slope."""
    from matplotlib.lines import Line2D

    from heavytail_sim.plotting import local_slope_panel, panel_grid

    fig, axes = panel_grid(len(noises), min(5, len(noises)))
    for ax, (kind, a) in zip(axes, noises):
        for alg in algs:
            s = cell_rows(slopes, setting, alg, kind, a)
            if s.empty:
                continue
            local_slope_panel(ax, s.k_mid.to_numpy(), s.slope.to_numpy(), s.ci_low.to_numpy(), s.ci_high.to_numpy(),
                              theory=theory_fn(alg, a), label=f"{ALG_NAME[alg]} mean", model=model_fn(alg, kind, a),
                              **ALG_STYLE[alg])
        ax.set_title(noise_label(kind, a), fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("local slope of log error", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(*ylim)
    handles, labels = _legend_entries(axes)
    handles.append(Line2D([], [], color="k", ls="--"))
    labels.append("theory exponent (Table 1)")
    if model_legend:
        handles.append(Line2D([], [], color="0.4", ls=":"))
        labels.append(model_label)
    _place_legend(fig, handles, labels, len(noises))
    fig.suptitle(title, fontsize=11)
    return fig


def sc_theory(alg: str, a) -> float:
    """Theory exponent of a strongly convex cell's plotted statistic (SGD's median under heavy tails)."""
    from heavytail_sim import theory

    return theory.sgd_median_exponent(a) if (alg == "sgd" and a is not None) else \
        theory.strongly_convex_exponent(schedule_alpha(a))


def nc_theory(alg: str, a) -> float:
    """Theory exponent of a non-convex cell (an O(.) bound)."""
    from heavytail_sim import theory

    return theory.nonconvex_exponent(schedule_alpha(a))


def sc_model(d: int, steps: int):
    """The transient model's local slope for the strongly convex cells of dimension d (horizon ``steps``)."""
    from heavytail_sim import theory

    def model(alg, kind, a):
        # the transient model is per coordinate: exact form for GClip in d = 1 and CClip (tau_i = c k^(1/a))
        if not ((d == 1 and alg == "gclip") or alg == "cclip"):
            return None
        alpha, c = schedule_alpha(a), choose_c(kind, a)[0]
        ks = np.geomspace(10, steps / 10 ** 0.25, 25)
        return ks, np.array([theory.transient_exponent(kind, alpha, 1.0, c, 1.0 / alpha, k / 10 ** 0.25,
                                                       k * 10 ** 0.25, 6) for k in ks])
    return model


def sample_mean_panel(ax, exp_curves, ylabel: str) -> None:
    """Sample means over n runs (median and quartiles over groups) for SGD and GClip, with SGD's predicted growth."""
    from heavytail_sim import theory
    from heavytail_sim.plotting import theory_line

    for i, a in enumerate(sorted(set(exp_curves.a))):
        for alg, ls in (("sgd", "-"), ("gclip", "--")):
            c = exp_curves[(exp_curves.algorithm == alg) & np.isclose(exp_curves.a, a)]
            ns, med = c.n.to_numpy(), c["median"].to_numpy()
            ax.loglog(ns, med, ls=ls, color=f"C{i}", label=f"{ALG_NAME[alg]}, a={a:g}")
            ax.fill_between(ns, c.q25, c.q75, color=f"C{i}", alpha=0.12, lw=0)
            if alg == "sgd":
                theory_line(ax, ns[len(ns) // 3], ns[-1], theory.sgd_sample_mean_growth(a), ns[-1], med[-1] * 1.5,
                            color=f"C{i}")
    ax.set_xlabel("number of runs n averaged")
    ax.set_ylabel(ylabel)
    ax.set_title("Sample mean over n runs (median and quartiles over groups);\n"
                 "dotted: predicted SGD growth n^(2/a-1)", fontsize=10)
    ax.legend(fontsize=7, ncol=2)


def figure_expectation(exp_curves, sc_curves, exp_k: int, sc_setting_d1: str):
    """SGD fails in expectation: sample means over n runs (left), SGD's median still decreasing (right)."""
    from heavytail_sim import theory
    from heavytail_sim.plotting import pyplot, theory_line

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
    sample_mean_panel(ax1, exp_curves, f"sample mean of f(x_k) - f*, k = {exp_k}")
    for i, a in enumerate(TAILS):
        cur = cell_rows(sc_curves, sc_setting_d1, "sgd", "stable", a) if sc_curves is not None else None
        if cur is None or cur.empty:
            continue
        k, med = cur.k.to_numpy(), cur["median"].to_numpy()
        ax2.loglog(k, med, color=f"C{i}", label=f"SGD median, stable a={a:g}")
        theory_line(ax2, k[-1] / 100, k[-1], theory.sgd_median_exponent(a), k[-1], med[-1] * 1.6, color=f"C{i}")
    ax2.set_xlabel("iteration k")
    ax2.set_ylabel("median over runs of f(x_bar_k) - f*")
    ax2.set_title("SGD's median still decreases (d = 1, eta_k = 4/(k+1));\n"
                  "dotted: slope -2(a-1)/a", fontsize=10)
    ax2.legend(fontsize=7)
    fig.suptitle("SGD fails in expectation under alpha-stable noise (seed 000 App A), GClip does not", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def figure_bound_checks(curves, by, panel_title, xlabel: str, ylabel: str, bound_label: str, suptitle: str,
                        series: str | None = None, ncols: int = 3):
    """One panel per group of ``by``: the measured mean (one line per value of ``series``, e.g. the algorithm), the
    band up to its 97.5% bootstrap bound, and the theorem's bound (columns k, mean, upper95, bound)."""
    from matplotlib.ticker import NullFormatter

    from heavytail_sim.plotting import panel_grid

    groups = list(curves.groupby(list(by), sort=False))
    fig, axes = panel_grid(len(groups), ncols, width=3.4 if series is None else 4.3, height=2.8 if series is None else 3.1)
    for ax, (key, c) in zip(axes, groups):
        parts = [(None, c)] if series is None else list(c.groupby(series, sort=False))
        for i, (name, cc) in enumerate(parts):
            color = ALG_STYLE[name]["color"] if name in ALG_STYLE else f"C{i}"
            lab = "" if name is None else f"{ALG_NAME.get(name, name)}: "
            mark = {} if name is None else {"marker": "os^v"[i % 4], "ms": 3}
            ax.loglog(cc.k, cc["mean"], color=color, label=f"{lab}measured mean", **mark)
            ax.fill_between(cc.k, cc["mean"], cc.upper95, color=color, alpha=0.2, lw=0,
                            label=f"{lab}to 97.5% bootstrap bound")
            ax.loglog(cc.k, cc.bound, color="k" if series is None else color, ls="--" if i == 0 else ":",
                      label=f"{lab}{bound_label}")
        ax.set_title(panel_title(key, c), fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
        if series is not None:
            ax.yaxis.set_minor_formatter(NullFormatter())
    fig.suptitle(suptitle, fontsize=11)
    if series is None:
        axes[0].legend(fontsize=7)
        fig.tight_layout(rect=(0, 0, 1, 0.92))
    else:
        _place_legend(fig, *_legend_entries(axes), len(groups), ncols)
    return fig


def _law_title(kind: str, c) -> str:
    a = None if math.isnan(c.a.iloc[0]) else float(c.a.iloc[0])
    return noise_label(kind, a)


def figure_constants(const_curves):
    """Thm 1 with its exact constants: measured mean error, its 97.5% bootstrap bound, and the theorem's bound."""
    return figure_bound_checks(
        const_curves, ("noise", "p"), lambda key, c: f"{_law_title(key[0], c)}: p={key[1]:g}, G={c.G.iloc[0]:.2f}",
        "iteration k", "E f(x_bar_k) - f*", "16 G^2/(mu (k+1)^(2(p-1)/p))",
        "Thm 1 with its exact constants: projected GClip on |x| <= 2, tau_k = G k^(1/p), eta_k = 4/(k+1)")


def figure_theorem2_constants(curves, consts):
    """Thm 2 (GClip) and Thm 5 (CClip) of seed 000 with exact constants on the box-projected non-benign ripple."""
    def title(key, c):
        kind, p = key
        r = consts[(consts.noise == kind) & np.isclose(consts.p, p)]
        g = r[r.algorithm == "gclip"]
        if not len(g):
            return f"{_law_title(kind, c)}: p={p:g}"
        return (f"{_law_title(kind, c)}: p={p:g}, G={g.value.iloc[0]:.1f}\nGClip at K max: "
                f"{g.at_spurious_min.iloc[0]:.0%} spurious min, {g.not_stationary.iloc[0]:.0%} moving")

    return figure_bound_checks(
        curves, ("noise", "p"), title, "horizon K (each K its own runs)", "(1/K) sum_k E||grad f(x_{k-1})||^2",
        "4 C^(2p/(3p-2)) (L f0/K)^((2p-2)/(3p-2))",
        "Seed 000 Thm 2 with exact constants on ripple(4, c=2, w=3) in the box [-6, 6]^4 (spurious minima and saddles;\n"
        "C = G for GClip, ||B||_p for CClip; start beside a local maximum)", series="algorithm", ncols=3)


def figure_seed001(curves):
    """Seed 001 Thm 2 (sigma) and Thm 4 (projected GClip): measured error, its 97.5% bootstrap bound, the bound."""
    from heavytail_sim.plotting import panel_grid

    from matplotlib.ticker import NullFormatter

    groups = list(curves.groupby(["theorem", "noise", "p"], sort=False))
    groups.sort(key=lambda g: not g[0][0].startswith("seed 001 Thm 2"))  # Thm 2 on the top row (stable sort)
    fig, axes = panel_grid(len(groups), max(1, -(-len(groups) // 2)))
    for ax, ((thm, kind, p), c) in zip(axes, groups):
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.loglog(c.k, c["mean"], color="C0", label="measured mean")
        ax.fill_between(c.k, c["mean"], c.upper95, color="C0", alpha=0.2, lw=0, label="to 97.5% bootstrap bound")
        ax.loglog(c.k, c.bound, color="k", ls="--", label="the theorem's bound")
        two = thm.startswith("seed 001 Thm 2")
        ax.set_title(f"{'Thm 2 (sigma)' if two else 'Thm 4 (projected)'}: {_law_title(kind, c)}, p={p:g}", fontsize=9)
        ax.set_xlabel("horizon K (each K its own runs)" if two else "iteration k", fontsize=8)
        ax.set_ylabel("(1/K) sum E||grad f||^2" if two else "E f(x_bar_k) - f*", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle("Seed 001's own theorems. Top: Thm 2 (GClip, E|g - grad f|^p <= sigma^p, threshold max{2, "
                 "48^(1/(p-1)) sigma^(p/(p-1)), 8 sigma, tau_4(K)}) on ripple(1)\nbounding (1/K) sum E min{||grad f||, "
                 "||grad f||^2} <= the plotted error. Bottom: Thm 4, projected GClip on lam|x| + x^2/2, |x| <= 2",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


LB_COLORS = {"sgd": "C2", "gclip": "C0", "cclip": "C1", "nsgd": "C4", "adam": "C6", "acclip": "C5"}
"""Colours of the methods in the lower-bound figure (C3, red, is the sandwich's)."""


def figure_lower_bound(rows, sandwich, hitting, law):
    """Seed 001 Thm 6 simulated, one column per alpha. Top: errors at the budget K against K: the lower bound, every
    method, GClip with seed 000 Thm 2's schedule and that theorem's bound. Bottom: hitting times of the shortest chain
    against the negative binomial law the proof uses."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullFormatter

    from heavytail_sim.plotting import pyplot, theory_line

    plt = pyplot()
    alphas = sorted(set(rows.alpha))
    fig, axes = plt.subplots(2, len(alphas), figsize=(3.3 * len(alphas), 7.2), squeeze=False)
    methods = list(dict.fromkeys(rows.method))
    color = {m: LB_COLORS.get(m, f"C{7 + i}") for i, m in enumerate(methods)}
    for j, alpha in enumerate(alphas):
        ax, bx = axes[0, j], axes[1, j]
        r = rows[np.isclose(rows.alpha, alpha)]
        first = r[r.method == methods[0]].sort_values("K")
        K = first.K.to_numpy(float)
        ax.loglog(K, first.lower_bound_sq, color="k", lw=2)
        for m in methods:
            c = r[r.method == m].sort_values("K")
            ax.loglog(c.K, c.mean_avg_grad_sq, marker="o", ms=3, lw=1, color=color[m])
        ax.loglog(K, first.mean_min_grad_sq, color="0.5", ls="-.", lw=1.2)
        sw = sandwich[np.isclose(sandwich.alpha, alpha)].sort_values("K")
        if len(sw):
            ax.loglog(sw.K, sw.thm2_bound, color="C3", ls="--", lw=1.5)
            ax.loglog(sw.K, sw.gclip_tuned_mean, color="C3", marker="s", ms=3, lw=0)
        theory_line(ax, K[0], K[-1], float(first.theory_exponent.iloc[0]), K[-1],
                    float(first.lower_bound_sq.iloc[-1]) / 1.6)
        ax.set_title(f"alpha = {alpha:g}" + (" (standard noise)" if alpha >= 2 else ""), fontsize=10)
        ax.set_xlabel("query budget K of the instance", fontsize=8)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel("||grad f||^2 (mean over runs)", fontsize=8)
        ax.tick_params(labelsize=7)
        h = hitting[np.isclose(hitting.alpha, alpha)]
        lw_ = law[np.isclose(law.alpha, alpha)]
        if len(h):
            nb = h[h.method == h.method.iloc[0]]
            bx.semilogx(nb.k, nb.nb_cdf, color="k", lw=2.5)
            for m in methods:
                c = h[h.method == m]
                bx.semilogx(c.k, c.cdf, color=color[m], lw=1.2)
            bx.axvline(float(lw_.budget_K.iloc[0]), color="0.4", ls=":", lw=1)
            bx.set_title(f"T = {int(nb['T'].iloc[0])}, p = {float(nb.p.iloc[0]):.3f}", fontsize=9)
        bx.set_xlabel("step k", fontsize=8)
        bx.set_ylabel("P(progress reaches T by step k)", fontsize=8)
        bx.set_ylim(-0.02, 1.02)
        bx.tick_params(labelsize=7)
    handles = [Line2D([], [], color="k", lw=2), Line2D([], [], color="0.5", ls="-.")] + \
        [Line2D([], [], color=color[m], marker="o", ms=3) for m in methods] + \
        [Line2D([], [], color="C3", ls="--"), Line2D([], [], color="C3", marker="s", lw=0, ms=3),
         Line2D([], [], color="k", ls=":"), Line2D([], [], color="k", lw=2.5), Line2D([], [], color="0.4", ls=":")]
    labels = ["Thm 6 (seed 001): E min_k ||grad f(x_k)||^2 >= (1/2)(2 eps)^2",
              "measured E min_k ||grad f(x_k)||^2 (every method: ~ ||grad f(x_0)||^2)"] + \
        [f"{m}: (1/K) sum ||grad f(x_k)||^2" for m in methods] + \
        ["seed 000 Thm 2 bound (GClip, its schedule, G of the instance)", "GClip, step tuned (smallest error)",
         "Table 1 exponent -2(a-1)/(3a-2)", "bottom: negative binomial NB(T, p) (one coordinate per reveal)",
         "bottom: the budget K of this chain"]
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle("Non-convex lower bound (seed 001 Thm 6) simulated on the probability-p zero chain F_T: top, error at "
                 "each instance's budget K (T grows and p falls as eps falls);\nbottom, hitting time of progress T on the "
                 "shortest chain: no method beats the negative binomial law", fontsize=11)
    fig.tight_layout(rect=(0, 0.12, 1, 0.93))
    return fig


def figure_transient(slopes, transient, model_curves, setting: str):
    """The Pareto non-convex cells: measured local slopes over the nc horizons and the longer ones, the transient
    model's local slope (fixed before the runs) and Table 1's exponent."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullFormatter

    from heavytail_sim import theory
    from heavytail_sim.plotting import panel_grid

    tails = sorted(set(transient.a))
    fig, axes = panel_grid(len(tails), len(tails), width=3.8, height=3.8)
    for ax, a in zip(axes, tails):
        for alg in ("gclip", "cclip"):
            col = ALG_STYLE[alg]["color"]
            s = cell_rows(slopes, setting, alg, "pareto", a) if slopes is not None else None
            parts = []
            if s is not None and not s.empty:
                parts.append((s.k_mid.to_numpy(), s.slope.to_numpy(), s.ci_low.to_numpy(), s.ci_high.to_numpy()))
            t = transient[(transient.algorithm == alg) & np.isclose(transient.a, a)
                          & (transient.kind == "local slope (one decade)")]
            if len(t):
                parts.append((t.k_mid.to_numpy(), t.measured.to_numpy(), t.ci_low.to_numpy(), t.ci_high.to_numpy()))
            for km, sl, lo, hi in parts:
                ax.semilogx(km, sl, marker="o", ms=3, color=col)
                ax.fill_between(km, lo, hi, color=col, alpha=0.15, lw=0)
            m = model_curves[(model_curves.algorithm == alg) & (model_curves.noise == "pareto") & (model_curves.span == "long")
                             & np.isclose(model_curves.a, a)].dropna(subset=["model_local_slope"]).sort_values("K")
            ax.semilogx(m.K, m.model_local_slope, color=col, ls=":", lw=1.4)
        ax.axhline(theory.nonconvex_exponent(a), color="k", ls="--", lw=1)
        ax.set_title(f"pareto a={a:g}", fontsize=10)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("horizon K (window centre)", fontsize=8)
        ax.set_ylabel("local slope of log error in log K", fontsize=8)
        ax.tick_params(labelsize=7)
    handles = [Line2D([], [], color=ALG_STYLE[g]["color"], marker="o", ms=3) for g in ("gclip", "cclip")] + \
        [Line2D([], [], color="0.3", ls=":"), Line2D([], [], color="k", ls="--")]
    labels = ["GClip: measured (one-decade windows, 95% bootstrap band)", "CClip: measured",
              "transient model [f0/(eta K) + (L eta/2) V(tau)]/(1 - L eta/2)", "Table 1 exponent -2(a-1)/(3a-2)"]
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle("Non-convex cells under Pareto noise: the local slope approaches Table 1's exponent from above as K "
                 "grows, as the transient model predicts (ripple d=4, Thm 2 schedule per K)", fontsize=10)
    fig.tight_layout(rect=(0, 0.12, 1, 0.92))
    return fig


def figure_nc_expectation(curves, k: int):
    """Table 1's N/A cell: sample means over n runs of the non-convex error, SGD against GClip."""
    from heavytail_sim.plotting import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.6))
    sample_mean_panel(ax, curves, f"sample mean of (1/K) sum_k ||grad f(x_(k-1))||^2, K = {k}")
    fig.suptitle("SGD fails in expectation on the non-convex ripple(4) under alpha-stable noise (Table 1: N/A), "
                 "GClip does not", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig
