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
