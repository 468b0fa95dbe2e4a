import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from heavytail_sim import schedules
from heavytail_sim.errors import UsageError

alpha = st.floats(1.01, 2.0)
pos = st.floats(1e-3, 1e3)
ks = st.integers(1, 10**7)


@given(alpha, pos, pos, ks)
def test_theorem1_matches_formula(a, G, mu, k):
    s = schedules.theorem1(a, G, mu)
    assert math.isclose(s.eta(k), 4 / (mu * (k + 1)), rel_tol=1e-12)
    assert math.isclose(s.tau(k), G * k ** (1 / a), rel_tol=1e-12)


@given(alpha, pos, pos, pos, st.integers(1, 10**6), ks)
def test_theorem2_matches_formula(a, G, L, f0, K, k):
    s = schedules.theorem2(a, G, L, f0, K)
    eta = (f0 / (G**2 * K)) ** (a / (3 * a - 2)) / L ** ((2 * a - 2) / (3 * a - 2))
    assert math.isclose(s.eta(k), eta, rel_tol=1e-12)
    assert math.isclose(s.tau(k), G / (eta * L) ** (1 / a), rel_tol=1e-9)


@given(alpha, st.lists(pos, min_size=1, max_size=5), pos, ks)
def test_theorem3_matches_formula(a, B, mu, k):
    s = schedules.theorem3(a, B, mu)
    tau = s.tau(k) * s.tau_vector(len(B))
    assert np.allclose(tau, np.array(B) * k ** (1 / a), rtol=1e-12)
    assert math.isclose(s.eta(k), 4 / (mu * (k + 1)), rel_tol=1e-12)


@pytest.mark.parametrize("bad", [1.0, 0.5, 2.5, -1.0, float("nan")])
def test_theorem_schedules_reject_alpha_outside_1_2(bad):
    with pytest.raises(UsageError):
        schedules.theorem1(bad, 1.0, 1.0)
    with pytest.raises(UsageError):
        schedules.theorem2(bad, 1.0, 1.0, 1.0, 10)
    with pytest.raises(UsageError):
        schedules.theorem3(bad, [1.0], 1.0)


def test_invalid_constants_raise():
    with pytest.raises(UsageError):
        schedules.theorem1(1.5, -1.0, 1.0)
    with pytest.raises(UsageError):
        schedules.theorem1(1.5, 1.0, 0.0)
    with pytest.raises(UsageError):
        schedules.theorem2(1.5, 1.0, 1.0, 1.0, 0)
    with pytest.raises(UsageError):
        schedules.theorem3(1.5, [1.0, -2.0], 1.0)
    with pytest.raises(UsageError):
        schedules.constant(0.0)


@given(alpha, st.floats(1e-2, 2.0), pos, pos, st.integers(1, 10**9))
def test_theorem2_sigma_matches_formula(a, sigma, L, f0, K):
    # seed 001, Theorem 2: tau = max{2, 48^(1/(a-1)) sigma^(a/(a-1)), 8 sigma, tau_4}, eta = sigma^a/(L tau^a)
    fixed = max(2.0, 48 ** (1 / (a - 1)) * sigma ** (a / (a - 1)), 8 * sigma)
    intended = sigma ** (3 * a / (3 * a - 2)) * (K / (f0 * L)) ** (1 / (3 * a - 2))
    printed = (f0 / (sigma**2 * K)) ** (a / (3 * a - 2)) / L ** ((2 * a - 2) / (3 * a - 2))
    for reading, fourth in (("intended", intended), ("printed", printed)):
        s = schedules.theorem2_sigma(a, sigma, L, f0, K, reading)
        tau = max(fixed, fourth)
        assert math.isclose(s.tau(7), tau, rel_tol=1e-12) and s.tau_power == 0 and s.eta_power == 0
        assert math.isclose(s.eta(7), sigma**a / (L * tau**a), rel_tol=1e-12)


def test_theorem2_sigma_thresholds_grow_only_in_the_intended_reading():
    K = np.array([1e2, 1e6, 1e10, 1e14])
    grows = schedules.theorem2_sigma_tau(1.5, 0.1, 1.0, 1.0, K, "intended")
    flat = schedules.theorem2_sigma_tau(1.5, 0.1, 1.0, 1.0, K, "printed")
    assert np.all(np.diff(grows[1:]) > 0) and np.all(flat == flat[0])
    assert flat[0] == pytest.approx(max(2.0, 48**2 * 0.1**3, 0.8))


def test_theorem2_sigma_rejects_bad_input():
    with pytest.raises(UsageError, match="reading"):
        schedules.theorem2_sigma(1.5, 1.0, 1.0, 1.0, 10, reading="literal")
    with pytest.raises(UsageError, match="sigma"):
        schedules.theorem2_sigma(1.5, 0.0, 1.0, 1.0, 10)
    with pytest.raises(UsageError, match="alpha"):
        schedules.theorem2_sigma(1.0, 1.0, 1.0, 1.0, 10)
    with pytest.raises(UsageError, match="K"):
        schedules.theorem2_sigma(1.5, 1.0, 1.0, 1.0, 0)
    with pytest.raises(UsageError, match="sigma = 25 with alpha = 1.01"):  # 48^100 25^101: no float holds it
        schedules.theorem2_sigma(1.01, 25.0, 1.0, 1.0, 10)


@given(alpha, pos, pos, ks)
def test_theorem4_projected_is_theorem1_schedule(a, G, mu, k):
    s, ref = schedules.theorem4_projected(a, G, mu), schedules.theorem1(a, G, mu)
    assert s.name == "theorem4_projected" and (s.eta(k), s.tau(k)) == (ref.eta(k), ref.tau(k))
