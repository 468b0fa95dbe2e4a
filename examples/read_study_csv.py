"""Read a study's table with pandas: Table 1 of seed 000 as measured by ``heavytail-sim rates``.

``figures/rates/rates.csv`` (committed, written by ``heavytail-sim rates --full``) has one row per cell of
Table 1 and statistic: the setting (strongly convex d = 1 or 10, the non-convex ripple, the ripple with
spurious minima and exact constants, the non-convex lower-bound chain), the algorithm, the noise law and
its tail index ``a``, the moment order the schedule uses (``schedule_alpha``), the fitted exponent with its
95% bootstrap CI (``ci_low``, ``ci_high``), the theory's exponent (``theory``), and the verdict of the
fixed rule |fitted - theory| <= tol. SGD's non-convex rows with a heavy tail are Table 1's N/A cell: their
statistic is the growth exponent in n of a sample mean over n runs, whose theory is 2/a - 1.

This script recomputes every theory value with the library (``hts.strongly_convex_exponent``,
``hts.nonconvex_exponent`` at the moment order ``schedule_alpha``, ``heavytail_sim.theory.sgd_sample_mean_growth``) and
checks them against the table's ``theory`` column, counts the verdicts
of the mean (the statistic Table 1 bounds), prints the strongly convex GClip cells as a small pivot
table, and plots every GClip/CClip exponent with its CI against the tail index beside the theory curves.
Gaussian noise (no tail index) is the alpha >= 2 column of Table 1 and is drawn at a = 2.

Run ``python examples/read_study_csv.py [--csv PATH]``; ``--small`` changes nothing (reading is fast)
and exists so that every example takes the same options.
"""
from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

import heavytail_sim as hts
from heavytail_sim import theory as theory_module

DEFAULT_CSV = Path(__file__).resolve().parents[1] / "figures" / "rates" / "rates.csv"


def load(path: Path) -> pd.DataFrame:
    """The rates table with the Gaussian rows placed at a = 2 (Table 1's alpha >= 2 column)."""
    df = pd.read_csv(path)
    df["a"] = df["a"].fillna(2.0).astype(float)
    return df


GROWTH = "sample mean over n runs: growth exponent in n"  # the statistic of Table 1's N/A cell


def table1(setting: str, a: float) -> float:
    """Table 1's exponent for a setting at moment order ``a`` (the upper and lower non-convex bounds meet)."""
    return hts.nonconvex_exponent(a) if setting.startswith("non-convex") else hts.strongly_convex_exponent(a)


def theory(row) -> float:
    """The library's value for one row's ``theory`` column."""
    if row.statistic == GROWTH:
        return theory_module.sgd_sample_mean_growth(row.a)
    order = row.schedule_alpha if np.isfinite(row.schedule_alpha) else row.a
    # the box setting's Thm 2 uses a moment order p below Pareto's index (E|X|^a is infinite at p = a)
    return table1(row.setting, order if "exact constants" in row.setting else row.a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help=f"the rates table (default {DEFAULT_CSV})")
    parser.add_argument("--small", action="store_true", help="accepted for uniformity; reading is fast")
    parser.add_argument("--out", default=".", help="directory of the figure (default: current directory)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import matplotlib.pyplot as plt

    df = load(args.csv)
    stated = df[df["theory"].notna()]  # SGD's mean under heavy tails has no Table 1 value (it is infinite)
    recomputed = np.array([theory(r) for r in stated.itertuples(index=False)])
    print(f"{len(df)} rows from {args.csv}; {len(stated)} with a theory exponent, largest |theory column - "
          f"library| = {np.max(np.abs(stated['theory'].to_numpy() - recomputed)):.1e}")

    mean = df[df["statistic"] == "mean"]
    print("\nverdicts of the mean, per setting:")
    print(mean.groupby("setting")["verdict"].value_counts().unstack(fill_value=0).to_string())

    sc = mean[(mean["setting"] == "strongly convex d=1") & (mean["algorithm"] == "gclip")]
    print("\nstrongly convex d=1, GClip, fitted exponent of the mean [95% CI] by noise and a:")
    sc = sc.assign(cell=[f"{f:.3f} [{lo:.3f}, {hi:.3f}]" for f, lo, hi in zip(sc["fitted"], sc["ci_low"], sc["ci_high"])])
    print(sc.pivot(index="a", columns="noise", values="cell").fillna("").to_string())

    settings = list(dict.fromkeys(mean["setting"]))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.2 * len(settings), 4.2))
    grid = np.linspace(1.05, 2.0, 60)
    color = {"pareto": "tab:purple", "stable": "tab:orange", "gaussian": "tab:red",
             "chain (probability-p oracle)": "tab:green"}
    marker = {"gclip": "o", "cclip": "s"}
    shift = {"gclip": -0.012, "cclip": 0.012}  # side by side, not on top of each other
    for ax, setting in zip(axes, settings):
        ax.plot(grid, [table1(setting, a) for a in grid], "k-", lw=1, label="Table 1 exponent")
        part = mean[(mean["setting"] == setting) & mean["algorithm"].isin(list(marker))]
        if "exact constants" in setting:  # drawn at the moment order p its bound uses (p < a for Pareto)
            part = part.assign(a=part["schedule_alpha"])
        for (alg, noise), g in part.groupby(["algorithm", "noise"]):
            ax.errorbar(g["a"] + shift[alg] + (0.006 if noise == "stable" else 0.0), g["fitted"],
                        yerr=[g["fitted"] - g["ci_low"], g["ci_high"] - g["fitted"]], fmt=marker[alg], ms=4,
                        capsize=2, color=color[noise], label=f"{alg}, {noise} noise")
        xlabel = ("moment order p of Thm 2's bound (Gaussian at 2)" if "exact constants" in setting
                  else "tail index a of the noise (Gaussian at 2)")
        ax.set(xlabel=xlabel, title=textwrap.fill(setting, 40))
        ax.title.set_fontsize(10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("fitted exponent of the mean error (95% CI)")
    legend = {}  # one entry per label over every panel (the chain's markers are only on its own panel)
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(lab, h)
    labels, handles = list(legend), list(legend.values())
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), fontsize=8, frameon=False)
    fig.suptitle("figures/rates/rates.csv: Table 1 of seed 000, measured", fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(out / "read_study_csv.png", dpi=120)
    print(f"\nwrote {out / 'read_study_csv.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
