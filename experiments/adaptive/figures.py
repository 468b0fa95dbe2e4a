"""The adaptive study's figures, drawn from its tables alone (so ``heavytail-sim figures`` can redraw them)."""
from __future__ import annotations

import math

import numpy as np

from .config import MODEL_LABEL

METHOD_LABEL = {"sgd": "SGD", "sgdm": "SGD momentum", "gclip": "GClip", "cclip": "CClip",
                "nsgd": "normalized SGD (mom.)", "acclip": "ACClip", "adam": "Adam", "rmsprop": "RMSProp"}
METHOD_COLOR = {"sgd": "0.35", "sgdm": "0.65", "gclip": "tab:blue", "cclip": "tab:cyan", "nsgd": "tab:purple",
                "acclip": "tab:red", "adam": "tab:green", "rmsprop": "tab:olive"}
METHOD_MARK = {"sgd": "o", "sgdm": "s", "gclip": "^", "cclip": "v", "nsgd": "D", "acclip": "P", "adam": "X",
               "rmsprop": "*"}
TRAIN_LABEL = {"sgd": "SGD momentum", "gclip": "GClip (momentum)", "adam": "Adam", "acclip": "ACClip"}
LAW_COLOR = {"Student-t df=1.5": "tab:red", "Student-t df=3": "tab:orange", "Gaussian": "tab:blue"}


def _plt():
    from heavytail_sim.plotting import pyplot

    return pyplot()


def _plain(axis) -> None:
    """Plain-number labels on a log axis (no 2x10^-1 minor labels colliding)."""
    from heavytail_sim.noise_diagnosis import plain_log_ticks

    plain_log_ticks(axis)


def _law_order(frame) -> list:
    """Laws sorted by tail index (Gaussian last), as (label, tail index)."""
    laws = frame.drop_duplicates("law")[["law", "tail_index"]]
    laws = laws.assign(key=laws.tail_index.replace(np.inf, 1e9)).sort_values(["key", "law"])
    return list(zip(laws.law, laws.tail_index))


def _tick(label: str, tail: float) -> str:
    if not math.isfinite(tail):
        return "Gaussian" if label == "Gaussian" else "2\n(N(0,2))"
    return f"{tail:g}"


def _stairs(ax, h, **kw) -> None:
    """A histogram stored as rows (bin_lo, bin_hi, density), drawn as steps."""
    ax.stairs(h.density.to_numpy(), np.r_[h.bin_lo.to_numpy(), h.bin_hi.iloc[-1]], **kw)


def _tail_index_axis(ax, top: float) -> None:
    """Log y axis for tail-index estimates, clipped at ``top`` (shown as ">=30")."""
    ax.set_yscale("log")
    ax.set_ylim(0.5, top * 1.2)
    ax.set_yticks([0.5, 1, 2, 5, 10, 30], ["0.5", "1", "2", "5", "10", ">=30"])


# ------------------------------------------------------------------------------------------- sweep
def sweep_tail_index(sweep, gap):
    """Final error and its ratio to the better SGD variant against the tail index, per law family."""
    plt = _plt()
    base = sweep[sweep.part == "sweep"]
    families = [f for f in ("student_t", "stable") if (base.family == f).any()]
    fig, axes = plt.subplots(2, len(families), figsize=(7.2 * len(families), 8.6), squeeze=False)
    for col, fam in enumerate(families):
        sub = base[base.family.isin([fam, "gaussian"])]
        laws = _law_order(sub)
        pos = {lab: i for i, (lab, _) in enumerate(laws)}
        top, bot = axes[0, col], axes[1, col]
        sgd_best = sub[sub.method.isin(["sgd", "sgdm"])].sort_values("median").groupby("law").first()["median"]
        for j, m in enumerate(METHOD_LABEL):
            g = sub[sub.method == m]
            if g.empty:
                continue
            x = np.array([pos[l] for l in g.law]) + (j - 3.5) * 0.035
            order = np.argsort(x)
            y, lo, hi = (g[c].to_numpy()[order] for c in ("median", "median_lo", "median_hi"))
            x = x[order]
            kw = dict(color=METHOD_COLOR[m], marker=METHOD_MARK[m], ms=5, lw=1.3, label=METHOD_LABEL[m])
            top.errorbar(x, y, yerr=[y - lo, hi - y], capsize=2, **kw)
            ratio = y / sgd_best.loc[g.law.to_numpy()[order]].to_numpy()
            bot.plot(x, ratio, **kw)
        gg = gap[(gap.setting == sub.setting.iloc[0]) & gap.law.isin(pos)]
        for r in gg.itertuples():
            if r.verdict == "SGD loses":
                bot.axvspan(pos[r.law] - 0.45, pos[r.law] + 0.45, color="tab:red", alpha=0.08, lw=0)
        bot.axhline(1.0, color="k", lw=0.8)
        for ax in (top, bot):
            ax.set_yscale("log")
            ax.set_xticks(range(len(laws)), [_tick(l, t) for l, t in laws])
            ax.grid(alpha=0.3, which="both", axis="y")
        name = "Student-t degrees of freedom" if fam == "student_t" else "alpha-stable index alpha"
        top.set_title(f"{'Student-t' if fam == 'student_t' else 'alpha-stable'} noise: tuned final error")
        top.set_ylabel("final f(x_K) - f*: median over runs\n(bars: 95% CI of the median)")
        bot.set_ylabel("median / median of the better SGD variant")
        bot.set_xlabel(f"tail index: {name} (heavier tails on the left; Gaussian control on the right)")
        bot.set_title("Relative to SGD (red columns: SGD loses, 95% median CIs disjoint)")
    for ax in axes[0]:
        ax.axhline(_start_error(base.setting.iloc[0], base.dim.iloc[0]), color="k", ls=":", lw=1,
                   label="f(x_0) - f*: not moving")
    axes[0, 0].legend(fontsize=8, ncol=2)
    s = base.iloc[0]
    fig.suptitle(f"Noise-law sweep: quadratic d={s.dim} (curvatures 0.1..1), equal coordinate scales, stationary "
                 f"noise, K={s.steps}; every method tuned on separate seeds", fontsize=11)
    fig.tight_layout()
    return fig


def _start_error(setting: str, dim: int) -> float:
    """f(x_0) - f* of a sweep setting (what a method that does not move reports)."""
    from heavytail_sim.noise_sweep import Setting

    problem, scales, profile = setting.split("/")
    prob = Setting(problem, scales, profile, int(dim)).build_problem()
    return float(prob.value(np.asarray(prob.x0, float)))


def factors(sweep):
    """One panel per setting: every method's tuned final error (median, 95% CI) at each factor law."""
    plt = _plt()
    fac = sweep[sweep.part == "factor"]
    base = sweep[(sweep.part == "sweep") & sweep.law.isin(fac.law.unique())]
    import pandas as pd

    both = pd.concat([base, fac], ignore_index=True)
    settings = list(dict.fromkeys(both.setting))
    n = len(settings)
    cols = 3 if n > 2 else n
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 4.3 * rows), squeeze=False)
    methods = list(METHOD_LABEL)
    laws = [l for l, _ in _law_order(both)]
    colors = {l: LAW_COLOR.get(l, f"C{i}") for i, l in enumerate(laws)}
    for ax, setting in zip(axes.flat, settings):
        sub = both[both.setting == setting]
        for k, law in enumerate(laws):
            g = sub[sub.law == law].set_index("method")
            y = np.array([methods.index(m) for m in g.index]) + (k - (len(laws) - 1) / 2) * 0.22
            ax.errorbar(g["median"], y, xerr=[g["median"] - g.median_lo, g.median_hi - g["median"]], fmt="o",
                        ms=4, color=colors[law], capsize=2, label=law)
        f0 = _start_error(setting, sub.dim.iloc[0])
        ax.axvline(f0, color="k", ls=":", lw=1, label="f(x_0) - f*: not moving")
        ax.set_yticks(range(len(methods)), [METHOD_LABEL[m] for m in methods])
        ax.invert_yaxis()
        ax.set_xscale("log")
        _plain(ax.xaxis)
        ax.grid(alpha=0.3, which="both", axis="x")
        ax.set_xlabel("final f(x_K) - f*  (median, 95% CI)")
        prob, scales, profile = setting.split("/")
        ax.set_title(f"{prob}, {'equal' if scales == 'equal' else 'heterogeneous (1..0.01)'} scales, "
                     f"{'stationary' if profile == 'stationary' else 'switching 10/1'}", fontsize=10)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8, title="noise law", title_fontsize=8)
    fig.suptitle("Factor settings: each method tuned per setting and law (separate tuning seeds)", fontsize=11)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- models
def model_curves(models, curves):
    """Training loss against step for the four methods on each model (median over evaluation seeds)."""
    plt = _plt()
    kinds = list(dict.fromkeys(models.model))
    fig, axes = plt.subplots(1, len(kinds), figsize=(4.6 * len(kinds), 4.2), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        sub = curves[curves.model == kind]
        sgd_curve = sub[sub.method == "sgd"].loss.to_numpy()
        for m in TRAIN_LABEL:
            g = sub[sub.method == m]
            if g.empty:
                continue
            st = g.groupby("step").loss
            med, lo, hi = st.median(), st.min(), st.max()
            r = models[(models.model == kind) & (models.method == m)].iloc[0]
            color = {"sgd": "0.35", "gclip": "tab:blue", "adam": "tab:green", "acclip": "tab:red"}[m]
            same = m == "gclip" and np.array_equal(g.loss.to_numpy(), sgd_curve)
            label = (f"{TRAIN_LABEL[m]}, eta={r.eta:.2g}" + (", at grid edge" if r.tuned_at_edge != "no" else "")
                     + (" (= SGD: never clipped)" if same else ""))
            ax.plot(med.index, med.to_numpy(), color=color, lw=2.6 if m == "sgd" else 1.5,
                    ls=":" if same else "-", label=label)
            ax.fill_between(med.index, lo.to_numpy(), hi.to_numpy(), color=color, alpha=0.15, lw=0)
        ax.set_yscale("log")
        _plain(ax.yaxis)
        ax.set_xlabel("training step")
        ax.set_ylabel("training loss (median; band: min-max)")
        ax.set_title(MODEL_LABEL.get(kind, kind), fontsize=10)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle("Full-data training loss with tuned learning rates (tuned on separate minibatch streams; same "
                 f"initialisation; batch size {int(models.batch_size.iloc[0]) if 'batch_size' in models else 32})",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


def model_noise(estimates, hist):
    """Per model: noise-norm histograms against the Gaussian reference, and tail indices during training."""
    plt = _plt()
    kinds = list(dict.fromkeys(hist.model))
    fig, axes = plt.subplots(2, len(kinds), figsize=(4.6 * len(kinds), 8.4), squeeze=False)
    for col, kind in enumerate(kinds):
        ax = axes[0, col]
        h = hist[hist.model == kind]
        steps = sorted(h.step.unique())
        colors = plt.cm.viridis(np.linspace(0, 0.85, len(steps)))
        for s, c in zip(steps, colors):
            for source, ls, lw in (("noise", "-", 1.8), ("gaussian_reference", "--", 0.9)):
                g = h[(h.step == s) & (h.source == source)]
                _stairs(ax, g, color=c, ls=ls, lw=lw, label=f"step {s}" if source == "noise" else None)
        ax.plot([], [], "k--", lw=0.9, label="Gaussian, same covariance")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain(ax.xaxis)
        ax.set_xlabel("noise norm / median reference norm")
        ax.set_ylabel("density")
        ax.set_title(MODEL_LABEL.get(kind, kind), fontsize=10)
        ax.legend(fontsize=7)
        ax = axes[1, col]
        e = estimates[(estimates.model == kind) & (estimates.source == "data")]
        ref = estimates[(estimates.model == kind) & (estimates.source == "gaussian_reference") &
                        (estimates.estimator == "hill_gof")]
        series = [("hill_gof", "Hill on norms", "C3", "o"), ("gpd_ml", "GPD on norms", "C1", "s"),
                  ("block_vector", "block, vectors", "C0", "^"), ("block_raw_norms", "block, raw norms", "k", "x"),
                  ("hill_gof_coord", "Hill per coordinate (median)", "C2", "v")]
        pos = {s: i for i, s in enumerate(steps)}
        top = 30.0
        for j, (name, label, color, mk) in enumerate(series + [("ref", "Hill on the Gaussian reference", "0.5", "D")]):
            g = ref if name == "ref" else e[e.estimator == name]
            if g.empty:
                continue
            x = np.array([pos[s] for s in g.step]) + (j - 2.5) * 0.06
            y = np.minimum(g.alpha.to_numpy(float), top)
            lo = np.minimum(g.ci_low.to_numpy(float), top)
            hi = np.minimum(g.ci_high.to_numpy(float), top)
            ax.vlines(x, lo, hi, color=color, lw=1.4)
            ax.plot(x, y, mk + "-", color=color, ms=5, lw=0.8, label=label, mfc="white" if name == "ref" else color)
        ax.axhline(2.0, color="k", ls="--", lw=0.8)
        ax.text(-0.45, 2.05, "alpha = 2 (finite variance above)", fontsize=7, ha="left", va="bottom")
        _tail_index_axis(ax, top)
        ax.set_xticks(range(len(steps)), [str(s) for s in steps])
        ax.set_xlim(-0.5, len(steps) - 0.5)
        ax.set_xlabel("SGD step (checkpoint)")
        ax.set_ylabel("tail index estimate (95% bootstrap interval)")
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
               title="tail-index estimators (bottom row)", title_fontsize=8)
    fig.suptitle("Minibatch gradient noise of the small models during plain-SGD training (batch 32): norms are "
                 "compared with N(0, Sigma/b), Sigma exact", fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def diagnosis(law_diag, estimates=None):
    """Every estimator on noise of known index (left) and on the models' noise (right), with seed 000 App H's
    readings."""
    plt = _plt()
    ncol = 2 if estimates is not None and len(estimates) else 1
    fig, axes = plt.subplots(1, ncol, figsize=(7.5 * ncol, 5.2), squeeze=False)
    series = [("hill_gof", "Hill on norms", "C3", "o"), ("gpd_ml", "GPD on norms", "C1", "s"),
              ("block_vector", "block sums of vectors", "C0", "^"),
              ("block_raw_norms", "block sums of raw norms (App H)", "k", "x"),
              ("hill_gof_coord", "Hill per coordinate (median)", "C2", "v")]
    top = 30.0
    ax = axes[0, 0]
    d = law_diag[law_diag.source == "data"]
    laws = _law_order(d)
    pos = {l: i for i, (l, _) in enumerate(laws)}
    for j, (name, label, color, mk) in enumerate(series):
        g = d[d.estimator == name]
        x = np.array([pos[l] for l in g.law]) + (j - 2) * 0.08
        y, lo, hi = (np.minimum(g[c].to_numpy(float), top) for c in ("alpha", "ci_low", "ci_high"))
        ax.vlines(x, lo, hi, color=color, lw=1.4)
        ax.plot(x, y, mk, color=color, ms=6, label=label)
    truth = [min(t, top) for _, t in laws]
    ax.plot(range(len(laws)), truth, "_", color="m", ms=22, mew=2.5, label="true tail index (inf drawn at the top)")
    for v, text in ((1.08, "seed 000 App H: BERT 1.08"), (1.99, "seed 000 App H: ImageNet 1.99")):
        ax.axhline(v, color="tab:brown", ls=":", lw=1)
        ax.text(len(laws) - 0.6, v * 1.03, text, fontsize=7, color="tab:brown", ha="right")
    _tail_index_axis(ax, top)
    short = lambda l, t: ("t " if l.startswith("Student") else ("S " if l.startswith("stable") else "")) + _tick(l, t)
    ax.set_xticks(range(len(laws)), [short(l, t) for l, t in laws], fontsize=8)
    ax.set_xlabel("noise law of the sweep (t: Student-t df, S: alpha-stable alpha)")
    ax.set_ylabel("estimated tail index (95% bootstrap interval)")
    n = int(d.n.max()) if "n" in d else 0
    ax.set_title(f"Estimators on {n} noise vectors of known law (d = 10)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    if ncol == 2:
        ax = axes[0, 1]
        e = estimates[estimates.source == "data"]
        kinds = list(dict.fromkeys(e.model))
        cases = [(k, s) for k in kinds for s in (e[e.model == k].step.min(), e[e.model == k].step.max())]
        for j, (name, label, color, mk) in enumerate(series):
            g = e[e.estimator == name].set_index(["model", "step"])
            x = np.arange(len(cases)) + (j - 2) * 0.08
            vals = np.array([[g.loc[c, "alpha"], g.loc[c, "ci_low"], g.loc[c, "ci_high"]] if c in g.index else
                             [np.nan] * 3 for c in cases], dtype=float)
            vals = np.minimum(vals, top)
            ax.vlines(x, vals[:, 1], vals[:, 2], color=color, lw=1.4)
            ax.plot(x, vals[:, 0], mk, color=color, ms=6, label=label)
        for v in (1.08, 1.99):
            ax.axhline(v, color="tab:brown", ls=":", lw=1)
        ax.axhline(2.0, color="k", ls="--", lw=0.6)
        _tail_index_axis(ax, top)
        short_model = {"bigram": "bigram", "attention": "attn tokens", "attention_gaussian": "attn Gauss.",
                       "mlp": "MLP"}
        ax.set_xticks(range(len(cases)), [f"{short_model.get(k, k)}\nstep {s}" for k, s in cases], fontsize=7)
        ax.set_ylabel("estimated tail index (95% bootstrap interval)")
        ax.set_title("The same estimators on the models' minibatch noise (batch 32)", fontsize=10)
    fig.suptitle("Tail-index estimators: the block estimator on raw norms reads ~1 for every law, Gaussian "
                 "included", fontsize=11)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- updates
def update_order(order, hist):
    """Seed 002 eq 3's order against Kingma-Ba's at mu = 0.9: histograms, variance and largest update."""
    plt = _plt()
    fig = plt.figure(figsize=(15, 8.2))
    gs = fig.add_gridspec(2, 4)
    shown = [t for t in (2, 5, 20, 200) if t in set(hist.t)][:4]
    colors = {"kingma_ba": "tab:green", "inner": "tab:purple"}
    names = {"kingma_ba": "Kingma-Ba: (m/c_m) / sqrt(v/c_v)", "inner": "seed 002 eq 3: momentum of g/sqrt(n/c_n)"}
    for i, t in enumerate(shown):
        ax = fig.add_subplot(gs[0, i])
        for o in ("kingma_ba", "inner"):
            h = hist[(hist.t == t) & (hist.order == o)]
            _stairs(ax, h, color=colors[o], lw=1.5, label=names[o])
            r = order[(order.t == t) & (order.order == o)].iloc[0]
            if r.bound < 1.7:
                ax.axvline(r.bound, color=colors[o], ls=":", lw=1)
                ax.axvline(-r.bound, color=colors[o], ls=":", lw=1)
        b = order[order.t == t].set_index("order").bound
        ax.text(0.02, 0.97, f"bound on |update|:\nKingma-Ba {b['kingma_ba']:.2f}\neq 3 {b['inner']:.2f}",
                transform=ax.transAxes, fontsize=7, va="top")
        ax.set_xlim(-1.7, 1.7)
        ax.set_yscale("log")
        ax.set_xlabel(r"update $\Delta\theta$ (learning rate divided out)")
        ax.set_ylabel("density")
        ax.set_title(f"t = {t}  (dotted: bounds inside the frame)", fontsize=10)
        if i == 0:
            ax.legend(fontsize=7, loc="lower center")
    ax = fig.add_subplot(gs[1, :2])
    for o in ("kingma_ba", "inner"):
        g = order[order.order == o].sort_values("t")
        ax.errorbar(g.t, g["var"], yerr=g.var_ci95, fmt="o-", color=colors[o], ms=4, capsize=2, label=names[o])
    g = order[order.order == "inner"].sort_values("t")
    tt = np.unique(np.geomspace(1, g.t.max(), 200).round())
    from heavytail_sim.adaptive_updates import momentum_variance

    b1 = float(g.beta1.iloc[0])
    ax.plot(tt, momentum_variance(b1, tt), "k--", lw=1, label="theory for eq 3: Cor 1 + uncorrelated terms")
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax.text(tt[-1], 1.03, "mu = 0: Var = 1 (Cor 1)", ha="right", fontsize=7, color="0.4")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain(ax.xaxis)
    _plain(ax.yaxis)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"Var $\Delta\theta$ (95% CI)")
    ax.set_title("Variance of the update", fontsize=10)
    ax.legend(fontsize=7)
    ax = fig.add_subplot(gs[1, 2:])
    for o in ("kingma_ba", "inner"):
        g = order[order.order == o].sort_values("t")
        ax.plot(g.t, g.max_abs, "o-", color=colors[o], ms=4, label=f"observed max, {o.replace('_', '-')}")
        ax.plot(g.t, g.bound, "--", color=colors[o], lw=1, label=f"bound, {o.replace('_', '-')}")
    ax.plot(g.t, np.sqrt(g.t), ":", color="0.5", label="sqrt(t): the mu = 0 support")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain(ax.xaxis)
    _plain(ax.yaxis)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"max $|\Delta\theta|$ over coordinates")
    ax.set_title(f"Largest update and its bound ({int(order.n.iloc[0])} coordinates)", fontsize=10)
    ax.legend(fontsize=7)
    fig.suptitle(f"Adam's update with momentum mu = {b1:g}, beta = {float(order.beta2.iloc[0]):g}, N(0,1) "
                 "gradients, eps = 0: the two orders of seed 002 eq 1-4", fontsize=11)
    fig.tight_layout()
    return fig


def _scenario_label(s: str) -> str:
    if s == "gauss_decreasing":
        return "Gaussian, scale 1/t (Fig 5 right)"
    if s == "gauss_increasing":
        return "Gaussian, scale t (Fig 5 left)"
    a = float(s[6:])
    return {1.0: "Cauchy (stable 1)", 2.0: "Gaussian (stable 2)"}.get(a, f"stable alpha={a:g}")


def trimodality(modes, hist):
    """Stable mode counts against t per gradient law, and the update histograms at t = 2."""
    plt = _plt()
    scen = list(dict.fromkeys(modes.scenario))
    fig = plt.figure(figsize=(16, 8.4))
    gs = fig.add_gridspec(2, 4)
    ax = fig.add_subplot(gs[:, :2])
    from matplotlib.colors import ListedColormap

    ts = sorted(modes.t.unique())
    piv = modes.pivot(index="scenario", columns="t", values="modes").reindex(index=scen, columns=ts)
    stab = modes.pivot(index="scenario", columns="t", values="modality").reindex(index=scen, columns=ts)
    # theory row: seed 002 Thm 1 with N(0, 1) gradients: arcsine (2 modes) at t = 2, uniform at 3, unimodal after
    theory = [2 if t == 2 else (np.nan if t == 3 else 1) for t in ts]
    grid = np.vstack([piv.to_numpy(float), theory])
    cmap = ListedColormap(["0.92", "tab:blue", "tab:red", "tab:purple"])
    ax.imshow(np.clip(grid, 1, 4) - 1, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if i == len(scen):
                text = "flat" if np.isnan(grid[i, j]) else f"{int(grid[i, j])}"
            else:
                text = f"{int(grid[i, j])}" + ("?" if stab.iloc[i, j] == "unstable" else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=9,
                    color="white" if (not np.isnan(grid[i, j]) and grid[i, j] >= 2) else "k")
    ax.axhline(len(scen) - 0.5, color="k", lw=1.5)
    ax.set_xticks(range(len(ts)), [str(t) for t in ts])
    ax.set_yticks(range(len(scen) + 1), [_scenario_label(x) for x in scen] + ["theory: Gaussian, Thm 1 (f_t)"],
                  fontsize=8)
    ax.set_xlabel("step t (simple-average preconditioner, seed 002 Thm 1 setting)")
    ax.set_title("Modes of the update density (KDE, prominence >= 5%); grey 1, blue 2, red 3;\n"
                 "'?': unstable (< 90% of bootstrap resamples agree), criterion fixed in advance", fontsize=9)
    show = [s for s in ("stable1", "stable1.5", "stable2", "gauss_decreasing") if s in scen]
    if "stable1" not in scen and "stable1.0" in scen:
        show = ["stable1.0"] + show
    from heavytail_sim.adaptive_updates import update_law

    for k, s in enumerate(show[:4]):
        ax = fig.add_subplot(gs[k // 2, 2 + k % 2])
        for t, ls in ((2, "-"), (5, "--")):
            h = hist[(hist.scenario == s) & (hist.t == t)]
            if h.empty:
                continue
            _stairs(ax, h, ls=ls, lw=1.4, color="C0" if t == 2 else "C1", label=f"simulated, t = {t}")
            r = modes[(modes.scenario == s) & (modes.t == t)]
            if len(r):
                ax.text(0.02, 0.95 - 0.08 * (t == 5), f"t={t}: {r.modality.iloc[0]}", transform=ax.transAxes,
                        fontsize=7, va="top")
        x = np.linspace(-math.sqrt(2) * 0.999, math.sqrt(2) * 0.999, 400)
        ax.plot(x, update_law(2).pdf(x), "k:", lw=1, label="f_2, Gaussian theory (Thm 1)")
        ax.set_yscale("log")
        ax.set_ylim(0.05, 20)
        ax.set_xlabel(r"update $\Delta\theta$")
        ax.set_ylabel("density")
        ax.set_title(_scenario_label(s), fontsize=10)
        if k == 0:
            ax.legend(fontsize=7, loc="lower center")
    fig.suptitle("Is a trimodal update a sign of heavy tails? Modes of Adam's update (seed 002 Sec 6) across the "
                 "stable index and for Gaussian gradients whose scale changes", fontsize=11)
    fig.tight_layout()
    return fig


def fig8(rows, hist):
    """Seed 002 Fig 8: the update histograms of several initialisations on each model, with f_m."""
    plt = _plt()
    from heavytail_sim.adaptive_updates import update_law

    kinds = list(dict.fromkeys(rows.model))
    ts = sorted(hist.t.unique())
    fig, axes = plt.subplots(len(kinds), len(ts), figsize=(3.3 * len(ts), 2.7 * len(kinds)), squeeze=False)
    for i, kind in enumerate(kinds):
        for j, t in enumerate(ts):
            ax = axes[i, j]
            for k, s in enumerate(sorted(hist[hist.model == kind].seed.unique())):
                h = hist[(hist.model == kind) & (hist.seed == s) & (hist.t == t)]
                _stairs(ax, h, color=f"C{k + 3}", lw=1.1, alpha=0.85, label=f"init seed {k + 1}")
            r = rows[(rows.model == kind) & (rows.t == t)]
            m = float(r.m_eff.iloc[0])
            x = np.linspace(-math.sqrt(m) * 0.999, math.sqrt(m) * 0.999, 300)
            ax.plot(x, update_law(m).pdf(x), "k-", lw=1.2, label="Thm 1's f_m (m: Adam's effective count)")
            ax.set_ylim(0, 1.6 if t == 2 else 0.9)
            ax.text(0.02, 0.97, f"m = {m:.2f}\nKS {r.ks_all.min():.2f}-{r.ks_all.max():.2f}\n"
                    f"zero grad {r.frac_zero_gradient.min():.0%}-{r.frac_zero_gradient.max():.0%}",
                    transform=ax.transAxes, fontsize=6.5, va="top")
            if i == 0:
                ax.set_title(f"step t = {t}", fontsize=10)
            if j == 0:
                ax.set_ylabel(f"{kind}\n({r.block.iloc[0]}, {int(r['size'].iloc[0])} params)\ndensity", fontsize=8)
            if i == len(kinds) - 1:
                ax.set_xlabel(r"update $\Delta\theta$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.suptitle("Seed 002 Fig 8 on the small models: Adam (beta1 = 0, beta2 = 0.999) update of the largest "
                 "parameter block, three initialisations, against Thm 1's f_m (m = Adam's effective count)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
