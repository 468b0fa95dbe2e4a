"""Tail-index estimators: the block-sum estimator of Mohammadi et al. (2015) and Hill's estimator.

* Block sums (Mohammadi, Mohammadpour and Ogata 2015, Cor 2.4; used by Simsekli et al. 2019 and by
  seed 000 App H): for i.i.d. strictly alpha-stable X_1..X_n, n = K1 K2, and block sums
  Y_i = sum_{j=1..K1} X_{(i-1)K1 + j}, Y_i has the law of K1^(1/alpha) X, so
  1/alpha = (mean_i log|Y_i| - mean_j log|X_j|) / log K1 exactly in expectation. Outside the stable
  family it is only asymptotic in K1 (the block sum must already be near its stable limit).
  For vectors (rows of an (n, d) array) the block sums are vector sums and |.| is the Euclidean norm,
  as in Simsekli et al.'s code: with i.i.d. alpha-stable coordinates the identity still holds exactly,
  and it is the way to apply the estimator to "the noise norm" (the norms themselves are positive, so
  their block sums grow like K1 whenever the mean exists, and the scalar version then returns ~1).
* Hill (1975): with |X|_(1) >= |X|_(2) >= ... the order statistics, 1/alpha = (1/k) sum_{i<=k}
  log(|X|_(i) / |X|_(k+1)). It estimates the exponent of a regularly varying tail P(|X| > t) ~ t^-alpha
  and has no meaning for light tails (it then grows without bound as k/n -> 0).
"""
from __future__ import annotations

import math

import numpy as np

from .errors import UsageError


def _clean(x, keep_rows: bool = False) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    x = x.reshape(x.shape[0], -1) if keep_rows and x.ndim > 1 else x.ravel()
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise UsageError("tail-index estimation needs a non-empty array of finite samples")
    return x


def block_alpha(x, k1: int) -> float:
    """Mohammadi et al. (2015) estimate of alpha from samples ``x`` with block length ``k1``.

    ``x``: shape (n,) scalars, or (n, d) vectors (block sums of vectors, Euclidean norms).
    Uses the first K1 * floor(n / K1) samples; needs at least two blocks.
    """
    x = _clean(x, keep_rows=True)
    if k1 < 2:
        raise UsageError("block length K1 must be >= 2")
    k2 = x.shape[0] // k1
    if k2 < 2:
        raise UsageError(f"need at least two blocks of {k1} samples, got {x.shape[0]} samples")
    x = x[: k1 * k2]
    y = x.reshape((k2, k1) + x.shape[1:]).sum(axis=1)
    if x.ndim == 2:
        x, y = np.linalg.norm(x, axis=1), np.linalg.norm(y, axis=1)
    tiny = np.finfo(float).tiny  # log(0) guard: exact zeros have probability 0 for continuous laws
    inv = (np.mean(np.log(np.abs(y) + tiny)) - np.mean(np.log(np.abs(x) + tiny))) / math.log(k1)
    return 1.0 / inv if inv > 0 else math.inf


def block_sizes(n: int) -> np.ndarray:
    """Block lengths K1 used by :func:`block_alpha_median`: powers of 2 from 4 up to n/16 (>= 16 blocks),
    so that each log-mean over blocks averages at least 16 terms."""
    top = max(4, n // 16)
    return 2 ** np.arange(2, int(math.log2(top)) + 1)


def block_alpha_median(x) -> float:
    """Median of :func:`block_alpha` over the block lengths of :func:`block_sizes`; ``x`` (n,) or (n, d).

    Simsekli et al. (2019) vary K1 and report a summary; the median is robust to the few block lengths
    where one huge sample dominates a block mean.
    """
    x = _clean(x, keep_rows=True)
    if x.shape[0] < 64:
        raise UsageError("the block estimator needs at least 64 samples")
    return float(np.median([block_alpha(x, int(k)) for k in block_sizes(x.shape[0])]))


def hill_alpha(x, frac: float = 0.02, k: int | None = None) -> float:
    """Hill's estimate of the tail index of |x| from its top ``k`` order statistics
    (default k = max(10, round(frac * n)))."""
    x = np.abs(_clean(x))
    n = x.size
    if k is None:
        k = max(10, int(round(frac * n)))
    if not 1 <= k < n:
        raise UsageError(f"Hill needs 1 <= k < n (k = {k}, n = {n})")
    top = np.partition(x, n - k - 1)[n - k - 1:]  # the k+1 largest, smallest of them first
    threshold = np.min(top)
    if threshold <= 0:
        return math.inf
    inv = np.mean(np.log(np.sort(top)[1:] / threshold))
    return 1.0 / inv if inv > 0 else math.inf
