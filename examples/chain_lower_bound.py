"""The probability-zero chain: why no method finds a stationary point faster than the oracle reveals it.

Seed 001 (App G) proves its non-convex lower bound with the chain F_T of Arjevani et al. (2019) and an
oracle that shows the gradient of the coordinate just past the current progress only with probability
p (scaled by 1/p, so it stays unbiased): ``hts.ProbabilityZeroOracle(p)``. Progress, the largest index i
with |x_i| > 1/4 (times the chain's scale), can then grow by at most one per *reveal*, a query whose
Bernoulli draw was 1. Reveals come at rate p, so reaching the end of a chain of length T takes at least
about T/p queries, whatever the method.

This script runs normalized SGD (``nsgd``: the direction of the stochastic gradient, so the 1/p scaling
of a revealed coordinate does no harm) on chains of length T = 10 for p = 1, 0.3, 0.1 and checks, run by
run and at every checkpoint, that progress never exceeds the number of reveals; it reports the median
step at which a run reaches the end against T/p.

Run ``python examples/chain_lower_bound.py`` (about 10 s) or with ``--small``; the figure goes to ``--out``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import heavytail_sim as hts

T = 10
PROBABILITIES = (1.0, 0.3, 0.1)
ETA = 0.05  # constant step of normalized SGD: a coordinate crosses 1/4 after ~1/(4 ETA) revealed steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="small sizes (CI): fewer runs")
    parser.add_argument("--out", default=".", help="directory of the figure (default: current directory)")
    args = parser.parse_args(argv)
    runs, steps = (50, 2000) if args.small else (400, 3000)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    print(f"nsgd, eta = {ETA}, chain T = {T}, {runs} runs, {steps} steps")
    print(f"{'p':>5} {'runs with progress > reveals':>29} {'median hit step':>16} {'T/p':>6} {'not reached':>12}")
    for p in PROBABILITIES:
        res = hts.simulate(hts.chain(T, L=1.0), hts.ProbabilityZeroOracle(p), hts.Algorithm("nsgd"),
                           hts.constant(ETA), runs=runs, steps=steps, seed=5, keep_raw=True)
        progress, reveals = res.raw["progress"], res.raw["reveals"]
        ahead = int(np.sum(np.any(progress > reveals, axis=0)))  # runs ahead of their reveals at any checkpoint
        hit = res.raw["hit_step"][-1]  # first step with progress T, inf if never
        print(f"{p:5.1f} {ahead:>29d} {np.median(hit):>16.0f} {T / p:>6.0f} {int(np.sum(np.isinf(hit))):>12d}")
        k = res.checkpoints
        line, = axes[0].semilogx(k, res.curve("progress", "mean"), label=f"p = {p:g}: mean progress")
        axes[0].semilogx(k, np.minimum(T, res.curve("reveals", "mean")), ":", color=line.get_color(), lw=2,
                         label=f"p = {p:g}: min(T, mean reveals)")
        finite = np.sort(hit[np.isfinite(hit)])
        axes[1].semilogx(finite, np.arange(1, finite.size + 1) / runs, color=line.get_color(),
                         label=f"p = {p:g}: runs finished")
        axes[1].axvline(T / p, color=line.get_color(), ls="--", lw=1,
                        label=f"T/p = {T / p:.0f}: expected queries for T reveals")
    axes[0].axhline(T, color="0.5", lw=0.8)
    axes[0].set(xlabel="step k", ylabel="progress prog_1/4(x_k)  (coordinates)",
                title=f"progress never runs ahead of the reveals (chain T = {T})")
    axes[1].set(xlabel="step k", ylabel="share of runs with progress T by step k",
                title="reaching the end takes at least T/p queries")
    for ax in axes:
        ax.title.set_fontsize(10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "chain_lower_bound.png", dpi=120)
    print(f"wrote {out / 'chain_lower_bound.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
