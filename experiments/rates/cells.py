"""The rates study's simulation cells: each runs one configuration through the runner it is given and
returns the per-run errors (the runner's cache stores every simulation, so an interrupted run resumes)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from heavytail_sim.study import seed_for

from .config import L_D, MU, NC_DIM, choose_c, horizons, runs_factor, schedule_alpha


@dataclass
class Curve:
    """Raw per-run errors of one cell: ``raw`` (C, R) at checkpoints ``k`` (paired), or a list of
    per-horizon arrays (``paired=False``); ``wall`` is the simulation time in seconds; ``last`` holds other
    metrics' per-run values at the last checkpoint (horizon) when a cell asks for them."""

    k: np.ndarray
    raw: object
    paired: bool
    wall: float
    runs: int
    last: dict = field(default_factory=dict)


def sc_runs(d: int, alg: str, kind: str, a, cfg: dict) -> int:
    """Runs of a strongly convex cell: SGD's own counts, else ``sc_runs`` (x :func:`runs_factor`)."""
    if alg == "sgd":
        return (cfg["sgd_runs"] if a is not None else cfg["gauss_sgd_runs"])[d]
    return int(round(cfg["sc_runs"][d] * runs_factor(kind, a)))


def sc_cell(runner, d: int, alg: str, kind: str, a, cfg: dict) -> Curve:
    """Strongly convex cell (quadratic in dimension d): raw f_avg at log checkpoints."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.problems import quadratic
    from heavytail_sim.schedules import sgd_decreasing, theorem1, theorem3

    runs = sc_runs(d, alg, kind, a, cfg)
    steps = cfg["sc_steps"][d]
    alpha = schedule_alpha(a)
    c, _ = choose_c(kind, a)
    if alg == "gclip":
        sched = theorem1(alpha, math.sqrt(d), MU, c)
    elif alg == "cclip":
        sched = theorem3(alpha, np.ones(d), MU, c)
    else:
        sched = sgd_decreasing(MU)
    res = runner.simulate(quadratic(d, MU, L_D[d]), NoiseModel(kind, alpha, 1.0), Algorithm(alg), sched, runs=runs,
                          steps=steps, seed=seed_for(cfg["seed"], "rates.sc", d=d, algorithm=alg, noise=kind, a=a),
                          checkpoints=cfg["per_decade"], keep_raw=True)
    return Curve(res.checkpoints, res.raw["f_avg"], True, res.wall_time, runs)


def horizon_cell(runner, problem, noise, alg: str, schedule_at, Ks, runs: int, seed_at, metric: str = "avg_grad_sq",
                 last: tuple = ()) -> Curve:
    """A cell whose schedule depends on the horizon K (Thm 2's constant eta and tau): for each K its own ``runs``
    runs of ``schedule_at(K)`` for K steps, seeded ``seed_at(K)``; raw ``metric`` at K (and ``last`` metrics at
    the largest K)."""
    from heavytail_sim.algorithms import Algorithm

    raws, wall, res = [], 0.0, None
    for K in Ks:
        K = int(K)
        res = runner.simulate(problem, noise, Algorithm(alg), schedule_at(K), runs=runs, steps=K, seed=seed_at(K),
                              checkpoints=[K], keep_raw=True)
        raws.append(res.raw[metric][0])
        wall += res.wall_time
    extra = {m: res.raw[m][0] for m in last} if res is not None else {}
    return Curve(np.asarray(Ks, dtype=np.int64), raws, False, wall, runs, extra)


def nc_schedule(alg: str, alpha: float, prob, G: float, f0: float):
    """K -> Thm 2's schedule for horizon K: GClip ``theorem2`` with G, CClip ``theorem2_cclip`` with B_i = G, SGD
    Thm 2's step for alpha = 2 with no clipping (Table 1's SGD row, alpha >= 2)."""
    from heavytail_sim.schedules import constant, theorem2, theorem2_cclip

    d = prob.dim
    if alg == "gclip":
        return lambda K: theorem2(alpha, G, prob.L, f0, K)
    if alg == "cclip":
        return lambda K: theorem2_cclip(alpha, np.full(d, G), prob.L, f0, K)
    return lambda K: constant(theorem2(2.0, G, prob.L, f0, K).eta0)


def nc_problem():
    """The non-convex problem of Table 1's cells: the benign ``ripple(NC_DIM)`` (c = 1, w = 2, x0 = 2)."""
    from heavytail_sim.problems import ripple

    return ripple(NC_DIM)


def nc_scale(alg: str) -> float:
    """The constant the nc cells' schedules use: G = sqrt(d) for GClip and SGD, B_i = 1 for CClip."""
    return 1.0 if alg == "cclip" else math.sqrt(NC_DIM)


def nc_cell(runner, alg: str, kind: str, a, cfg: dict, Ks=None, runs: int | None = None) -> Curve:
    """Non-convex cell: for each horizon K its own runs with the Thm 2 schedule for K; raw avg_grad_sq at K.

    ``Ks`` and ``runs`` default to the nc part's horizons and runs; a run at horizon K has the same numbers
    whichever part asks for it (the seed is the cell's identity and K)."""
    from heavytail_sim.noise import NoiseModel

    Ks = horizons(cfg) if Ks is None else Ks
    runs = cfg["nc_runs"] if runs is None else runs
    prob = nc_problem()
    f0 = float(prob.value(prob.x0)) - prob.fstar
    alpha = schedule_alpha(a)
    # K is part of what is simulated here (Thm 2's schedule depends on it), and each horizon has its own runs
    return horizon_cell(runner, prob, NoiseModel(kind, alpha, 1.0), alg, nc_schedule(alg, alpha, prob, nc_scale(alg), f0),
                        Ks, runs, lambda K: seed_for(cfg["seed"], "rates.nc", algorithm=alg, noise=kind, a=a,
                                                     schedule_horizon=K))


def expectation_samples(runner, alg: str, a: float, cfg: dict) -> np.ndarray:
    """f(x_k) - f* at k = exp_k for exp_runs runs of SGD or GClip (c = 1), d = 1, stable noise of index a."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.problems import quadratic
    from heavytail_sim.schedules import sgd_decreasing, theorem1

    sched = theorem1(a, 1.0, MU) if alg == "gclip" else sgd_decreasing(MU)
    res = runner.simulate(quadratic(1, MU, MU), NoiseModel("stable", a, 1.0), Algorithm(alg), sched,
                          runs=cfg["exp_runs"], steps=cfg["exp_k"],
                          seed=seed_for(cfg["seed"], "rates.exp", algorithm=alg, noise="stable", a=a),
                          checkpoints=[cfg["exp_k"]], keep_raw=True)
    return res.raw["f_last"][0]


CONST_RADIUS = 2.0


def constants_cell(runner, kind: str, a, p: float, G: float, cfg: dict):
    """Projected GClip on |x| <= 2 with Thm 1's exact schedule (moment order p, bound G): (k, raw f_avg)."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.problems import quadratic
    from heavytail_sim.schedules import theorem1

    prob = quadratic(1, MU, MU, x0=1.0, projection="ball", radius=CONST_RADIUS)
    res = runner.simulate(prob, NoiseModel(kind, 2.0 if a is None else a, 1.0), Algorithm("gclip"),
                          theorem1(p, G, MU), runs=cfg["const_runs"], steps=cfg["const_steps"],
                          seed=seed_for(cfg["seed"], "rates.const", noise=kind, a=a, p=p),
                          checkpoints=cfg["per_decade"], keep_raw=True)
    return res.checkpoints, res.raw["f_avg"]


# ----------------------------------------------------------------------- the non-convex lower bound (chain)
LB_METHODS = ("sgd", "gclip", "cclip", "nsgd", "adam", "acclip")
"""Zero-respecting methods simulated on the chain (``lb_methods``)."""


def lb_method(name: str, inst, eta_factor: float = 1.0):
    """(Algorithm, Schedule) of a method on a chain instance (the rule is fixed before any run; see the part).

    gclip, cclip: seed 000 Thm 2 (resp. Thm 5) with the instance's constants (``chain_law.instance_G``, and
    B_i = the same bound per coordinate), for the budget K; ``eta_factor`` multiplies GClip's step (tuning).
    sgd, nsgd, adam, acclip: constant steps in the instance's units, large enough that one reveal carries the
    revealed coordinate past the progress threshold (measured: progress equals reveals): SGD eta = 10/L, ACClip
    eta = 1000/L (its first step on a fresh coordinate is 1/100 of SGD's), normalized SGD and Adam eta = lam
    (their step on a fresh coordinate has length ~eta).
    """
    from heavytail_sim.algorithms import Algorithm, acclip_defaults
    from heavytail_sim.chain_law import instance_G
    from heavytail_sim.schedules import constant, theorem2, theorem2_cclip

    if name in ("gclip", "cclip"):
        G = instance_G(inst)
        f0 = chain_f0(inst)
        if name == "gclip":
            s = theorem2(inst.alpha, G, inst.L, f0, inst.budget)
            return Algorithm("gclip"), constant(s.eta0 * eta_factor, s.tau0)
        # coordinate-wise: E|g_i|^alpha <= (s 23)^alpha max(1, E|xi/p|^alpha) = (s 23)^alpha p^(1-alpha)
        B = instance_B(inst)
        return Algorithm("cclip"), theorem2_cclip(inst.alpha, np.full(inst.T, B), inst.L, f0, inst.budget)
    if name == "sgd":
        return Algorithm("sgd"), constant(10.0 / inst.L)
    if name == "acclip":
        return acclip_defaults(), constant(1000.0 / inst.L)
    if name == "nsgd":
        return Algorithm("nsgd"), constant(inst.lam)
    if name == "adam":
        return Algorithm("adam", beta1=0.9, beta2=0.999, eps=1e-8), constant(inst.lam)
    raise ValueError(f"unknown lower-bound method {name!r}")


def chain_f0(inst) -> float:
    """f(0) - inf f on the instance, exactly (F_T(0) - inf F_T scaled)."""
    prob = inst.problem()
    return float(prob.value(prob.x0)) - float(prob.fstar)


def instance_B(inst) -> float:
    """Assumption 2's per-coordinate constant on a chain instance: sup |d_i f| <= 23 L lam/152 and
    E|xi/p|^alpha = p^(1-alpha) >= 1, so E|g_i|^alpha <= (23 L lam/152)^alpha p^(1-alpha)."""
    from proofs_check import statements as st

    return inst.grad_scale * float(st.CHAIN_GRAD_INF) * inst.p ** ((1.0 - inst.alpha) / inst.alpha)


LB_METRICS = ("avg_grad_sq", "min_grad_sq", "progress", "support", "reveals", "hit_step")


def chain_cell(runner, inst, name: str, cfg: dict, *, eta_factor: float = 1.0, steps: int | None = None,
               runs: int | None = None, checkpoints=None) -> dict:
    """One method on one chain instance: raw chain metrics (C, R) at the checkpoints (log-spaced up to the
    budget by default), with ``k`` and ``wall``. Only the raw values are used: the runner is asked for no
    quantiles (its per-checkpoint summaries are the cost of checkpoints at every step)."""
    alg, sched = lb_method(name, inst, eta_factor)
    steps = inst.budget if steps is None else int(steps)
    res = runner.simulate(inst.problem(), inst.oracle(), alg, sched, runs=cfg["lb_runs"] if runs is None else runs,
                          steps=steps, seed=seed_for(cfg["seed"], "rates.lb", method=name, alpha=inst.alpha, T=inst.T,
                                                     sigma=inst.sigma, eta_factor=eta_factor),
                          checkpoints=cfg["per_decade"] if checkpoints is None else checkpoints, quantiles=(),
                          keep_raw=True)
    return {"k": res.checkpoints, "wall": res.wall_time, **{m: res.raw[m] for m in LB_METRICS}}


# ------------------------------------------------------------------ SGD in expectation, non-convex (N/A cell)
def nc_expectation_samples(runner, alg: str, a: float, cfg: dict) -> np.ndarray:
    """(1/K) sum_k ||grad f(x_{k-1})||^2 at K = ncexp_k for ncexp_runs runs of SGD (Thm 2's step for alpha = 2, no
    clipping) or GClip (Thm 2 with alpha = a) on the nc ripple under alpha-stable noise of index a."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel

    prob = nc_problem()
    f0 = float(prob.value(prob.x0)) - prob.fstar
    K = cfg["ncexp_k"]
    sched = nc_schedule(alg, a, prob, nc_scale(alg), f0)(K)
    res = runner.simulate(prob, NoiseModel("stable", a, 1.0), Algorithm(alg), sched, runs=cfg["ncexp_runs"], steps=K,
                          seed=seed_for(cfg["seed"], "rates.ncexp", algorithm=alg, noise="stable", a=a),
                          checkpoints=[K], keep_raw=True)
    return res.raw["avg_grad_sq"][0]


# ------------------------------------------------------------- Thm 2's constants on a non-benign ripple
SPUR_C, SPUR_W, SPUR_R = 2.0, 3.0, 6.0
"""ripple(NC_DIM, c=2, w=3): spurious minima near |t| = 1.98, 3.95, 5.84 per coordinate; box [-R, R]^d with
R = c w, the smallest half-width for which the projection keeps Thm 2's proof (heavytail_sim.nonconvex_model)."""


SPUR_OFFSET = 0.15


def spur_problem():
    """ripple(d, c=2, w=3) projected onto [-6, 6]^d, started beside the local maximum of f at (t1, ..., t1), t1 = 1.109
    the first local maximum of the one-dimensional term: coordinates alternate t1 - 0.15 (falling to the global
    minimum 0) and t1 + 0.15 (falling to the spurious minimum 1.98), so the descent passes saddles and ends at a
    spurious local minimum unless the noise carries it across."""
    import dataclasses

    from heavytail_sim.problems import ripple, ripple_stationary_points

    _, maxima = ripple_stationary_points(SPUR_C, SPUR_W, SPUR_R)
    x0 = float(maxima[0]) + SPUR_OFFSET * np.array([(-1.0) ** (i + 1) for i in range(NC_DIM)])
    prob = ripple(NC_DIM, c=SPUR_C, w=SPUR_W, x0=x0)
    return dataclasses.replace(prob, projection="box", lo=np.full(NC_DIM, -SPUR_R), hi=np.full(NC_DIM, SPUR_R),
                               name=f"{prob.name}, box [-{SPUR_R:g}, {SPUR_R:g}]^{NC_DIM}")


def moment_order(a) -> float:
    """The moment order p of the exact-constant cells: the largest p < a on a 0.1 grid (2 for Gaussian noise)."""
    return 2.0 if a is None else round(a - 0.1, 10)


def spur_cell(runner, alg: str, kind: str, a, consts, Ks, cfg: dict) -> Curve:
    """GClip (seed 000 Thm 2, G) or CClip (Thm 5, B_i) with the exact constants ``consts`` on the box ripple;
    raw avg_grad_sq per horizon and f_last at the largest."""
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.schedules import theorem2, theorem2_cclip

    prob = spur_problem()
    p = consts.p
    if alg == "gclip":
        sched = lambda K: theorem2(p, consts.G, consts.L, consts.f0, K)  # noqa: E731
    else:
        sched = lambda K: theorem2_cclip(p, np.full(NC_DIM, consts.B), consts.L, consts.f0, K)  # noqa: E731
    return horizon_cell(runner, prob, NoiseModel(kind, schedule_alpha(a), 1.0), alg, sched, Ks, cfg["spur_runs"],
                        lambda K: seed_for(cfg["seed"], "rates.spur", algorithm=alg, noise=kind, a=a, p=p,
                                           schedule_horizon=K), last=("f_last", "grad_sq"))


# --------------------------------------------------------------------------- seed 001's own theorems
def s001_thm2_cell(runner, kind: str, a, setup: dict, Ks, cfg: dict) -> Curve:
    """GClip with seed 001 Thm 2's schedule (``theorem2_sigma``) on ``setup['problem']`` with noise of scale
    ``setup['scale']``: raw avg_grad_sq per horizon."""
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.schedules import theorem2_sigma

    p, sigma, prob, f0 = setup["p"], setup["sigma"], setup["problem"], setup["f0"]
    return horizon_cell(runner, prob, NoiseModel(kind, schedule_alpha(a), setup["scale"]), "gclip",
                        lambda K: theorem2_sigma(p, sigma, prob.L, f0, K), Ks, cfg["s001_runs"],
                        lambda K: seed_for(cfg["seed"], "rates.s001.thm2", noise=kind, a=a, p=p, schedule_horizon=K))


S001_RADIUS = 2.0


def s001_thm4_cell(runner, kind: str, a, p: float, G: float, cfg: dict):
    """Projected GClip (seed 001 Thm 4: theorem4_projected) on the non-smooth l1_quadratic(1) in |x| <= 2:
    (k, raw f_avg)."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.problems import l1_quadratic
    from heavytail_sim.schedules import theorem4_projected

    prob = l1_quadratic(1, lam=1.0, mu=MU, x0=1.0, projection="ball", radius=S001_RADIUS)
    res = runner.simulate(prob, NoiseModel(kind, schedule_alpha(a), 1.0), Algorithm("gclip"),
                          theorem4_projected(p, G, MU), runs=cfg["s001_sc_runs"], steps=cfg["s001_steps"],
                          seed=seed_for(cfg["seed"], "rates.s001.thm4", noise=kind, a=a, p=p),
                          checkpoints=cfg["per_decade"], keep_raw=True)
    return res.checkpoints, res.raw["f_avg"], res.wall_time
