"""``heavytail-sim simulate``: one simulation from the command line, a tidy CSV and a short table."""
from __future__ import annotations

import argparse
import math

HELP = "run one simulation (problem, noise, algorithm, schedule) and write its checkpoint statistics"
DESCRIPTION = """Simulate R independent runs of one algorithm on one problem and record, at log-spaced
checkpoints k, statistics over runs (mean, median, 10% and 90% quantiles, number of diverged runs) of
  f_avg        f(x_bar_k) - f*   (x_bar: the k-weighted average of seed 000 Thm 1)
  f_last       f(x_k) - f*
  grad_sq      ||grad f(x_k)||^2
  avg_grad_sq  (1/k) sum_{j<=k} ||grad f(x_{j-1})||^2
Example: heavytail-sim simulate --noise pareto --index 1.5 --algorithm gclip --schedule theorem1 --alpha 1.5"""

SCHEDULES = ("theorem1", "theorem2", "theorem3", "sgd", "constant")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .algorithms import ALGORITHMS
    from .noise import KINDS
    from .problems import PROBLEM_KINDS

    g = p.add_argument_group("problem")
    g.add_argument("--problem", choices=sorted(PROBLEM_KINDS), default="quadratic",
                   help="quadratic (strongly convex) or ripple (smooth non-convex); default quadratic")
    g.add_argument("--dim", type=int, default=1, help="dimension d (default 1)")
    g.add_argument("--mu", type=float, default=1.0, help="smallest curvature of the quadratic (default 1)")
    g.add_argument("--L", type=float, default=1.0, help="largest curvature of the quadratic (default 1)")
    g.add_argument("--x0", type=float, default=1.0, help="starting point, every coordinate (default 1)")
    g.add_argument("--ball", type=float, default=None, metavar="RADIUS",
                   help="project onto the ball of this radius around the minimiser (projected methods)")
    g = p.add_argument_group("noise")
    g.add_argument("--noise", choices=sorted(KINDS), default="pareto", help="noise law (default pareto)")
    g.add_argument("--index", type=float, default=1.5,
                   help="tail index a (pareto, stable), degrees of freedom (student_t) or p (bernoulli); default 1.5")
    g.add_argument("--scale", type=float, default=1.0, help="noise scale (default 1)")
    g = p.add_argument_group("algorithm and schedule")
    g.add_argument("--algorithm", choices=list(ALGORITHMS), default="gclip", help="update rule (default gclip)")
    g.add_argument("--schedule", choices=SCHEDULES, default="theorem1",
                   help="theorem1: eta=4/(mu(k+1)), tau=G k^(1/alpha); theorem2: Thm 2 constants for horizon "
                        "--steps; theorem3: CClip, tau_i = G k^(1/alpha); sgd: eta=4/(mu(k+1)), no clipping; "
                        "constant: --eta and --tau (default theorem1)")
    g.add_argument("--alpha", type=float, default=None,
                   help="moment order alpha of the theorem schedules, in (1, 2] (default: min(index, 2))")
    g.add_argument("--G", type=float, default=1.0, help="moment bound G (B_i for theorem3) of the schedule (default 1)")
    g.add_argument("--eta", type=float, default=0.1, help="step size of the constant schedule (default 0.1)")
    g.add_argument("--tau", type=float, default=math.inf, help="threshold of the constant schedule (default inf)")
    g.add_argument("--beta1", type=float, default=0.0, help="momentum (default 0)")
    g.add_argument("--beta2", type=float, default=0.99, help="second-moment decay of acclip/rmsprop/adam (default 0.99)")
    g.add_argument("--eps", type=float, default=1e-8, help="epsilon of acclip/rmsprop/adam (default 1e-8)")
    g = p.add_argument_group("run")
    g.add_argument("--runs", type=int, default=1000, help="independent runs R (default 1000)")
    g.add_argument("--steps", type=int, default=10000, help="steps K (default 10000)")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--per-decade", type=int, default=10, help="checkpoints per decade of k (default 10)")
    g.add_argument("--threads", type=int, default=None, help="numba threads (results do not depend on it)")
    g.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (numba threads) or cuda (a GPU, one thread per run, the same random streams; "
                        "NUMBA_ENABLE_CUDASIM=1 runs it on numba's CUDA simulator); default cpu")
    g.add_argument("--out", default=None, metavar="CSV", help="write the tidy table (k, metric, statistic, value) here")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def build(args: argparse.Namespace):
    """(problem, noise, algorithm, schedule) from parsed options; UsageError on bad input."""
    from . import schedules
    from .algorithms import Algorithm
    from .errors import UsageError
    from .noise import NoiseModel
    from .problems import quadratic, ripple

    if args.dim < 1:
        raise UsageError(f"--dim must be a positive integer, got {args.dim}")
    if args.problem == "quadratic":
        problem = quadratic(args.dim, args.mu, args.L, x0=args.x0,
                            projection="none" if args.ball is None else "ball",
                            radius=math.inf if args.ball is None else args.ball)
    else:
        if args.ball is not None:
            raise UsageError("--ball applies to the quadratic problem only")
        problem = ripple(args.dim, x0=args.x0)
    noise = NoiseModel(args.noise, args.index, args.scale)
    algorithm = Algorithm(args.algorithm, beta1=args.beta1, beta2=args.beta2, eps=args.eps)
    alpha = args.alpha if args.alpha is not None else min(args.index, 2.0)
    if args.schedule == "theorem1":
        sched = schedules.theorem1(alpha, args.G, problem.mu)
    elif args.schedule == "theorem2":
        f0 = float(problem.value(problem.x0) - problem.fstar)
        sched = schedules.theorem2(alpha, args.G, problem.L, f0, args.steps)
    elif args.schedule == "theorem3":
        sched = schedules.theorem3(alpha, [args.G] * args.dim, problem.mu)
    elif args.schedule == "sgd":
        sched = schedules.sgd_decreasing(problem.mu)
    else:
        sched = schedules.constant(args.eta, args.tau)
    return problem, noise, algorithm, sched


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from .engine import simulate
    from .errors import UsageError
    from .io import check_writable_file, write_csv

    if args.runs < 1 or args.steps < 1:
        raise UsageError("--runs and --steps must be positive integers")
    if args.out is not None:
        check_writable_file(args.out)
    problem, noise, algorithm, sched = build(args)
    res = simulate(problem, noise, algorithm, sched, args.runs, args.steps, seed=args.seed,
                   checkpoints=args.per_decade, progress=None if not args.quiet else False, threads=args.threads,
                   backend=args.backend)
    frame = res.frame()
    for key in ("problem", "noise", "index", "scale", "algorithm", "schedule", "runs", "seed"):
        frame[key] = str(res.config[key])
    if args.out is not None:
        write_csv(frame, args.out)
    metric = "f_avg" if args.problem == "quadratic" else "avg_grad_sq"
    print(f"{problem.name}, {noise.kind}(index={args.index}, scale={args.scale}), {algorithm.name}, "
          f"schedule {sched.name}, R={args.runs}, K={args.steps}, seed={args.seed}, backend {args.backend}: "
          f"{res.wall_time:.2f} s")
    print(f"error = {metric}; statistics over runs (diverged runs count as inf: {res.diverged})")
    print(f"{'k':>10} {'mean':>12} {'median':>12} {'q10':>12} {'q90':>12} {'nonfinite':>9}")
    st = res.stats[metric]
    ks = res.checkpoints
    show = sorted(set(np.linspace(0, len(ks) - 1, min(8, len(ks))).round().astype(int)))
    for c in show:
        print(f"{ks[c]:>10d} {st['mean'][c]:>12.4g} {st['median'][c]:>12.4g} {st['q10'][c]:>12.4g} "
              f"{st['q90'][c]:>12.4g} {int(st['nonfinite'][c]):>9d}")
    if args.out is not None:
        print(f"wrote {args.out}")
    return 0
