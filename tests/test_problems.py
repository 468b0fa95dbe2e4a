import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from heavytail_sim.errors import UsageError
from heavytail_sim.noise import abs_moment
from heavytail_sim.problems import lower_bound_instance, quadratic, ripple

pts = arrays(np.float64, 3, elements=st.floats(-5, 5))


@given(pts)
def test_gradients_match_central_differences(x):
    for prob in (quadratic(3, 0.1, 10.0, xstar=[1.0, -2.0, 0.5]), ripple(3, h=2.0, c=1.0, w=2.0)):
        h = 1e-6
        fd = np.array([(prob.value(x + h * e) - prob.value(x - h * e)) / (2 * h) for e in np.eye(3)])
        # central differences: O(h^2 f''') truncation plus O(eps f / h) rounding, ~1e-7 here
        assert np.allclose(prob.grad(x), fd, rtol=1e-6, atol=1e-6)


def test_ripple_constants():
    prob = ripple(1, h=1.0, c=1.0, w=2.0)
    t = np.linspace(-10, 10, 200001)[:, None]
    second = np.gradient(prob.grad(t)[:, 0], t[:, 0])
    assert second.max() <= prob.L + 1e-6 and second.max() > 0.99 * prob.L  # L = h (1 + c w^2) is attained
    assert second.min() < 0  # genuinely non-convex
    assert prob.value(t).min() == prob.value(np.zeros((1, 1)))[0] == prob.fstar == 0.0


def test_quadratic_spectrum_and_projection():
    prob = quadratic(5, 0.01, 1.0, projection="ball", radius=2.0)
    assert prob.mu == pytest.approx(0.01) and prob.L == pytest.approx(1.0)
    far = np.full(5, 10.0)
    assert np.linalg.norm(prob.project(far)) == pytest.approx(2.0)
    with pytest.raises(UsageError):
        quadratic(0)
    with pytest.raises(UsageError):
        quadratic(3, mu=2.0, L=1.0)


@pytest.mark.parametrize("alpha", [1.2, 1.5, 1.8, 2.0])
@pytest.mark.parametrize("eps", [1e-4, 1e-2, 0.125])
@pytest.mark.parametrize("nu", [0, 1])
def test_lower_bound_oracle_is_unbiased(alpha, eps, nu):
    inst = lower_bound_instance(alpha, eps, nu)
    # E[noise] = scale * (p (p - 1) + (1 - p) p) = 0 and b = p / (2 gamma): oracle mean is x - b
    assert inst.p / (2 * inst.gamma) == pytest.approx(inst.b, rel=1e-12)
    assert abs_moment("bernoulli", inst.p, 1.0, 1.0) == pytest.approx(2 * inst.p * (1 - inst.p))
    assert 0 < inst.p < 1
