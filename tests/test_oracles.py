"""Oracles (heavytail_sim.oracles): unbiasedness, the chain oracle's moments, profiles, bad input."""
import dataclasses

import numpy as np
import pytest

from heavytail_sim import problems
from heavytail_sim.algorithms import Algorithm
from heavytail_sim.engine import Simulation
from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel
from heavytail_sim.oracles import AdditiveNoise, Minibatch, ProbabilityZeroOracle, Profile, as_oracle
from heavytail_sim.schedules import constant


def _one_query(prob, oracle, runs, seed, x0):
    """The oracle's answers at x0 for ``runs`` independent queries (one step with a negligible step size)."""
    prob = dataclasses.replace(prob, x0=np.asarray(x0, float))
    sim = Simulation(prob, oracle, Algorithm("sgd"), constant(1e-300), runs, seed)
    sim.advance_to(1)
    return sim.state.Z.T.copy(), sim.state.G.T.copy()


def test_probability_zero_oracle_exact_moments_and_unbiasedness():
    T, p, alpha = 6, 0.2, 1.5
    prob = problems.chain(T)
    x0 = np.array([1.2, -0.9, 0.8, 0.0, 0.0, 0.0])  # prog_{1/4} = 3: coordinate 4 is the noisy one
    z, g = _one_query(prob, ProbabilityZeroOracle(p), 200_000, 11, x0)
    grad = prob.grad(x0)
    assert np.allclose(g[0], grad, rtol=1e-13)
    # coordinates up to the progress index are exact; the next one is grad * xi/p; the rest are zero
    assert np.array_equal(z[:, :3], g[:, :3])
    assert set(np.unique(z[:, 3] / grad[3]).round(12)) == {0.0, round(1 / p, 12)}
    assert grad[3] != 0.0 and np.all(grad[4:] == 0.0)
    # unbiased: E[xi/p] = 1; the sample mean within 4 standard errors (sd of xi/p is sqrt((1-p)/p) = 2)
    noise = z[:, 3] - grad[3]
    se = abs(grad[3]) * np.sqrt((1 - p) / p) / np.sqrt(len(noise))
    assert abs(noise.mean()) < 4 * se
    # alpha-th absolute moment: exact two-point law against the closed form, and Monte Carlo against both
    exact = abs(grad[3]) ** alpha * (p * (1 / p - 1) ** alpha + (1 - p))
    assert ProbabilityZeroOracle(p).noise_abs_moment(grad[3], alpha) == pytest.approx(exact, rel=1e-14)
    two_point = p * abs(grad[3] * (1 / p - 1)) ** alpha + (1 - p) * abs(grad[3]) ** alpha
    assert exact == pytest.approx(two_point, rel=1e-14)
    mc = np.mean(np.abs(noise) ** alpha)
    sd = np.std(np.abs(noise) ** alpha) / np.sqrt(len(noise))
    assert abs(mc - exact) < 4 * sd


def test_probability_zero_oracle_moment_grows_like_p_power():
    # of order p^(1 - alpha) as p -> 0 (SPEC section 7): the ratio to p^(1 - alpha) tends to 1
    alpha = 1.4
    for p in (1e-2, 1e-4, 1e-6):
        m = ProbabilityZeroOracle(p).noise_abs_moment(1.0, alpha)
        assert m / p ** (1 - alpha) == pytest.approx(1.0, rel=5 * p ** (alpha - 1) + 2 * p)


def test_additive_profiles_scale_and_shift_the_noise():
    prob = problems.quadratic(2)
    base = AdditiveNoise(NoiseModel("gaussian"))
    shifted = AdditiveNoise(NoiseModel("gaussian"), scale=Profile("constant", 3.0), mean=Profile("constant", 0.5))
    z0, g0 = _one_query(prob, base, 1000, 12, [1.0, 1.0])
    z1, g1 = _one_query(prob, shifted, 1000, 12, [1.0, 1.0])
    # the same draws: (z1 - g - 0.5) / 3 equals z0 - g up to the rounding of the multiplication
    np.testing.assert_allclose((z1 - g1 - 0.5) / 3.0, z0 - g0, rtol=1e-14, atol=1e-15)
    prof = Profile("switch", 1.0, 4.0, 3)
    assert list(prof.at(np.arange(1, 8))) == [1, 1, 1, 4, 4, 4, 1]
    assert Profile("power", 2.0, 1.0, 0.5).at(3) == pytest.approx(4.0)


def test_bad_oracles():
    with pytest.raises(UsageError):
        ProbabilityZeroOracle(0.0)
    with pytest.raises(UsageError):
        ProbabilityZeroOracle(0.5).record(problems.quadratic(2))
    with pytest.raises(UsageError):
        Minibatch(0)
    with pytest.raises(UsageError):
        Minibatch(2).record(problems.quadratic(2))
    with pytest.raises(UsageError):
        Profile("switch", 1.0, 2.0, 0.5)
    with pytest.raises(UsageError):
        as_oracle("pareto")
    assert isinstance(as_oracle(NoiseModel("pareto", 1.5)), AdditiveNoise)
