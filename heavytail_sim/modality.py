"""How many modes a sample's density has, decided by a criterion fixed before looking at the data.

Seed 002 (Sec 6.3, Fig 7) reads a trimodal update distribution as a sign of heavy-tailed (Cauchy)
gradients. Counting modes by eye, or by one kernel density estimate, is fragile: a bump can come from
sampling noise or from the bandwidth. The criterion used here:

1. the mode count k of the sample is that of :func:`heavytail_sim.diagnostics.count_modes` (Gaussian
   KDE, Silverman's bandwidth with the robust spread, a maximum counts when its prominence is >= 5% of
   the highest density);
2. the same count is computed on ``n_boot`` bootstrap resamples (with replacement, same size);
3. the sample is called **k-modal** when at least ``level`` (90%) of the resamples give k as well;
   otherwise its modality is **unstable** (reported with the count distribution).

Counts at half and twice the bandwidth are reported beside it (a mode that survives a 2x change of
bandwidth is not a smoothing artefact), but do not enter the decision.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import UsageError

LEVEL = 0.9
N_BOOT = 100


@dataclass
class ModeCount:
    """Result of :func:`stable_mode_count`.

    Attributes
    ----------
    count : int
        Modes of the full sample's KDE.
    locations : ndarray
        Their positions.
    boot_share : float
        Share of bootstrap resamples with the same count.
    boot_counts : dict
        Count -> share of resamples.
    stable : bool
        ``boot_share >= level``.
    count_half_bw, count_double_bw : int
        Counts at 0.5x and 2x the bandwidth (information only).
    """

    count: int
    locations: np.ndarray
    boot_share: float
    boot_counts: dict = field(default_factory=dict)
    stable: bool = False
    count_half_bw: int = 0
    count_double_bw: int = 0

    @property
    def verdict(self) -> str:
        """``"unimodal"``, ``"bimodal"``, ``"trimodal"``, ``"k-modal"`` when stable, else ``"unstable"``."""
        if not self.stable:
            return "unstable"
        return {1: "unimodal", 2: "bimodal", 3: "trimodal"}.get(self.count, f"{self.count}-modal")


def stable_mode_count(x, n_boot: int = N_BOOT, seed: int = 0, level: float = LEVEL,
                      min_prominence: float = 0.05) -> ModeCount:
    """The number of modes of the density of ``x`` with the bootstrap stability criterion (module docstring).

    Parameters
    ----------
    x : array_like (n,)
        Sample (non-finite values dropped; n >= 10 needed).
    n_boot : int
        Bootstrap resamples (>= 10).
    seed : int
        Seeds the resampling (``numpy.random.default_rng(seed)``).
    level : float
        Share of resamples that must agree, in (0, 1].
    min_prominence : float
        Prominence threshold of :func:`heavytail_sim.diagnostics.count_modes`.

    Returns
    -------
    ModeCount
    """
    from .diagnostics import count_modes

    x = np.asarray(x, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size < 10:
        raise UsageError("mode counting needs at least 10 finite samples")
    if isinstance(n_boot, bool) or not (isinstance(n_boot, (int, np.integer)) and n_boot >= 10):
        raise UsageError(f"n_boot must be an integer >= 10, got {n_boot!r}")
    if not (0.0 < level <= 1.0):
        raise UsageError(f"level must lie in (0, 1], got {level}")
    k, where = count_modes(x, min_prominence=min_prominence)
    gen = np.random.default_rng(seed)
    counts = np.array([count_modes(x[gen.integers(0, x.size, x.size)], min_prominence=min_prominence)[0]
                       for _ in range(n_boot)])
    values, freq = np.unique(counts, return_counts=True)
    share = float(np.mean(counts == k))
    return ModeCount(k, where, share, {int(v): float(f) / n_boot for v, f in zip(values, freq)}, share >= level,
                     count_modes(x, 0.5, min_prominence)[0], count_modes(x, 2.0, min_prominence)[0])
