"""Seed 001: statements that restate seed 000 or add a checkable remark, decided here.

Seed 001's formulas are stripped; where it restates seed 000 (Lemma 9 = Lemma 2, Lemma 12 = Lemma 4,
App F = App G of seed 000, ...) the inventory points to seed 000's claims. The claims below are the
statements seed 001 makes in its own words. Seed 001's chain lower bound (App G), Theorem 2 under the
central-moment assumption, Lemmas 10-11 and Theorem 4 (projected GClip) belong to later modules.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .registry import equal, ge, le, lt
from .registry import claim as _claim
from .seed000_coordinates import al, dd, tightness_readings

SEED = "001"


def claim(id: str, location: str, statement: str, **kw):
    """Register a seed 001 claim."""
    return _claim(id, SEED, location, statement, **kw)


@claim("001-sec4.1-tight", "Sec 4.1, after the CClip theorem",
       "Though we only compare upper bounds here, when the noise across coordinates is independent the upper bounds may be tight (see Lemma 12).",
       mutant={"upper_coefficient": sp.Integer(1)}, mc=True)
def _tight(upper_coefficient: sp.Expr = dd ** (al / 2)):
    return tightness_readings(upper_coefficient)


def _random_laws(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    laws = []
    for _ in range(300):
        n, d = int(rng.integers(1, 20)), int(rng.integers(1, 6))
        pts = rng.standard_cauchy((n, d)) + rng.normal(0, 3, d)  # random mean (the gradient) plus heavy noise
        laws.append((pts, rng.dirichlet(np.ones(n))))
    return laws


@claim("001-appA-gradient-bound", "App A.2", "The bounded alpha-moment assumption E||g||^alpha <= G^alpha implies a uniform bound on the gradient norm, ||grad f|| <= G.",
       mutant={"factor": 0.5})
def _grad_bound(factor: float = 1.0):
    ratios = []
    for a in (1.1, 1.5, 2.0):
        for pts, p in _random_laws(110):
            grad = p @ pts  # grad f = E g
            ratios.append(float(np.linalg.norm(grad) / (p @ np.linalg.norm(pts, axis=1) ** a) ** (1 / a)))
    return le("max over 900 random laws of ||E g|| / (E||g||^alpha)^(1/alpha)", max(ratios), factor)


@claim("001-sec3-weaker", "Sec 3, after Assumption 1",
       "For alpha < 2 the alpha-moment bound is weaker than the standard variance bound (the variance bound implies it).",
       mutant={"direction": "reversed"})
def _weaker(direction: str = "as stated"):
    vals = []
    for a in (1.1, 1.5, 1.9):
        for pts, p in _random_laws(111):
            if len(p) < 2:
                continue  # a one-point law has no noise
            norms = np.linalg.norm(pts - p @ pts, axis=1)
            vals.append(float((p @ norms**a) ** (1 / a) / np.sqrt(p @ norms**2)))
    name = "(E||xi||^alpha)^(1/alpha) / (E||xi||^2)^(1/2) over random laws (xi = g - grad f)"
    return le("largest " + name, max(vals), 1) if direction == "as stated" else ge("smallest " + name, min(vals), 1)


@claim("001-sec3-stable", "Sec 3, after Assumption 1",
       "Symmetric alpha-stable noise (index a < 2) can have unbounded variance while satisfying Assumption 1 for alpha < a.",
       mutant={"stable_index": sp.Integer(2)})
def _stable(stable_index: sp.Expr = sp.Rational(3, 2), moment: sp.Expr = sp.Rational(6, 5)):
    u, v = sp.Symbol("u", positive=True), sp.Symbol("v", positive=True)
    phi = sp.exp(-(u**stable_index))  # characteristic function of the symmetric stable law exp(-|u|^a)
    # E|X|^p = c_p int_0^oo (1 - phi(u)) u^(-p-1) du for 0 < p < 2 (finite iff the integral is); with v = u^a and one
    # integration by parts: (1/a) {[-(1 - e^-v) v^-s / s]_0^oo + (1/s) int_0^oo e^-v v^-s dv}, s = p/a
    s_ = moment / stable_index
    primitive = -(1 - sp.exp(-v)) * v ** (-s_) / s_
    boundary = sp.limit(primitive, v, sp.oo) - sp.limit(primitive, v, 0, "+")
    frac = (boundary + sp.integrate(sp.exp(-v) * v ** (-s_), (v, 0, sp.oo)) / s_) / stable_index
    second = sp.limit(2 * (1 - phi) / u**2, u, 0, "+")  # E X^2 = lim_{u -> 0} 2 (1 - phi(u))/u^2
    return [lt(f"int_0^oo (1 - phi(u)) u^(-alpha-1) du at alpha = {moment}", frac, sp.oo), equal("E X^2", second, sp.oo)]
