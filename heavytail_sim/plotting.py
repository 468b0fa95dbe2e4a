"""Reusable matplotlib helpers for rate studies: log-log error curves with a theory slope drawn beside
them, and local-slope panels. Import matplotlib only through these functions (the Agg backend is
selected here, so studies run headless).
"""
from __future__ import annotations

import math

import numpy as np


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def panel_grid(n: int, ncols: int, width: float = 3.4, height: float = 2.8, sharey: bool = False):
    """A figure with ``n`` axes in rows of ``ncols`` (unused trailing axes hidden); returns (fig, axes list)."""
    plt = pyplot()
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False,
                             sharey=sharey)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def theory_line(ax, k_lo: float, k_hi: float, slope: float, anchor_k: float, anchor_y: float,
                label: str | None = None, **kw) -> None:
    """Draw y = anchor_y (k / anchor_k)^slope on [k_lo, k_hi] (a straight line of that slope in log-log)."""
    ks = np.geomspace(k_lo, k_hi, 20)
    style = {"color": "k", "ls": ":", "lw": 1.3}
    style.update(kw)
    ax.plot(ks, anchor_y * (ks / anchor_k) ** slope, label=label, **style)


def loglog_curve(ax, k, y, label: str, band=None, theory_slope: float | None = None,
                 window: tuple[float, float] | None = None, theory_label: str | None = None, **kw) -> None:
    """Log-log curve of y(k) with an optional (low, high) band, the fit window shaded, and the theory
    slope drawn through the curve's value at the window's end (so only the slope is compared)."""
    k = np.asarray(k, float)
    y = np.asarray(y, float)
    (line,) = ax.loglog(k, y, label=label, **kw)
    if band is not None:
        ax.fill_between(k, band[0], band[1], color=line.get_color(), alpha=0.15, lw=0)
    if window is not None:
        ax.axvspan(window[0], window[1], color="0.9", zorder=0)
    if theory_slope is not None and math.isfinite(theory_slope):
        k_hi = window[1] if window is not None else k.max()
        idx = int(np.argmin(np.abs(np.log(k / k_hi))))
        if np.isfinite(y[idx]) and y[idx] > 0:
            k_lo = window[0] / 3 if window is not None else k.min()
            theory_line(ax, k_lo, k_hi, theory_slope, k[idx], y[idx] * 1.6, label=theory_label,
                        color=line.get_color())


def local_slope_panel(ax, k_mid, slope, low=None, high=None, theory: float | None = None,
                      label: str = "", model=None, **kw) -> None:
    """Local slopes against k (log x axis) with a bootstrap band, the theory exponent as a dashed line
    and, optionally, a model's prediction as a dotted line: a number (horizontal line) or a tuple
    ``(k, slope)`` of arrays (a curve)."""
    (line,) = ax.semilogx(k_mid, slope, marker="o", ms=3, label=label, **kw)
    if low is not None and high is not None:
        ax.fill_between(k_mid, low, high, color=line.get_color(), alpha=0.15, lw=0)
    if theory is not None and math.isfinite(theory):
        ax.axhline(theory, color="k", ls="--", lw=1)
    if isinstance(model, tuple):
        ax.semilogx(model[0], model[1], color=line.get_color(), ls=":", lw=1.3)
    elif model is not None and math.isfinite(model):
        ax.axhline(model, color=line.get_color(), ls=":", lw=1)
