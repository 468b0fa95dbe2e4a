"""Seed 001, App G (Theorem 6, Lemma 17 and the oracle lemma): the non-convex lower bound's construction.

Seed 001 keeps only the prose of App G; its formulas are those of Arjevani, Carmon, Duchi, Foster, Srebro and
Woodworth (2019), Theorem 1 and Lemmas 1-3, on the chain of Carmon, Duchi, Hinder and Sidford (2017), with the
variance replaced by the alpha-th moment. The reconstruction, step by step with sources, is
``docs/seed001_reconstruction.rst``; the expressions are in :mod:`proofs_check.statements`.

F_T, its gradient and Hessian are built here from the sympy Psi and Phi of the statements (independently of
:mod:`heavytail_sim.problems`, which the tests compare with them). Suprema of the one-dimensional pieces are
exact (sympy solves for the critical points); statements about all x are decided from those suprema (a proof
by computation), and an explicit point gives a lower bound that refutes a constant that is too small.
"""
from __future__ import annotations

import functools
import math

import mpmath as mp
import numpy as np
import sympy as sp

from . import statements as st
from .registry import Readings, close, count, equal, ge, le, limit
from .registry import claim as _claim
from .symbolic import exponent_in, sample_points

SEED = "001"
x, p, alpha, eps = st.x, st.p, st.alpha, st.eps
xi = sp.Symbol("xi", nonnegative=True)
HALF = sp.Rational(1, 2)


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 001 claim."""
    return _claim(id, SEED, location, statement, **kw)


# ---- the construction, from the statements' Psi and Phi ------------------------------------------

PSI_POS = st.CHAIN_PSI.args[1].expr  # the branch x > 1/2 (Psi = 0 for x <= 1/2)


def psi(v):
    return st.CHAIN_PSI.subs(x, v)


def phi(v):
    return st.CHAIN_PHI.subs(x, v)


@functools.lru_cache(maxsize=None)
def chain_expressions(T: int) -> tuple[tuple[sp.Symbol, ...], sp.Expr, tuple[sp.Expr, ...]]:
    """(x_1..x_T, F_T, grad F_T) as sympy expressions (Arjevani et al. 2019, eq. 8; seed 001 App G)."""
    xs = sp.symbols(f"x1:{T + 1}", real=True)
    F = -psi(1) * phi(xs[0]) + sum(psi(-xs[i - 1]) * phi(-xs[i]) - psi(xs[i - 1]) * phi(xs[i]) for i in range(1, T))
    return xs, F, tuple(sp.diff(F, v) for v in xs)


@functools.lru_cache(maxsize=None)
def chain_numeric(T: int):
    """numpy functions (value, gradient) of F_T on arrays of shape (n, T), lambdified from the sympy chain."""
    xs, F, grad = chain_expressions(T)
    fv = sp.lambdify(xs, F, modules=["scipy", "numpy"])
    fg = sp.lambdify(xs, list(grad), modules=["scipy", "numpy"])

    def value(X):
        with np.errstate(all="ignore"):  # np.select evaluates the unused branch of Psi at x <= 1/2 too
            return np.asarray(fv(*np.asarray(X, float).T), float)

    def gradient(X):
        X = np.asarray(X, float)
        with np.errstate(all="ignore"):
            cols = [np.broadcast_to(np.asarray(c, float), X.shape[:-1]) for c in fg(*X.T)]
        return np.stack(cols, axis=-1)

    return value, gradient


def prog(X: np.ndarray, a: float) -> np.ndarray:
    """prog_a(x) = max{i >= 1 : |x_i| > a}, 0 if none (Arjevani et al. 2019, eq. 5), for rows of X."""
    big = np.abs(X) > a
    last = X.shape[-1] - np.argmax(big[..., ::-1], axis=-1)
    return np.where(big.any(axis=-1), last, 0)


def sample_x(n: int, T: int, seed: int) -> np.ndarray:
    """Points with every progress pattern: coordinates 0, exactly +-1/4, +-1/2, +-1, inside (-1/2, 1/2),
    in (1/2, 1] and wide normals, mixed independently."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 5, size=(n, T))
    sign = rng.choice([-1.0, 1.0], size=(n, T))
    exact = rng.choice([0.25, 0.5, 1.0], size=(n, T))
    vals = np.select([kind == 0, kind == 1, kind == 2, kind == 3],
                     [0.0, sign * exact, rng.uniform(-0.5, 0.5, (n, T)), sign * rng.uniform(0.5, 1.0, (n, T))],
                     rng.normal(0.0, 3.0, (n, T)))
    return vals


@functools.lru_cache(maxsize=None)
def one_dim_sups() -> dict[str, sp.Expr]:
    """Exact suprema of Psi, Psi', |Psi''|, Phi, Phi', |Phi''| over the real line (and where they are reached).

    Psi and Phi are increasing with limits e and sqrt(2 pi e); the others are maximised at critical points that
    sympy solves for (Psi' at x = 1/2 + 1/sqrt 6; Psi'' at 1/2 + sqrt(27 - 3 sqrt 33)/12; Phi' at 0; Phi'' at +-1).
    """
    d1, d2 = sp.diff(PSI_POS, x), sp.diff(PSI_POS, x, 2)
    out = {"Psi": sp.limit(PSI_POS, x, sp.oo), "Phi": sp.limit(st.CHAIN_PHI, x, sp.oo)}
    for name, f in (("Psi'", d1), ("|Psi''|", d2)):
        crit = [c for c in sp.solve(sp.diff(f, x), x) if c.is_real and c > HALF]
        ends = [sp.Abs(sp.limit(f, x, HALF, "+")), sp.Abs(sp.limit(f, x, sp.oo))]  # both 0
        out[name] = max([sp.Abs(sp.simplify(f.subs(x, c))) for c in crit] + ends, key=float)
        out[name + " at"] = max(crit, key=lambda c: abs(float(f.subs(x, c))))
    e1, e2 = sp.diff(st.CHAIN_PHI, x), sp.diff(st.CHAIN_PHI, x, 2)
    out["Phi'"] = max((e1.subs(x, c) for c in sp.solve(sp.diff(e1, x), x)), key=float)
    out["|Phi''|"] = max((sp.Abs(e2.subs(x, c)) for c in sp.solve(sp.diff(e2, x), x)), key=float)
    return out


def _hessian_at(T: int, point: list) -> mp.matrix:
    xs, F, grad = chain_expressions(T)
    subs = dict(zip(xs, point))
    H = mp.matrix(T, T)
    for i in range(T):
        for j in range(T):
            H[i, j] = mp.mpf(str(sp.N(sp.diff(grad[i], xs[j]).subs(subs), 30)))
    return H


@functools.lru_cache(maxsize=None)
def hessian_norm_at_point() -> tuple[float, list]:
    """||Hess F_3(x)||_2 at x = (argmax |Psi''|, 12, 0): e_1' H e_1 = -Phi''(x_1) - Psi''(x_1) Phi(12)."""
    point = [one_dim_sups()["|Psi''| at"], sp.Integer(12), sp.Integer(0)]
    ev = mp.eigsy(_hessian_at(3, point))[0]
    return float(max(abs(e) for e in ev)), [float(v) for v in point]


@functools.lru_cache(maxsize=None)
def gradient_coordinate_at_point() -> tuple[float, list]:
    """|d_2 F_3(x)| at x = (12, argmax Psi', 12): Psi(12) Phi'(x_2) + Psi'(x_2) Phi(12)."""
    xs, F, grad = chain_expressions(3)
    point = [sp.Integer(12), one_dim_sups()["Psi' at"], sp.Integer(12)]
    return float(abs(sp.N(grad[1].subs(dict(zip(xs, point))), 30))), [float(v) for v in point]


# ---- Lemma 17 ------------------------------------------------------------------------------------

@claim("001-lemma17-smooth", "App G, Lemma 17 (F_T is l1-smooth)",
       "grad F_T is l1-Lipschitz with l1 = 152 (Arjevani et al. 2019, Lemma 2).", mutant={"l1": 120})
def _smooth(l1: sp.Expr = st.CHAIN_L1):
    s = one_dim_sups()
    # the Hessian is tridiagonal; row i holds d^2/dx_i^2 of the term Psi(+-x_{i-1}) Phi(+-x_i) (one sign is zero:
    # Psi(u) Psi(-u) = 0), of the term Psi(+-x_i) Phi(+-x_{i+1}), and two mixed entries Psi'(+-x) Phi'(+-y);
    # a symmetric matrix has ||H||_2 <= max_i sum_j |H_ij|
    row_sum = s["Psi"] * s["|Phi''|"] + s["|Psi''|"] * s["Phi"] + 2 * s["Psi'"] * s["Phi'"]
    lower, point = hessian_norm_at_point()
    return [le("certified bound on sup_x ||Hess F_T(x)||_2 (largest row sum of |Hess|, exact suprema)", row_sum, l1,
               context={"sup |Psi''|": s["|Psi''|"], "sup Psi'": s["Psi'"], "sup Phi": s["Phi"]}),
            le(f"||Hess F_3(x)||_2 at x = {point} (a lower bound on the Lipschitz constant)", lower, l1,
               context={"certified upper bound": row_sum},
               corrected="the Lipschitz constant of grad F_T lies in [{computed}, {certified upper bound}]; it exceeds {stated}")]


@functools.lru_cache(maxsize=None)
def chain_gap() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(F_T(0), inf F_T, F_T(0) - inf F_T) for symbolic T: each term of F_T is >= -sup Psi sup Phi (the other
    product is >= 0), the first >= -Psi(1) sup Phi, and all bounds are approached as every x_i -> +oo."""
    T = sp.Symbol("T", positive=True, integer=True)
    s = one_dim_sups()
    at0 = sp.simplify(chain_expressions(4)[1].subs({v: 0 for v in chain_expressions(4)[0]}))  # -Phi(0), any T
    inf = -(psi(1) * s["Phi"] + (T - 1) * s["Psi"] * s["Phi"])
    return at0, inf, sp.simplify(at0 - inf)


@functools.lru_cache(maxsize=None)
def chain_limit_at_infinity(T: int = 4) -> sp.Expr:
    """lim_{s -> oo} F_T(s, ..., s): the infimum is approached there."""
    xs, F, _ = chain_expressions(T)
    w = sp.Symbol("w", positive=True)  # x_i = 1 + w > 1/2 resolves every Piecewise of Psi
    return sp.limit(F.subs({v: 1 + w for v in xs}), w, sp.oo)


@claim("001-lemma17-gap", "App G, Lemma 17 (initial gap)",
       "F_T(0) - inf_x F_T(x) <= Delta0 T with Delta0 = 12.", mutant={"delta0": 11})
def _gap(delta0: sp.Expr = st.CHAIN_DELTA0):
    T = sp.Symbol("T", positive=True, integer=True)
    at0, inf, gap = chain_gap()
    per_T = sp.limit(gap / T, T, sp.oo)  # gap/T = e sqrt(2 pi e) + sqrt(2 pi e)(1/2 - e)/T increases to its limit
    return [le("sup_T (F_T(0) - inf F_T)/T", per_T, delta0,
               context={"F_T(0)": at0, "inf F_T": inf, "F_T(0) - inf F_T": sp.expand(gap)}),
            equal("lim_{s -> oo} F_4(s, s, s, s) (the infimum, approached)", chain_limit_at_infinity(4), inf.subs(T, 4))]


@claim("001-lemma17-grad-inf", "App G, Lemma 17 (sup-norm of the gradient)",
       "||grad F_T(x)||_inf <= 23 for all x.", mutant={"bound": 21})
def _grad_inf(bound: sp.Expr = st.CHAIN_GRAD_INF):
    s = one_dim_sups()
    # d_i F_T = -Psi(+-x_{i-1}) Phi'(+-x_i) - Psi'(+-x_i) Phi(+-x_{i+1}): one product of each pair is zero
    upper = s["Psi"] * s["Phi'"] + s["Psi'"] * s["Phi"]
    lower, point = gradient_coordinate_at_point()
    return [le("certified bound sup Psi sup Phi' + sup Psi' sup Phi on |d_i F_T|", upper, bound),
            le(f"|d_2 F_3(x)| at x = {point}", lower, bound, context={"certified upper bound": upper},
               corrected="sup_x ||grad F_T(x)||_inf lies in [{computed}, {certified upper bound}]; it exceeds {stated}")]


@functools.lru_cache(maxsize=None)
def smallest_gradient_sampled() -> tuple[float, int]:
    """min ||grad F_T(x)|| over sampled x with prog_1(x) < T (T = 2, 3, 5) and the number of points (the smallest
    values, about 1.34, sit near x = (0.67, -1/2, 0, ...): the proof's bound 1 is not sharp)."""
    best, n = np.inf, 0
    for T in (2, 3, 5):
        X = sample_x(20000, T, seed=170 + T)
        X[:, -1] = np.clip(X[:, -1], -1.0, 1.0)  # prog_1(x) < T
        X = X[prog(X, 1.0) < T]
        g = chain_numeric(T)[1](X)
        best, n = min(best, float(np.min(np.linalg.norm(g, axis=1)))), n + len(X)
    return best, n


@claim("001-lemma17-grad-lower", "App G, Lemma 17 (5)",
       "For all x, if prog_1(x) < T then ||grad F_T(x)|| > 1.", mutant={"bound": sp.Rational(3, 2)})
def _grad_lower(bound: sp.Expr = st.CHAIN_GRAD_LOWER):
    # Carmon et al. (2017), Lemma 3: at the first j with |x_j| <= 1 (|x_{j-1}| > 1 or j = 1), d_j F_T is a sum of
    # non-positive terms, one of them -Psi(max(1, |x_{j-1}|)) Phi'(x_j) <= -Psi(1) min_{|v| <= 1} Phi'(v)
    e1 = sp.diff(st.CHAIN_PHI, x)
    min_phi1 = min(e1.subs(x, v) for v in (-1, 1, 0))  # Phi' is unimodal: its minimum on [-1, 1] is at an end
    proof = sp.simplify(psi(1) * min_phi1)
    best, n = smallest_gradient_sampled()
    return [ge("Psi(1) min_{|v| <= 1} Phi'(v) (the proof's lower bound; not attained)", proof, bound),
            ge(f"min ||grad F_T(x)|| over {n} sampled x with prog_1(x) < T (T = 2, 3, 5)", best, bound)]


@functools.lru_cache(maxsize=None)
def zero_chain_counts(a: float, offset: int) -> tuple[int, int]:
    """Number of sampled (x, i) with d_i F_T(x) != 0 and i > prog_a(x) + offset (T = 6), and of points."""
    X = sample_x(20000, 6, seed=175)
    g = chain_numeric(6)[1](X)
    support = prog(np.where(g != 0.0, 1.0, 0.0), 0.0)  # prog_0(grad F_T(x))
    return int(np.sum(support > prog(X, a) + offset)), len(X)


@claim("001-lemma17-zero-chain", "App G, Lemma 17 (4)",
       "For all x, prog_0(grad F_T(x)) <= prog_{1/2}(x) + 1 (F_T is a zero-chain).", mutant={"threshold": 1})
def _zero_chain(threshold: sp.Expr = HALF):
    bad, n = zero_chain_counts(float(threshold), 1)
    # why: Psi and Psi' vanish on [-1/2, 1/2], so d_i F_T = 0 when |x_{i-1}|, |x_i| <= 1/2
    vanish = [sp.diff(st.CHAIN_PSI, x, d).subs(x, v) for d in (0, 1) for v in (-HALF, -sp.Rational(1, 4), 0, HALF)]
    return [count(f"points (of {n}, T = 6) with prog_0(grad F_T(x)) > prog_a(x) + 1 at a = {threshold}", bad, 0),
            equal("Psi, Psi' at -1/2, -1/4, 0, 1/2", vanish, [0] * len(vanish))]


@claim("001-appG-prog-monotone", "App G, before Lemma 17",
       "prog_a(x) is decreasing in a (non-increasing: a < b gives prog_a(x) >= prog_b(x)).", mutant={"direction": -1})
def _prog_monotone(direction: int = 1):
    X = sample_x(20000, 6, seed=176)
    levels = [0.0, 0.25, 0.5, 1.0]
    prog_at = [prog(X, a) for a in levels]
    bad = sum(int(np.sum(direction * (lo - hi) < 0)) for lo, hi in zip(prog_at, prog_at[1:]))
    return count(f"pairs (x, a < b) of 20000 sampled x, a, b in {levels}, against the stated direction", bad, 0)


# ---- the oracle ----------------------------------------------------------------------------------

def oracle_answers(X: np.ndarray, p_: float, xi_: int) -> tuple[np.ndarray, np.ndarray]:
    """[g]_i = (1 + 1{i > prog_{1/4}(x)} (xi/p - 1)) d_i F_T(x) (Arjevani et al. 2019, eq. 11) and grad F_T."""
    g = chain_numeric(X.shape[1])[1](X)
    past = np.arange(1, X.shape[1] + 1)[None, :] > prog(X, 0.25)[:, None]
    return np.where(past, (xi_ / p_) * g, g), g


@claim("001-appG-oracle-unbiased", "App G, oracle lemma",
       "The stochastic oracle [g]_i = (1 + 1{i > prog_{1/4}(x)} (xi/p - 1)) d_i F_T(x), xi ~ Bernoulli(p), is unbiased.",
       mutant={"multiplier": xi / p**2}, mc=True)
def _unbiased(multiplier: sp.Expr = xi / p):
    mean = sum(w * (1 + (multiplier - 1)).subs(xi, v) for v, w in ((1, p), (0, 1 - p)))  # coordinates past the progress
    return equal("E[1 + (multiplier - 1)] over xi ~ Bernoulli(p) (coordinates past prog_{1/4})", sp.simplify(mean), 1,
                 points=sample_points({p: (0, 1)}, n=5, seed=177))


@functools.lru_cache(maxsize=None)
def oracle_chain_stats(offset: int) -> dict[str, float]:
    """Over sampled x (T = 6) and xi in {0, 1}: violations of prog_0(g) <= prog_{1/4}(x) + offset, the largest
    probability of prog_0(g) = prog_{1/4}(x) + 1 (at p = 0.3), and the largest number of coordinates that depend on xi."""
    X = sample_x(20000, 6, seed=178)
    p_ = 0.3
    base = prog(X, 0.25)
    answers = {v: oracle_answers(X, p_, v)[0] for v in (0, 1)}
    bad = sum(int(np.sum(prog(np.where(answers[v] != 0, 1.0, 0.0), 0.0) > base + offset)) for v in (0, 1))
    advance = sum(w * (prog(np.where(answers[v] != 0, 1.0, 0.0), 0.0) == base + 1) for v, w in ((1, p_), (0, 1 - p_)))
    noisy = np.sum(answers[0] != answers[1], axis=1)
    return {"violations": bad, "advance": float(np.max(advance)), "p": p_, "noisy": int(np.max(noisy))}


@claim("001-appG-oracle-zero-chain", "App G, after the oracle's definition",
       "The oracle is a probability-p zero-chain ([2, Definition 2]): prog_0(g(x; xi)) <= prog_{1/4}(x) + 1 always, "
       "and P(prog_0(g(x; xi)) = prog_{1/4}(x) + 1) <= p; the noise is only in coordinate prog_{1/4}(x) + 1.",
       mutant={"offset": 0})
def _oracle_zero_chain(offset: int = 1):
    s = oracle_chain_stats(offset)
    return [count(f"(x, xi) pairs (20000 x, T = 6) with prog_0(g) > prog_{{1/4}}(x) + {offset}", s["violations"], 0),
            le("largest P(prog_0(g) = prog_{1/4}(x) + 1) over the sampled x, at p = 0.3", s["advance"], s["p"]),
            le("largest number of coordinates of g that depend on xi", s["noisy"], 1)]


@functools.lru_cache(maxsize=None)
def multiplier_moment() -> sp.Expr:
    """E|xi/p - 1|^alpha for xi ~ Bernoulli(p), summed over xi in {0, 1} (0 < p < 1)."""
    q = sp.Symbol("q", positive=True)  # q = 1/p - 1 > 0
    m = p * sp.Abs(1 / p - 1) ** alpha + (1 - p) * sp.Abs(0 / p - 1) ** alpha
    return sp.simplify(m.subs(p, 1 / (1 + q)).subs(q, 1 / p - 1))


@functools.lru_cache(maxsize=None)
def noisy_coordinate_sup() -> tuple[sp.Expr, float]:
    """sup |d_j F_T(x)| at j = prog_{1/4}(x) + 1 (|x_j| <= 1/4, so Psi'(+-x_j) = 0): sup Psi sup Phi' = e^(3/2);
    and the largest value over sampled x (T = 6)."""
    s = one_dim_sups()
    vanish = max(abs(float(sp.diff(st.CHAIN_PSI, x).subs(x, v))) for v in (-0.25, 0, 0.25))
    assert vanish == 0.0
    X = sample_x(20000, 6, seed=179)
    g = chain_numeric(6)[1](X)
    j = prog(X, 0.25)
    has = j < 6
    sampled = float(np.max(np.abs(g[np.nonzero(has)[0], j[has]])))
    return sp.simplify(s["Psi"] * s["Phi'"]), sampled


ALPHAS = [sp.Rational(11, 10), sp.Rational(13, 10), sp.Rational(3, 2), sp.Rational(17, 10), sp.Rational(19, 10), sp.Integer(2)]
PS = [sp.Rational(1, 10**6), sp.Rational(1, 10**4), sp.Rational(1, 10**3), sp.Rational(1, 100), sp.Rational(1, 20),
      sp.Rational(1, 10), sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(3, 4), sp.Rational(99, 100)]
GRID = [{alpha: a, p: q} for a in ALPHAS for q in PS]


def _on_grid(expr: sp.Expr) -> list[sp.Expr]:
    return [sp.sympify(expr).subs(pt) for pt in GRID]


@claim("001-appG-oracle-moment", "App G, oracle lemma",
       "For any alpha in (1, 2], E||g(x; xi) - grad F_T(x)||^alpha <= 23^alpha h(p) (h stripped; three readings).",
       mutant={"gradient_bound": 4}, mc=True)
def _oracle_moment(gradient_bound: sp.Expr = st.CHAIN_GRAD_INF, readings: dict = st.LEMMA18_STEP_READINGS):
    # ||g - grad F_T|| = |xi/p - 1| |d_j F_T(x)| at the one noisy coordinate j = prog_{1/4}(x) + 1
    sup_grad, sampled = noisy_coordinate_sup()
    moment = sup_grad**alpha * multiplier_moment()
    out = {}
    for name, h in readings.items():
        out[name] = le("sup_x E||g - grad F_T||^alpha = e^(3alpha/2) E|xi/p - 1|^alpha on the (alpha, p) grid",
                       _on_grid(moment), _on_grid(gradient_bound**alpha * h), at=[f"alpha={g[alpha]}, p={g[p]}" for g in GRID],
                       context={"sup |d_j F_T| at the noisy coordinate": sup_grad, "largest sampled": sampled})
    return Readings(out)


@claim("001-appG-jensen-step", "App G, proof of the oracle lemma",
       "E|xi/p - 1|^alpha <= h(p), 'by Jensen's inequality and the convexity of [stripped]' (three readings of h).",
       mutant={"readings": {k: (2 * v if i == 0 else v) for i, (k, v) in enumerate(st.LEMMA18_STEP_READINGS.items())}})
def _jensen_step(readings: dict = st.LEMMA18_STEP_READINGS):
    m = multiplier_moment()
    at = [f"alpha={g[alpha]}, p={g[p]}" for g in GRID]
    factor = (1 - p) ** (alpha - 1) + p ** (alpha - 1)  # E|xi/p - 1|^alpha / ((1-p)/p^(alpha-1)), checked below
    # the factor is concave in p (alpha <= 2) and symmetric about 1/2, where its derivative vanishes: its maximum
    top = sp.simplify(factor.subs(p, HALF))
    context = {"E|xi/p - 1|^alpha / ((1-p)/p^(alpha-1))": factor, "largest factor": top, "at p": HALF,
               "sup |d_j F_T| at the noisy coordinate": noisy_coordinate_sup()[0]}
    pa = sample_points({alpha: (1.05, 2), p: (0, 1)}, n=5, seed=182)
    identity = [equal("E|xi/p - 1|^alpha / ((1-p)/p^(alpha-1)) against (1-p)^(alpha-1) + p^(alpha-1)", m / ((1 - p) / p ** (alpha - 1)),
                      factor, points=pa),
                equal("d/dp of that factor at p = 1/2", sp.simplify(sp.diff(factor, p).subs(p, HALF)), 0, points=[{alpha: pt[alpha]} for pt in pa])]
    out = {}
    for name, h in readings.items():
        out[name] = identity + [le("E|xi/p - 1|^alpha = p (1/p - 1)^alpha + 1 - p on the (alpha, p) grid", _on_grid(m), _on_grid(h), at=at,
                     context=context,
                       corrected="E|xi/p - 1|^alpha = (1-p)/p^(alpha-1) ({E|xi/p - 1|^alpha / ((1-p)/p^(alpha-1))}) exceeds the stated h(p) "
                                 "(largest factor {largest factor} at p = {at p}); no Jensen step gives it. The lemma's bound still holds "
                                 "because the noisy coordinate has |d_j F_T| <= {sup |d_j F_T| at the noisy coordinate}, far below 23 "
                                 "(001-appG-oracle-moment)")]
    return Readings(out)


# ---- Theorem 6 -----------------------------------------------------------------------------------

def binomial_tail(t: int, p_: float, T: int) -> float:
    """P(Binomial(t, p) >= T)."""
    from scipy.stats import binom

    return float(binom.sf(T - 1, t, p_))


@claim("001-thm6-lemma1", "App G, proof of Theorem 6 ([2, Lemma 1])",
       "For a zero-respecting method and a probability-p zero-chain, with probability >= 1/2 prog(x^(t)) < T for all "
       "t <= (T - log 2)/(2p) (progress after t queries is at most Binomial(t, p)).", mutant={"denominator": sp.Rational(1, 2)})
def _lemma1(denominator: sp.Expr = sp.Integer(2), delta: sp.Expr = HALF):
    cells = [(T, q) for T in (1, 2, 3, 5, 10, 30, 100, 300) for q in (0.5, 0.1, 0.01, 0.001)]
    tails = []
    for T, q in cells:
        t = math.floor((T - math.log(1 / float(delta))) / (float(denominator) * q))
        tails.append(binomial_tail(t, q, T) if t >= 1 else 0.0)
    return le("P(Binomial(t_max, p) >= T) at t_max = floor((T - log(1/delta))/(denominator p))", tails, delta,
              at=[f"T={T}, p={q}" for T, q in cells])


def min_admissible_p(a: float, ratio: float, gamma: float = float(st.CHAIN_GRAD_INF)) -> float:
    """The smallest p in (0, 1] with (2 gamma eps)^alpha E|xi/p - 1|^alpha <= sigma^alpha, ratio = eps/sigma (mpmath root)."""
    target = (1 / (2 * gamma * mp.mpf(ratio))) ** a  # E|xi/p - 1|^a must not exceed this; it decreases in p from +oo to 0
    f = lambda lp: mp.log(mp.e**lp * (mp.e**-lp - 1) ** a + 1 - mp.e**lp) - mp.log(target)  # noqa: E731
    return float(mp.e ** mp.findroot(f, (mp.log(mp.mpf(10) ** -300), mp.log(1 - mp.mpf(10) ** -12)), solver="anderson"))


@claim("001-thm6-instance", "App G, proof of Theorem 6",
       "f(x) = (L lam^2/152) F_T(x/lam) with lam = 2 l1 eps/L, T = floor(L Delta/(4 l1 Delta0 eps^2)) and p chosen for the "
       "moment is L-smooth, has f(0) - inf f <= Delta, ||grad f(x)|| > 2 eps while prog_1(x/lam) < T, and its oracle "
       "(L lam/l1) g(x/lam; xi) satisfies E||g - grad f||^alpha <= sigma^alpha.", mutant={"lam": st.CHAIN_L1 * eps / st.L})
def _instance(lam: sp.Expr = st.LBNC_LAMBDA):
    L, Delta, sigma = st.L, st.Delta, st.sigma
    u = sp.Symbol("u", real=True)
    c = L * lam**2 / st.CHAIN_L1  # f(u) = c F_T(u/lam); F_T = exp stands for any function in the chain rule
    hess_factor = sp.simplify(sp.diff(c * sp.exp(u / lam), u, 2) / sp.exp(u / lam))  # Hess f = (c/lam^2) Hess F_T
    grad_factor = sp.simplify(sp.diff(c * sp.exp(u / lam), u) / sp.exp(u / lam))  # grad f = (c/lam) grad F_T
    pts = sample_points({L: (0.1, 10), Delta: (0.1, 10), eps: (0.001, 0.1), sigma: (0.1, 10), alpha: (1.05, 2)}, n=4, seed=180)
    # p at a grid of alpha and eps/sigma: the moment equation (L lam/l1)^alpha 23^alpha E|xi/p - 1|^alpha = sigma^alpha holds
    cells = [(a, r) for a in (1.1, 1.5, 2.0) for r in (1e-2, 1e-4, 1e-6)]
    moment = sp.lambdify((alpha, p), multiplier_moment(), "mpmath")
    moments, ps = [], []
    for a, r in cells:
        q = min_admissible_p(a, r)
        ps.append(q)
        scale = (L * lam / st.CHAIN_L1 * st.CHAIN_GRAD_INF).subs({L: 1, eps: mp.mpf(r)})  # sigma = 1
        moments.append(float(mp.mpf(str(sp.N(scale, 30))) ** a * moment(a, mp.mpf(q))))
    return [equal("Lipschitz constant of grad f: (c/lam^2) l1", hess_factor * st.CHAIN_L1, L, points=pts),
            equal("(L lam^2/l1) Delta0 T with the statement's T before the floor", (L * lam**2 / st.CHAIN_L1) * st.CHAIN_DELTA0 * st.LBNC_T,
                  Delta, points=pts),
            equal("||grad f|| > (c/lam) * 1 while prog_1(x/lam) < T", grad_factor, 2 * eps, points=pts,
                  corrected="||grad f|| > {computed} only; the proof needs 2 eps (lam = 2 l1 eps/L)"),
            close("(E||g - grad f||^alpha)/sigma^alpha at the smallest admissible p", moments, 1.0,
                  at=[f"alpha={a}, eps/sigma={r}" for a, r in cells], context={"p": ps})]


P_ALPHA = sample_points({alpha: (1.05, 1.95)}, n=5, seed=181)


@functools.lru_cache(maxsize=None)
def query_slopes(a: float) -> tuple[list[float], list[float]]:
    """Local slopes d log Q / d log eps of the query count (T - log 2)/(2 p) with the exact p, at eps -> 0
    (L = Delta = sigma = 1), and p / p_asymptotic at the same eps."""
    es = [10.0**-j for j in (3, 5, 7, 9, 11)]
    Q = []
    ratio = []
    for e in es:
        q = min_admissible_p(a, e)
        T = math.floor(1 / (4 * 152 * 12 * e * e))
        Q.append((T - math.log(2)) / (2 * q))
        ratio.append(q / (2 * 23 * e) ** (a / (a - 1)))
    slopes = [math.log(Q[i + 1] / Q[i]) / math.log(es[i + 1] / es[i]) for i in range(len(es) - 1)]
    return slopes, ratio


@claim("001-thm6-queries", "App G, proof of Theorem 6",
       "With these choices a zero-respecting method needs (T - log 2)/(2p) = Omega(eps^(-(3alpha-2)/(alpha-1))) queries.",
       mutant={"exponent": sp.Integer(-4)})
def _queries(exponent: sp.Expr = st.LBNC_QUERY_EXPONENT):
    Q_asym = st.LBNC_T / (2 * st.LBNC_P_ASYMPTOTIC)
    out = [equal("exponent of eps in T/(2 p_asymptotic)", exponent_in(Q_asym, eps), exponent, points=P_ALPHA)]
    for a in (1.2, 1.5, 1.8):
        slopes, ratio = query_slopes(a)
        out.append(limit(f"local slope of log Q in log eps (exact p, alpha = {a}) as eps -> 0", slopes, exponent.subs(alpha, a),
                         at=["1e-3..1e-5", "1e-5..1e-7", "1e-7..1e-9", "1e-9..1e-11"]))
        out.append(limit(f"p / (46 eps/sigma)^(alpha/(alpha-1)) as eps -> 0 (alpha = {a})", ratio, 1,
                         at=["1e-3", "1e-5", "1e-7", "1e-9", "1e-11"]))
    return out


@functools.lru_cache(maxsize=None)
def lower_bound_powers() -> dict[str, sp.Expr]:
    """Powers of K, sigma and L Delta in eps(K)^2, eps(K) the accuracy at which K = T/(2 p_asymptotic) queries are needed."""
    Q = st.LBNC_T / (2 * st.LBNC_P_ASYMPTOTIC)
    a_eps = exponent_in(Q, eps)
    return {"K": sp.simplify(2 / a_eps), "sigma": sp.simplify(-2 * exponent_in(Q, st.sigma) / a_eps),
            "L Delta": sp.simplify(-2 * exponent_in(Q, st.Delta) / a_eps)}


@claim("001-thm6-rate", "Sec 3.2, Theorem 6; Table 1 (lower bound, non-convex)",
       "Any zero-respecting method has ||grad f||^2 >= Omega(k^(-2(alpha-1)/(3alpha-2))) after k queries on some L-smooth f "
       "with E||g - grad f||^alpha <= sigma^alpha.", mutant={"exponent": sp.Rational(-1, 2)})
def _thm6(exponent: sp.Expr = st.TABLE1_NC_LOWER_EXPONENT):
    return equal("exponent of k in eps(k)^2 (inverting the query count)", lower_bound_powers()["K"], exponent, points=P_ALPHA)


@claim("001-thm6-matches", "Sec 3.2, after Theorem 6",
       "The lower bound matches the upper bound of Theorem 2 up to constants (powers of K, sigma and L f0).",
       mutant={"upper_bound": st.sigma ** (2 * alpha / (3 * alpha - 2)) * (st.L * st.f0 / st.K) ** ((alpha - 1) / (3 * alpha - 2))})
def _matches(upper_bound: sp.Expr = st.THM2S_BOUND):
    low = lower_bound_powers()
    return [equal("power of K: lower bound vs Theorem 2", low["K"], exponent_in(upper_bound, st.K), points=P_ALPHA),
            equal("power of sigma: lower bound vs Theorem 2", low["sigma"], exponent_in(upper_bound, st.sigma), points=P_ALPHA),
            equal("power of L Delta (L f0): lower bound vs Theorem 2", low["L Delta"], exponent_in(upper_bound, st.f0), points=P_ALPHA)]
