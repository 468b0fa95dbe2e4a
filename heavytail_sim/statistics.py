"""Statistics over runs that stay true when some runs diverge.

The simulators report, at each checkpoint, one non-negative error per run; a run that diverged has
error ``+inf``. :func:`summarize` reduces the last axis (the runs) to the statistics written to every
table (the ``statistic`` column of a simulation CSV):

``nonfinite``
    The number of diverged runs ``n`` among the ``R`` runs. Any non-finite input counts: ``NaN`` (an
    undefined error, e.g. ``inf - inf`` inside a diverged run) and ``-inf`` are read as ``+inf``.
``mean``
    The sample mean; ``+inf`` as soon as one run diverged, since the expected error of a method that
    diverges with positive probability is infinite. Heavy tails make it unstable even when finite: a
    single extreme run can dominate it, which is why the order statistics below sit beside it.
``median``, ``q10``, ``q90``, ... (``q<100 q>``)
    Order statistics with the diverged runs as the largest values (``+inf``). Sort the ``R`` values
    ``x_0 <= ... <= x_{R-1}`` and let ``h = q (R - 1)``, ``j = floor(h)``, ``g = h - j``: the quantile
    is ``(1 - g) x_j + g x_{j+1}``, numpy's default ("linear") rule, with ``inf`` taking part only
    through a non-zero weight. It is ``+inf`` when ``x_j = inf``, or ``g > 0`` and ``x_{j+1} = inf``;
    with ``g = 0`` it is ``x_j`` whatever follows. Equivalently, the ``q``-quantile is finite exactly
    when ``n <= (1 - q)(R - 1)``: when no more than its share of runs diverged. ``h`` is computed in
    floating point and taken as the nearest integer when within 4 ulps of it, so that decimal ``q``
    behave as written (``q = 0.28`` with ``R = 26`` has ``h = 7``, not ``7.000000000000001``). The
    median is the ``q = 0.5`` quantile by the same rule. The results are never ``NaN``; with no
    diverged run they equal ``numpy.quantile`` and ``numpy.mean`` bit for bit.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import UsageError

# h = q (R - 1) within this many ulps of an integer is that integer (see the module docstring)
_SNAP_ULPS = 4


def quantile_name(q: float) -> str:
    """The statistic's name for quantile ``q``: ``"q10"`` for 0.1, ``"q05"`` for 0.05, ``"q90"`` for 0.9."""
    return f"q{round(100 * q):02d}"


def _positions(q: float, runs: int) -> tuple[int, int, float, int | None]:
    """(j, j + 1 clipped, g, snapped integer position or None) for quantile ``q`` of ``runs`` values.

    ``h``, ``j`` and ``g`` are computed exactly as ``numpy.quantile`` does for its linear method, so that
    the interpolated values agree with it bit for bit; the snapped position decides where ``inf`` enters.
    """
    h = (runs - 1) * q
    j = int(np.floor(h))
    g = h - j
    if h >= runs - 1:  # numpy takes the maximum here
        j, g = runs - 1, 0.0
    nearest = round(h)
    snapped = min(int(nearest), runs - 1) if abs(h - nearest) <= _SNAP_ULPS * np.finfo(float).eps * max(h, 1.0) \
        else None
    return j, min(j + 1, runs - 1), g, snapped


def _lerp(a: np.ndarray, b: np.ndarray, g: float) -> np.ndarray:
    # numpy's own two-sided formula (numpy.lib._function_base_impl._lerp), for identical rounding
    diff = b - a
    return b - diff * (1 - g) if g >= 0.5 else a + diff * g


def _order_statistic(part: np.ndarray, q: float) -> np.ndarray:
    """The ``q``-quantile over the last axis of ``part``, already partitioned at its positions."""
    runs = part.shape[-1]
    j, jn, g, snapped = _positions(q, runs)
    a, b = part[..., j], part[..., jn]
    with np.errstate(invalid="ignore", over="ignore"):
        value = _lerp(a, b, g)
    if snapped is None:
        fallback = np.inf  # g strictly between 0 and 1: an inf neighbour has a real weight
    else:
        fallback = part[..., snapped]  # all weight on this order statistic (inf if it diverged)
    return np.where(np.isfinite(value), value, fallback)


def summarize(values: np.ndarray, quantiles: Sequence[float] = (0.1, 0.9)) -> dict[str, np.ndarray]:
    """Mean, median, quantiles and the number of diverged runs, over the last axis.

    See the module docstring for the exact definitions; in short: diverged runs (``+inf``, and any
    ``NaN`` or ``-inf``) count as ``+inf``, the mean is ``+inf`` if any run diverged, a quantile is
    ``+inf`` exactly when more than its share of the runs diverged, and nothing is ever ``NaN``.

    Parameters
    ----------
    values : array_like, shape (..., R)
        Non-negative errors (dimensionless), one per run along the last axis, ``R >= 1``.
    quantiles : sequence of float
        Quantile levels in [0, 1], each reported as :func:`quantile_name` (``0.1 -> "q10"``).

    Returns
    -------
    dict of str to numpy.ndarray
        ``"mean"``, ``"median"``, one entry per quantile (float arrays of shape ``(...)``), and
        ``"nonfinite"``: the number of diverged runs (int64 array of shape ``(...)``).
    """
    qs = [float(q) for q in quantiles]
    if any(not 0.0 <= q <= 1.0 for q in qs):  # also catches NaN
        raise UsageError(f"quantiles must lie in [0, 1], got {list(quantiles)}")
    vals = np.array(values, dtype=float)  # a copy: partitioned in place below
    if vals.ndim == 0 or vals.shape[-1] == 0:
        raise UsageError("summarize needs at least one run (values of shape (..., R) with R >= 1)")
    finite = np.isfinite(vals)
    nonfinite = vals.shape[-1] - np.count_nonzero(finite, axis=-1)
    if not finite.all():
        vals[~finite] = np.inf
    runs = vals.shape[-1]
    with np.errstate(over="ignore"):  # a sum of huge finite errors may overflow: the mean is then inf
        out = {"mean": vals.mean(axis=-1)}  # before partitioning: the summation order of numpy.mean
    levels = [0.5] + qs
    kth = set()
    for q in levels:
        j, jn, _, snapped = _positions(q, runs)
        kth.update(i for i in (j, jn, snapped) if i is not None)
    kth = sorted(kth)
    vals.partition(kth, axis=-1)
    out["median"] = _order_statistic(vals, 0.5)
    for q in qs:
        out[quantile_name(q)] = _order_statistic(vals, q)
    out["nonfinite"] = np.asarray(nonfinite, dtype=np.int64)
    return {name: np.asarray(v)[()] for name, v in out.items()}  # numpy scalars for one row, as numpy gives


def fraction_diverged(values: np.ndarray) -> np.ndarray:
    """Share of diverged runs (non-finite errors) over the last axis, in [0, 1].

    Parameters
    ----------
    values : array_like, shape (..., R)
        Errors per run, ``R >= 1``.

    Returns
    -------
    numpy.ndarray, shape (...)
        ``nonfinite / R``.
    """
    vals = np.asarray(values, dtype=float)
    if vals.ndim == 0 or vals.shape[-1] == 0:
        raise UsageError("fraction_diverged needs at least one run (values of shape (..., R) with R >= 1)")
    return 1.0 - np.count_nonzero(np.isfinite(vals), axis=-1) / vals.shape[-1]


def max_diverged_for_finite(q: float, runs: int) -> int:
    """The largest number of diverged runs for which the ``q``-quantile of ``runs`` runs stays finite.

    ``floor((1 - q)(runs - 1))``, with the same rounding of ``q (runs - 1)`` as :func:`summarize`; it lies
    in ``[0, runs - 1]`` (the 0-quantile, the minimum, is finite while one run has not diverged).

    Parameters
    ----------
    q : float
        Quantile level in [0, 1].
    runs : int
        Number of runs, >= 1.

    Returns
    -------
    int
        The threshold ``n*``: the quantile is finite iff at most ``n*`` runs diverged.
    """
    j, _, g, snapped = _positions(float(q), int(runs))
    last = snapped if snapped is not None else j + 1  # the highest order statistic with a non-zero weight
    return int(runs) - 1 - last
