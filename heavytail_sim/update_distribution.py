"""The update distribution of Adam/RMSProp under Gaussian gradients (seed 002), as scipy distributions.

With g_1..g_m i.i.d. N(0, sigma^2), mu = 0, eps = 0 and simple averaging of the squared gradients,
the update is Delta theta = g_m / sqrt((1/m) sum_i g_i^2) (seed 002, Theorem 1 with c_n = t; the
seed's c_n = 1/t is an erratum, see figures/claims.md). All laws below follow from
K = X_m^2 / sum_i X_i^2 ~ Beta(1/2, (m-1)/2) (seed 002, eq 21, checked in proofs_check):

* ``update``   x_g = sqrt(G) with a random sign: the update itself, support [-sqrt m, sqrt m];
* ``update_k`` x_k = sqrt(K) with a random sign, support [-1, 1] (x_g = sqrt(m) x_k);
* ``g_ratio``  G = m K, support [0, m]; for the normalisation c = m - 1 use ``scale=(m-1)/m``.

Each accepts a real shape parameter m > 1 and supports ``pdf``, ``cdf``, ``ppf``, ``var``, ``rvs`` and
the rest of the ``rv_continuous`` interface.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats


def _symmetric_beta_param(m: ArrayLike) -> NDArray[np.float64]:
    """a = (m-1)/2: (1 + x_k)/2 ~ Beta(a, a) (seed 002, eq 29)."""
    return (np.asarray(m, dtype=float) - 1.0) / 2.0


class UpdateGen(stats.rv_continuous):
    """Law of the Adam update x_g at step m (seed 002, eq 30, density verified in proofs_check).

    f_m(x) = Gamma(m/2) / (sqrt(m pi) Gamma((m-1)/2)) (1 - x^2/m)^((m-3)/2) on |x| <= sqrt m.
    Mean 0, variance 1 for every m (Corollary 1); excess kurtosis -6/(m+2) (that of Beta(a, a), a = (m-1)/2).
    """

    def _argcheck(self, m: NDArray) -> NDArray[np.bool_]:
        return np.asarray(m) > 1

    def _get_support(self, m: NDArray) -> tuple[NDArray, NDArray]:
        r = np.sqrt(np.asarray(m, dtype=float))
        return -r, r

    def _logpdf(self, x: NDArray, m: NDArray) -> NDArray:
        # seed 002, eq 30: log C - log(sqrt m) + (m-3)/2 log(1 - x^2/m), C = 1/B(1/2, (m-1)/2)
        return -special.betaln(0.5, (m - 1) / 2) - 0.5 * np.log(m) + (m - 3) / 2 * np.log1p(-(x * x) / m)

    def _pdf(self, x: NDArray, m: NDArray) -> NDArray:
        return np.exp(self._logpdf(x, m))

    def _cdf(self, x: NDArray, m: NDArray) -> NDArray:
        a = _symmetric_beta_param(m)
        return special.betainc(a, a, np.clip((1 + x / np.sqrt(m)) / 2, 0.0, 1.0))

    def _ppf(self, q: NDArray, m: NDArray) -> NDArray:
        a = _symmetric_beta_param(m)
        return np.sqrt(m) * (2 * special.betaincinv(a, a, q) - 1)

    def _rvs(self, m: NDArray, size=None, random_state=None) -> NDArray:
        a = _symmetric_beta_param(m)
        return np.sqrt(m) * (2 * random_state.beta(a, a, size=size) - 1)

    def _stats(self, m: NDArray, moments: str = "mv"):
        m = np.asarray(m, dtype=float)
        zero = np.zeros_like(m)
        return zero, np.ones_like(m), zero, -6.0 / (m + 2)


class UpdateKGen(stats.rv_continuous):
    """Law of x_k = +-sqrt(K) (seed 002, eq 28): f(x) = (1 - x^2)^((m-3)/2) / B(1/2, (m-1)/2) on [-1, 1].

    Mean 0, variance E K = 1/m (eq 22), excess kurtosis -6/(m+2).
    """

    def _argcheck(self, m: NDArray) -> NDArray[np.bool_]:
        return np.asarray(m) > 1

    def _get_support(self, m: NDArray) -> tuple[float, float]:
        return -1.0, 1.0

    def _logpdf(self, x: NDArray, m: NDArray) -> NDArray:
        return -special.betaln(0.5, (m - 1) / 2) + (m - 3) / 2 * np.log1p(-(x * x))

    def _pdf(self, x: NDArray, m: NDArray) -> NDArray:
        return np.exp(self._logpdf(x, m))

    def _cdf(self, x: NDArray, m: NDArray) -> NDArray:
        a = _symmetric_beta_param(m)
        return special.betainc(a, a, np.clip((1 + x) / 2, 0.0, 1.0))

    def _ppf(self, q: NDArray, m: NDArray) -> NDArray:
        a = _symmetric_beta_param(m)
        return 2 * special.betaincinv(a, a, q) - 1

    def _rvs(self, m: NDArray, size=None, random_state=None) -> NDArray:
        a = _symmetric_beta_param(m)
        return 2 * random_state.beta(a, a, size=size) - 1

    def _stats(self, m: NDArray, moments: str = "mv"):
        m = np.asarray(m, dtype=float)
        zero = np.zeros_like(m)
        return zero, 1.0 / m, zero, -6.0 / (m + 2)


class GRatioGen(stats.rv_continuous):
    """Law of G = X_m^2 / ((1/m) sum_i X_i^2) = m K (seed 002, eq 23), support [0, m].

    f(g) = (g/m)^(-1/2) (1 - g/m)^((m-3)/2) / (m B(1/2, (m-1)/2)). Mean 1 (eq 24),
    variance 2(m-1)/(m+2) (m^2 Var K for K ~ Beta(1/2, (m-1)/2)). The density is decreasing for m >= 3
    (no mode at m/(m-2), an erratum of the seed).
    """

    def _argcheck(self, m: NDArray) -> NDArray[np.bool_]:
        return np.asarray(m) > 1

    def _get_support(self, m: NDArray) -> tuple[NDArray, NDArray]:
        return np.zeros_like(np.asarray(m, dtype=float)), np.asarray(m, dtype=float)

    def _logpdf(self, x: NDArray, m: NDArray) -> NDArray:
        return stats.beta._logpdf(x / m, 0.5, (m - 1) / 2) - np.log(m)

    def _pdf(self, x: NDArray, m: NDArray) -> NDArray:
        return np.exp(self._logpdf(x, m))

    def _cdf(self, x: NDArray, m: NDArray) -> NDArray:
        return special.betainc(0.5, (m - 1) / 2, np.clip(x / m, 0.0, 1.0))

    def _ppf(self, q: NDArray, m: NDArray) -> NDArray:
        return m * special.betaincinv(0.5, (m - 1) / 2, q)

    def _rvs(self, m: NDArray, size=None, random_state=None) -> NDArray:
        return m * random_state.beta(0.5, (m - 1) / 2, size=size)

    def _stats(self, m: NDArray, moments: str = "mv"):
        m = np.asarray(m, dtype=float)
        a, b = 0.5, (m - 1) / 2
        skew = 2 * (b - a) * np.sqrt(a + b + 1) / ((a + b + 2) * np.sqrt(a * b))
        kurt = 6 * ((a - b) ** 2 * (a + b + 1) - a * b * (a + b + 2)) / (a * b * (a + b + 2) * (a + b + 3))
        return np.ones_like(m), 2 * (m - 1) / (m + 2), skew, kurt


update = UpdateGen(name="adam_update", shapes="m")
update_k = UpdateKGen(name="adam_update_k", shapes="m")
g_ratio = GRatioGen(name="adam_g_ratio", a=0.0, shapes="m")


def sample_construction(m: int, size: int, rng: np.random.Generator, sigma: float = 1.0) -> dict[str, NDArray[np.float64]]:
    """Sample the defining construction from Gaussians: K, G (c = m) and the signed update x_g.

    Independent of the closed forms above, so it can be used to test them.
    """
    if m < 2:
        raise ValueError("m must be at least 2")
    x = rng.normal(0.0, sigma, size=(size, m))
    sq = x * x
    k = sq[:, -1] / sq.sum(axis=1)
    return {"K": k, "G": m * k, "x_g": x[:, -1] / np.sqrt(sq.mean(axis=1)), "x_k": np.sign(x[:, -1]) * np.sqrt(k)}
