"""How the threshold schedule sets GClip's rate: tau_k = 3 k^p for several p, fitted against a model.

Seed 000's Theorem 1 grows the clipping threshold like k^(1/alpha); the rate it proves,
k^(-2(alpha-1)/alpha), comes from that choice. This script measures GClip on f(x) = x^2/2 with symmetric
Pareto noise (tail index 1.5, infinite variance) for thresholds tau_k = 3 k^p, p from 0 (constant) to 1,
with Theorem 1's step sizes eta_k = 4/(k+1), and compares each fitted exponent (mean over runs, 95%
bootstrap CI) with

* Table 1's exponent (the rate of p = 1/alpha), and
* the model error ~ V(tau_k)/k, V(tau) = E min(xi^2, tau^2) the clipped variance
  (:func:`heavytail_sim.theory.transient_exponent`, evaluated over the same fit window), whose
  asymptotic exponent is p (2 - alpha) - 1.

Run ``python examples/custom_schedule.py`` (about 10 s) or with ``--small`` (a few seconds); the figure
goes to ``--out`` (default: the current directory).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import heavytail_sim as hts

ALPHA = 1.5
TAU0 = 3.0
POWERS = (0.0, 1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6, 1.0)


def measure(p: float, runs: int, steps: int, n_boot: int, seed: int):
    """GClip with tau_k = TAU0 k^p: the fitted exponent (an ExponentFit) of the mean of f(x_bar_k) - f*."""
    schedule = hts.Schedule(eta0=4.0, eta_shift=1.0, eta_power=1.0, tau0=TAU0, tau_power=p, name=f"tau~k^{p:.2f}")
    res = hts.simulate(hts.quadratic(1), hts.NoiseModel("pareto", ALPHA), hts.Algorithm("gclip"), schedule,
                       runs=runs, steps=steps, seed=seed, keep_raw=True)
    return hts.fit_exponent(res.checkpoints, res.raw["f_avg"], decades=2, n_boot=n_boot, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="small sizes (CI): fewer runs and steps")
    parser.add_argument("--out", default=".", help="directory of the figure (default: current directory)")
    args = parser.parse_args(argv)
    runs, steps, n_boot = (150, 3000, 200) if args.small else (400, 10_000, 1000)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import matplotlib.pyplot as plt

    table1 = hts.strongly_convex_exponent(ALPHA)
    print(f"GClip, f = x^2/2, Pareto noise alpha = {ALPHA}, eta_k = 4/(k+1), tau_k = {TAU0:g} k^p; "
          f"{runs} runs, {steps} steps; mean of f(x_bar_k) - f*")
    print(f"{'p':>5} {'fitted':>8} {'95% CI':>18} {'model':>8} {'p(2-a)-1':>9}")
    rows = []
    for p in POWERS:
        fit = measure(p, runs, steps, n_boot, seed=7)
        model = hts.theory.transient_exponent("pareto", ALPHA, 1.0, TAU0, p, fit.k_lo, fit.k_hi)
        rows.append((p, fit, model))
        print(f"{p:5.2f} {fit.slope:8.3f} [{fit.ci_low:7.3f}, {fit.ci_high:7.3f}] {model:8.3f} {p * (2 - ALPHA) - 1:9.3f}")
    print(f"Table 1 (p = 1/alpha = {1 / ALPHA:.2f}): {table1:.3f}")

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ps = [r[0] for r in rows]
    fits = [r[1] for r in rows]
    ax.errorbar(ps, [f.slope for f in fits], yerr=[[f.slope - f.ci_low for f in fits], [f.ci_high - f.slope for f in fits]],
                fmt="o", capsize=3, label="measured (mean over runs, 95% bootstrap CI)")
    ax.plot(ps, [r[2] for r in rows], "s--", mfc="none", label="model V(tau_k)/k over the fit window")
    ax.plot([0, 1], [-1, (2 - ALPHA) - 1], "k:", label="model asymptote p(2 - alpha) - 1")
    ax.plot([1 / ALPHA], [table1], "r*", ms=12, label="Table 1 (Theorem 1: p = 1/alpha)")
    ax.set_xlabel("threshold growth p  (tau_k = 3 k^p)")
    ax.set_ylabel("exponent of E f(x_bar_k) - f*  in k")
    ax.set_title(f"GClip, x^2/2, Pareto noise alpha = {ALPHA}, k in [{fits[0].k_lo:g}, {fits[0].k_hi:g}]", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "custom_schedule.png", dpi=120)
    print(f"wrote {out / 'custom_schedule.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
