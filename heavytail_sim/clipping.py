"""Clipping operators of seed 000 (Alg 1, Sec 3), as numba scalar helpers and numpy array functions."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(inline="always")
def gclip_factor(norm, tau):
    """Factor min(tau / ||m||, 1) of GClip (seed 000, eq GClip); 1 for a zero vector."""
    if norm <= tau:
        return 1.0
    return tau / norm


@njit(inline="always")
def cclip_scalar(m, tau):
    """min(tau / |m|, 1) m for one coordinate (seed 000, eq CClip)."""
    if m > tau:
        return tau
    if m < -tau:
        return -tau
    return m


def gclip(m: np.ndarray, tau: float) -> np.ndarray:
    """Global-norm clipping of the last axis: min(tau / ||m||, 1) m; m of shape ``(..., d)``."""
    m = np.asarray(m, dtype=float)
    nrm = np.linalg.norm(m, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(nrm <= tau, 1.0, tau / nrm)
    return factor * m


def cclip(m: np.ndarray, tau) -> np.ndarray:
    """Coordinate-wise clipping min(tau_i / |m_i|, 1) m_i; ``tau`` broadcasts against ``m``."""
    return np.clip(np.asarray(m, dtype=float), -np.asarray(tau, float), np.asarray(tau, float))


def acclip(m: np.ndarray, tau: np.ndarray, eps: float) -> np.ndarray:
    """ACClip's clipping min(tau_i / (|m_i| + eps), 1) m_i (seed 000, eq ACClip)."""
    m = np.asarray(m, dtype=float)
    return np.minimum(np.asarray(tau, float) / (np.abs(m) + eps), 1.0) * m
