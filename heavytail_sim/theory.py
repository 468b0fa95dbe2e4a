"""Table 1 of seed 000 as functions of the tail index, the theorem bounds, and the constant G of
Assumption 1 for projected GClip on a ball.

The exponents and bounds are evaluated from the sympy statements in :mod:`proofs_check.statements`,
the expressions that ``heavytail-sim check`` decides, so there is one source for each.

Exponents are those of the error after k iterations (strongly convex: E f(x_bar_k) - f*; non-convex:
(1/K) sum_k E ||grad f(x_{k-1})||^2), as negative numbers: error ~ k^exponent.
"""
from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from .errors import UsageError


def _alpha_ok(alpha: float) -> None:
    if not alpha > 1:
        raise UsageError(f"the rates need a moment order alpha > 1, got {alpha}")


@functools.lru_cache(maxsize=None)
def _numeric(name: str, args: tuple[str, ...]):
    """``proofs_check.statements.<name>`` as a numpy function of the named symbols (lambdified once).

    The seed statements live there as sympy expressions, decided by the claims of ``heavytail-sim
    check``; the floats used by the rate studies are evaluated from the same expressions.
    """
    import sympy as sp

    from proofs_check import statements

    expr = getattr(statements, name)
    return sp.lambdify([getattr(statements, a) for a in args], expr, "numpy")


def _exponent(name: str, alpha: float) -> float:
    """Exponent ``name`` of :mod:`proofs_check.statements` at alpha; for alpha >= 2 its value at alpha = 2
    (the alpha >= 2 column of Table 1)."""
    return float(_numeric(name, ("alpha",))(min(float(alpha), 2.0)))


def _bound(name: str, args: tuple[str, ...], k, *params) -> np.ndarray:
    """Bound ``name`` of :mod:`proofs_check.statements` at the iteration counts or horizons ``k`` (the first of
    ``args``) and ``params`` (the rest), with the shape of ``k`` even where it does not depend on ``k``."""
    k = np.asarray(k, float)
    return np.asarray(_numeric(name, args)(k, *params), float) * np.ones_like(k)


def strongly_convex_exponent(alpha: float) -> float:
    """GClip/CClip (and the lower bound), strongly convex: -2(alpha-1)/alpha for alpha < 2, -1 for alpha >= 2.

    Seed 000, Table 1 (``TABLE1_SC_EXPONENT``); the alpha >= 2 column is its value at alpha = 2
    (claim 000-table1-standard checks that the two columns meet there).

    Parameters
    ----------
    alpha : float
        Moment order of the noise (> 1).

    Returns
    -------
    float
        The exponent of E f(x_bar_k) - f* in k (negative).
    """
    _alpha_ok(alpha)
    return _exponent("TABLE1_SC_EXPONENT", alpha)


def nonconvex_exponent(alpha: float) -> float:
    """GClip/CClip, non-convex, in the horizon K: -2(alpha-1)/(3alpha-2) for alpha < 2, -1/2 for alpha >= 2.

    Seed 000, Table 1 (``TABLE1_NC_EXPONENT``), alpha >= 2 column as its value at alpha = 2.

    Parameters
    ----------
    alpha : float
        Moment order of the noise (> 1).

    Returns
    -------
    float
        The exponent of (1/K) sum_k E||grad f(x_{k-1})||^2 in K (negative).
    """
    _alpha_ok(alpha)
    return _exponent("TABLE1_NC_EXPONENT", alpha)


def sgd_median_exponent(a: float) -> float:
    """Exponent of the median of f(x_bar_k) - f* for SGD, eta_k = 4/(mu(k+1)), on a quadratic with
    symmetric noise of tail index a < 2 (not in Table 1; derived here).

    x_bar_k is a linear combination of the k noises with weights of order 1/k, so by the generalised
    central limit theorem (exactly, for alpha-stable noise) its scale is (k * k^-a)^(1/a) = k^(1/a - 1),
    and f = x^2/2 scales as k^(2/a - 2) = k^(-2(a-1)/a): the same exponent as clipping, for the median
    (``SGD_MEDIAN_EXPONENT`` in :mod:`proofs_check.statements`).
    """
    _alpha_ok(a)
    return _exponent("SGD_MEDIAN_EXPONENT", a)


def sgd_sample_mean_growth(a: float) -> float:
    """Growth exponent in R of the sample mean over R runs of f(x_k) - f* for SGD with symmetric
    alpha-stable noise of index a < 2 on f = mu x^2/2 (seed 000, App A: E f(x_k) = infinity).

    x_k is alpha-stable (a linear image of the noises), so P(f(x_k) > t) ~ C t^(-a/2): tail index
    a/2 < 1. The sum of R i.i.d. draws with tail index beta < 1 grows like R^(1/beta), so the sample
    mean grows like R^(1/beta - 1) = R^(2/a - 1) (``SGD_SAMPLE_MEAN_GROWTH``).
    """
    if not 0 < a < 2:
        raise UsageError(f"the growth law needs a tail index in (0, 2), got {a}")
    return float(_numeric("SGD_SAMPLE_MEAN_GROWTH", ("alpha",))(float(a)))


def theorem1_bound(k, p: float, G: float, mu: float) -> np.ndarray:
    """Seed 000 Thm 1 (projected version: seed 001 App A): 16 G^2 / (mu (k+1)^(2(p-1)/p)).

    Parameters
    ----------
    k : array_like
        Iteration counts k >= 1.
    p : float
        Moment order alpha of Assumption 1.
    G, mu : float
        The constant of Assumption 1 and the strong-convexity constant.

    Returns
    -------
    numpy.ndarray
        The bound on E f(x_bar_k) - f*, shape of ``k`` (``THM1_BOUND`` in :mod:`proofs_check.statements`).
    """
    _alpha_ok(p)
    return _bound("THM1_BOUND", ("k", "alpha", "G", "mu"), k, float(p), float(G), float(mu))


def theorem2_bound(K, alpha: float, G: float, L: float, f0: float) -> np.ndarray:
    """Seed 000 Thm 2: 4 G^(2a/(3a-2)) (L f0 / K)^((2a-2)/(3a-2)) (``THM2_BOUND``), shape of ``K``."""
    _alpha_ok(alpha)
    return _bound("THM2_BOUND", ("K", "alpha", "G", "L", "f0"), K, float(alpha), float(G), float(L), float(f0))


def _density(kind: str, index: float, scale: float):
    """Density of one symmetric noise coordinate (scale > 0)."""
    if kind == "pareto":
        # symmetric Lomax: P(|X| > t) = (1 + t/s)^-a, so the density is a/(2s) (1 + |x|/s)^(-a-1)
        return lambda x: 0.5 * index / scale * (1.0 + abs(x) / scale) ** (-index - 1.0)
    if kind == "stable":
        from scipy.stats import levy_stable

        dist = levy_stable(index, 0.0, scale=scale)
        return lambda x: float(dist.pdf(x))
    if kind == "gaussian":
        return lambda x: math.exp(-0.5 * (x / scale) ** 2) / (scale * math.sqrt(2 * math.pi))
    raise UsageError(f"no density for noise '{kind}' (pareto, stable or gaussian)")


def shifted_abs_moment(c: float, kind: str, index: float, scale: float, p: float) -> tuple[float, float]:
    """E|c + X|^p for one symmetric noise coordinate X, by adaptive quadrature of the density.

    Returns ``(value, abserr)``, abserr the quadrature's error estimate. The integrand decays like
    |x|^(p - a - 1) for a tail index a, so the value is finite only for p < a; ``inf`` otherwise.
    """
    from scipy.integrate import quad

    tail = {"pareto": index, "stable": index if index < 2 else math.inf, "gaussian": math.inf}.get(kind)
    if tail is None:
        raise UsageError(f"no density for noise '{kind}' (pareto, stable or gaussian)")
    if p >= tail:
        return math.inf, 0.0
    f = _density(kind, index, scale)
    g = lambda x: abs(c + x) ** p * f(x)  # noqa: E731
    # split at the kink of |c + x|^p and at the density's peak so quad sees smooth pieces
    lo, hi = sorted((-abs(c), 0.0))
    total, err = 0.0, 0.0
    for a_, b_ in ((-math.inf, lo), (lo, hi), (hi, math.inf)):
        if a_ == b_:
            continue
        v, e = quad(g, a_, b_, limit=400, epsabs=0.0, epsrel=1e-9)
        total += v
        err += e
    return total, err


def ball_G(h: float, radius: float, kind: str, index: float, scale: float, p: float
           ) -> tuple[float, float]:
    """Assumption 1's G for f = h x^2/2 on the interval (1-D ball) |x| <= radius with additive noise:
    G = sup_{|x| <= radius} (E |h x + X|^p)^(1/p), and its quadrature error (propagated).

    phi(c) = E|c + X|^p is convex (p >= 1) and even (X symmetric), hence increasing in |c|, so the sup is
    attained at |x| = radius: G = phi(h radius)^(1/p).
    """
    if not p >= 1:
        raise UsageError(f"G needs p >= 1, got {p}")
    if not (h > 0 and radius > 0):
        raise UsageError("h and radius must be positive")
    val, err = shifted_abs_moment(h * radius, kind, index, scale, p)
    G = val ** (1.0 / p)
    # d(v^(1/p)) = v^(1/p - 1) dv / p
    return G, (val ** (1.0 / p - 1.0) * err / p if math.isfinite(val) else 0.0)


def ball_G_monte_carlo(h: float, radius: float, kind: str, index: float, scale: float, p: float,
                       n: int = 200_000, seed: int = 0) -> tuple[float, float]:
    """Monte Carlo cross-check of :func:`ball_G` with the engine's samplers: (G, standard error).

    The standard error uses the delta method and is valid only when E|X|^(2p) is finite (2p < tail index).
    """
    from .noise import sample

    x = sample(kind, index, scale, n, seed)
    v = np.abs(h * radius + x) ** p
    m, se = float(v.mean()), float(v.std(ddof=1) / math.sqrt(n))
    return m ** (1.0 / p), m ** (1.0 / p - 1.0) * se / p


_STABLE_SWITCH = 200.0  # beyond this, scipy's levy_stable.sf underflows; its power tail is within 0.1% there


def _stable_tail_constant(a: float) -> float:
    """C with P(X > t) ~ C t^-a for the symmetric stable law exp(-|t|^a) (Samorodnitsky and Taqqu, 1.2.15)."""
    return math.gamma(a) * math.sin(math.pi * a / 2.0) / math.pi


@functools.lru_cache(maxsize=32)
def _stable_clipped_table(a: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid t in [0, 200] and int_0^t 4 s P(X > s) ds for the standard symmetric stable law (cached)."""
    from scipy.integrate import cumulative_trapezoid
    from scipy.stats import levy_stable

    grid = np.concatenate([np.linspace(0.0, 1.0, 400, endpoint=False), np.geomspace(1.0, _STABLE_SWITCH, 1200)])
    integrand = 4.0 * grid * levy_stable.sf(grid, a, 0.0)
    return grid, np.concatenate([[0.0], cumulative_trapezoid(integrand, grid)])


def clipped_second_moment(kind: str, index: float, scale: float, tau) -> np.ndarray:
    """V(tau) = E min(X^2, tau^2) for one symmetric noise coordinate, vectorised over tau.

    V(tau) = int_0^tau 2 t P(|X| > t) dt. For tail index a < 2, V grows like tau^(2-a): the clipped
    variance term that sets the rate of Thm 1 (seed 000, Lemma 2: E||g_hat||^2 <= G^a tau^(2-a)).
    Pareto and Gaussian are closed forms; alpha-stable integrates scipy's survival function up to
    t = 200 (in units of scale) and its power tail C t^-a beyond.
    """
    tau = np.asarray(tau, float) / scale
    if kind == "pareto":
        a = index
        u = 1.0 + tau
        # int_1^u 2 (v - 1) v^-a dv with v = 1 + t
        if a == 1.0 or a == 2.0:
            raise UsageError("closed form needs a != 1, 2")
        F = lambda v: 2.0 * (v ** (2 - a) / (2 - a) - v ** (1 - a) / (1 - a))  # noqa: E731
        out = F(u) - F(1.0)
    elif kind == "gaussian":
        from scipy.stats import norm

        out = norm.cdf(tau) - norm.cdf(-tau) - 2 * tau * norm.pdf(tau) + tau ** 2 * 2 * norm.sf(tau)
    elif kind == "stable":
        a = index
        grid, cum = _stable_clipped_table(float(a))
        C = _stable_tail_constant(a)
        below = np.interp(np.minimum(tau, _STABLE_SWITCH), grid, cum)
        above = 4.0 * C * (np.maximum(tau, _STABLE_SWITCH) ** (2 - a) - _STABLE_SWITCH ** (2 - a)) / (2 - a)
        out = below + above
    else:
        raise UsageError(f"no clipped moment for noise '{kind}' (pareto, stable or gaussian)")
    return scale * scale * out


def transient_exponent(kind: str, index: float, scale: float, tau0: float, tau_power: float,
                       k_lo: float, k_hi: float, n: int = 16) -> float:
    """Exponent a log-log fit over [k_lo, k_hi] would find if the error were V(tau_k) / k.

    A model of the pre-asymptotic transient of clipped SGD on a strongly convex quadratic with
    thresholds tau_k = tau0 k^tau_power: the variance term sum_j eta_j^2 E min(xi^2, tau_j^2) with
    eta_j ~ 1/j gives error ~ V(tau_k)/k, whose local exponent tends to Table 1's -2(a-1)/a only as
    tau_k -> inf, slowly when a is near 2 (the bounded part of V is not negligible against tau^(2-a)).
    Used to choose the threshold constant c and to explain residual bias; not a theorem.
    """
    ks = np.geomspace(k_lo, k_hi, n)
    e = clipped_second_moment(kind, index, scale, tau0 * ks ** tau_power) / ks
    return float(np.polyfit(np.log(ks), np.log(e), 1)[0])


# ---- seed 001 (NeurIPS version): Theorem 2 under the central moment, Theorem 4, the non-convex lower bound ----

def theorem2_sigma_bound(K, alpha: float, sigma: float, L: float, f0: float, reading: str = "intended") -> np.ndarray:
    """Seed 001 Thm 2 (reconstructed): the bound on (1/K) sum_k E min{||grad f(x_k)||, ||grad f(x_k)||^2}.

    4 f0 L tau^alpha / (sigma^alpha K) + (2 4^alpha + 4) sigma^(2 alpha) tau^(2 - 2 alpha) (``THM2S_BOUND_OF_TAU``)
    at the threshold tau of :func:`heavytail_sim.schedules.theorem2_sigma` for each horizon K (so each K is its own
    run with its own constants). With ``reading="printed"`` it tends to a positive constant as K grows.

    Parameters
    ----------
    K : array_like
        Horizons K >= 1.
    alpha, sigma, L, f0 : float
        Moment order in (1, 2], the central-moment constant, the smoothness constant and f(x_0) - f*.
    reading : {"intended", "printed"}
        The fourth entry of the threshold (see :func:`heavytail_sim.schedules.theorem2_sigma`).

    Returns
    -------
    numpy.ndarray
        The bound, shape of ``K``.
    """
    from .schedules import theorem2_sigma, theorem2_sigma_tau

    K = np.asarray(K, float)
    theorem2_sigma(alpha, sigma, L, f0, float(np.min(K)) if K.size else 1.0, reading)  # validates the parameters once
    tau = theorem2_sigma_tau(alpha, sigma, L, f0, K, reading)
    return _bound("THM2S_BOUND_OF_TAU", ("K", "alpha", "sigma", "L", "f0", "tau"), K, float(alpha), float(sigma),
                  float(L), float(f0), tau)


def theorem4_bound(k, alpha: float, G: float, mu: float) -> np.ndarray:
    """Seed 001 Thm 4 (projected GClip, non-smooth strongly convex): 16 G^2 / (mu (k+1)^(2(alpha-1)/alpha)).

    Parameters
    ----------
    k : array_like
        Iteration counts k >= 1.
    alpha : float
        Moment order of Assumption 4 (E||g||^alpha <= G^alpha).
    G, mu : float
        The constant of Assumption 4 and the strong-convexity constant.

    Returns
    -------
    numpy.ndarray
        The bound on E f(x_bar_k) - f* (``THM4_BOUND``), shape of ``k``.
    """
    _alpha_ok(alpha)
    return _bound("THM4_BOUND", ("k", "alpha", "G", "mu"), k, float(alpha), float(G), float(mu))


class NonconvexLowerBound(NamedTuple):
    """The chain instance of seed 001, Theorem 6 (see :func:`nonconvex_lower_bound_instance`).

    Attributes
    ----------
    T : int
        Chain length (the dimension).
    lam : float
        Spatial scale of f(x) = (L lam^2/152) F_T(x/lam).
    p : float
        The probability-zero oracle's p.
    queries : float
        (T - log 2)/(2p): with at most this many queries a zero-respecting method has prog < T (so
        ||grad f|| > 2 eps at every iterate) with probability >= 1/2.
    """

    T: int
    lam: float
    p: float
    queries: float


def chain_multiplier_log_moment(p: float, alpha: float) -> float:
    """log E|xi/p - 1|^alpha for xi ~ Bernoulli(p) (``CHAIN_MULTIPLIER_MOMENT``), overflow-free for tiny p.

    p (1/p - 1)^alpha + 1 - p = (1 - p) (1 + p^(1-alpha) (1-p)^(alpha-1)).
    """
    return math.log1p(-p) + float(np.logaddexp(0.0, (1 - alpha) * math.log(p) + (alpha - 1) * math.log1p(-p)))


def nonconvex_lower_bound_instance(alpha: float, eps: float, L: float, Delta: float, sigma: float) -> NonconvexLowerBound:
    """The hard instance of seed 001, Theorem 6 (App G, after Arjevani et al. 2019, Theorem 1), for accuracy eps.

    lam = 2 152 eps / L (``LBNC_LAMBDA``), T = floor(L Delta / (4 152 12 eps^2)) (``LBNC_T``) and p the smallest
    p in (0, 1] with (2 eps 23)^alpha E|xi/p - 1|^alpha <= sigma^alpha (``LBNC_MOMENT_CONSTRAINT``, solved by
    bisection in log p). Then f(x) = (L lam^2/152) F_T(x/lam) (``heavytail_sim.chain(T, L, lam)``) is L-smooth with
    f(0) - inf f <= Delta, its probability-zero oracle (``ProbabilityZeroOracle(p)``) satisfies E||g - grad f||^alpha
    <= sigma^alpha, and ``queries`` = (T - log 2)/(2p) = Theta(eps^(-(3alpha-2)/(alpha-1))) (``LBNC_QUERIES``).

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2].
    eps : float
        Target accuracy: ||grad f|| > 2 eps until the chain is crossed; at most sqrt(L Delta / 7296) (T >= 1).
    L, Delta, sigma : float
        Smoothness constant, initial gap and central-moment constant, all > 0.

    Returns
    -------
    NonconvexLowerBound
        ``(T, lam, p, queries)``.
    """
    from scipy.optimize import brentq

    if not (isinstance(alpha, (int, float)) and 1 < alpha <= 2):
        raise UsageError(f"alpha must lie in (1, 2], got {alpha}")
    for name, v in (("eps", eps), ("L", L), ("Delta", Delta), ("sigma", sigma)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise UsageError(f"{name} must be positive and finite, got {v}")
    T = math.floor(float(_numeric("LBNC_T", ("L", "Delta", "eps"))(L, Delta, eps)))
    if T < 1:
        raise UsageError(f"eps must be at most sqrt(L Delta / 7296) = {math.sqrt(L * Delta / 7296):.4g} (chain length >= 1), got {eps}")
    lam = float(_numeric("LBNC_LAMBDA", ("eps", "L"))(eps, L))
    from proofs_check import statements as st

    scale = float(L * lam / st.CHAIN_L1 * st.CHAIN_GRAD_INF)  # (L lam/l1) gamma_inf = 46 eps
    target = alpha * (math.log(sigma) - math.log(scale))  # log of the largest admissible E|xi/p - 1|^alpha
    g = lambda lp: chain_multiplier_log_moment(math.exp(lp), alpha) - target  # noqa: E731  decreasing in log p
    hi = math.log1p(-1e-15)
    if g(hi) > 0:
        p = 1.0  # only (nearly) noiseless queries are admissible: p = 1, no noise
    else:
        lo = -1.0
        while g(lo) < 0:
            lo *= 2.0
        p = math.exp(brentq(g, lo, hi, xtol=1e-14, rtol=1e-14))
    queries = float(_numeric("LBNC_QUERIES", ("T_chain", "p"))(T, p))
    return NonconvexLowerBound(T, lam, p, queries)
