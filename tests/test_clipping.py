import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from heavytail_sim.clipping import acclip, cclip, gclip

vec = arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e6, 1e6, allow_subnormal=False))
tau = st.floats(1e-6, 1e6)


@given(vec, tau)
def test_gclip_norm_bounded_and_direction_kept(m, t):
    out = gclip(m, t)
    assert np.linalg.norm(out) <= t * (1 + 1e-12)
    # out = c m with 0 <= c <= 1: same direction (cosine 1) and no longer than m
    if np.any(m != 0):
        unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
        np.testing.assert_allclose(unit(out), unit(m), rtol=1e-12, atol=1e-12)
        assert np.linalg.norm(out) <= np.linalg.norm(m) * (1 + 1e-15)


@given(vec, tau)
def test_identity_below_threshold(m, t):
    if np.linalg.norm(m) <= t:
        assert np.array_equal(gclip(m, t), m)
    small = np.abs(m) <= t
    assert np.array_equal(cclip(m, t)[small], m[small])


@given(vec, tau)
def test_cclip_coordinates_bounded_and_signs_kept(m, t):
    out = cclip(m, t)
    assert np.all(np.abs(out) <= t)
    assert np.all(np.sign(out) == np.sign(m))


@given(st.floats(-1e6, 1e6), tau)
def test_one_dimension_gclip_equals_cclip(x, t):
    assert np.allclose(gclip(np.array([x]), t), cclip(np.array([x]), t), rtol=1e-15, atol=0)


@given(vec, tau)
def test_acclip_bounded_by_threshold(m, t):
    out = acclip(m, np.full(m.shape, t), 1e-5)
    assert np.all(np.abs(out) <= t + 1e-9)
