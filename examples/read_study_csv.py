"""Read a study's table with pandas: Table 1 of seed 000 as measured by ``heavytail-sim rates``.

``figures/rates/rates.csv`` (committed, written by ``heavytail-sim rates --full``) has one row per cell of
Table 1 and statistic: the setting (strongly convex d = 1 or 10, non-convex ripple), the algorithm, the
noise law and its tail index ``a``, the fitted exponent with its 95% bootstrap CI (``ci_low``,
``ci_high``), Table 1's exponent (``theory``), and the verdict of the fixed rule |fitted - theory| <= tol.

This script recomputes Table 1's exponents with the library (``hts.strongly_convex_exponent``,
``hts.nonconvex_exponent``) and checks them against the table's ``theory`` column, counts the verdicts
of the mean (the statistic Table 1 bounds), prints the strongly convex GClip cells as a small pivot
table, and plots every GClip/CClip exponent with its CI against the tail index beside the theory curves.
Gaussian noise (no tail index) is the alpha >= 2 column of Table 1 and is drawn at a = 2.

Run ``python examples/read_study_csv.py [--csv PATH]``; ``--small`` changes nothing (reading is fast)
and exists so that every example takes the same options.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import heavytail_sim as hts

DEFAULT_CSV = Path(__file__).resolve().parents[1] / "figures" / "rates" / "rates.csv"


def load(path: Path) -> pd.DataFrame:
    """The rates table with the Gaussian rows placed at a = 2 (Table 1's alpha >= 2 column)."""
    df = pd.read_csv(path)
    df["a"] = df["a"].fillna(2.0).astype(float)
    return df


def table1(setting: str, a: float) -> float:
    return hts.nonconvex_exponent(a) if setting.startswith("non-convex") else hts.strongly_convex_exponent(a)


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
    recomputed = np.array([table1(s, a) for s, a in zip(stated["setting"], stated["a"])])
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
    color = {"pareto": "tab:purple", "stable": "tab:orange", "gaussian": "tab:red"}
    marker = {"gclip": "o", "cclip": "s"}
    shift = {"gclip": -0.012, "cclip": 0.012}  # side by side, not on top of each other
    for ax, setting in zip(axes, settings):
        ax.plot(grid, [table1(setting, a) for a in grid], "k-", lw=1, label="Table 1 exponent")
        part = mean[(mean["setting"] == setting) & mean["algorithm"].isin(list(marker))]
        for (alg, noise), g in part.groupby(["algorithm", "noise"]):
            ax.errorbar(g["a"] + shift[alg] + (0.006 if noise == "stable" else 0.0), g["fitted"],
                        yerr=[g["fitted"] - g["ci_low"], g["ci_high"] - g["fitted"]], fmt=marker[alg], ms=4,
                        capsize=2, color=color[noise], label=f"{alg}, {noise} noise")
        ax.set(xlabel="tail index a of the noise (Gaussian at 2)", title=setting)
        ax.title.set_fontsize(10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("fitted exponent of the mean error (95% CI)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle("figures/rates/rates.csv: Table 1 of seed 000, measured", fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(out / "read_study_csv.png", dpi=120)
    print(f"\nwrote {out / 'read_study_csv.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
