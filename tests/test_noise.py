import numpy as np
import pytest
from scipy import stats

from heavytail_sim.errors import UsageError
from heavytail_sim.noise import NoiseModel, abs_moment, sample

# KS tests: with a fixed seed the p-value is deterministic; under a correct sampler it is uniform, so a
# threshold of 1e-3 would reject a correct sampler for only 0.1% of seeds, while the power checks below
# show the same test rejects a 15% scale error.
P_MIN = 1e-3


def _sym_lomax_cdf(a):
    return lambda x: 0.5 + 0.5 * np.sign(x) * stats.lomax(a).cdf(np.abs(x))


CASES = [
    ("gaussian", 2.0, 1.5, stats.norm(scale=1.5).cdf, 20000),
    ("pareto", 1.3, 1.0, _sym_lomax_cdf(1.3), 20000),
    ("pareto", 2.5, 2.0, lambda x: _sym_lomax_cdf(2.5)(x / 2.0), 20000),
    ("student_t", 1.5, 1.0, stats.t(1.5).cdf, 20000),
    ("student_t", 4.0, 0.5, stats.t(4.0, scale=0.5).cdf, 20000),
    ("cauchy", 1.0, 2.0, stats.cauchy(scale=2.0).cdf, 20000),
    # levy_stable.cdf costs ~0.5 ms a point: 3000 points keep this under 2 s
    ("stable", 1.5, 1.0, stats.levy_stable(1.5, 0.0).cdf, 3000),
    ("stable", 1.2, 2.0, stats.levy_stable(1.2, 0.0, scale=2.0).cdf, 3000),
]


@pytest.mark.parametrize("kind,index,scale,cdf,n", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_sampler_matches_scipy(kind, index, scale, cdf, n):
    x = sample(kind, index, scale, n, seed=2024)
    assert stats.kstest(x, cdf).pvalue > P_MIN


def test_ks_detects_scale_error():
    x = sample("pareto", 1.3, 1.0, 20000, seed=2024)
    assert stats.kstest(x * 1.15, _sym_lomax_cdf(1.3)).pvalue < P_MIN


def test_stable_special_cases():
    # a = 2 is N(0, 2); a = 1 is Cauchy(0, 1) (CMS reduces to tan V)
    assert stats.kstest(sample("stable", 2.0, 1.0, 20000, 5), stats.norm(scale=np.sqrt(2)).cdf).pvalue > P_MIN
    assert stats.kstest(sample("stable", 1.0, 1.0, 20000, 5), stats.cauchy.cdf).pvalue > P_MIN


@pytest.mark.parametrize("kind,index", [("pareto", 1.4), ("stable", 1.4), ("student_t", 2.0), ("gaussian", 2.0)])
def test_symmetry(kind, index):
    x = sample(kind, index, 1.0, 20000, seed=9)
    assert stats.ks_2samp(x[:10000], -x[10000:]).pvalue > P_MIN


@pytest.mark.parametrize("kind,index", [("pareto", 1.6), ("stable", 1.6), ("student_t", 3.0), ("gaussian", 2.0),
                                        ("cauchy", 1.0), ("bernoulli", 0.2)])
def test_exact_moment_matches_monte_carlo(kind, index):
    # p below a quarter of the tail index makes |X|^p have a finite variance, so the mean has a CLT
    p = min(index / 4, 0.8)
    x = np.abs(sample(kind, index, 1.7, 200_000, seed=4)) ** p
    se = x.std() / np.sqrt(x.size)
    assert abs(x.mean() - abs_moment(kind, index, 1.7, p)) < 5 * se  # 5 standard errors


def test_moments_infinite_beyond_tail_index():
    assert abs_moment("pareto", 1.5, 1.0, 1.5) == np.inf
    assert abs_moment("stable", 1.2, 1.0, 1.3) == np.inf
    assert abs_moment("cauchy", 1.0, 1.0, 1.0) == np.inf
    assert np.isfinite(abs_moment("stable", 2.0, 1.0, 3.0))


@pytest.mark.parametrize("kind,index,t", [("pareto", 1.3, 30.0), ("stable", 1.5, 30.0)])
def test_tail_index_recovered(kind, index, t):
    # P(|X| > t) / P(|X| > 10 t) -> 10^a; with 10^6 draws the far tail holds >= 10^3 points, so the
    # log10 ratio has standard error ~0.02; 0.1 allows for the finite-t correction of the stable law
    # (Lomax's exact (1 + t)^-a is corrected for exactly)
    x = np.abs(sample(kind, index, 1.0, 1_000_000, seed=77))
    ratio = np.mean(x > t) / np.mean(x > 10 * t)
    span = np.log10((1 + 10 * t) / (1 + t)) if kind == "pareto" else 1.0
    assert abs(np.log10(ratio) / span - index) < 0.1


@pytest.mark.parametrize("kind,index,law", [("student_t", 1.8, stats.t(1.8)),
                                            ("stable", 1.2, stats.levy_stable(1.2, 0.0))])
def test_far_tail_probabilities_match_scipy(kind, index, law):
    x = np.abs(sample(kind, index, 1.0, 1_000_000, seed=78))
    for t in (10.0, 100.0):
        p = 2 * law.sf(t)
        se = np.sqrt(p * (1 - p) / x.size)
        assert abs(np.mean(x > t) - p) < 5 * se  # binomial standard error, 5 of them


def test_vector_noise_and_validation():
    nm = NoiseModel("pareto", [1.2, 1.8, 3.0], [1.0, 2.0, 0.5])
    idx, sc = nm.arrays(3)
    assert idx.tolist() == [1.2, 1.8, 3.0] and sc.tolist() == [1.0, 2.0, 0.5]
    assert np.all(np.isinf(nm.coordinate_moments(3, 1.9)[:2])) and np.isfinite(nm.coordinate_moments(3, 1.9)[2])
    for bad in [("stable", 2.5, 1.0), ("pareto", -1.0, 1.0), ("gaussian", 2.0, -1.0), ("bernoulli", 1.0, 1.0),
                ("laplace", 1.0, 1.0)]:
        with pytest.raises(UsageError):
            NoiseModel(*bad)


# ------------------------------------------------------------------ the branch-free special functions
def _libm_draws(kind, a, s, n, seed):
    """The same laws from the same uniforms with the C library's log/pow/sin/cos/tan (math module)."""
    import math

    from heavytail_sim.reference import Xoroshiro128Plus
    from heavytail_sim.rng import seed_states

    st = seed_states(seed, 1)
    gen = Xoroshiro128Plus(st[0, 0], st[0, 1])
    out = np.empty(n)
    for j in range(n):
        if kind == "pareto":
            y = gen.uniform() ** (-1.0 / a) - 1.0
            out[j] = s * y if gen.uniform() < 0.5 else -s * y
        elif kind == "stable":
            v = math.pi * (gen.uniform() - 0.5)
            w = -math.log(gen.uniform())
            out[j] = s * (math.sin(a * v) / math.cos(v) ** (1 / a) * (math.cos((1 - a) * v) / w) ** (1 / a - 1))
        elif kind == "gaussian":
            u1, u2 = gen.uniform(), gen.uniform()
            out[j] = s * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
        elif kind == "student_t":
            while True:
                u, v = 2 * gen.uniform() - 1, 2 * gen.uniform() - 1
                w = u * u + v * v
                if w < 1:
                    out[j] = s * u * math.sqrt(a * (w ** (-2 / a) - 1) / w)
                    break
        else:  # cauchy
            out[j] = s * math.tan(math.pi * (gen.uniform() - 0.5))
    return out


@pytest.mark.parametrize("kind,a", [("pareto", 1.3), ("pareto", 2.5), ("stable", 1.2), ("stable", 1.8),
                                    ("gaussian", 2.0), ("student_t", 1.5), ("cauchy", 1.0)])
def test_branch_free_sampling_agrees_with_libm(kind, a):
    # the engine draws with heavytail_sim.vecmath (<= 1 ulp per function, tests/test_vecmath.py); a draw
    # chains at most five of them, so it may differ from libm-based sampling by a few ulp, far below 1e-13
    # relative (the KS tests above check the laws themselves)
    x = sample(kind, a, 1.7, 3000, seed=7)
    y = _libm_draws(kind, a, 1.7, 3000, 7)
    rel = np.abs(x - y) / np.maximum(np.abs(y), 1e-300)
    assert rel.max() <= 1e-13
    assert np.mean(x == y) > 0.3  # most draws are the very same double


def test_lane_sampling_vectorises():
    # the engine's noise pass for Pareto and alpha-stable laws compiles to SIMD code with no libm call left
    import re

    from llvmlite import binding as llvm
    from numba import njit

    from heavytail_sim.noise import KINDS, draw_lanes
    from heavytail_sim.rng import seed_states

    def lanes(kind, a, S, Z):
        draw_lanes(kind, a, 1.0 / a, 1.0, S, Z, 0, 0, Z.shape[1])

    jit = njit(error_model="numpy")(lanes)
    S = np.ascontiguousarray(seed_states(1, 64).T)
    Z = np.empty((1, 64))
    jit(KINDS["pareto"], 1.5, S, Z)
    ir = "".join(jit.inspect_llvm().values())
    calls = set(re.findall(r"call [^@(]*@\"?([\w.$]+)", ir))
    assert not [c for c in calls if re.match(r"(llvm\.)?(log|exp|pow|sin|cos|tan)\b", c)]
    if llvm.get_host_cpu_features().get("avx2", False):
        assert re.search(r"<(4|8) x double>", ir) and re.search(r"^vector\.body", ir, re.M)
