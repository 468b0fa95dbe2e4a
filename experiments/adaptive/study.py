"""The adaptive study declared: parameters, presets, compute (the parts, through cached cells), draw,
finding and the console summary."""
from __future__ import annotations

import math
import sys

import numpy as np

from heavytail_sim.study import Study, Table

from . import cells, figures
from .config import (BASE_SETTING, FIG8_BETA2, FIG8_LR, FIG8_STEPS, MODE_STEPS, ORDER_BETAS, ORDER_STEPS, PARAMS,
                     PART_HELP, PARTS, PRESETS, check, grid, setting_of)

HELP = "Why adaptive methods beat SGD, controlled: noise-law sweeps, model gradients, seed 002's update law"
DESCRIPTION = HELP + """.

Parts (--set parts=...):
""" + "\n".join(f"  {p:10s} {PART_HELP[p]}" for p in PARTS) + """

Every update rule (SGD, SGD momentum, GClip, CClip, normalized SGD, ACClip, Adam, RMSProp) is tuned on its
own seeds over a log grid that is extended until the optimum is interior (an optimum left on an edge is
reported, with whether the score had flattened there), then evaluated on fresh seeds. Statistic: the
final f(x_K) - f*, median over pooled runs with its distribution-free 95% CI; two methods differ when
their CIs are disjoint. GClip/CClip thresholds are in units of B_i = E|xi_i|, tuned over
(cap = eta tau_mult, tau_mult). The models are trained with the same registered rules (numpy reference).

Examples:
  heavytail-sim adaptive --quick
  heavytail-sim adaptive --set parts=sweep --set "sweep_laws=t1.1,t2,gaussian"
  heavytail-sim adaptive --full --cache cache
"""


def _parts(cfg) -> set:
    return set(cfg["parts"])


def _sweep_cells(cfg) -> list:
    """(part, setting name, law text) of every sweep cell selected."""
    out = []
    if "sweep" in _parts(cfg):
        out += [("sweep", BASE_SETTING, law) for law in cfg["sweep_laws"]]
    if "factors" in _parts(cfg):
        out += [("factor", name, law) for name in cfg["factors"] for law in cfg["factor_laws"]]
    return out


def compute_sweep(cfg, runner) -> dict:
    import pandas as pd

    from heavytail_sim.noise_sweep import METHODS, SGD_METHODS, compare, seed_claims, sgd_gap

    etas = grid(cfg["eta_lo"], cfg["eta_hi"], cfg["per_decade"])
    rows, tuning = [], []
    todo = _sweep_cells(cfg)
    for i, (part, name, law) in enumerate(todo):
        setting = setting_of(name, cfg)
        ident = {"setting": name, "law": law, "dim": cfg["dim"]}
        tune_seeds = tuple(cells.seeds(cfg["seed"], "sweep.tune", cfg["tune_seeds"], **ident))
        eval_seeds = tuple(cells.seeds(cfg["seed"], "sweep.eval", cfg["eval_seeds"], **ident))
        if getattr(runner, "progress", None):
            print(f"adaptive: {name} {law} ({i + 1}/{len(todo)})", file=sys.stderr, flush=True)
        for method in METHODS:
            row, tab = cells.sweep_cell(runner, {"problem": setting.problem, "scales": setting.scales,
                                                 "profile": setting.profile, "dim": setting.dim,
                                                 "steps": setting.steps},
                                        law, method, etas, tuple(cfg["tau_mults"]), cfg["max_extend"], tune_seeds,
                                        cfg["tune_runs"], eval_seeds, cfg["eval_runs"])
            rows.append({"part": part, **row})
            tuning.append(tab)
    sweep = pd.DataFrame(rows)
    # every method against the better SGD variant of its cell, and its rank
    verdicts, ranks = [], []
    for _, g in sweep.groupby(["setting", "law"], sort=False):
        sgd = g[g.method.isin(SGD_METHODS)].sort_values("median").iloc[0]
        order = g["median"].rank(method="min")
        for idx, r in g.iterrows():
            v = compare(r.median_lo, r.median_hi, sgd.median_lo, sgd.median_hi)
            verdicts.append((idx, {"lower": "beats SGD", "higher": "loses to SGD", "tie": "tie"}[v]
                             if r.method not in SGD_METHODS else "(SGD)"))
            ranks.append((idx, int(order[idx])))
    sweep["vs_sgd"] = pd.Series(dict(verdicts))
    sweep["rank"] = pd.Series(dict(ranks))
    return {"sweep": sweep, "sgd_gap": sgd_gap(sweep), "seed_claims": seed_claims(sweep),
            "sweep_tuning": pd.concat(tuning, ignore_index=True)}


def _model_args(cfg, kind):
    etas = grid(cfg["lr_lo"], cfg["lr_hi"], cfg["lr_per_decade"])
    ident = {"model": kind}
    return (kind, cfg["n_data"], cfg["train_steps"], cfg["batch_size"], etas, tuple(cfg["clip_mults"]),
            tuple(cells.seeds(cfg["seed"], "model.tune", cfg["model_tune_seeds"], **ident)),
            tuple(cells.seeds(cfg["seed"], "model.eval", cfg["model_eval_seeds"], **ident)),
            max(1, cfg["train_steps"] // cfg["log_points"]), cfg["max_extend"], cfg["seed"])


def compute_models(cfg, runner) -> dict:
    import pandas as pd

    rows, curves, tuning = [], [], []
    for kind in cfg["models"]:
        r, c, t = cells.model_cell(runner, *_model_args(cfg, kind))
        for x in r:
            x["batch_size"] = cfg["batch_size"]
        rows += r
        curves += c
        tuning.append(t)
    return {"models": pd.DataFrame(rows), "model_curves": pd.DataFrame(curves),
            "model_tuning": pd.concat(tuning, ignore_index=True)}


def compute_noise(cfg, runner, models=None) -> dict:
    """The models' noise along a plain-SGD run at the learning rate tuned for SGD with momentum (the same
    step: this package's momentum averages with weight 1 - beta1); ``models``: the models table if computed."""
    import pandas as pd

    est, summ, hist, train = [], [], [], []
    steps = cfg["train_steps"]
    chk = tuple(sorted({int(round(v)) for v in np.linspace(0, steps, cfg["noise_checkpoints"])}))
    for kind in cfg["models"]:
        if models is not None and ((models.model == kind) & (models.method == "sgd")).any():
            lr = float(models[(models.model == kind) & (models.method == "sgd")].eta.iloc[0])
        else:
            rows, _, _ = cells.model_cell(runner, *_model_args(cfg, kind))
            lr = next(r["eta"] for r in rows if r["method"] == "sgd")
        e, s, h, tr = cells.noise_cell(runner, kind, cfg["n_data"], lr, steps, chk, cfg["batch_size"],
                                       cfg["noise_batches"], cfg["n_boot"], cfg["seed"])
        est += e
        summ += s
        hist += h
        train += tr
    summary = pd.DataFrame(summ)
    e = pd.DataFrame(est)
    raw = e[(e.source == "data") & (e.estimator == "block_raw_norms")].set_index(["model", "step"])
    summary["block_raw_norms"] = [raw.alpha.get((m, s), math.nan) for m, s in zip(summary.model, summary.step)]
    return {"model_noise": summary, "model_noise_estimates": e, "model_noise_hist": pd.DataFrame(hist),
            "model_noise_training": pd.DataFrame(train)}


def compute_diagnosis(cfg, runner) -> dict:
    import pandas as pd

    rows = []
    for law in cfg["sweep_laws"]:
        rows += cells.diagnosis_cell(runner, law, cfg["dim"], cfg["diag_n"], cfg["n_boot"],
                                     cells.seeds(cfg["seed"], "diagnosis", 1, law=law)[0])
    return {"law_diagnosis": pd.DataFrame(rows)}


def compute_updates(cfg, runner) -> dict:
    import pandas as pd

    rows, hist = cells.order_cell(runner, *ORDER_BETAS, cfg["update_runs"], ORDER_STEPS, cfg["mode_boot"], cfg["seed"])
    out = {"update_order": pd.DataFrame(rows), "update_order_hist": pd.DataFrame(hist)}
    scenarios = [f"stable{a:g}" for a in cfg["stable_alphas"]] + ["gauss_decreasing", "gauss_increasing"]
    mrows, mhist = [], []
    for s in scenarios:
        r, h = cells.modes_cell(runner, s, cfg["update_runs"], MODE_STEPS, cfg["mode_boot"], cfg["seed"])
        mrows += r
        mhist += h
    modes = pd.DataFrame(mrows)
    modes.insert(0, "scenario", modes.pop("scenario"))
    out.update(update_modes=modes, update_modes_hist=pd.DataFrame(mhist))
    return out


def compute_fig8(cfg, runner) -> dict:
    import pandas as pd

    rows, hist = [], []
    for kind in cfg["models"]:
        init = tuple(cells.seeds(cfg["seed"], "fig8", cfg["fig8_seeds"], model=kind))
        r, h = cells.fig8_cell(runner, kind, cfg["n_data"], init, FIG8_STEPS, FIG8_LR, FIG8_BETA2, cfg["batch_size"],
                               cfg["mode_boot"], cfg["seed"])
        rows += r
        hist += h
    return {"model_updates": pd.DataFrame(rows), "model_updates_hist": pd.DataFrame(hist)}


def compute(cfg: dict, runner) -> dict:
    """The selected parts' tables."""
    parts = _parts(cfg)
    tables = {}
    if parts & {"sweep", "factors"}:
        tables.update(compute_sweep(cfg, runner))
    if "models" in parts:
        tables.update(compute_models(cfg, runner))
    if "noise" in parts:
        tables.update(compute_noise(cfg, runner, tables.get("models")))
    if "diagnosis" in parts:
        tables.update(compute_diagnosis(cfg, runner))
    if "updates" in parts:
        tables.update(compute_updates(cfg, runner))
    if "fig8" in parts:
        tables.update(compute_fig8(cfg, runner))
    return tables


def draw(tables: dict, cfg: dict) -> dict:
    """Every figure whose tables are present."""
    figs = {}
    if "sweep" in tables:
        sw = tables["sweep"]
        if (sw.part == "sweep").any():
            figs["sweep_tail_index"] = figures.sweep_tail_index(sw, tables["sgd_gap"])
        if (sw.part == "factor").any():
            figs["factors"] = figures.factors(sw)
    if "models" in tables:
        figs["model_curves"] = figures.model_curves(tables["models"], tables["model_curves"])
    if "model_noise_estimates" in tables:
        figs["model_noise"] = figures.model_noise(tables["model_noise_estimates"], tables["model_noise_hist"])
    if "law_diagnosis" in tables:
        figs["diagnosis"] = figures.diagnosis(tables["law_diagnosis"], tables.get("model_noise_estimates"))
    if "update_order" in tables:
        figs["update_order"] = figures.update_order(tables["update_order"], tables["update_order_hist"])
        figs["trimodality"] = figures.trimodality(tables["update_modes"], tables["update_modes_hist"])
    if "model_updates" in tables:
        figs["fig8_model_updates"] = figures.fig8(tables["model_updates"], tables["model_updates_hist"])
    return figs


# ---------------------------------------------------------------------------------------------- text
def _loss_range(gap, family) -> str:
    """``"loses down to df 3 (ratio 1.5-27), ties from df 5"`` for one law family of the base setting."""
    from heavytail_sim.noise_sweep import where_sgd_stops_losing

    g = gap[(gap.setting == BASE_SETTING) & (gap.family == family)]
    if g.empty:
        return ""
    name = "Student-t df" if family == "student_t" else "alpha-stable alpha"
    lose = g[g.verdict == "SGD loses"]
    t = where_sgd_stops_losing(gap, BASE_SETTING, family)
    text = name + ": "
    if len(lose):
        text += (f"SGD loses at {', '.join(f'{v:g}' for v in lose.tail_index)} (ratio "
                 f"{lose.ratio_sgd_to_best.min():.2g}-{lose.ratio_sgd_to_best.max():.2g})")
    else:
        text += "SGD never loses"
    if t is None:
        return text + " and on the Gaussian control too"
    return text + (f", ties or wins from {t:g} on" if math.isfinite(t) else ", ties or wins only with Gaussian noise")


def finding(tables: dict) -> str:
    """One sentence from the tables present."""
    parts = []
    if "sgd_gap" in tables and (tables["sweep"].part == "sweep").any():
        gap = tables["sgd_gap"]
        ranges = "; ".join(s for s in (_loss_range(gap, "student_t"), _loss_range(gap, "stable")) if s)
        lose = gap[(gap.setting == BASE_SETTING) & (gap.verdict == "SGD loses")]
        best = lose.best_method.value_counts()
        parts.append(f"Quadratic, equal scales: {ranges}" + (
            f"; best where SGD loses: {', '.join(f'{m} ({n}/{len(lose)})' for m, n in best.items())}" if len(lose) else ""))
    if "seed_claims" in tables and len(tables["seed_claims"]):
        c = tables["seed_claims"]
        parts.append("seed claims (holds/tie/fails): " + ", ".join(
            f"{k} {int((g.verdict == 'holds').sum())}/{int((g.verdict == 'tie').sum())}/"
            f"{int((g.verdict == 'fails').sum())}" for k, g in c.groupby("claim", sort=False)))
    if "models" in tables:
        m = tables["models"]
        best = m.loc[m.groupby("model").final_median.idxmin()]
        text = "lowest final loss on the models: " + ", ".join(f"{r.model} {r.method}" for r in best.itertuples())
        if "model_noise" in tables:
            n = tables["model_noise"]
            text += (f", with noise norms light-tailed at {int((n.category == 'light').sum())} of {len(n)} "
                     "(model, checkpoint) pairs")
        parts.append(text)
    elif "model_noise" in tables:
        n = tables["model_noise"]
        parts.append(f"model noise norms light-tailed at {int((n.category == 'light').sum())} of {len(n)} checkpoints")
    if "update_modes" in tables:
        u = tables["update_modes"]
        tri = u[u.modality == "trimodal"]
        stable = tri[tri.scenario.str.startswith("stable")]
        alphas = sorted({float(s[6:]) for s in stable.scenario})
        words = {"gauss_decreasing": "Gaussian gradients of scale 1/t", "gauss_increasing": "Gaussian gradients of scale t"}
        other = [words.get(x, x) for x in sorted(set(tri.scenario) - set(stable.scenario))]
        parts.append("stable trimodal updates " + (f"for alpha-stable gradients with alpha <= {max(alphas):g}" if alphas
                                                  else "for no stable law")
                     + (f" and for {', '.join(other)}" if other else ""))
    return "; ".join(parts) + "."


SUMMARY_COLUMNS = {
    "sgd_gap": ["setting", "law", "sgd_method", "sgd_median", "best_method", "best_median", "ratio_sgd_to_best",
                "verdict"],
    "seed_claims": ["claim", "setting", "law", "winner_claimed", "winner_median", "other", "other_median", "verdict"],
    "models": ["model", "method", "eta", "tuned_at_edge", "final_median", "final_min", "final_max"],
}
"""The tables the console report prints, in this order, with the columns it shows."""


def summary(tables: dict, cfg: dict) -> str:
    """The console report of a run."""
    import pandas as pd

    out = []
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        for name, columns in SUMMARY_COLUMNS.items():
            if name in tables:
                out.append(tables[name][columns].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    out.append(finding(tables))
    return "\n\n".join(out)


def _header(title: str, what: str):
    def header(frame, cfg, info):
        return f"# {title} ({info['mode']}, master seed {cfg['seed']})\n\n{what}\n\n"

    return header


SWEEP_TEXT = ("One row per (setting, law, method). Final f(x_K) - f* on eval_seeds x eval_runs fresh runs: median "
              "with its distribution-free 95% CI (median_lo, median_hi), q10/q90, range of per-seed medians. eta: the "
              "tuned learning rate (cap / tau_mult for GClip/CClip); tuned_at_edge: 'no' when the optimum is interior "
              "after the grid was extended, else the axis and end (plateau: the score had stopped changing); "
              "clip_fraction: share of pure-noise steps (GClip) or coordinate-steps (CClip) clipped at the tuned "
              "threshold; vs_sgd: against the better SGD variant, by disjoint CIs.")
TABLES = (
    Table("sweep", header=_header("Noise-law sweep and factor settings", SWEEP_TEXT)),
    Table("sgd_gap", header=_header("Where SGD loses", "Per (setting, law): the better SGD variant against the best "
                                    "other method; verdict by disjoint 95% median CIs.")),
    Table("seed_claims", header=_header("The seeds' ranking claims, cell by cell", "holds: the claimed winner's "
                                        "median CI lies below the other's; fails: above; tie: overlap.")),
    Table("sweep_tuning", markdown=False),
    Table("models", header=_header("Small models: tuned training", "Final full-data training loss over the evaluation "
                                   "streams (median, min, max); eta (and GClip's tau = tau_mult g0, g0 the median "
                                   "minibatch gradient norm at init) tuned on separate streams.")),
    Table("model_curves", markdown=False),
    Table("model_tuning", markdown=False),
    Table("model_noise", header=_header("Minibatch gradient noise of the models", "Per model and SGD checkpoint: "
                                        "verdict category of heavytail_sim.diagnose, estimates with 95% bootstrap "
                                        "intervals, the Gaussian reference's Hill reading, and the block estimator on "
                                        "raw norms (App H's use).")),
    Table("model_noise_estimates", markdown=False),
    Table("model_noise_hist", markdown=False),
    Table("model_noise_training", markdown=False),
    Table("law_diagnosis", header=_header("Tail estimators on noise of known law", "heavytail_sim.diagnose on noise "
                                          "vectors of each sweep law (d = dim, equal scales).")),
    Table("update_order", header=_header("Seed 002 eq 3 vs the Kingma-Ba order", "N(0,1) gradients, eps = 0; both "
                                         "orders see the same gradients. bound: the largest possible |update|; "
                                         "var_theory_inner: Cor 1 with uncorrelated preconditioned terms.")),
    Table("update_order_hist", markdown=False),
    Table("update_modes", header=_header("Modes of the update law", "Simple-average preconditioner (Thm 1 setting); "
                                         "modality by the bootstrap criterion (>= 90% of resamples agree).")),
    Table("update_modes_hist", markdown=False),
    Table("model_updates", header=_header("Seed 002 Fig 8 on the small models", "Adam, beta1 = 0, beta2 = 0.999, "
                                          "lr 1e-3; KS distance to f_m (m = Adam's effective count); ks_critical_95: "
                                          "the 5% critical value for a sample of this size.")),
    Table("model_updates_hist", markdown=False),
)
FIGURES = ("sweep_tail_index", "factors", "model_curves", "model_noise", "diagnosis", "update_order", "trimodality",
           "fig8_model_updates")

STUDY = Study(name="adaptive", help=HELP, description=DESCRIPTION, params=PARAMS, presets=PRESETS, compute=compute,
              draw=draw, finding=finding, summary=summary, rules=(check,), tables=TABLES, figures=FIGURES,
              weight=3, backend=False)
