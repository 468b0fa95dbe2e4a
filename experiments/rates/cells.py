"""The rates study's simulation cells: each runs one configuration through the runner it is given and
returns the per-run errors (the runner's cache stores every simulation, so an interrupted run resumes)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from heavytail_sim.study import seed_for

from .config import L_D, MU, NC_DIM, choose_c, horizons, runs_factor, schedule_alpha


@dataclass
class Curve:
    """Raw per-run errors of one cell: ``raw`` (C, R) at checkpoints ``k`` (paired), or a list of
    per-horizon arrays (``paired=False``); ``wall`` is the simulation time in seconds."""

    k: np.ndarray
    raw: object
    paired: bool
    wall: float
    runs: int


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


def nc_cell(runner, alg: str, kind: str, a, cfg: dict) -> Curve:
    """Non-convex cell: for each horizon K its own runs with the Thm 2 schedule for K; raw avg_grad_sq at K."""
    from heavytail_sim.algorithms import Algorithm
    from heavytail_sim.noise import NoiseModel
    from heavytail_sim.problems import ripple
    from heavytail_sim.schedules import constant, theorem2, theorem2_cclip

    runs, Ks = cfg["nc_runs"], horizons(cfg)
    prob = ripple(NC_DIM)
    f0 = float(prob.value(prob.x0)) - prob.fstar
    alpha = schedule_alpha(a)
    noise = NoiseModel(kind, alpha, 1.0)
    raws, wall = [], 0.0
    for K in Ks:
        K = int(K)
        if alg == "gclip":
            sched = theorem2(alpha, math.sqrt(NC_DIM), prob.L, f0, K)
        elif alg == "cclip":
            sched = theorem2_cclip(alpha, np.ones(NC_DIM), prob.L, f0, K)
        else:  # SGD with Thm 2's step size for alpha = 2 and no clipping (Table 1, SGD, alpha >= 2)
            sched = constant(theorem2(2.0, math.sqrt(NC_DIM), prob.L, f0, K).eta0)
        # K is part of what is simulated here (Thm 2's schedule depends on it), and each horizon has its own runs
        seed = seed_for(cfg["seed"], "rates.nc", algorithm=alg, noise=kind, a=a, schedule_horizon=K)
        res = runner.simulate(prob, noise, Algorithm(alg), sched, runs=runs, steps=K, seed=seed, checkpoints=[K],
                              keep_raw=True)
        raws.append(res.raw["avg_grad_sq"][0])
        wall += res.wall_time
    return Curve(Ks, raws, False, wall, runs)


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
