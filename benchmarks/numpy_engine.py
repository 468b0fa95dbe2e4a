"""A straightforward numpy GClip simulator, vectorised over runs: the benchmark's baseline.

State is an (R, d) array and Python loops over steps; noise comes from numpy's own Generator. It
computes the same quantities as the numba engine per step (gradient, noise, clipping, update, weighted
average) but is not bit-compatible with it (different generator), so it lives here, not in the package.
"""
from __future__ import annotations

import numpy as np


def noise(rng: np.random.Generator, kind: str, a: float, shape) -> np.ndarray:
    if kind == "pareto":
        y = rng.random(shape) ** (-1.0 / a) - 1.0
        return np.where(rng.random(shape) < 0.5, y, -y)
    v = np.pi * (rng.random(shape) - 0.5)
    w = -np.log(rng.random(shape))
    return np.sin(a * v) / np.cos(v) ** (1 / a) * (np.cos((1 - a) * v) / w) ** ((1 - a) / a)


def gclip_numpy(h: np.ndarray, runs: int, steps: int, kind: str, a: float, seed: int = 0) -> np.ndarray:
    """GClip with eta_k = 4/(mu (k+1)), tau_k = k^(1/a) on f = sum h x^2 / 2; returns x_bar (R, d)."""
    rng = np.random.default_rng(seed)
    d = h.size
    x = np.ones((runs, d))
    xbar = x.copy()
    mu = h.min()
    for k in range(1, steps + 1):
        xbar += (2.0 / (k + 1)) * (x - xbar)
        g = h * x + noise(rng, kind, a, (runs, d))
        nrm = np.sqrt(np.einsum("rd,rd->r", g, g))
        tau = k ** (1 / a)
        fac = np.minimum(1.0, tau / np.maximum(nrm, 1e-300))
        x -= (4.0 / (mu * (k + 1))) * fac[:, None] * g
    return xbar


def adam_numpy(h: np.ndarray, runs: int, steps: int, kind: str, a: float, seed: int = 0, eta: float = 0.01,
               b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> np.ndarray:
    """Adam (Kingma-Ba order, bias-corrected) with constant eta on f = sum h x^2 / 2; returns x_bar (R, d)."""
    rng = np.random.default_rng(seed)
    d = h.size
    x = np.ones((runs, d))
    xbar = x.copy()
    m = np.zeros((runs, d))
    v = np.zeros((runs, d))
    for k in range(1, steps + 1):
        xbar += (2.0 / (k + 1)) * (x - xbar)
        g = h * x + noise(rng, kind, a, (runs, d))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x -= eta * (m / (1 - b1 ** k)) / (np.sqrt(v / (1 - b2 ** k)) + eps)
    return xbar
