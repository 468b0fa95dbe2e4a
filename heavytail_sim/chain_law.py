"""The progress law of zero-respecting methods on the probability-zero chain, and the chain instances of the
non-convex lower bound (seed 001 Thm 6, App G; Arjevani, Carmon, Duchi, Foster, Srebro and Woodworth 2019,
Lemma 1), as checks on the engine's chain metrics.

The law the proof uses. The chain's oracle draws one Bernoulli(p) variable per query, whatever the method
does, and only a draw of 1 can make the next coordinate non-zero (only the coordinate just past
prog_{1/4}(x) is multiplied by xi/p, and the zero-chain property keeps every later one at zero). Hence

* the number of reveals after k queries is Binomial(k, p) exactly (engine metric ``reveals``);
* a zero-respecting method's support prog_0(x_k) never exceeds its reveals (engine metric ``support``):
  at most one new coordinate per reveal;
* the first step at which prog_{1/4} reaches T (engine metric ``hit_step``) is at least the step of the
  T-th reveal, a negative binomial count of trials NB(T, p):
  P(hit_step <= k) <= P(NB(T, p) <= k) = P(Binomial(k, p) >= T) for every k,
  with equality for a method that advances on every reveal.

:func:`hitting_dominance` checks the last line on the empirical distribution of simulated hitting times
with a one-sided Dvoretzky-Kiefer-Wolfowitz band (so it flags a method that advances two coordinates per
reveal), :func:`support_violations` the second, :func:`reveals_gof` the first.

The instances. :func:`chain_family` builds the hard instances of seed 001 Thm 6 for a grid of accuracies
eps with :func:`heavytail_sim.theory.nonconvex_lower_bound_instance` (lam = 2 * 152 eps / L,
T = floor(L Delta / (4 * 152 * 12 eps^2)), p the smallest admissible for E||g - grad f||^alpha <= sigma^alpha),
choosing eps so that T is an integer on a grid (no rounding in floor) and the noise level sigma so that
the shortest chain has a given p. :func:`instance_G` gives a constant G of Assumption 1 (seed 000,
E||g||^alpha <= G^alpha) on such an instance, so that seed 000 Thm 2 can be evaluated on it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import UsageError


# ------------------------------------------------------------------ the progress law
def binomial_tail(k, p: float, T: int) -> np.ndarray:
    """P(Binomial(k, p) >= T) = P(NB(T, p) <= k): the most a zero-respecting method can have reached T by step k.

    Parameters
    ----------
    k : array_like of int
        Steps (queries), >= 0.
    p : float
        Probability that a query reveals the next coordinate, in (0, 1].
    T : int
        Chain length (>= 1).

    Returns
    -------
    numpy.ndarray
        Shape of ``k``.
    """
    from scipy.stats import binom

    return np.asarray(binom.sf(int(T) - 1, np.asarray(k, dtype=np.int64), float(p)), float)


def support_violations(support, reveals) -> int:
    """Number of entries (checkpoint, run) where the support prog_0(x_k) exceeds the reveals after k queries.

    Zero for every zero-respecting method (module docstring); diverged runs (``inf``) are not counted.

    Parameters
    ----------
    support, reveals : array_like
        Engine metrics ``support`` and ``reveals``, same shape (e.g. ``Result.raw[...]``, (C, R)).

    Returns
    -------
    int
    """
    s, r = np.asarray(support, float), np.asarray(reveals, float)
    if s.shape != r.shape:
        raise UsageError(f"support and reveals must have the same shape, got {s.shape} and {r.shape}")
    ok = np.isfinite(s) & np.isfinite(r)
    return int(np.sum(s[ok] > r[ok]))


def tth_reveal_steps(ks, reveals, T: int) -> np.ndarray:
    """Per run, the first step in ``ks`` at which the reveals reach T (``inf`` if never): with ``ks`` every step,
    the step of the run's own T-th reveal, below which no zero-respecting method can have progress T.

    Parameters
    ----------
    ks : array_like of int, shape (C,)
        Checkpoints (every step 1..H for the exact per-run check).
    reveals : array_like, shape (C, R)
        Engine metric ``reveals`` at those checkpoints.
    T : int
        Chain length.

    Returns
    -------
    numpy.ndarray
        Shape (R,).
    """
    r = np.asarray(reveals, float)
    ks = np.asarray(ks, float)
    reached = r >= T
    return np.where(reached.any(axis=0), ks[np.argmax(reached, axis=0)], np.inf)


@dataclass(frozen=True)
class GoodnessOfFit:
    """Pearson chi-square test of counts against a law: statistic, degrees of freedom, p-value, bins used."""

    statistic: float
    dof: int
    pvalue: float
    bins: int


def reveals_gof(counts, k: int, p: float, min_expected: float = 5.0) -> GoodnessOfFit:
    """Chi-square goodness of fit of reveal counts after k queries to Binomial(k, p).

    Adjacent values are pooled from both tails inwards until every bin expects at least ``min_expected``
    runs (the usual validity condition of Pearson's test).

    Parameters
    ----------
    counts : array_like of int
        One count per run (engine metric ``reveals`` at step k).
    k : int
        Queries made.
    p : float
        The oracle's p.
    min_expected : float
        Smallest expected count of a bin.

    Returns
    -------
    GoodnessOfFit
        A p-value below the test's level rejects the Binomial law.
    """
    from scipy.stats import binom, chi2

    c = np.asarray(counts, float)
    n = c.size
    if n < 2 or not np.all(np.isfinite(c)):
        raise UsageError("reveals_gof needs at least two finite counts")
    if np.any(c < 0) or np.any(c > k) or np.any(c != np.round(c)):
        raise UsageError(f"reveal counts must be integers in [0, k={k}]")
    expected = n * binom.pmf(np.arange(0, int(k) + 1), int(k), float(p))
    observed = np.bincount(c.astype(np.int64), minlength=int(k) + 1)[: int(k) + 1].astype(float)
    # pool adjacent values (left to right) until each bin expects min_expected runs; the remainder joins the last bin
    bins: list[list[int]] = []
    cur: list[int] = []
    acc = 0.0
    for i in range(int(k) + 1):
        cur.append(i)
        acc += expected[i]
        if acc >= min_expected:
            bins.append(cur)
            cur, acc = [], 0.0
    if cur:
        if bins:
            bins[-1].extend(cur)
        else:
            bins.append(cur)
    obs = np.array([observed[b].sum() for b in bins])
    exp = np.array([expected[b].sum() for b in bins])
    if len(bins) < 2:
        return GoodnessOfFit(0.0, 0, 1.0, len(bins))
    stat = float(np.sum((obs - exp) ** 2 / exp))
    dof = len(bins) - 1
    return GoodnessOfFit(stat, dof, float(chi2.sf(stat, dof)), len(bins))


@dataclass(frozen=True)
class HittingCheck:
    """Empirical hitting-time distribution against NB(T, p) (see :func:`hitting_dominance`).

    Attributes
    ----------
    excess : float
        max_k [F_n(k) - F_NB(k)]: how far the simulated runs reached T earlier than the law allows.
    band : float
        One-sided DKW band at the check's level: an excess above it rejects P(hit <= k) <= F_NB(k).
    dominated : bool
        ``excess <= band``: the hitting times are consistent with the proof's law.
    distance : float
        max_k |F_n(k) - F_NB(k)| (Kolmogorov distance over the checkpoints).
    band_two_sided : float
        Two-sided DKW band: ``distance <= band_two_sided`` means the method is consistent with advancing on
        every reveal (hitting time exactly NB(T, p)).
    runs : int
    """

    excess: float
    band: float
    dominated: bool
    distance: float
    band_two_sided: float
    runs: int

    @property
    def matches(self) -> bool:
        return self.distance <= self.band_two_sided


def dkw_band(n: int, level: float, two_sided: bool = False) -> float:
    """Half-width of the Dvoretzky-Kiefer-Wolfowitz-Massart band of an empirical CDF of n draws.

    P(sup_t (F_n(t) - F(t)) > e) <= exp(-2 n e^2) (one-sided), 2 exp(-2 n e^2) (two-sided), so the band
    at ``level`` is sqrt(log(1/(1 - level)) / (2n)), resp. sqrt(log(2/(1 - level)) / (2n)).

    Parameters
    ----------
    n : int
        Number of draws (>= 1).
    level : float
        Confidence level in (0, 1).
    two_sided : bool
        Band for |F_n - F| instead of F_n - F.

    Returns
    -------
    float
        The half-width e.
    """
    if n < 1 or not 0 < level < 1:
        raise UsageError(f"dkw_band needs n >= 1 and a level in (0, 1), got n={n}, level={level}")
    return math.sqrt(math.log((2.0 if two_sided else 1.0) / (1.0 - level)) / (2.0 * n))


def empirical_cdf(values, ks) -> np.ndarray:
    """F_n(k) = fraction of ``values`` <= k, for each k in ``ks`` (``inf`` counts as never).

    Parameters
    ----------
    values : array_like, shape (n,)
        Draws (e.g. hitting steps, ``inf`` when never).
    ks : array_like, shape (C,)
        Where to evaluate.

    Returns
    -------
    numpy.ndarray
        Shape (C,), values in [0, 1].
    """
    v = np.sort(np.asarray(values, float))
    return np.searchsorted(v, np.asarray(ks, float), side="right") / v.size


def hitting_dominance(hit_steps, ks, T: int, p: float, level: float = 0.99) -> HittingCheck:
    """Check P(hit_step <= k) <= P(Binomial(k, p) >= T) at the steps ``ks`` on simulated hitting times.

    The empirical CDF of ``hit_steps`` (one per run, ``inf`` when T was not reached) is compared with the
    negative binomial CDF at every k in ``ks`` at once; with the one-sided DKW band the check is wrong with
    probability at most 1 - ``level`` when the law holds.

    Parameters
    ----------
    hit_steps : array_like
        Engine metric ``hit_step`` at the last checkpoint, one value per run.
    ks : array_like of int
        Steps at which the CDFs are compared (all <= the simulated horizon).
    T, p : int, float
        Chain length and the oracle's p.
    level : float
        Confidence level of the bands.

    Returns
    -------
    HittingCheck
    """
    h = np.asarray(hit_steps, float)
    ks = np.asarray(ks, dtype=np.int64)
    emp = empirical_cdf(h, ks)
    law = binomial_tail(ks, p, T)
    diff = emp - law
    n = h.size
    band = dkw_band(n, level)
    return HittingCheck(float(np.max(diff)), band, bool(np.max(diff) <= band), float(np.max(np.abs(diff))),
                        dkw_band(n, level, two_sided=True), n)


# ------------------------------------------------------------------ the instances of seed 001 Thm 6
@dataclass(frozen=True)
class ChainInstance:
    """One hard instance: f(x) = (L lam^2/152) F_T(x/lam) with the probability-p oracle.

    Attributes
    ----------
    alpha, eps, L, Delta, sigma : float
        Moment order, target accuracy, smoothness constant, initial-gap bound, central-moment constant.
    T : int
        Chain length (dimension).
    lam, p : float
        Spatial scale and the oracle's p.
    queries : float
        (T - log 2) / (2p): below it, prog < T at every iterate with probability >= 1/2.
    """

    alpha: float
    eps: float
    L: float
    Delta: float
    sigma: float
    T: int
    lam: float
    p: float
    queries: float

    @property
    def budget(self) -> int:
        """The query budget K = floor(queries) (at least 1) the instance is simulated for."""
        return max(1, int(math.floor(self.queries)))

    @property
    def grad_scale(self) -> float:
        """L lam / 152: grad f(x) = (L lam/152) grad F_T(x/lam), so ||grad f|| > that while prog_1 < T."""
        from proofs_check import statements as st

        return self.L * self.lam / float(st.CHAIN_L1)

    def lower_bound_sq(self) -> float:
        """Thm 6 in squared form: E min_k ||grad f(x_k)||^2 >= (1/2) (grad_scale)^2 = 2 eps^2 at the budget.

        With probability >= 1/2 no iterate up to the budget has prog < T violated ([2, Lemma 1]), and then
        every ||grad f(x_k)|| exceeds the grad scale L lam/152 (= 2 eps with lam = 2 * 152 eps/L).
        """
        return 0.5 * self.grad_scale ** 2

    def problem(self):
        """The chain problem ``heavytail_sim.chain(T, L, lam)`` (starting at 0)."""
        from .problems import chain

        return chain(self.T, self.L, self.lam)

    def oracle(self):
        """The probability-p zero-chain oracle."""
        from .oracles import ProbabilityZeroOracle

        return ProbabilityZeroOracle(self.p)


def _t_constant() -> float:
    """c with T = floor(c L Delta / eps^2): 1/(4 * 152 * 12) (``LBNC_T`` of :mod:`proofs_check.statements`)."""
    from proofs_check import statements as st

    return float(st.LBNC_T.subs({st.L: 1, st.Delta: 1, st.eps: 1}))


def eps_for_length(T: int, L: float, Delta: float) -> float:
    """The accuracy eps whose chain has exactly length T (the largest such eps, less a relative 1e-12 so that
    floor(L Delta / (7296 eps^2)) is T, not T - 1 by rounding).

    Parameters
    ----------
    T : int
        Chain length (>= 1).
    L, Delta : float
        Smoothness constant and initial-gap bound.

    Returns
    -------
    float
        eps.
    """
    return math.sqrt(_t_constant() * L * Delta / T) * (1.0 - 1e-12)


def instance_for_length(alpha: float, T: int, L: float, Delta: float, sigma: float) -> ChainInstance:
    """The hard instance of seed 001 Thm 6 whose chain has length ``T`` (see :func:`eps_for_length`).

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2].
    T : int
        Chain length.
    L, Delta, sigma : float
        Smoothness constant, initial-gap bound and central-moment constant.

    Returns
    -------
    ChainInstance
    """
    from .theory import nonconvex_lower_bound_instance

    eps = eps_for_length(T, L, Delta)
    inst = nonconvex_lower_bound_instance(float(alpha), eps, float(L), float(Delta), float(sigma))
    if inst.T != T:  # pragma: no cover - guards the formula for T against a change of its constants
        raise RuntimeError(f"chain length {inst.T} != {T}: eps_for_length disagrees with the instance builder")
    return ChainInstance(float(alpha), eps, float(L), float(Delta), float(sigma), int(inst.T), float(inst.lam),
                         float(inst.p), float(inst.queries))


def sigma_for_p(alpha: float, T: int, p: float, L: float = 1.0, Delta: float = 1.0) -> float:
    """The sigma for which the instance of length T has the oracle probability p (by bisection in log sigma).

    p decreases as sigma grows (a noisier oracle admits a rarer reveal), continuously.

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2].
    T : int
        Chain length.
    p : float
        The wanted p, in (0, 1).
    L, Delta : float
        Smoothness constant and initial-gap bound.

    Returns
    -------
    float
        sigma.
    """
    from scipy.optimize import brentq

    if not 0 < p < 1:
        raise UsageError(f"p must lie in (0, 1), got {p}")

    def gap(log_sigma):
        return math.log(instance_for_length(alpha, T, L, Delta, math.exp(log_sigma)).p) - math.log(p)

    lo, hi = -10.0, 10.0
    if gap(lo) * gap(hi) > 0:  # pragma: no cover - p out of reach for any sigma in [e^-10, e^10]
        raise UsageError(f"no sigma in [e^-10, e^10] gives p = {p} at T = {T}")
    return math.exp(brentq(gap, lo, hi, xtol=1e-12))


def chain_family(alpha: float, T_min: int, p_max: float, decades: float, n: int, L: float = 1.0,
                 Delta: float = 1.0) -> list[ChainInstance]:
    """Hard instances of one alpha whose budgets span ``decades`` decades from the shortest chain's.

    sigma is fixed so that the chain of length ``T_min`` has p = ``p_max`` (:func:`sigma_for_p`); L and Delta
    are fixed; eps decreases along the family (so T grows, p falls and the budget grows). The lengths are
    ``n`` integers, geometric from ``T_min`` to the smallest T whose budget is at least 10^decades times the
    first one's (repeated lengths merged).

    Parameters
    ----------
    alpha : float
        Moment order in (1, 2].
    T_min : int
        Length of the shortest chain (>= 2).
    p_max : float
        Its p (the largest of the family), in (0, 1).
    decades : float
        Span of the budgets, in decades.
    n : int
        Number of lengths (>= 2).
    L, Delta : float
        Smoothness constant and initial-gap bound.

    Returns
    -------
    list of ChainInstance
        Ordered by growing budget.
    """
    if not (isinstance(T_min, (int, np.integer)) and T_min >= 2):
        raise UsageError(f"T_min must be an integer >= 2, got {T_min}")
    if not (n >= 2 and decades > 0):
        raise UsageError(f"need n >= 2 instances over decades > 0, got n={n}, decades={decades}")
    sigma = sigma_for_p(alpha, int(T_min), p_max, L, Delta)
    first = instance_for_length(alpha, int(T_min), L, Delta, sigma)
    target = first.queries * 10.0 ** decades
    T_max = int(T_min)
    while instance_for_length(alpha, T_max, L, Delta, sigma).queries < target:
        T_max = max(T_max + 1, int(math.ceil(T_max * 1.05)))
    lengths = np.unique(np.round(np.geomspace(T_min, T_max, n)).astype(np.int64))
    return [instance_for_length(alpha, int(t), L, Delta, sigma) for t in lengths]


def instance_exponent(instances) -> float:
    """Least-squares slope of log(lower bound) on log(budget) over a family: what its error can decay like.

    As p -> 0 this tends to Table 1's -2(alpha-1)/(3alpha-2); at finite p the oracle's moment
    p (1/p - 1)^alpha + 1 - p is not yet p^(1-alpha) and the slope differs (for alpha near 1, by
    p^(alpha-1), which is not small at any feasible p).

    Parameters
    ----------
    instances : sequence of ChainInstance
        At least two, with different budgets.

    Returns
    -------
    float
        The exponent (negative).
    """
    k = np.array([i.budget for i in instances], float)
    lb = np.array([i.lower_bound_sq() for i in instances])
    return float(np.polyfit(np.log(k), np.log(lb), 1)[0])


def instance_G(inst: ChainInstance, alpha: float | None = None) -> float:
    """A constant G of Assumption 1 (seed 000: E||g(x)||^alpha <= G^alpha for every x) on a chain instance.

    At a point with prog_{1/4}(x) = j - 1 the oracle returns grad f with coordinate j multiplied by xi/p, so
    ||g||^2 = A + b^2 xi^2 / p^2 with A = sum_{i != j} (d_i f)^2 and b = d_j f. Since (u + v)^(alpha/2)
    <= u^(alpha/2) + v^(alpha/2) for alpha <= 2,

        E||g||^alpha <= A^(alpha/2) + |b|^alpha p^(1 - alpha)
                     <= (s 23 sqrt(T))^alpha + (s 23)^alpha p^(1 - alpha),   s = L lam / 152,

    using |d_i F_T| <= 23 (Arjevani et al. 2019, Lemma 2; seed 001 Lemma 17) for every coordinate. The first
    term (||grad f|| <= s 23 sqrt(T)) is loose; the bound is valid, and so is seed 000 Thm 2 with it.

    Parameters
    ----------
    inst : ChainInstance
    alpha : float, optional
        Moment order (default the instance's).

    Returns
    -------
    float
        G.
    """
    from proofs_check import statements as st

    a = inst.alpha if alpha is None else float(alpha)
    g_inf = inst.grad_scale * float(st.CHAIN_GRAD_INF)
    return float((g_inf * math.sqrt(inst.T)) ** a + g_inf ** a * inst.p ** (1.0 - a)) ** (1.0 / a)
