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
                        ylim=(-1.6, 0.4), model_legend: bool = True):
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
        labels.append("transient model: local slope of V(tau_k)/k")
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


def figure_expectation(exp_curves, sc_curves, exp_k: int, sc_setting_d1: str):
    """SGD fails in expectation: sample means over n runs (left), SGD's median still decreasing (right)."""
    from heavytail_sim import theory
    from heavytail_sim.plotting import pyplot, theory_line

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
    for i, a in enumerate(sorted(set(exp_curves.a))):
        for alg, ls in (("sgd", "-"), ("gclip", "--")):
            c = exp_curves[(exp_curves.algorithm == alg) & np.isclose(exp_curves.a, a)]
            ns, med = c.n.to_numpy(), c["median"].to_numpy()
            ax1.loglog(ns, med, ls=ls, color=f"C{i}", label=f"{ALG_NAME[alg]}, a={a:g}")
            ax1.fill_between(ns, c.q25, c.q75, color=f"C{i}", alpha=0.12, lw=0)
            if alg == "sgd":
                theory_line(ax1, ns[len(ns) // 3], ns[-1], theory.sgd_sample_mean_growth(a), ns[-1], med[-1] * 1.5,
                            color=f"C{i}")
    ax1.set_xlabel("number of runs n averaged")
    ax1.set_ylabel(f"sample mean of f(x_k) - f*, k = {exp_k}")
    ax1.set_title("Sample mean over n runs (median and quartiles over groups);\n"
                  "dotted: predicted SGD growth n^(2/a-1)", fontsize=10)
    ax1.legend(fontsize=7, ncol=2)
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


def figure_constants(const_curves):
    """Thm 1 with its exact constants: measured mean error, its 97.5% bootstrap bound, and the theorem's bound."""
    from heavytail_sim.plotting import panel_grid

    groups = list(const_curves.groupby(["noise", "p"], sort=False))
    fig, axes = panel_grid(len(groups), 3)
    for ax, ((kind, p), c) in zip(axes, groups):
        a = None if math.isnan(c.a.iloc[0]) else float(c.a.iloc[0])
        ax.loglog(c.k, c["mean"], color="C0", label="measured mean")
        ax.fill_between(c.k, c["mean"], c.upper95, color="C0", alpha=0.2, lw=0, label="to 97.5% bootstrap bound")
        ax.loglog(c.k, c.bound, color="k", ls="--", label="16 G^2/(mu (k+1)^(2(p-1)/p))")
        ax.set_title(f"{noise_label(kind, a)}: p={p:g}, G={c.G.iloc[0]:.2f}", fontsize=9)
        ax.set_xlabel("iteration k", fontsize=8)
        ax.set_ylabel("E f(x_bar_k) - f*", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle("Thm 1 with its exact constants: projected GClip on |x| <= 2, tau_k = G k^(1/p), eta_k = 4/(k+1)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig
