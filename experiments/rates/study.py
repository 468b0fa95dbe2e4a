"""The rates study declared: its parameters (shared ones plus each part's), presets, rules, compute,
draw, finding and console summary, composed from the parts of :mod:`experiments.rates.parts`."""
from __future__ import annotations

import math

from heavytail_sim.study import ListOf, Param, Str, Study

from . import config
from .config import ALG_NAME, noise_label, selected_noises
from .fitting import LB_SETTING, NC_SETTING
from .parts import PARTS, RATES_COLUMNS

TABLE1_SETTINGS = (NC_SETTING,)
"""Settings of the noise-law pivot besides the strongly convex ones."""

HELP = "Table 1 of seed 000: fitted rate exponents with bootstrap CIs against the theory, with verdicts"
DESCRIPTION = HELP + """.

Parts (--set parts=...; tables rates.csv/.md, one row per Table 1 cell and statistic, curves.csv and
local_slopes.csv are shared by the first three):
  sc1, sc10  strongly convex quadratic, d = 1 and d = 10: GClip (Thm 1 schedule), CClip (Thm 3), SGD
             (eta_k = 4/(mu(k+1))); symmetric Pareto and alpha-stable noise with tail index a in
             {1.2, 1.4, 1.6, 1.8} and Gaussian noise (the alpha >= 2 column); error E f(x_bar_k) - f*
  nc         non-convex ripple(4): GClip (Thm 2), CClip (Thm 2, coordinate-wise), constant schedule
             re-derived for each horizon K, each horizon its own runs; error (1/K) sum_k E||grad f(x_{k-1})||^2
  exp        SGD fails in expectation (seed 000 App A): the sample mean of f(x_k) - f* over n runs
             against n for SGD and GClip under alpha-stable noise (sgd_expectation.csv)
  const      Thm 1's constants: projected GClip on a ball with the exact G and schedule, measured mean
             error against 16 G^2 / (mu (k+1)^(2(p-1)/p)) at every checkpoint (theorem1_constants.csv)
  lb         seed 001 Thm 6 simulated: SGD, GClip, CClip, normalized SGD, Adam, ACClip on the hard chain
             instances (seed 001 App G) for alpha in lb_alphas; E min_k ||grad f|| against eps at each budget
             K, the progress law (reveals ~ Binomial(k, p), support <= reveals, hitting time >= NB(T, p)),
             the error's exponent in K (Table 1's lower-bound row), GClip against seed 000 Thm 2's bound
  ncexp      Table 1's N/A cell: SGD's sample mean of (1/K) sum ||grad f||^2 over n runs grows in n
  ncspur     seed 000 Thm 2 (GClip) and Thm 5 (CClip) with exact constants on ripple(4, c=2, w=3) in a
             box (spurious minima and saddles): exponents and the bound at every horizon
  nclong     the Pareto non-convex cells at horizons up to long_k: local slopes against the transient model
             of Thm 2's schedule (heavytail_sim.nonconvex_model), which nc also reports for every cell
  s001       seed 001 Thm 2 (GClip under E||g - grad f||^p <= sigma^p) on ripple(1) and Thm 4 (projected
             GClip, non-smooth strongly convex l1 + quadratic): exponents and the bounds at every checkpoint

Schedules: thresholds tau_k = c G k^(1/a) (Thm 1's form with alpha = a, G a fixed scale: sqrt(d) for
GClip, B_i = 1 for CClip), the schedule whose rate is k^(-2(a-1)/a); Assumption 1 holds only for moments
p < a, so the theorem-constants part uses p < a, where G is finite. Threshold constant c: the smallest c
in (1, 3, 10) whose model transient (error ~ V(tau_k)/k, V(tau) = E min(xi^2, tau^2)) is within 0.02 of
the theory exponent over the full-mode d = 1 window, else 10 (with 2.5x the runs: the kurtosis of x_bar
grows like c^a).

Statistics: the mean over runs is what Table 1 bounds, so verdicts use it; the median is reported too
because it stays meaningful when the mean does not exist (SGD with infinite variance). Fit and verdict
(fixed in advance): least squares of log error on log k over the last `decades` decades of the horizon,
95% percentile bootstrap over runs; a cell agrees when |fitted - theory| <= tol (0.05 full, 0.15 quick),
two-sided for Theta rates, one-sided for the non-convex O(.) bounds and for the lower bound's Omega(.) (a slower
decay on the hard instances is "slower (bound holds)"). --full takes 8 minutes on 2 idle
cores, 35 on shared ones, for the first five parts; the other five add about 13 (2 shared cores).

Examples:
  heavytail-sim rates --quick
  heavytail-sim rates --set parts=sc10,nc --set noises=pareto1.8,stable1.2,gaussian
  heavytail-sim rates --full --set parts=sc1 --set "sc_steps={1: 1000000, 10: 1000000}" --cache cache
"""


def _merge(dicts, what: str) -> dict:
    out: dict = {}
    for d in dicts:
        for key, value in d.items():
            if key in out and out[key] != value:
                raise ValueError(f"rates: parts declare {what} {key!r} differently")
            out[key] = value
    return out


PARAMS = {**_merge([config.PARAMS] + [p.params for p in PARTS.values()], "parameter"),
          "parts": Param(ListOf(Str(tuple(PARTS)), unique=True), "parts to run: " + ", ".join(PARTS))}
PRESETS = {mode: {**_merge([config.PRESETS[mode]] + [p.presets[mode] for p in PARTS.values()], "preset"),
                  "parts": tuple(PARTS)} for mode in ("quick", "full")}


def selected_parts(cfg: dict) -> list:
    """The parts chosen by ``parts``, in :data:`PARTS` order."""
    return [p for name, p in PARTS.items() if name in cfg["parts"]]


def check_parts(cfg: dict) -> None:
    """Each selected part's own rule."""
    for part in selected_parts(cfg):
        if part.check is not None:
            part.check(cfg)


def memory(cfg: dict) -> dict:
    """The largest need of the selected parts, per parameter."""
    need: dict = {}
    for part in selected_parts(cfg):
        for key, value in (part.memory(cfg) if part.memory is not None else {}).items():
            need[key] = max(need.get(key, 0), value)
    return need


def compute(cfg: dict, runner) -> dict:
    """Run the selected parts; rows of a table several parts fill are concatenated in part order."""
    import pandas as pd

    noises = selected_noises(cfg)
    rows: dict = {}
    for part in selected_parts(cfg):
        for name, part_rows in part.compute(runner, cfg, noises).items():
            rows.setdefault(name, []).extend(part_rows)
    return {name: pd.DataFrame(r, columns=RATES_COLUMNS if name == "rates" else None) for name, r in rows.items()}


def draw(tables: dict, cfg: dict) -> dict:
    """Every selected part's figures."""
    noises = selected_noises(cfg)
    figures: dict = {}
    for part in selected_parts(cfg):
        figures.update(part.draw(tables, cfg, noises))
    return figures


def summary_text(frame, tol: float, noises) -> str:
    """A readable pivot: one line per (setting, algorithm, statistic), one column per noise (Table 1's noise-law
    cells only: the lower bound's chain rows and the exact-constant rows have sections of their own)."""
    short = [("P" if k == "pareto" else "S") + f"{a:g}" if a is not None else "Gauss" for k, a in noises]
    mark = {"agrees": "+", "disagrees": "x", "faster (bound holds)": "<"}
    lines = [f"{'':18s}" + "".join(f"{s:>9s}" for s in short)]

    def row(sub, k, a, alg, stat):
        r = sub[(sub["noise"] == k) & ((sub["a"].isna()) if a is None else (sub["a"] == a))
                & (sub["algorithm"] == alg) & (sub["statistic"] == stat)]
        return r.iloc[0] if len(r) else None

    for setting in frame["setting"].unique():
        if setting not in TABLE1_SETTINGS and not setting.startswith("strongly convex"):
            continue
        sub = frame[frame["setting"] == setting]
        lines.append(setting + (": E f(x_bar_k) - f*" if setting.startswith("strongly") else
                                ": (1/K) sum E||grad f||^2, in K"))
        th = [row(sub, k, a, "gclip", "mean") for k, a in noises]
        lines.append(f"  {'theory':16s}" + "".join(f"{'' if r is None else format(r['theory'], '+.3f'):>9s}"
                                                     for r in th))
        for alg in ("gclip", "cclip", "sgd"):
            for stat in ("mean", "median"):
                cells = [row(sub, k, a, alg, stat) for k, a in noises]
                text = ["" if r is None else f"{r['fitted']:+.3f}{mark.get(r['verdict'], '.')}" for r in cells]
                if any(text):
                    lines.append(f"  {ALG_NAME[alg] + ' ' + stat:16s}" + "".join(f"{c:>9s}" for c in text))
    lines.append(f"Fitted exponents of the error (P = Pareto, S = alpha-stable, a = tail index). Verdict marks:\n"
                 f"+ agrees (|fitted - theory| <= {tol:g}), x disagrees, < decays faster than an O(.) bound,\n"
                 ". no verdict (SGD mean under heavy tails: infinite, Table 1 says N/A).\n"
                 "SGD median under heavy tails is compared with the derived -2(a-1)/a; see rates.md.")
    return "\n".join(lines)


def _cell(r, value: str = "fitted") -> str:
    return f"{getattr(r, value):+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"


def _law(r) -> str:
    """The noise law of a row read back from CSV (Gaussian rows have a NaN tail index)."""
    return noise_label(r.noise, None if math.isnan(r.a) else r.a)


def _holds(r) -> str:
    return "holds" if r.holds_every_checkpoint else "VIOLATED"


def _growth_lines(table) -> list:
    """One console line per SGD-in-expectation cell: fitted growth exponent [CI] against the prediction."""
    return [f"  {ALG_NAME[r.algorithm]:5s} stable a={r.a:g}: {_cell(r, 'fitted_growth')}, "
            f"predicted {r.theory_growth:+.3f} -> {r.verdict}" for r in table.itertuples(index=False)]


def summary(tables: dict, cfg: dict) -> str:
    """The console report of a run."""
    lines = []
    if "rates" in tables:
        lines.append(summary_text(tables["rates"], cfg["tol"], selected_noises(cfg)))
    if "sgd_expectation" in tables:
        lines.append("\nSGD in expectation (growth exponent of the sample mean of f(x_k) - f* in the number of runs n):")
        lines += _growth_lines(tables["sgd_expectation"])
    if "theorem1_constants" in tables:
        lines.append("\nThm 1 with exact constants (min over checkpoints of bound / measured mean):")
        for r in tables["theorem1_constants"].itertuples(index=False):
            lines.append(f"  {_law(r):13s} p={r.p:g} G={r.G:.3f}: margin {r.min_margin_mean:.1f} "
                         f"({_holds(r)} at every checkpoint)")
    if "nc_model" in tables:
        lines.append("\nNon-convex cells against the transient model of Thm 2's schedule (fitted [CI], model, theory):")
        for r in tables["nc_model"].itertuples(index=False):
            lines.append(f"  {ALG_NAME[r.algorithm]:5s} {_law(r):13s}: {_cell(r)} model {r.model:+.3f} "
                         f"theory {r.theory:+.3f} -> "
                         f"{'in CI' if r.model_in_ci else ('within 0.01' if r.model_within_ci_or_tol else 'OUTSIDE')}")
    if "nc_transient" in tables:
        lines.append("\nPareto non-convex cells at longer horizons (measured [CI], model, theory):")
        for r in tables["nc_transient"].itertuples(index=False):
            lines.append(f"  {ALG_NAME[r.algorithm]:5s} pareto a={r.a:g} {r.kind:26s} K in {r.window:18s}: "
                         f"{_cell(r, 'measured')} model {r.model:+.3f} theory {r.theory:+.3f}")
    if "nc_lower_bound" in tables:
        lines.append("\nNon-convex lower bound (seed 001 Thm 6) on the chain:")
        lb = tables["rates"][tables["rates"].setting == LB_SETTING] if "rates" in tables else None
        rows, law = tables["nc_lower_bound"], tables["nc_lower_bound_law"]
        for a in sorted(set(rows.alpha)):
            r = rows[rows.alpha == a]
            lw = law[law.alpha == a]
            lines.append(f"  alpha={a:g}: E min_k ||grad f|| >= eps in {int(r.thm6_holds.sum())}/{len(r)} (method, "
                         f"instance) cells; support <= reveals violated "
                         f"{int(r.support_violations.sum() + lw.support_violations.sum())} times, progress T before the "
                         f"run's T-th reveal {int(lw.hits_before_own_Tth_reveal.sum())} times; hitting times inside the "
                         f"99% DKW band of NB(T, p) for {int(lw.dominated_by_NB.sum())}/{len(lw)} methods")
            if lb is not None:
                for x in lb[(lb.a == a) & (lb.statistic == "mean")].itertuples(index=False):
                    lines.append(f"    {x.algorithm:6s} exponent of the error in K: {_cell(x)} theory {x.theory:+.3f} "
                                 f"(instances {x.model_exponent:+.3f}) -> {x.verdict}")
    if "nc_lower_bound_sandwich" in tables:
        sw = tables["nc_lower_bound_sandwich"]
        lines.append(f"  sandwich Thm 6 <= GClip (tuned) <= GClip (Thm 2 schedule) <= seed 000 Thm 2 bound holds on "
                     f"{int(sw.sandwich_holds.sum())}/{len(sw)} instances (bound/measured {sw.bound_over_measured.min():.0f}"
                     f"..{sw.bound_over_measured.max():.0f}, measured/lower {sw.measured_over_lower.min():.1f}.."
                     f"{sw.measured_over_lower.max():.1f})")
    if "nc_sgd_expectation" in tables:
        lines.append("\nSGD in expectation, non-convex (growth in n of the sample mean of (1/K) sum ||grad f||^2):")
        lines += _growth_lines(tables["nc_sgd_expectation"])
    if "theorem2_constants" in tables:
        lines.append("\nSeed 000 Thm 2 / Thm 5 with exact constants on the non-benign ripple (min bound/mean over K):")
        for r in tables["theorem2_constants"].itertuples(index=False):
            lines.append(f"  {ALG_NAME[r.algorithm]:5s} {_law(r):13s} p={r.p:g} C={r.value:.2f}: margin "
                         f"{r.min_margin_mean:.2f} ({_holds(r)} at every horizon); at K max "
                         f"{r.at_spurious_min:.0%} at spurious minima, {r.not_stationary:.0%} still moving")
    if "seed001_theorems" in tables:
        lines.append("\nSeed 001's own theorems (fitted exponent [CI], theory, min bound/mean):")
        for r in tables["seed001_theorems"].itertuples(index=False):
            lines.append(f"  {r.theorem[:14]} {_law(r):13s} p={r.p:g}: {_cell(r)} theory {r.theory:+.3f} -> "
                         f"{r.verdict}; margin {r.min_margin_mean:.1f} ({_holds(r)} at every checkpoint)")
    return "\n".join(lines)


def _other_findings(tables: dict) -> list:
    """The parts beyond Table 1's noise-law cells, one clause each."""
    out = []
    if "sgd_expectation" in tables:
        e = tables["sgd_expectation"]
        out.append(f"{int((e.verdict == 'agrees').sum())} of {len(e)} SGD-in-expectation growth exponents "
                   "agree with n^(2/a-1) (GClip: 0)")
    if "theorem1_constants" in tables:
        c = tables["theorem1_constants"]
        out.append(f"Thm 1's bound holds at every checkpoint for {int(c.holds_every_checkpoint.sum())} of "
                   f"{len(c)} noise laws")
    if "nc_model" in tables:
        m = tables["nc_model"]
        out.append(f"the transient model of Thm 2's schedule (no fitted parameter) is within "
                   f"{float(m.model_minus_fitted.abs().max()):.3f} of all {len(m)} non-convex GClip/CClip exponents "
                   f"({int(m.model_in_ci.sum())} inside their 95% CI, {int(m['model_within_ci_or_tol'].sum())} within "
                   "max(CI, 0.01))")
    if "nc_transient" in tables:
        t = tables["nc_transient"]
        w = t[t.kind == "fit over all long horizons"]
        out.append(f"at horizons up to {w.window.iloc[0].split(',')[1].strip(' ]') if len(w) else '?'} the Pareto "
                   f"non-convex exponents move towards Table 1's as the model predicts ({int(w.model_in_ci.sum())} of "
                   f"{len(w)} long-horizon fits contain the model)")
    if "nc_lower_bound" in tables:
        r, law = tables["nc_lower_bound"], tables["nc_lower_bound_law"]
        out.append(f"on seed 001 Thm 6's chain E min_k ||grad f|| >= eps at the budget in {int(r.thm6_holds.sum())} "
                   f"of {len(r)} (method, instance) cells, support <= reveals and no progress T before the run's own "
                   f"T-th reveal in every run ({int(r.support_violations.sum() + law.support_violations.sum())} and "
                   f"{int(law.hits_before_own_Tth_reveal.sum())} violations), so the hitting time is at least "
                   f"NB(T, p) ({int(law.dominated_by_NB.sum())} of {len(law)} empirical laws inside the 99% DKW band)")
    if "nc_lower_bound_sandwich" in tables:
        sw = tables["nc_lower_bound_sandwich"]
        out.append(f"Thm 6 <= GClip <= seed 000 Thm 2 on {int(sw.sandwich_holds.sum())} of {len(sw)} chain instances")
    if "nc_sgd_expectation" in tables:
        e = tables["nc_sgd_expectation"]
        sgd = e[e.algorithm == "sgd"]
        out.append(f"non-convex SGD's sample mean grows in n for {int((sgd.ci_low > 0).sum())} of {len(sgd)} tail "
                   "indices (Table 1's N/A cell; GClip's does not)")
    if "theorem2_constants" in tables:
        c = tables["theorem2_constants"]
        out.append(f"with exact constants on the non-benign ripple Thm 2's bound holds at every horizon for "
                   f"{int(c.holds_every_checkpoint.sum())} of {len(c)} cells")
    if "seed001_theorems" in tables:
        c = tables["seed001_theorems"]
        out.append(f"seed 001's Thm 2 (sigma) and Thm 4 bounds hold at every checkpoint in "
                   f"{int(c.holds_every_checkpoint.sum())} of {len(c)} cells")
    return out


def finding(tables: dict) -> str:
    """One sentence: how many Table 1 cells agree, and which do not; then the other parts, one clause each."""
    others = _other_findings(tables)
    if "rates" not in tables:
        return "; ".join(others) + "."
    t = tables["rates"]
    mean = t[(t.statistic == "mean") & t.verdict.isin(["agrees", "disagrees", "faster (bound holds)"])]
    sc = mean[mean.setting.str.startswith("strongly convex") & mean.algorithm.isin(["gclip", "cclip"])]
    nc = mean[mean.setting == NC_SETTING]
    lead = []
    if len(sc):
        bad = sc[sc.verdict == "disagrees"]
        misses = "; ".join(f"{r.setting} {r.algorithm} {r.noise} a={r.a:g}: {r.fitted:.3f} vs {r.theory:.3f}"
                           for r in bad.itertuples())
        lead.append(f"{int((sc.verdict == 'agrees').sum())} of {len(sc)} strongly convex GClip/CClip cells agree with "
                    f"Table 1's exponent -2(a-1)/a within {sc.tol.max():g}" + (f" (not: {misses})" if misses else ""))
    if len(nc):
        lead.append(f"{int((nc.verdict != 'disagrees').sum())} of {len(nc)} non-convex cells meet their O(.) exponent"
                    + ("" if "nc_model" in tables else
                       " (Pareto noise lags: its clipped variance approaches the tau^(2-a) regime slowly)"))
    return "; ".join(lead + others) + "."


def _tables() -> tuple:
    seen: dict = {}
    for part in PARTS.values():
        for t in part.tables:
            seen.setdefault(t.name, t)
    return tuple(seen.values())


STUDY = Study(
    name="rates", help=HELP, description=DESCRIPTION, params=PARAMS, presets=PRESETS,
    compute=compute, draw=draw, finding=finding, summary=summary, rules=(check_parts,), memory=memory,
    tables=_tables(), figures=tuple(f for p in PARTS.values() for f in p.figures), weight=6)
