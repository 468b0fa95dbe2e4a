"""Slow, obviously correct reference implementations of the engine's kernels.

Plain Python/numpy, one run at a time, consuming each run's xoroshiro128+ stream in exactly the order
the numba kernels do. Tests compare the fast engine against these, number for number; nothing else
should call them (they run at ~1e5 coordinate-steps per second).
"""
from __future__ import annotations

import math

import numpy as np

from .algorithms import Algorithm
from .clipping import acclip, cclip, gclip
from .engine import METRICS
from .noise import NoiseModel
from .problems import Problem
from .rng import seed_states
from .schedules import Schedule

_MASK = (1 << 64) - 1


class Xoroshiro128Plus:
    """xoroshiro128+ on Python integers (Blackman and Vigna): s1 ^= s0; s0 = rotl(s0,55)^s1^(s1<<14); s1 = rotl(s1,36)."""

    def __init__(self, s0: int, s1: int):
        self.s0, self.s1 = int(s0), int(s1)

    @staticmethod
    def _rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & _MASK

    def next_u64(self) -> int:
        s0, s1 = self.s0, self.s1
        result = (s0 + s1) & _MASK
        s1 ^= s0
        self.s0 = self._rotl(s0, 55) ^ s1 ^ ((s1 << 14) & _MASK)
        self.s1 = self._rotl(s1, 36)
        return result

    def uniform(self) -> float:
        return ((self.next_u64() >> 11) + 0.5) * 2.0 ** -53


def draw(gen: Xoroshiro128Plus, kind: str, a: float, s: float) -> float:
    """One noise value, by the textbook construction of each law (see :mod:`heavytail_sim.noise`)."""
    if kind == "pareto":
        y = gen.uniform() ** (-1.0 / a) - 1.0
        return s * y if gen.uniform() < 0.5 else -s * y
    if kind == "stable":
        v = math.pi * (gen.uniform() - 0.5)
        w = -math.log(gen.uniform())
        if a == 1.0:
            return s * math.tan(v)
        return s * (math.sin(a * v) / math.cos(v) ** (1 / a) * (math.cos((1 - a) * v) / w) ** ((1 - a) / a))
    if kind == "gaussian":
        u1, u2 = gen.uniform(), gen.uniform()
        return s * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
    if kind == "student_t":
        while True:
            u, v = 2 * gen.uniform() - 1, 2 * gen.uniform() - 1
            w = u * u + v * v
            if w < 1:
                return s * u * math.sqrt(a * (w ** (-2 / a) - 1) / w)
    if kind == "cauchy":
        return s * math.tan(math.pi * (gen.uniform() - 0.5))
    return s * (a - 1.0) if gen.uniform() < a else s * a  # centred Bernoulli


def simulate_reference(problem: Problem, noise: NoiseModel, algorithm: Algorithm, schedule: Schedule,
                       runs: int, steps: int, seed: int, checkpoints) -> dict[str, np.ndarray]:
    """Per-run errors at ``checkpoints``: dict metric -> array (C, runs), as ``Result.raw``."""
    d = problem.dim
    idx, sc = noise.arrays(d)
    tau_vec = schedule.tau_vector(d)
    states = seed_states(seed, runs)
    ks = list(checkpoints)
    out = {name: np.full((len(ks), runs), np.inf) for name in METRICS}
    b1, b2, eps = algorithm.beta1, algorithm.beta2, algorithm.eps
    for r in range(runs):
        gen = Xoroshiro128Plus(states[r, 0], states[r, 1])
        x = np.array(problem.x0, float)
        xbar = x.copy()
        m = np.zeros(d)
        v = np.zeros(d)
        gsum = 0.0
        alive = True
        for k in range(1, steps + 1):
            w = 2 / (k + 1) if algorithm.averaging == "weighted" else 1 / k
            xbar = xbar + w * (x - xbar)
            grad = problem.grad(x)
            g = grad + np.array([draw(gen, noise.kind, idx[i], sc[i]) for i in range(d)])
            m = b1 * m + (1 - b1) * g
            if not (np.isfinite(grad @ grad) and np.isfinite(m @ m)):
                alive = False
                break
            gsum += grad @ grad
            eta, tau = float(schedule.eta(k)), float(schedule.tau(k))
            if algorithm.name == "sgd":
                step = m
            elif algorithm.name == "gclip":
                step = gclip(m, tau)
            elif algorithm.name == "cclip":
                step = cclip(m, tau * tau_vec)
            elif algorithm.name == "acclip":
                v = b2 * v + (1 - b2) * np.abs(g) ** algorithm.acclip_alpha
                step = acclip(m, v ** (1 / algorithm.acclip_alpha), eps)
            elif algorithm.name == "rmsprop":
                v = b2 * v + (1 - b2) * g * g
                step = m / (np.sqrt(v) + eps)
            else:
                v = b2 * v + (1 - b2) * g * g
                step = (m / (1 - b1 ** k)) / (np.sqrt(v / (1 - b2 ** k)) + eps)
            x = problem.project(x - eta * step)
            if k in ks:
                c = ks.index(k)
                grad_k = problem.grad(x)
                vals = (problem.value(xbar) - problem.fstar, problem.value(x) - problem.fstar,
                        grad_k @ grad_k, gsum / k)
                for name, val in zip(METRICS, vals):
                    out[name][c, r] = val if np.isfinite(val) else np.inf
        if not alive:
            continue
    return out
