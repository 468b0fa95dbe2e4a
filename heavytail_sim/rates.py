"""Convergence exponents from simulated error curves: log-log fits, bootstrap confidence intervals over
runs, and local slopes.

An error curve e(k) (a statistic over runs of a per-run error at checkpoints k) is fitted as
log e = b log k + const by ordinary least squares over a window of checkpoints; b is the exponent.
Its uncertainty comes from a bootstrap over runs: resample the R runs with replacement, recompute the
statistic's whole curve from the same resampled runs at every checkpoint (errors of one run at different
k are correlated, and resampling whole runs keeps that correlation), refit, and take percentiles.
Curves whose checkpoints come from independent runs (one set of runs per horizon) are resampled
independently per checkpoint (``paired=False``).

Local slopes (the fitted exponent over consecutive half-decade windows) show whether the curve has
reached its asymptote inside the fit window.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STATISTICS = ("mean", "median")


def window_mask(k: np.ndarray, decades: float, kmax: float | None = None) -> np.ndarray:
    """Boolean mask of checkpoints in the last ``decades`` decades: kmax / 10^decades <= k <= kmax."""
    k = np.asarray(k, float)
    top = float(k.max() if kmax is None else kmax)
    lo = top / 10.0 ** decades
    # a relative slack of 1e-9 keeps a checkpoint that sits exactly on the window edge inside it
    return (k >= lo * (1 - 1e-9)) & (k <= top * (1 + 1e-9))


def fit_slope(k: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, float]:
    """Least-squares (slope, intercept) of log y against log k over ``mask``; nan if any y is not a
    positive finite number there or fewer than two points remain."""
    k = np.asarray(k, float)
    y = np.asarray(y, float)
    if mask is not None:
        k, y = k[mask], y[mask]
    if k.size < 2 or not np.all(np.isfinite(y) & (y > 0)):
        return math.nan, math.nan
    lk, ly = np.log(k), np.log(y)
    lkc = lk - lk.mean()
    slope = float(np.dot(lkc, ly - ly.mean()) / np.dot(lkc, lkc))
    return slope, float(ly.mean() - slope * lk.mean())


def _statistic(values: np.ndarray, statistic: str) -> np.ndarray:
    """Statistic over the last axis; the mean is ``inf`` as soon as one run diverged (honest mean)."""
    if statistic == "mean":
        with np.errstate(invalid="ignore", over="ignore"):
            return values.mean(axis=-1)
    if statistic == "median":
        return np.median(values, axis=-1)
    raise ValueError(f"unknown statistic '{statistic}' (choose from {', '.join(STATISTICS)})")


def bootstrap_curves(raw, *, statistic: str = "mean", n_boot: int = 1000, seed: int = 0,
                     paired: bool = True) -> np.ndarray:
    """Bootstrap replicates of a statistic's curve, shape ``(n_boot, C)``.

    ``raw`` is a ``(C, R)`` array of per-run errors (run r's errors at the C checkpoints), or, with
    ``paired=False``, a sequence of C one-dimensional arrays (independent runs per checkpoint, any sizes).
    Paired resampling draws one set of run indices per replicate and uses it at every checkpoint.

    Parameters
    ----------
    raw : array_like (C, R) or sequence of array_like
        Per-run errors (``Result.raw[metric]``), as above.
    statistic : {"mean", "median"}
        The statistic over runs.
    n_boot : int
        Number of replicates.
    seed : int
        Seed of the resampling.
    paired : bool
        Resample whole runs (True) or each checkpoint's runs independently (False).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_boot, C)``; ``inf`` where a resampled mean contains a diverged run.
    """
    rng = np.random.default_rng(seed)
    if paired:
        raw = np.asarray(raw, float)
        C, R = raw.shape
        if statistic == "mean":
            # multinomial counts give the same resampled means as index draws, without an (n_boot, C, R) array
            counts = rng.multinomial(R, np.full(R, 1.0 / R), size=n_boot).astype(float)
            with np.errstate(invalid="ignore", over="ignore"):
                fin = np.where(np.isfinite(raw), raw, 0.0)
                out = counts @ fin.T / R
                # a resample holding a diverged run (inf) has an infinite mean
                bad = counts @ (~np.isfinite(raw)).T.astype(float) > 0
            out[bad] = np.inf
            return out
        out = np.empty((n_boot, C))
        chunk = max(1, int(2_000_000 // max(C * R, 1)))
        for b0 in range(0, n_boot, chunk):
            idx = rng.integers(0, R, size=(min(chunk, n_boot - b0), R))
            out[b0:b0 + idx.shape[0]] = _statistic(raw[:, idx].transpose(1, 0, 2), statistic)
        return out
    cols = [np.asarray(v, float).ravel() for v in raw]
    out = np.empty((n_boot, len(cols)))
    for c, v in enumerate(cols):
        idx = rng.integers(0, v.size, size=(n_boot, v.size))
        out[:, c] = _statistic(v[idx], statistic)
    return out


@dataclass(frozen=True)
class ExponentFit:
    """A fitted exponent with its percentile bootstrap interval over ``[k_lo, k_hi]``.

    Attributes
    ----------
    slope : float
        Least-squares slope of log(statistic) on log k over the window (the exponent).
    ci_low, ci_high : float
        The percentile bootstrap interval (whole runs resampled) at ``level``.
    k_lo, k_hi : float
        The fitted window of k.
    n_points : int
        Checkpoints in the window.
    n_boot : int
        Bootstrap resamples.
    statistic : str
        The statistic of the runs that was fitted (``mean``, ``median``).
    level : float
        Confidence level of the interval.
    """

    slope: float
    ci_low: float
    ci_high: float
    k_lo: float
    k_hi: float
    n_points: int
    n_boot: int
    statistic: str
    level: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return 0.5 * (self.ci_high - self.ci_low)


def _full_curve(raw, statistic: str, paired: bool) -> np.ndarray:
    """The statistic's curve from all runs: ``raw`` (C, R) when paired, else a sequence of per-k arrays."""
    if paired:
        return _statistic(np.asarray(raw, float), statistic)
    return np.array([_statistic(np.asarray(v, float).ravel(), statistic) for v in raw])


def fit_exponent(k: np.ndarray, raw, *, statistic: str = "mean", decades: float = 1.5,
                 kmax: float | None = None, n_boot: int = 1000, seed: int = 0, paired: bool = True,
                 level: float = 0.95) -> ExponentFit:
    """Exponent of ``statistic``'s curve over the last ``decades`` decades with a bootstrap CI.

    ``k`` has shape ``(C,)``; ``raw`` is as in :func:`bootstrap_curves`. The point estimate is the fit
    of the full-sample curve; the interval is the (1-level)/2 and (1+level)/2 percentiles of the
    replicates' fits (replicates whose curve is not positive and finite in the window count as nan and
    make the interval nan: that happens only when runs diverged, and then no exponent exists).

    Parameters
    ----------
    k : array_like (C,)
        Checkpoints (steps, or horizons).
    raw : array_like (C, R) or sequence of array_like
        Per-run errors, as in :func:`bootstrap_curves`.
    statistic : {"mean", "median"}
        The statistic over runs whose curve is fitted.
    decades : float
        Width of the fit window, in decades of k, ending at ``kmax``.
    kmax : float, optional
        End of the window (default: the last checkpoint).
    n_boot : int
        Bootstrap replicates.
    seed : int
        Seed of the resampling.
    paired : bool
        See :func:`bootstrap_curves`.
    level : float
        Confidence level of the interval.

    Returns
    -------
    ExponentFit
        ``slope`` with ``ci_low``, ``ci_high``, the window ``[k_lo, k_hi]`` and its number of points.
    """
    k = np.asarray(k, float)
    mask = window_mask(k, decades, kmax)
    slope, _ = fit_slope(k, _full_curve(raw, statistic, paired), mask)
    reps = bootstrap_curves(raw, statistic=statistic, n_boot=n_boot, seed=seed, paired=paired)
    slopes = np.array([fit_slope(k, rep, mask)[0] for rep in reps])
    if np.any(np.isnan(slopes)):
        lo = hi = math.nan
    else:
        lo, hi = np.quantile(slopes, [(1 - level) / 2, (1 + level) / 2])
    km = k[mask]
    return ExponentFit(slope, float(lo), float(hi), float(km.min()), float(km.max()), int(mask.sum()),
                       n_boot, statistic, level)


def local_slopes(k: np.ndarray, y: np.ndarray, width: float = 0.5, kmax: float | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Slopes of log y against log k over consecutive windows of ``width`` decades ending at kmax.

    Returns ``(k_mid, slope)`` ordered by k, ``k_mid`` the geometric centre of each window; windows with
    fewer than two checkpoints are skipped. Only windows fully inside [min k, kmax] are used.
    """
    k = np.asarray(k, float)
    y = np.asarray(y, float)
    top = float(k.max() if kmax is None else kmax)
    mids, slopes = [], []
    hi = top
    while hi / 10.0 ** width >= k.min() * (1 - 1e-9):
        lo = hi / 10.0 ** width
        m = (k >= lo * (1 - 1e-9)) & (k <= hi * (1 + 1e-9))
        if m.sum() >= 2:
            mids.append(math.sqrt(lo * hi))
            slopes.append(fit_slope(k, y, m)[0])
        hi = lo
    order = np.argsort(mids)
    return np.asarray(mids)[order], np.asarray(slopes)[order]


def local_slope_bands(k: np.ndarray, raw, *, statistic: str = "mean", width: float = 0.5,
                      n_boot: int = 400, seed: int = 0, paired: bool = True, level: float = 0.95
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Local slopes of the statistic's curve with bootstrap percentile bands.

    Parameters
    ----------
    k : array_like (C,)
        Checkpoints.
    raw : array_like (C, R) or sequence of array_like
        Per-run errors, as in :func:`bootstrap_curves`.
    statistic : {"mean", "median"}
        The statistic over runs.
    width : float
        Window width in decades.
    n_boot : int
        Bootstrap replicates.
    seed : int
        Seed of the resampling.
    paired : bool
        See :func:`bootstrap_curves`.
    level : float
        Confidence level of the bands.

    Returns
    -------
    k_mid, slope, low, high : numpy.ndarray
        Each of shape ``(W,)``: window centres (geometric), local slopes and their band.
    """
    k = np.asarray(k, float)
    mids, slopes = local_slopes(k, _full_curve(raw, statistic, paired), width)
    reps = bootstrap_curves(raw, statistic=statistic, n_boot=n_boot, seed=seed, paired=paired)
    rs = np.array([local_slopes(k, rep, width)[1] for rep in reps])
    with np.errstate(invalid="ignore"):
        lo = np.nanquantile(rs, (1 - level) / 2, axis=0) if rs.size else np.array([])
        hi = np.nanquantile(rs, (1 + level) / 2, axis=0) if rs.size else np.array([])
    return mids, slopes, lo, hi


def verdict(fitted: float, theory: float, tol: float, kind: str = "theta") -> str:
    """Fixed decision rule: ``"agrees"`` when |fitted - theory| <= tol.

    For ``kind="theta"`` (a two-sided Theta rate) anything else is ``"disagrees"``; for ``kind="upper"``
    (an O(.) bound) a faster decay is ``"faster (bound holds)"`` and a slower one ``"disagrees"``.
    A nan fit (the statistic was infinite, e.g. the mean of SGD under infinite variance) gives ``"n/a"``.

    Parameters
    ----------
    fitted, theory : float
        The measured and the predicted exponent.
    tol : float
        Tolerance of the rule.
    kind : {"theta", "upper"}
        A two-sided rate or an upper bound.

    Returns
    -------
    str
        ``"agrees"``, ``"disagrees"``, ``"faster (bound holds)"`` or ``"n/a"``.
    """
    if not (math.isfinite(fitted) and math.isfinite(theory)):
        return "n/a"
    diff = fitted - theory
    if abs(diff) <= tol:
        return "agrees"
    if kind == "upper" and diff < 0:
        return "faster (bound holds)"
    return "disagrees"
