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


# ------------------------------------------------------------------ the general problems
from heavytail_sim import problems  # noqa: E402
from heavytail_sim.engine import Simulation  # noqa: E402
from heavytail_sim.algorithms import Algorithm  # noqa: E402
from heavytail_sim.schedules import constant  # noqa: E402
from heavytail_sim.oracles import Minibatch, ProbabilityZeroOracle  # noqa: E402

_r = np.random.default_rng(1)
_A = _r.standard_normal((40, 4))
_Y = _A @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.2 * _r.standard_normal(40)
GENERAL = {
    "l1_quadratic": problems.l1_quadratic(4, lam=0.7, mu=0.5, L=3.0, xstar=[0.1, -0.2, 0.3, 0.0]),
    "ripple-spurious": ripple(4, h=1.0, c=2.0, w=3.0),
    "chain": problems.chain(6),
    "chain-scaled": problems.chain(5, L=3.0, lam=0.4),
    "least_squares": problems.least_squares(_A, _Y, ridge=0.1),
    "logistic": problems.logistic(_A, np.sign(_Y), ridge=0.05),
}


def _fd_grad(prob, x, h=1e-6):
    return np.array([(prob.value(x + h * e) - prob.value(x - h * e)) / (2 * h) for e in np.eye(prob.dim)])


@pytest.mark.parametrize("name", list(GENERAL))
def test_general_gradients_match_central_differences(name):
    prob = GENERAL[name]
    rng = np.random.default_rng(2)
    for _ in range(20):
        x = rng.uniform(-2.5, 2.5, prob.dim)
        if name == "l1_quadratic":  # stay away from the kinks |t_i| = 0, where no derivative exists
            t = x - prob.xstar
            x = prob.xstar + np.where(np.abs(t) < 1e-3, 1e-3, t)
        # O(h^2 f''') truncation plus O(eps |f| / h) rounding, ~1e-8 for these magnitudes
        np.testing.assert_allclose(prob.grad(x), _fd_grad(prob, x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in GENERAL if n != "l1_quadratic"])
def test_stated_smoothness_is_not_exceeded(name):
    prob = GENERAL[name]
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, (4000, prob.dim))
    y = x + rng.normal(0, 0.3, x.shape) * rng.uniform(0, 1, (4000, 1))
    ratio = np.linalg.norm(prob.grad(x) - prob.grad(y), axis=1) / np.linalg.norm(x - y, axis=1)
    assert ratio.max() <= prob.L * (1 + 1e-9)
    # and the constant is not vacuous: random pairs reach a fair part of it
    assert ratio.max() >= 0.1 * prob.L


def test_l1_quadratic_is_nonsmooth_strongly_convex_with_zero_minimum():
    prob = GENERAL["l1_quadratic"]
    assert prob.L == np.inf and prob.mu == pytest.approx(0.5)
    x = np.random.default_rng(4).uniform(-3, 3, (5000, 4))
    assert prob.value(x).min() > 0.0 == prob.fstar == prob.value(prob.xstar)
    # a subgradient: f(y) >= f(x) + <g, y - x> + mu/2 |y - x|^2 for every pair
    y = x[::-1]
    gap = prob.value(y) - prob.value(x) - np.sum(prob.grad(x) * (y - x), axis=1) - 0.25 * np.sum((y - x) ** 2, axis=1)
    assert gap.min() >= -1e-12


def test_ripple_with_spurious_stationary_points():
    minima, maxima = problems.ripple_stationary_points(2.0, 3.0, 7.0)
    assert minima.size >= 3 and maxima.size >= 3  # beyond the global minimum at 0
    prob = ripple(2, c=2.0, w=3.0)
    for t in (minima[1], maxima[0]):
        assert np.allclose(prob.grad(np.array([t, 0.0])), 0.0, atol=1e-9)
    # a spurious local minimum (value > f* = 0) and a saddle (a minimum in one coordinate, a maximum in the other)
    x_min = np.array([minima[1], minima[1]])
    x_saddle = np.array([minima[1], maxima[0]])
    hess = [np.diag([1 + 2.0 * 9.0 * np.cos(3.0 * t) for t in x]) for x in (x_min, x_saddle)]
    assert prob.value(x_min) > 0 and np.all(np.linalg.eigvalsh(hess[0]) > 0)
    eig = np.linalg.eigvalsh(hess[1])
    assert eig.min() < 0 < eig.max()
    assert problems.ripple_stationary_points(1.0, 2.0)[1].size == 0  # the default preset is benign


def test_finite_sum_optimal_values():
    lsq, logi = GENERAL["least_squares"], GENERAL["logistic"]
    rng = np.random.default_rng(5)
    for prob in (lsq, logi):
        assert np.allclose(prob.grad(prob.xstar), 0.0, atol=1e-10)
        assert prob.value(prob.xstar) == pytest.approx(prob.fstar, abs=1e-14)
        assert prob.value(prob.xstar + rng.normal(0, 0.1, (500, 4))).min() >= prob.fstar
    # mu and L of least squares are the extreme eigenvalues of A'A/n + ridge I
    eig = np.linalg.eigvalsh(_A.T @ _A / 40 + 0.1 * np.eye(4))
    assert lsq.L == pytest.approx(eig[-1]) and lsq.mu == pytest.approx(eig[0])
    # component gradients average to the full gradient
    x = rng.normal(size=4)
    full = lsq.component_grads(x, np.arange(40)).mean(axis=0) + 0.1 * x
    np.testing.assert_allclose(full, lsq.grad(x), rtol=1e-12)
    with pytest.raises(UsageError):
        problems.logistic(_A, _Y)  # labels must be +-1


def test_chain_infimum_and_initial_gap():
    # inf F_T: every term at its bound as x -> +inf; F_T(0) = -Phi(0); the gap is <= 12 T (Arjevani et al.)
    for T in (1, 2, 5, 40):
        prob = problems.chain(T)
        # Psi(x) = e exp(-1/(2x-1)^2) approaches e like 1/x^2: at x = 1e5 the gap is ~ 1e-10 T
        big = prob.value(np.full(T, 1e5))
        assert big - prob.fstar == pytest.approx(0.0, abs=1e-8 * T)
        assert prob.value(np.full((2000, T), 0.0) + np.random.default_rng(T).uniform(-3, 8, (2000, T))).min() \
            >= prob.fstar
        gap = prob.value(np.zeros(T)) - prob.fstar
        assert gap == pytest.approx(problems.PHI_INF * (0.5 + np.e * (T - 1)))
        assert gap <= 12 * T


def _prog(x, a):
    idx = np.nonzero(np.abs(x) > a)[0]
    return int(idx[-1] + 1) if idx.size else 0


def test_chain_gradient_norm_is_large_before_the_end():
    # Arjevani et al. (2019), Lemma 2: if prog_1(x) < T then ||grad F_T(x)|| > 1
    T = 8
    prob = problems.chain(T)
    rng = np.random.default_rng(6)
    worst = np.inf
    for _ in range(3000):
        x = rng.uniform(-2.0, 2.0, T) * (rng.uniform(size=T) < 0.7)
        j = rng.integers(0, T)  # force |x_j| <= 1 for some j so that prog_1(x) < T... for the last coordinates
        x[j:] = np.clip(x[j:], -1.0, 1.0)
        x[-1] = rng.uniform(-1.0, 1.0)
        assert _prog(x, 1.0) < T
        worst = min(worst, np.linalg.norm(prob.grad(x)))
    assert worst > 1.0


def test_chain_is_a_zero_chain():
    # grad F_T(x) is zero past prog_{1/2}(x) + 1: a method that only moves along coordinates the oracle
    # revealed advances its support by at most one coordinate per query
    T = 10
    prob = problems.chain(T)
    rng = np.random.default_rng(7)
    for _ in range(2000):
        p = rng.integers(0, T)
        x = np.zeros(T)
        x[:p] = rng.uniform(-3, 3, p)
        g = prob.grad(x)
        assert _prog(g, 0.0) <= _prog(x, 0.5) + 1


def test_engine_runs_on_the_chain_advance_one_coordinate_per_reveal():
    # SGD, GClip and normalised SGD are zero-respecting: after every step, the support prog_0(x_k) is at
    # most the number of queries whose Bernoulli draw was 1 (and only those can extend it)
    prob = problems.chain(12)
    for name in ("sgd", "gclip", "nsgd"):
        sim = Simulation(prob, ProbabilityZeroOracle(0.4), Algorithm(name), constant(1.0, 5.0), runs=50, seed=9)
        for k in range(1, 60):
            sim.advance_to(k)
            err = dict(zip(__import__("heavytail_sim.engine", fromlist=["METRICS"]).METRICS, sim.errors()))
            assert np.all(err["support"] <= err["reveals"])
            assert np.all(err["progress"] <= err["support"])
        assert err["support"].max() >= 3  # the runs do make progress: the bound is exercised


def test_minibatch_oracle_is_unbiased():
    prob = GENERAL["least_squares"]
    x0 = np.array([0.3, -0.2, 0.1, 0.5])
    sim = Simulation(problems.least_squares(_A, _Y, ridge=0.1, x0=x0), Minibatch(5), Algorithm("sgd"),
                     constant(1e-300), runs=20000, seed=10)
    # eta = 1e-300 leaves x at x0; Z holds the last stochastic gradient of every run
    sim.advance_to(1)
    z = sim.state.Z.T
    se = z.std(axis=0) / np.sqrt(z.shape[0])
    assert np.all(np.abs(z.mean(axis=0) - prob.grad(x0)) < 4.5 * se)  # 4.5 standard errors: 4 coordinates
