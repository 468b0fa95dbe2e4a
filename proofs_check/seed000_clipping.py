"""Seed 000: the clipped estimator (Lemma 2, Lemma 5), Assumption 1 with infinite variance (Sec 2.1),
Adam as clipping (Sec 3.1) and ACClip's moment estimate (Sec 3).

Lemma 2 is decided against the *worst case over all noise laws* allowed by Assumption 1: with
s = ||g||^alpha, the largest E phi(s) over laws with E s <= G^alpha is the concave envelope of phi at
G^alpha (one moment constraint: two-point laws suffice), computed here on a grid.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np
import sympy as sp

from . import statements as st
from .registry import Readings, equal, ge, gt, le, lt, within
from .registry import claim as _claim
from .symbolic import generic_branch, sample_points

SEED = "000"
alpha, G, tau = st.alpha, st.G, st.tau


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 000 claim."""
    return _claim(id, SEED, location, statement, **kw)


def worst_case(phi, target: float, top: float, n: int = 1500) -> float:
    """sup E phi(S) over laws of S >= 0 with E S = target: the concave envelope of phi at target,
    maximised over two-point laws {s1 <= target <= s2} on a grid (phi nondecreasing, so E S <= target
    gives the same supremum)."""
    lo = np.linspace(0.0, target, n // 3)
    hi = np.unique(np.concatenate([np.linspace(target, 3 * target + 1, n // 3), np.geomspace(max(target, 1e-9), top, n)]))
    f1, f2 = phi(lo)[:, None], phi(hi)[None, :]
    s1, s2 = lo[:, None], hi[None, :]
    gap = s2 - s1
    w = np.divide(target - s1, gap, out=np.ones_like(gap * s1), where=gap > 0)
    return float(max(np.max(f1 + w * (f2 - f1)), phi(np.array([target]))[0]))


GRID = list(itertools.product((1.1, 1.5, 1.9, 2.0), (0.5, 1.0, 3.0), (0.3, 1.0, 4.0, 20.0)))  # (alpha, G, tau)
GRID_AT = [f"alpha={a}, G={g}, tau={t}" for a, g, t in GRID]


@functools.lru_cache(maxsize=None)
def worst_second_moment() -> tuple[float, ...]:
    """sup E||g_hat||^2 = sup E min(s^(2/alpha), tau^2) over laws with E||g||^alpha <= G^alpha, on GRID."""
    out = []
    for a, g, t in GRID:
        top = 1e3 * max(t**a, g**a)
        out.append(worst_case(lambda s: np.minimum(s ** (2 / a), t * t), g**a, top))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def worst_bias() -> tuple[float, ...]:
    """sup ||E g_hat - grad f|| = sup E(||g|| - tau)_+ over laws with E||g||^alpha <= G^alpha, on GRID.

    ||E(g - g_hat)|| <= E||g - g_hat|| = E(||g|| - tau)_+, with equality for one-dimensional g >= 0, so the
    supremum is the worst case of the bias itself.
    """
    out = []
    for a, g, t in GRID:
        top = 1e4 * max((a * t / (a - 1)) ** a, g**a)
        out.append(worst_case(lambda s: np.maximum(s ** (1 / a) - t, 0.0), g**a, top, n=1200))
    return tuple(out)


def _on_grid(expr: sp.Expr, variables=(alpha, G, tau)) -> list[float]:
    f = sp.lambdify(variables, expr, "numpy")
    return [float(f(*p)) for p in GRID]


@functools.lru_cache(maxsize=None)
def sharp_bias_constant() -> sp.Expr:
    """c(alpha) with sup_r (r - tau)/r^alpha = c(alpha) tau^(1-alpha): the maximiser solves d/dr = 0."""
    r = sp.Symbol("r", positive=True)
    crit = sp.solve(sp.diff((r - tau) / r**alpha, r), r)
    c = sp.expand_power_base(((crit[0] - tau) / crit[0] ** alpha) / tau ** (1 - alpha), force=True)
    return sp.simplify(sp.powsimp(sp.expand_power_base(sp.powsimp(c, force=True), force=True), force=True))


@claim("000-lemma2-variance", "App C, Lemma 2",
       "Under Assumption 1, GClip with threshold tau gives E||g_hat||^2 <= G^alpha tau^(2-alpha).",
       mutant={"bound": G**alpha * tau ** (1 - alpha)}, mc=True)
def _lemma2_var(bound: sp.Expr = st.LEMMA2_VARIANCE):
    worst = worst_second_moment()
    stated = _on_grid(bound)
    return le("sup over Assumption-1 laws of E||g_hat||^2", list(worst), stated, at=GRID_AT,
              context={"largest ratio sup / bound (1 = sharp)": max(w / b for w, b in zip(worst, stated))})


@claim("000-lemma2-bias", "App C, Lemma 2",
       "Under Assumption 1, GClip with threshold tau gives ||E g_hat - grad f||^2 <= G^(2 alpha) tau^(-2(alpha-1)).",
       mutant={"bound": G ** (2 * alpha) * tau ** (-2 * alpha)}, mc=True)
def _lemma2_bias(bound: sp.Expr = st.LEMMA2_BIAS_SQUARED):
    worst_sq = [w * w for w in worst_bias()]
    stated = _on_grid(bound)
    return le("sup over Assumption-1 laws of ||E g_hat - grad f||^2", worst_sq, stated, at=GRID_AT,
              context={"largest ratio sup / bound": max(w / b for w, b in zip(worst_sq, stated)),
                       "sharp constant c(alpha)^2 (sympy)": sharp_bias_constant() ** 2})


@claim("000-lemma2-markov-step", "App C, proof of Lemma 2",
       "E[||g|| 1{||g|| >= tau}] <= E||g||^alpha tau^(-(alpha-1)), pointwise r 1{r >= tau} <= r^alpha tau^(1-alpha).",
       mutant={"tau_power": -alpha})
def _markov(tau_power: sp.Expr = 1 - alpha):
    r = np.geomspace(1e-3, 1e4, 4001)
    ratios = []
    for a, _, t in GRID:
        bound = r**a * t ** float(tau_power.subs(alpha, a))
        ratios.append(float(np.max(np.where(r >= t, r, 0.0) / bound)))
    return le("sup_r r 1{r >= tau} / (r^alpha tau^p)", ratios, 1, at=GRID_AT)


@claim("000-lemma2-tradeoff", "App C, after Lemma 2",
       "As tau increases the variance term of Lemma 2 increases while the bias term decreases.",
       mutant={"variance_direction": -1})
def _tradeoff(variance_direction: int = 1, bias_direction: int = -1):
    p_ = sample_points({alpha: (1.05, 1.95), G: (0.3, 3), tau: (0.1, 10)}, n=6, seed=60)
    d_var = sp.diff(st.LEMMA2_VARIANCE, tau)
    d_bias = sp.diff(st.LEMMA2_BIAS_SQUARED, tau)
    return [(gt if variance_direction > 0 else lt)("d/dtau G^alpha tau^(2-alpha)", d_var, 0, points=p_),
            (gt if bias_direction > 0 else lt)("d/dtau G^(2alpha) tau^(-2(alpha-1))", d_bias, 0, points=p_)]


@claim("000-lemma5", "App F.2, Lemma 5",
       "CClip, per coordinate under Assumption 2: E|g_hat_i|^2 <= B_i^alpha tau_i^(2-alpha) and |E g_hat_i - grad_i f|^2 <= B_i^(2alpha) tau_i^(-2(alpha-1)).",
       mutant={"bias_bound": G ** (2 * alpha) * tau ** (-2 * alpha)})
def _lemma5(variance_bound: sp.Expr = st.LEMMA2_VARIANCE, bias_bound: sp.Expr = st.LEMMA2_BIAS_SQUARED):
    # one coordinate is the one-dimensional case of Lemma 2 with G -> B_i (the worst case is the same envelope)
    return [le("sup E|g_hat_i|^2 (G read as B_i)", list(worst_second_moment()), _on_grid(variance_bound), at=GRID_AT),
            le("sup |E g_hat_i - grad_i f|^2", [w * w for w in worst_bias()], _on_grid(bias_bound), at=GRID_AT)]


@claim("000-sec2.1-pareto", "Sec 2.1, after Assumption 1",
       "The variance of g can be unbounded while Assumption 1 holds for alpha < 2, e.g. for Pareto noise.",
       mutant={"tail_index": sp.Rational(5, 2)}, mc=True)
def _pareto(tail_index: sp.Expr = sp.Rational(7, 4), moment: sp.Expr = sp.Rational(3, 2)):
    t = sp.Symbol("t", positive=True)
    dens = tail_index * t ** (-tail_index - 1)  # P(|xi| > t) = t^(-a), t >= 1
    e_alpha = sp.integrate(t**moment * dens, (t, 1, sp.oo))
    e_two = sp.integrate(t**2 * dens, (t, 1, sp.oo))
    return [lt(f"E|xi|^alpha at alpha = {moment}", e_alpha, sp.oo), equal("E xi^2", e_two, sp.oo)]


def adam_clip_ratio(a_: np.ndarray, w: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """h_Adam / h_clip with a = sqrt(1-beta2)|g|, w = sqrt(beta2 v): max(a, eps + w) / (eps + sqrt(w^2 + a^2))."""
    return np.maximum(a_, eps + w) / (eps + np.hypot(w, a_))


@functools.lru_cache(maxsize=None)
def adam_ratio_range() -> tuple[float, float, float]:
    """min and max of h_Adam/h_clip over random points and the candidate extremes; and the h_clip identity check."""
    eta, eps, w, gabs, b2 = sp.symbols("eta epsilon w gabs beta2", positive=True)
    s_ = eps + w
    eta_k, tau_k = eta / s_, s_ / sp.sqrt(1 - b2)  # seed 000 Sec 3.1 parameters for ACClip
    a_ = sp.sqrt(1 - b2) * gabs
    # both regimes of min(tau_k/|g|, 1): h_clip = eta / max(a, eps + w)
    diff = sp.simplify(eta_k * tau_k / gabs - eta / a_) + sp.simplify(eta_k - eta / s_)
    rng = np.random.default_rng(61)
    pts = 10 ** rng.uniform(-6, 3, size=(50000, 3))
    cand = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1e-9, 1.0, 1e-9]])  # (a, w, eps): g = 0; v = 0, a = eps; eps = 0
    allp = np.vstack([pts, cand])
    r = adam_clip_ratio(allp[:, 0], allp[:, 1], allp[:, 2])
    return float(r.min()), float(r.max()), float(sp.N(diff.subs({eta: 1, eps: 1, w: 1, gabs: 2, b2: sp.Rational(1, 2)})))


@claim("000-sec3.1", "Sec 3.1",
       "With eta_k = eta/(eps + sqrt(beta2 v)) and tau_k = (eps + sqrt(beta2 v))/sqrt(1-beta2): (1/2) h_clip <= h_Adam <= 2 h_clip.",
       mutant={"interval": sp.Interval(sp.Rational(3, 4), 2)})
def _adam_clip(interval: sp.Interval = sp.Interval(sp.Rational(1, 2), 2)):
    lo, hi, ident = adam_ratio_range()
    return within("h_Adam / h_clip over 50004 points (1e-6 <= |g|, v, eps <= 1e3 and the extreme cases)", [lo, hi], interval,
                  context={"check of h_clip = eta/max(sqrt(1-beta2)|g|, eps + sqrt(beta2 v)), must be 0": ident,
                           "sharp interval": f"[{lo:.6f}, {hi:.6f}]"})


def _moment_laws() -> dict[str, sp.Expr]:
    """E|X|^p as functions of p for three laws (computed by sympy integration)."""
    p, t = sp.Symbol("p", positive=True), sp.Symbol("t", positive=True)
    return {"half-normal": sp.simplify(2 * sp.integrate(t**p * sp.exp(-(t**2) / 2) / sp.sqrt(2 * sp.pi), (t, 0, sp.oo), conds="none")),
            "exponential": sp.simplify(sp.integrate(t**p * sp.exp(-t), (t, 0, sp.oo), conds="none")),
            "Pareto(5/2)": sp.simplify(sp.integrate(t**p * sp.Rational(5, 2) * t ** sp.Rational(-7, 2), (t, 1, sp.oo), conds="none"))}


@functools.lru_cache(maxsize=None)
def moment_norms() -> dict[str, list[float]]:
    """B_p = (E|X|^p)^(1/p) at p = 1, 1.02, ..., 2 for the three laws."""
    import mpmath as mp

    p = sp.Symbol("p", positive=True)
    out = {}
    for name, mom in _moment_laws().items():
        f = sp.lambdify(p, mom ** (1 / p), "mpmath")
        out[name] = [float(f(mp.mpf(1) + mp.mpf(j) / 50)) for j in range(0, 51)]
    return out


@claim("000-sec3-lyapunov", "Sec 3 (ACClip)", "B_alpha = E[|g|^alpha]^(1/alpha) is increasing in alpha >= 1.", mutant={"direction": -1})
def _lyapunov(direction: int = 1):
    rel = gt if direction > 0 else lt
    return [rel(f"B_(p+0.02) - B_p on [1, 2], {name}", list(np.diff(v)), 0) for name, v in moment_norms().items()]


@claim("000-sec3-alpha1", "Sec 3 (ACClip)",
       "Since B_alpha is increasing in alpha, using alpha = 1 is a conservative bound on B when the true alpha is unknown.",
       mutant={"bound_side": "lower"})
def _alpha1(bound_side: str = "upper"):
    b1 = [v[0] for v in moment_norms().values()]
    b2 = [v[-1] for v in moment_norms().values()]
    names = list(moment_norms())
    return Readings({
        "conservative = an upper bound on B (B_1 >= B_alpha)": (ge if bound_side == "upper" else le)(
            "B_1 against B_2", b1, b2, at=names,
            corrected="B_1 <= B_alpha for every alpha >= 1 (computed B_1 = {computed}, B_2 = {stated}): alpha = 1 gives a lower bound on B"),
        "conservative = a smaller threshold, i.e. more clipping (B_1 <= B_alpha)": le("B_1 against B_2", b1, b2, at=names),
    })


@claim("000-sec3-acclip-ema", "Sec 3 (ACClip)",
       "tau_k^alpha = beta2 tau_{k-1}^alpha + (1 - beta2)|g_k|^alpha estimates E|g|^alpha (B = E[|g|^alpha]^(1/alpha)).",
       mutant={"limit_factor": sp.Symbol("beta2", positive=True)})
def _acclip_ema(limit_factor: sp.Expr = sp.Integer(1)):
    b2, k, i = sp.Symbol("beta2", positive=True), sp.Symbol("k", positive=True, integer=True), sp.Symbol("i", positive=True, integer=True)
    # E tau_k^alpha / E|g|^alpha from tau_0 = 0
    weights = sp.simplify(generic_branch(sp.summation((1 - b2) * b2 ** (k - i), (i, 1, k))))
    u = sp.Symbol("u", positive=True)
    lim = sp.limit(weights.subs(b2, 1 / (1 + u)), k, sp.oo)  # 0 < beta2 < 1 written as 1/(1+u)
    return equal("lim_{k->oo} E tau_k^alpha / E|g|^alpha", lim, limit_factor,
                 points=sample_points({b2: (0.5, 0.999)}, n=3, seed=62),
                 context={"E tau_k^alpha / E|g|^alpha at finite k (no bias correction)": sp.simplify(weights)})
