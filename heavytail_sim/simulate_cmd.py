"""``heavytail-sim simulate``: one simulation from the command line, a tidy CSV and a short table."""
from __future__ import annotations

import argparse
import math

HELP = "run one simulation (problem, oracle, algorithm, schedule) and write its checkpoint statistics"
DESCRIPTION = """\
Simulate R independent runs of one algorithm on one problem and record, at log-spaced checkpoints k,
statistics over runs (mean, median, 10% and 90% quantiles, number of diverged runs) of
  f_avg        f(x_bar_k) - f*   (x_bar: the k-weighted average of seed 000 Thm 1)
  f_last       f(x_k) - f*
  grad_sq      ||grad f(x_k)||^2
  avg_grad_sq  (1/k) sum_{j<=k} ||grad f(x_{j-1})||^2
  min_grad_sq  min_{j<=k} ||grad f(x_{j-1})||^2
and, on the chain problem, progress, support, reveals and hit_step (see the README).
A diverged run counts as +inf: the mean is inf as soon as one run diverged, a quantile is inf when more
than its share of runs diverged.

The theorem schedules take their moment order alpha from the noise law unless --alpha is given:
Gaussian 2, Pareto/Student-t min(index, 2), alpha-stable its index; Cauchy needs --alpha.

Examples:
  heavytail-sim simulate --noise pareto --index 1.5 --algorithm gclip --schedule theorem1
  heavytail-sim simulate --problem chain --dim 20 --p 0.2 --algorithm nsgd --schedule constant --eta 0.05
  heavytail-sim simulate --noise gaussian --algorithm adam --schedule constant --eta 0.01 --out adam.csv
"""

SCHEDULES = ("theorem1", "theorem2", "theorem3", "sgd", "constant")
PROBLEMS = ("quadratic", "ripple", "l1_quadratic", "chain", "least_squares", "logistic")
INDEXED = ("pareto", "stable", "student_t", "bernoulli")
DEFAULT_INDEX = {"pareto": 1.5, "stable": 1.5, "student_t": 1.5, "bernoulli": 0.5}
# library parameter name -> the flag a user of this command types
FLAGS = {"d": "--dim", "T": "--dim", "eta0": "--eta", "tau0": "--tau", "radius": "--ball", "noise": "--noise",
         "algorithm": "--algorithm", "checkpoints": "--per-decade", "acclip_alpha": "--acclip-alpha",
         "lam": "--lam", "batch": "--batch", "n": "--samples"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .algorithms import ALGORITHMS
    from .noise import KINDS

    g = p.add_argument_group("problem")
    g.add_argument("--problem", choices=PROBLEMS, default="quadratic",
                   help="quadratic (strongly convex), ripple (smooth non-convex), l1_quadratic (non-smooth strongly "
                        "convex), chain (the non-convex lower-bound chain), least_squares or logistic (finite sums "
                        "on a fixed Gaussian design); default quadratic")
    g.add_argument("--dim", type=int, default=1, help="dimension d (chain: its length T); default 1")
    g.add_argument("--mu", type=float, default=1.0, help="smallest curvature (quadratic, l1_quadratic); default 1")
    g.add_argument("--L", type=float, default=1.0, help="largest curvature (quadratic); chain: its smoothness "
                                                        "constant (default 1; the chain's own 152 with --L 152)")
    g.add_argument("--lam", type=float, default=1.0, help="l1 weight of l1_quadratic (default 1)")
    g.add_argument("--x0", type=float, default=None,
                   help="starting point, every coordinate (default 1; 2 for ripple; 0 for chain and finite sums)")
    g.add_argument("--ball", type=float, default=None, metavar="RADIUS",
                   help="project onto the ball of this radius around the minimiser (projected methods)")
    g.add_argument("--samples", type=int, default=200, help="finite sums: number of data points n (default 200)")
    g = p.add_argument_group("oracle")
    g.add_argument("--noise", choices=sorted(KINDS), default="pareto",
                   help="additive noise law (default pareto); not used by the chain and finite-sum oracles")
    g.add_argument("--index", type=float, default=None,
                   help="tail index a (pareto, stable), degrees of freedom (student_t) or p (bernoulli); default "
                        "1.5 (bernoulli 0.5); gaussian and cauchy take none")
    g.add_argument("--scale", type=float, default=1.0, help="noise scale (default 1)")
    g.add_argument("--p", type=float, default=0.5,
                   help="chain: probability that a query reveals the next coordinate (default 0.5)")
    g.add_argument("--batch", type=int, default=1, help="finite sums: minibatch size (default 1)")
    g = p.add_argument_group("algorithm and schedule")
    g.add_argument("--algorithm", choices=list(ALGORITHMS), default="gclip", help="update rule (default gclip)")
    g.add_argument("--schedule", choices=SCHEDULES, default="theorem1",
                   help="theorem1: eta=4/(mu(k+1)), tau=G k^(1/alpha); theorem2: Thm 2 constants for horizon "
                        "--steps; theorem3: CClip, tau_i = G k^(1/alpha); sgd: eta=4/(mu(k+1)), no clipping; "
                        "constant: --eta and --tau (default theorem1)")
    g.add_argument("--alpha", type=float, default=None,
                   help="moment order alpha in (1, 2] of the theorem schedules (default: from the noise law)")
    g.add_argument("--G", type=float, default=1.0, help="moment bound G (B_i for theorem3) of the schedule (default 1)")
    g.add_argument("--eta", type=float, default=0.1, help="step size of the constant schedule (default 0.1)")
    g.add_argument("--tau", type=float, default=math.inf, help="threshold of the constant schedule (default inf)")
    g.add_argument("--beta1", type=float, default=0.0, help="momentum (default 0)")
    g.add_argument("--beta2", type=float, default=0.99, help="second-moment decay (acclip, rmsprop, adam; default 0.99)")
    g.add_argument("--eps", type=float, default=1e-8, help="epsilon of acclip/rmsprop/adam (default 1e-8)")
    g = p.add_argument_group("run")
    g.add_argument("--runs", type=int, default=1000, help="independent runs R (default 1000)")
    g.add_argument("--steps", type=int, default=10000, help="steps K (default 10000)")
    g.add_argument("--seed", type=int, default=0, help="random seed, >= 0 (default 0)")
    g.add_argument("--per-decade", type=int, default=10, help="checkpoints per decade of k (default 10)")
    g.add_argument("--threads", type=int, default=None, help="numba threads (results do not depend on it)")
    g.add_argument("--backend", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (numba threads) or cuda (a GPU, one thread per run, the same random streams; "
                        "NUMBA_ENABLE_CUDASIM=1 runs it on numba's CUDA simulator); default cpu")
    g.add_argument("--out", default=None, metavar="CSV", help="write the tidy table (k, metric, statistic, value, "
                                                               "configuration columns) here")
    g.add_argument("--force", action="store_true", help="replace an existing --out file")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def build(args: argparse.Namespace):
    """(problem, oracle, algorithm, schedule) from parsed options; ParameterError/UsageError on bad input."""
    import numpy as np

    from . import problems, schedules
    from .algorithms import Algorithm
    from .errors import ParameterError
    from .noise import NoiseModel
    from .oracles import AdditiveNoise, Minibatch, ProbabilityZeroOracle

    kind = args.problem
    if args.ball is not None and kind not in ("quadratic", "l1_quadratic"):
        raise ParameterError("radius", "(a ball projection) applies to quadratic and l1_quadratic only")
    proj = {} if args.ball is None else {"projection": "ball", "radius": args.ball}
    x0 = args.x0
    if kind == "quadratic":
        problem = problems.quadratic(args.dim, args.mu, args.L, x0=1.0 if x0 is None else x0, **proj)
    elif kind == "ripple":
        problem = problems.ripple(args.dim, x0=2.0 if x0 is None else x0)
    elif kind == "l1_quadratic":
        problem = problems.l1_quadratic(args.dim, args.lam, args.mu, x0=1.0 if x0 is None else x0, **proj)
    elif kind == "chain":
        problem = problems.chain(args.dim, L=args.L, x0=0.0 if x0 is None else x0)
    else:
        from .memory import check_memory
        from .runner import as_count, as_seed

        n = as_count(args.samples, "n")
        d = as_count(args.dim, "d")
        check_memory(8 * n * (d + 2), "d" if d >= n else "n", f"a data matrix of {n} x {d}")
        rng = np.random.default_rng([as_seed(args.seed), 1])  # the data: fixed by the seed, independent of the runs
        A = rng.standard_normal((n, d))
        xtrue = rng.standard_normal(d)
        if kind == "least_squares":
            problem = problems.least_squares(A, A @ xtrue + 0.5 * rng.standard_normal(n), x0=0.0 if x0 is None else x0)
        else:
            y = np.where(A @ xtrue + rng.standard_normal(n) > 0, 1.0, -1.0)
            problem = problems.logistic(A, y, ridge=1e-2, x0=0.0 if x0 is None else x0)

    if args.index is not None and args.noise not in INDEXED:
        raise ParameterError("index", f"does not apply to {args.noise} noise (only to {', '.join(INDEXED)})")
    index = args.index if args.index is not None else DEFAULT_INDEX.get(args.noise, 2.0)
    noise = NoiseModel(args.noise, index, args.scale)
    if kind == "chain":
        oracle = ProbabilityZeroOracle(args.p)
    elif kind in ("least_squares", "logistic"):
        oracle = Minibatch(args.batch)
    else:
        oracle = AdditiveNoise(noise)
    algorithm = Algorithm(args.algorithm, beta1=args.beta1, beta2=args.beta2, eps=args.eps)

    if args.schedule == "constant":
        return problem, oracle, algorithm, schedules.constant(args.eta, args.tau)
    # the moment order of the theorem schedules, decided in one place from the oracle's law
    alpha = schedules.resolve_alpha(noise, args.alpha) if isinstance(oracle, AdditiveNoise) else \
        schedules.resolve_alpha(NoiseModel("gaussian"), args.alpha)
    if args.schedule in ("theorem1", "theorem3", "sgd"):
        if not problem.strong_convexity > 0:
            raise ParameterError("schedule", f"{args.schedule} needs a strongly convex problem; {kind} is not "
                                             "(use theorem2 or constant)")
        if args.schedule == "theorem1":
            return problem, oracle, algorithm, schedules.theorem1(alpha, args.G, problem.mu)
        if args.schedule == "theorem3":
            return problem, oracle, algorithm, schedules.theorem3(alpha, [args.G] * problem.dim, problem.mu)
        return problem, oracle, algorithm, schedules.sgd_decreasing(problem.mu)
    if not math.isfinite(problem.L):
        raise ParameterError("schedule", f"theorem2 needs a smooth problem; {kind} is not (use constant)")
    f0 = float(problem.value(problem.x0)) - (problem.fstar or 0.0)
    return problem, oracle, algorithm, schedules.theorem2(alpha, args.G, problem.L, max(f0, 1e-12), args.steps)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from .errors import ParameterError, UsageError
    from .io import check_output_file, write_csv
    from .runner import Runner

    try:
        if args.out is not None:
            check_output_file(args.out, flag="--out", overwrite=args.force)
        problem, oracle, algorithm, sched = build(args)
        runner = Runner(backend=args.backend, threads=args.threads, progress=None if not args.quiet else False)
        res = runner.simulate(problem, oracle, algorithm, sched, runs=args.runs, steps=args.steps, seed=args.seed,
                              checkpoints=args.per_decade)
    except ParameterError as exc:
        raise UsageError(exc.for_flag(FLAGS)) from None
    if args.out is not None:
        write_csv(res.frame(), args.out)
    metric = "f_avg" if problem.strong_convexity > 0 and "f_avg" in res.stats else "avg_grad_sq"
    law = getattr(oracle, "noise", None)
    what = f"{law.kind}(index={law.index}, scale={law.scale})" if law is not None else oracle.kind
    print(f"{problem.name}, {what}, {algorithm.name}, schedule {sched.name}, R={args.runs}, K={args.steps}, "
          f"seed={args.seed}, backend {args.backend}: {res.wall_time:.2f} s")
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
