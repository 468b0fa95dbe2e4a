"""Slow, obviously correct reference of the engine: plain Python/numpy, one run and one step at a time.

It consumes each run's xoroshiro128+ stream (a pure-Python generator, :class:`Xoroshiro128Plus`) in the
order the kernels do, and writes every update rule out directly from its definition (not from the
engine's pieces), so the tests can compare the fast engine with it number for number. Nothing else
should call it (it runs at ~1e5 coordinate-steps per second).

Order of one step k of one run (the engine's contract):
grad = grad f(x_{k-1}); x_bar += w_k (x_{k-1} - x_bar); g = oracle; stop if ||grad||^2 or ||g||^2 is not
finite (the run is diverged: inf from then on); sum and min of ||grad||^2; the update rule
(:func:`rule_step`); projection; chain progress. Squared norms are summed coordinate by coordinate in
index order.
"""
from __future__ import annotations

import math

import numpy as np

from . import vecmath
from .engine import METRICS
from .oracles import AdditiveNoise, Minibatch, ProbabilityZeroOracle, as_oracle
from .problems import Problem
from .rng import seed_states
from .schedules import Schedule
from .algorithms import Algorithm

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
        """(k + 1/2) 2^-52 for the top 52 bits k of the next output (:func:`heavytail_sim.rng.xoro_uniform`)."""
        return ((self.next_u64() >> 12) + 0.5) * 2.0 ** -52


# the engine's special functions, run as Python (bit-identical to their compiled form)
_log, _pow, _sin, _cos, _tan = (f.py_func for f in (vecmath.vlog, vecmath.vpow, vecmath.vsin, vecmath.vcos,
                                                    vecmath.vtan))


def _vpow(x: np.ndarray, y: float) -> np.ndarray:
    """x_i ** y elementwise with the engine's pow."""
    return np.array([_pow(float(v), y) for v in x])


def draw(gen: Xoroshiro128Plus, kind: str, a: float, s: float) -> float:
    """One noise value, by the textbook construction of each law (see :mod:`heavytail_sim.noise`)."""
    if kind == "pareto":
        y = _pow(gen.uniform(), -1.0 / a) - 1.0
        return s * y if gen.uniform() < 0.5 else -s * y
    if kind == "stable":
        v = math.pi * (gen.uniform() - 0.5)
        w = -_log(gen.uniform())
        if a == 1.0:
            return s * _tan(v)
        return s * (_sin(a * v) / _pow(_cos(v), 1 / a) * _pow(_cos((1 - a) * v) / w, 1 / a - 1))
    if kind == "gaussian":
        u1, u2 = gen.uniform(), gen.uniform()
        return s * math.sqrt(-2 * _log(u1)) * _cos(2 * math.pi * u2)
    if kind == "student_t":
        while True:
            u, v = 2 * gen.uniform() - 1, 2 * gen.uniform() - 1
            w = u * u + v * v
            if w < 1:
                return s * u * math.sqrt(a * (_pow(w, -2 * (1 / a)) - 1) / w)
    if kind == "cauchy":
        return s * _tan(math.pi * (gen.uniform() - 0.5))
    return s * (a - 1.0) if gen.uniform() < a else s * a  # centred Bernoulli


def sqnorm(v) -> float:
    """sum v_i^2 in index order (the engine's summation order)."""
    total = 0.0
    for x in v:
        total += x * x
    return total


def oracle_answer(oracle, problem: Problem, gen: Xoroshiro128Plus, x: np.ndarray, grad: np.ndarray,
                  k: int, idx: np.ndarray, sc: np.ndarray) -> tuple[np.ndarray, float]:
    """(stochastic gradient, xi/p of the chain oracle or 0) for one run at step k."""
    d = problem.dim
    if isinstance(oracle, AdditiveNoise):
        s_k, m_k = float(oracle.scale.at(k)), float(oracle.mean.at(k))
        z = np.array([draw(gen, oracle.noise.kind, idx[i], s_k * sc[i]) for i in range(d)])
        return (grad + m_k) + z, 0.0
    if isinstance(oracle, ProbabilityZeroOracle):
        xi = 1.0 if gen.uniform() < oracle.p else 0.0
        mult = xi / oracle.p
        u = np.abs(x / problem.chain_lam)
        prog = int(np.max(np.nonzero(u > 0.25)[0]) + 1) if np.any(u > 0.25) else 0
        g = grad.copy()
        g[prog:] = mult * grad[prog:]
        return g, mult
    assert isinstance(oracle, Minibatch)
    n = problem.data.shape[0]
    g = problem.ridge * x
    for _ in range(oracle.batch):
        j = min(int(gen.uniform() * n), n - 1)
        a, y = problem.data[j, :-1], problem.data[j, -1]
        m = 0.0
        for i in range(d):
            m += a[i] * x[i]
        if problem.kind == "least_squares":
            coef = (1.0 / oracle.batch) * (m - y)
        else:
            coef = (1.0 / oracle.batch) * y * (-1.0 / (1.0 + math.exp(y * m)))
        g = g + coef * a
    return g, 0.0


class RuleState:
    """Momentum m and second moment v of one run (zeros at the start)."""

    def __init__(self, d: int):
        self.m = np.zeros(d)
        self.v = np.zeros(d)


def rule_step(alg: Algorithm, st: RuleState, g: np.ndarray, k: int, eta: float, tau: float,
              tau_vec: np.ndarray) -> np.ndarray:
    """The step eta_k d_k of one run, each rule written from its definition (update_rules' docstring)."""
    b1, b2, eps, a = alg.beta1, alg.beta2, alg.eps, alg.acclip_alpha
    name = alg.name
    if name in ("sgd", "gclip", "cclip", "nsgd"):
        if b1 != 0.0:
            st.m = b1 * st.m + (1 - b1) * g
            m = st.m
        else:
            m = g
        if name == "sgd":
            return eta * m
        if name == "cclip":
            return eta * np.minimum(np.maximum(m, -tau * tau_vec), tau * tau_vec)
        n2 = sqnorm(m)
        if name == "gclip":
            fac = min(tau / math.sqrt(n2), 1.0) if n2 > tau * tau else 1.0  # min(tau/||m||, 1)
        else:
            fac = 1.0 / math.sqrt(n2) if n2 > 0 else 0.0  # normalized SGD: m / ||m||
        return (eta * fac) * m
    if name == "clip_sgdm":
        n2 = sqnorm(g)
        fac = min(tau / math.sqrt(n2), 1.0) if n2 > tau * tau else 1.0
        clipped = g * fac
        if b1 != 0.0:
            st.m = b1 * st.m + (1 - b1) * clipped
            return eta * st.m
        return eta * clipped
    if name == "acclip":
        # seed 000 Sec 3: tau^a = EMA of |g|^a, then min(tau / (|m| + eps), 1) m
        st.v = b2 * st.v + (1 - b2) * (np.abs(g) if a == 1.0 else _vpow(np.abs(g), a))
        m = g
        if b1 != 0.0:
            st.m = b1 * st.m + (1 - b1) * g
            m = st.m
        t = st.v if a == 1.0 else _vpow(st.v, 1.0 / a)
        return eta * (np.minimum(t / (np.abs(m) + eps), 1.0) * m)
    if name == "rmsprop":
        st.v = b2 * st.v + (1 - b2) * g * g
        m = g
        if b1 != 0.0:
            st.m = b1 * st.m + (1 - b1) * g
            m = st.m
        return eta * (m / (np.sqrt(st.v) + eps))
    if name == "adam":
        # Kingma and Ba: (m / c1) / (sqrt(v / c2) + eps), the corrections applied as multiplications by 1/c
        st.v = b2 * st.v + (1 - b2) * g * g
        st.m = b1 * st.m + (1 - b1) * g
        return eta * ((st.m * (1.0 / (1.0 - b1 ** k))) / (np.sqrt(st.v * (1.0 / (1.0 - b2 ** k))) + eps))
    if name == "adam_inner":
        # seed 002 eq 1-4: m = mu m + (1-mu) g / (sqrt(n / c_n) + eps), step m / c_m
        st.v = b2 * st.v + (1 - b2) * g * g
        pre = g / (np.sqrt(st.v * (1.0 / (1.0 - b2 ** k))) + eps)
        st.m = b1 * st.m + (1 - b1) * pre
        return eta * (st.m * (1.0 / (1.0 - b1 ** k)))
    if name == "simple_average":
        # seed 002 Thm 1: n_t = (1/t) sum_{i<=t} g_i^2
        st.v = st.v + (g * g - st.v) / k
        return eta * (g / (np.sqrt(st.v) + eps))
    raise ValueError(f"no reference for {name}")


def project(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Euclidean projection of one iterate onto the problem's set, in the engine's arithmetic order."""
    if problem.projection == "box":
        return np.minimum(np.maximum(x, problem.lo), problem.hi)
    if problem.projection == "ball":
        off2 = sqnorm(x - problem.center)
        if off2 > problem.radius ** 2:
            return problem.center + (problem.radius / math.sqrt(off2)) * (x - problem.center)
    return x


def simulate_reference(problem: Problem, oracle, algorithm: Algorithm, schedule: Schedule, runs: int, steps: int,
                       seed: int, checkpoints, averaging: str = "weighted", return_iterates: bool = False):
    """Per-run errors at ``checkpoints``: dict metric -> array (C, runs), as ``Result.raw``.

    With ``return_iterates`` also the final iterates, shape (runs, d) (NaN rows for diverged runs).
    """
    oracle = as_oracle(oracle)
    d = problem.dim
    noise = getattr(oracle, "noise", None)
    idx, sc = noise.arrays(d) if noise is not None else (None, None)
    tau_vec = schedule.tau_vector(d)
    states = seed_states(seed, runs)
    ks = [int(k) for k in checkpoints]
    fstar = 0.0 if problem.fstar is None else problem.fstar
    chain = problem.kind == "chain"
    out = {name: np.full((len(ks), runs), np.inf) for name in METRICS}
    finals = np.full((runs, d), np.nan)
    for r in range(runs):
        gen = Xoroshiro128Plus(states[r, 0], states[r, 1])
        x = np.array(problem.x0, float)
        xbar = x.copy()
        st = RuleState(d)
        gsum, gmin, reveals, hit = 0.0, math.inf, 0.0, math.inf
        for k in range(1, steps + 1):
            w = 2 / (k + 1) if averaging == "weighted" else 1 / k
            grad = problem.grad(x)
            gn2 = sqnorm(grad)
            xbar = xbar + w * (x - xbar)
            g, mult = oracle_answer(oracle, problem, gen, x, grad, k, idx, sc)
            reveals += mult > 0
            if not (gn2 < math.inf and sqnorm(g) < math.inf):
                break  # diverged: every later checkpoint stays inf
            gsum += gn2
            gmin = min(gmin, gn2)
            eta, tau = float(schedule.eta(k)), float(schedule.tau(k))
            x = project(problem, x - rule_step(algorithm, st, g, k, eta, tau, tau_vec))
            u = np.abs(x / problem.chain_lam) if chain else None
            prog = int(np.max(np.nonzero(u > 0.25)[0]) + 1) if chain and np.any(u > 0.25) else 0
            supp = int(np.max(np.nonzero(u > 0.0)[0]) + 1) if chain and np.any(u > 0.0) else 0
            if chain and prog >= d and hit == math.inf:
                hit = k
            if k in ks:
                c = ks.index(k)
                grad_k = problem.grad(x)
                vals = (problem.value(xbar) - fstar, problem.value(x) - fstar, sqnorm(grad_k), gsum / k, gmin,
                        prog, supp, reveals, hit)
                for name, val in zip(METRICS, vals):
                    out[name][c, r] = val if np.isfinite(val) else np.inf
        else:
            finals[r] = x
    return (out, finals) if return_iterates else out
