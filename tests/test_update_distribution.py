"""The seed 002 update laws as scipy distributions: normalisation, moments (Corollaries 1 and 2),
agreement with the sympy-derived densities, and sampling (KS against the cdf and against the
Gaussian construction).

KS tests use level 1e-3 with fixed seeds: deterministic, and for a correct law a random seed would
fail with probability 1e-3. Numerical integrals are compared at 1e-8 (quad's absolute error on
these smooth or integrable-singular integrands is below 1e-10).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

from heavytail_sim.update_distribution import g_ratio, sample_construction, update, update_k

MS = [2, 2.5, 3, 5, 12, 60]


@pytest.mark.parametrize("m", MS)
def test_update_pdf_integrates_to_one(m):
    r = np.sqrt(m)
    total, _ = integrate.quad(lambda x: update.pdf(x, m), -r, r, limit=200)
    assert total == pytest.approx(1.0, abs=1e-8)
    assert update.cdf(r, m) == pytest.approx(1.0) and update.cdf(-r, m) == pytest.approx(0.0)


@pytest.mark.parametrize("m", MS)
def test_update_variance_is_one_corollary1(m):
    assert update.var(m) == pytest.approx(1.0)
    second, _ = integrate.quad(lambda x: x * x * update.pdf(x, m), -np.sqrt(m), np.sqrt(m), limit=200)
    assert second == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("m", [2, 3, 5, 12])
def test_abs_update_variance_corollary2(m):
    from proofs_check.seed002_moments import SEED_COR2
    from proofs_check.symbolic import m as msym

    mean_abs = update.expect(np.abs, args=(m,))
    assert 1 - mean_abs**2 == pytest.approx(float(SEED_COR2.subs(msym, m)), abs=1e-8)


@pytest.mark.parametrize("m", [3, 5, 12])
def test_kurtosis_matches_numerical_integral(m):
    fourth, _ = integrate.quad(lambda x: x**4 * update.pdf(x, m), -np.sqrt(m), np.sqrt(m))
    assert float(update.stats(m, moments="k")) == pytest.approx(fourth - 3.0, abs=1e-8)


@pytest.mark.parametrize("m", [2.5, 4, 9])
def test_pdfs_match_sympy_derivations(m):
    from proofs_check import seed002_densities as dens
    from proofs_check.symbolic import m as msym

    x = sp.Symbol("x", positive=True)
    for dist, sym, pts in [(update, dens.xg_pdf(x), [0.1, 0.7, 1.2]), (update_k, dens.xk_pdf(x), [0.1, 0.5, 0.9]),
                           (g_ratio, dens.g_pdf(x), [0.05, 0.5, 1.5])]:
        f = sp.lambdify(x, sym.subs(msym, sp.nsimplify(m)), "mpmath")
        for p in pts:
            assert dist.pdf(p, m) == pytest.approx(float(f(p)), rel=1e-10)


def test_special_cases_m2_m3():
    xs = np.array([-1.3, -0.4, 0.0, 0.9, 1.4])
    assert np.allclose(update.pdf(xs, 2), 1 / (np.pi * np.sqrt(2 - xs**2)))  # corrected eq 32
    xs3 = np.array([-1.7, -0.5, 0.3, 1.7])
    assert np.allclose(update.pdf(xs3, 3), 1 / (2 * np.sqrt(3)))  # corrected eq 33
    assert update.pdf(1.75, 3) == 0.0  # sqrt 3 ~ 1.732


def test_large_m_is_close_to_normal():
    xs = np.linspace(-3, 3, 13)
    # the density error is O(1/m): at m = 1e4 the gap to phi is below 1e-3
    assert np.max(np.abs(update.pdf(xs, 1e4) - stats.norm.pdf(xs))) < 1e-3


@pytest.mark.parametrize("dist,m", [(update, 2), (update, 5), (update_k, 3), (update_k, 8), (g_ratio, 4), (g_ratio, 10)])
def test_rvs_passes_ks_against_cdf(dist, m):
    sample = dist.rvs(m, size=5000, random_state=np.random.default_rng(31))
    assert stats.kstest(sample, dist(m).cdf).pvalue > 1e-3


@pytest.mark.parametrize("m", [2, 3, 6])
def test_gaussian_construction_matches_closed_forms(m):
    draws = sample_construction(m, 20_000, np.random.default_rng(32))
    assert stats.kstest(draws["x_g"], update(m).cdf).pvalue > 1e-3
    assert stats.kstest(draws["x_k"], update_k(m).cdf).pvalue > 1e-3
    assert stats.kstest(draws["G"], g_ratio(m).cdf).pvalue > 1e-3


def test_ppf_inverts_cdf():
    q = np.array([0.01, 0.3, 0.5, 0.8, 0.99])
    for dist, m in [(update, 4), (update_k, 4), (g_ratio, 4)]:
        assert np.allclose(dist.cdf(dist.ppf(q, m), m), q)


def test_g_ratio_moments_and_normalisation_c_minus_1():
    m = 7
    assert g_ratio.mean(m) == pytest.approx(1.0)
    assert g_ratio.var(m) == pytest.approx(g_ratio.expect(lambda g: (g - 1) ** 2, args=(m,)), abs=1e-8)
    assert g_ratio.mean(m, scale=(m - 1) / m) == pytest.approx((m - 1) / m)  # eq 24, c = m - 1


def test_invalid_shape_is_nan():
    assert np.isnan(update.pdf(0.0, 1.0))
