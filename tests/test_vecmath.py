"""Accuracy, bit identity and vectorisation of heavytail_sim.vecmath.

Accuracy is measured in ulps of the exact value (mpmath, 50 digits) on the ranges the noise samplers use,
with points dense near the reduction boundaries and the ill-conditioned spots. Each function's docstring
states the maximum measured on 30000 points per range; the bounds asserted here on 2000 points per range
sit a few hundredths of an ulp above those maxima, so an accuracy regression of that size fails.
Bit identity: the compiled functions (inside a lane loop, as the engine runs them) and their pure-Python
``py_func`` evaluation must give the same doubles.
"""
import math
import re
import zlib

import mpmath as mp
import numpy as np
import pytest
from numba import njit

from heavytail_sim import vecmath as vm
from heavytail_sim.rng import xoro_uniform
from heavytail_sim.vecmath import uniform, vcos, vexp, vlog, vpow, vsin, vsincos, vtan

mp.mp.dps = 50
N = 2000  # points per range (fixed seeds); mpmath needs ~0.1 s per range for them
HALF_PI = math.pi / 2
CODES = {"vlog": 0, "vexp": 1, "vpow": 2, "vsin": 3, "vcos": 4, "vtan": 5, "vsincos": 6, "uniform": 7}


def _lanes(code, x, y, bits, out, out2):
    """One loop per function over arrays, as the engine's lane loops call them."""
    n = x.shape[0]
    if code == 0:
        for i in range(n):
            out[i] = vlog(x[i])
    elif code == 1:
        for i in range(n):
            out[i] = vexp(x[i])
    elif code == 2:
        for i in range(n):
            out[i] = vpow(x[i], y[i])
    elif code == 3:
        for i in range(n):
            out[i] = vsin(x[i])
    elif code == 4:
        for i in range(n):
            out[i] = vcos(x[i])
    elif code == 5:
        for i in range(n):
            out[i] = vtan(x[i])
    elif code == 6:
        for i in range(n):
            out[i], out2[i] = vsincos(x[i])
    else:
        for i in range(n):
            out[i] = uniform(bits[i])


# Not cached: the IR test inspects this very kernel, and numba cannot inspect code loaded from its cache.
_lanes_jit = njit(error_model="numpy")(_lanes)


@njit(cache=True)
def _rng_uniforms(bits):
    out = np.empty(bits.shape[0])
    for i in range(bits.shape[0]):
        out[i] = xoro_uniform(bits[i], np.uint64(0))[0]  # xoroshiro128+ outputs s0 + s1 = bits
    return out


def run(name, x, y=None, bits=None):
    """Compiled lane-loop evaluation of ``name``; returns out (and out2 for vsincos)."""
    n = len(x) if bits is None else bits.shape[0]
    x = np.zeros(n) if x is None else np.ascontiguousarray(x, dtype=np.float64)
    y = np.zeros(n) if y is None else np.ascontiguousarray(y, dtype=np.float64)
    bits = np.zeros(n, dtype=np.uint64) if bits is None else bits
    out, out2 = np.empty(n), np.empty(n)
    _lanes_jit(CODES[name], x, y, bits, out, out2)
    return (out, out2) if name == "vsincos" else out


def ulp_errors(got, exact_values):
    """|got - exact| in units of ulp(exact) (2**-1074 below the normal range); inf exact needs inf got."""
    errs = np.empty(len(got))
    for i, (g, e) in enumerate(zip(got, exact_values)):
        if mp.isinf(e) or abs(e) >= mp.mpf(2) ** 1024:
            errs[i] = 0.0 if g == math.copysign(math.inf, e) else math.inf
            continue
        ulp_exp = -1074 if e == 0 else max(int(mp.frexp(e)[1]) - 53, -1074)
        errs[i] = float(abs(mp.mpf(g) - e) * mp.mpf(2) ** (-ulp_exp))
    return errs


def near(rng, center, max_ulps, n=None):
    """Doubles within ``max_ulps`` ulps of ``center`` (both signs of the offset), the center included."""
    n = N if n is None else n
    b = np.float64(center).view(np.int64)
    pts = (b + rng.integers(-max_ulps, max_ulps + 1, n)).view(np.float64)
    pts[0] = center
    return pts


def log_uniform(rng, lo_exp, hi_exp, n=None):
    return 2.0 ** rng.uniform(lo_exp, hi_exp, N if n is None else n)


def signed_tiny(rng, n=None):
    n = N if n is None else n
    return rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-20, -1, n)


# (name, range, sampler(rng) -> x or (x, y), exact(x[, y]) as mpf, bound in ulp: just above the maximum the
# docstring states for that range)
ACCURACY_CASES = [
    ("vlog", "uniforms (2^-54, 1)", lambda r: log_uniform(r, -54, 0), mp.log, 0.8),
    ("vlog", "all positive doubles", lambda r: log_uniform(r, -1074, 1024), mp.log, 0.8),
    ("vlog", "near 1", lambda r: 1 + r.choice([-1, 1], N) * 10.0 ** r.uniform(-16, -1, N), mp.log, 0.8),
    ("vlog", "near reduction boundaries sqrt(1/2) 2^k",
     lambda r: near(r, math.sqrt(0.5), 3000) * 2.0 ** r.integers(-60, 61, N), mp.log, 0.8),
    ("vexp", "[-708, 709.7]", lambda r: r.uniform(-708, 709.7, N), mp.exp, 0.65),
    ("vexp", "[-1, 1]", lambda r: r.uniform(-1, 1, N), mp.exp, 0.65),
    ("vexp", "tiny", signed_tiny, mp.exp, 0.65),
    ("vexp", "near (n + 1/2) ln 2", lambda r: (r.integers(-1000, 1000, N) + 0.5) * math.log(2)
     * (1 + r.uniform(-1e-15, 1e-15, N)), mp.exp, 0.65),
    ("vexp", "near overflow", lambda r: 709.7827128933840 - r.uniform(0, 0.01, N), mp.exp, 0.65),
    ("vexp", "subnormal results", lambda r: r.uniform(-745.1, -708.4, N), mp.exp, 0.8),
    ("vpow", "u^(-1/a), a in [0.5, 4]", lambda r: (log_uniform(r, -54, 0), -1 / r.uniform(0.5, 4, N)),
     mp.power, 0.7),
    ("vpow", "|y log x| <= 709", lambda r: _pow_args(r, log_uniform(r, -60, 60)), mp.power, 0.8),
    ("vpow", "x near 1, |y log x| <= 709",
     lambda r: _pow_args(r, 1 + r.choice([-1, 1], N) * 10.0 ** r.uniform(-15, -0.3, N)), mp.power, 0.8),
    # log x is least accurate where the reduced argument is farthest from 1, and large |y log x| shows it
    ("vpow", "x near sqrt(2) 2^k, |y log x| in [600, 709]",
     lambda r: _pow_args(r, r.uniform(1.40, 1.4142, N) * 2.0 ** r.integers(-3, 4, N), 600), mp.power, 0.95),
    ("vpow", "y in [-3, 3]", lambda r: (log_uniform(r, -60, 60), r.uniform(-3, 3, N)), mp.power, 0.7),
    ("vsin", "[-pi, pi]", lambda r: r.uniform(-math.pi, math.pi, N), mp.sin, 0.8),
    ("vsin", "tiny", signed_tiny, mp.sin, 0.8),
    ("vsin", "near +-pi", lambda r: near(r, math.pi, 10**5) * r.choice([-1, 1], N), mp.sin, 0.8),
    ("vsin", "near +-pi/2", lambda r: near(r, HALF_PI, 10**12) * r.choice([-1, 1], N), mp.sin, 0.8),
    ("vsin", "[-1e4, 1e4]", lambda r: r.uniform(-1e4, 1e4, N), mp.sin, 0.8),
    ("vcos", "[-pi, pi]", lambda r: r.uniform(-math.pi, math.pi, N), mp.cos, 0.8),
    ("vcos", "tiny", signed_tiny, mp.cos, 0.8),
    ("vcos", "within 1e5 ulp of +-pi/2", lambda r: near(r, HALF_PI, 10**5) * r.choice([-1, 1], N), mp.cos, 0.8),
    ("vcos", "within 1e12 ulp of +-pi/2", lambda r: near(r, HALF_PI, 10**12) * r.choice([-1, 1], N), mp.cos,
     0.8),
    ("vcos", "near +-pi", lambda r: near(r, math.pi, 10**5) * r.choice([-1, 1], N), mp.cos, 0.8),
    ("vcos", "[-1e4, 1e4]", lambda r: r.uniform(-1e4, 1e4, N), mp.cos, 0.8),
    ("vtan", "(-pi/2, pi/2)", lambda r: r.uniform(-HALF_PI, HALF_PI, N), mp.tan, 0.9),
    ("vtan", "tiny", signed_tiny, mp.tan, 0.9),
    ("vtan", "near +-pi/2", lambda r: np.minimum(near(r, HALF_PI, 10**12), np.nextafter(HALF_PI, 0))
     * r.choice([-1, 1], N), mp.tan, 0.9),
]


def _pow_args(rng, x, min_abs=0.0):
    """(x, y) with |y log x| uniform in [min_abs, 709], either sign: results are finite normal doubles."""
    z = rng.choice([-1.0, 1.0], x.shape[0]) * rng.uniform(min_abs, 709, x.shape[0])
    return x, z / np.log(x)


@pytest.mark.parametrize("name, label, sampler, exact, bound", ACCURACY_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in ACCURACY_CASES])
def test_max_ulp_error_within_documented_bound(name, label, sampler, exact, bound):
    rng = np.random.default_rng(zlib.crc32(f"{name}: {label}".encode()))
    args = sampler(rng)
    if name == "vpow":
        x, y = args
        got = run(name, x, y)
        ex = [exact(mp.mpf(a), mp.mpf(b)) for a, b in zip(x, y)]
    else:
        x = args
        got = run(name, x)
        ex = [exact(mp.mpf(a)) for a in x]
    errs = ulp_errors(got, ex)
    worst = int(np.argmax(errs))
    assert errs[worst] <= bound, f"{name} on {label}: {errs[worst]:.3f} ulp at x = {x[worst]!r}"
    # the bound is tight: a deliberately perturbed result (2 ulp off) must break it
    assert ulp_errors([np.nextafter(np.nextafter(got[0], np.inf), np.inf)], ex[:1])[0] > bound


def test_log_dd_relative_error_is_far_below_double_precision():
    """vpow relies on hi + lo = log x to ~2**-63 relative: an error e in y log x is a relative error e in x**y."""
    # 2500 points cover the whole range of doubles, the reduced interval and its boundaries
    rng = np.random.default_rng(5)
    xs = np.concatenate([log_uniform(rng, -1074, 1024, 1000), 1 + rng.uniform(-0.3, 0.42, 1000),
                         near(rng, math.sqrt(0.5), 3000, 500) * 2.0 ** rng.integers(-60, 61, 500)])
    worst = 0.0
    for x in xs:
        hi, lo = vm._log_dd(float(x))
        exact = mp.log(mp.mpf(x))
        if exact != 0:
            worst = max(worst, float(abs((mp.mpf(hi) + mp.mpf(lo) - exact) / exact)))
    assert worst < 2.0 ** -62.5, worst


def test_special_values():
    inf, nan = math.inf, math.nan
    got = run("vlog", [0.0, -0.0, inf, -1.0, -inf, nan, 1.0, 5e-324, 1.7976931348623157e308])
    assert got[0] == -inf and got[1] == -inf and got[2] == inf and np.isnan(got[3:6]).all() and got[6] == 0.0
    assert ulp_errors(got[7:], [mp.log(5e-324), mp.log(mp.mpf(1.7976931348623157e308))]).max() <= 0.8
    got = run("vexp", [710.0, 1e300, inf, -746.0, -inf, nan, 0.0, -745.0])
    assert got[0] == inf and got[1] == inf and got[2] == inf and got[3] == 0.0 and got[4] == 0.0
    assert np.isnan(got[5]) and got[6] == 1.0 and got[7] == 5e-324  # exp(-745) = 0.87 * 2**-1074
    got = run("vpow", [1.0, 1.0, 1.0, 2.0, 2.0, 0.5, 3.0], [inf, -inf, 1e300, 1025.0, -1100.0, inf, 0.0])
    assert list(got) == [1.0, 1.0, 1.0, inf, 0.0, 0.0, 1.0]
    s, c = run("vsincos", [0.0, -0.0])
    assert list(s) == [0.0, 0.0] and list(c) == [1.0, 1.0]


def test_cosine_stays_positive_inside_the_stable_samplers_range():
    """CMS raises cos(V) to 1/a for V = pi (u - 1/2), u in [2**-54, 1 - 2**-54]: it must stay > 0."""
    u = np.array([2.0**-54, 1 - 2.0**-53, 2.0**-53, 0.5])
    v = math.pi * (u - 0.5)
    edge = np.nextafter(HALF_PI, 0)
    assert (run("vcos", np.concatenate([v, [edge, -edge]])) > 0).all()


def _bit_equal(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (a.view(np.int64) == b.view(np.int64))))


def _mixed_inputs(rng, n):
    """Points from every range above plus special values, for the compiled == Python comparison."""
    pieces = [rng.uniform(-math.pi, math.pi, n), log_uniform(rng, -1074, 1024, n), signed_tiny(rng, n),
              near(rng, HALF_PI, 10**6, n), rng.uniform(-745, 710, n),
              np.array([0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 5e-324, 1e300, -1e300])]
    return np.concatenate(pieces)


@pytest.mark.parametrize("name", ["vlog", "vexp", "vsin", "vcos", "vtan"])
def test_compiled_and_pure_python_agree_bitwise(name):
    x = _mixed_inputs(np.random.default_rng(CODES[name]), 300)
    if name == "vtan":
        x = x[np.abs(x) < 1e5]  # |x| < 2**20 is the documented domain of the trig reduction
    compiled = run(name, x)
    python = [getattr(vm, name).py_func(float(v)) for v in x]
    assert _bit_equal(compiled, python)


def test_vpow_and_vsincos_compiled_and_pure_python_agree_bitwise():
    rng = np.random.default_rng(11)
    x = np.concatenate([log_uniform(rng, -60, 60, 600), 1 + rng.uniform(-1e-6, 1e-6, 200), [1.0, 2.0, 0.5]])
    y = np.concatenate([rng.uniform(-709, 709, 800) / np.log(np.where(x[:800] == 1, 2, x[:800])),
                        [math.inf, 2000.0, -2000.0]])
    assert _bit_equal(run("vpow", x, y), [vpow.py_func(float(a), float(b)) for a, b in zip(x, y)])
    ang = _mixed_inputs(rng, 200)
    ang = ang[np.abs(ang) < 1e5]
    s, c = run("vsincos", ang)
    py = [vsincos.py_func(float(v)) for v in ang]
    assert _bit_equal(s, [p[0] for p in py]) and _bit_equal(c, [p[1] for p in py])
    assert _bit_equal(s, run("vsin", ang)) and _bit_equal(c, run("vcos", ang))


def _edge_bits(rng):
    edges = [0, 1, 2**11 - 1, 2**11, 2**11 + 1, 2**12 - 1, 2**12, 2**12 + 1, 2**52 - 1, 2**52, 2**53,
             2**62, 2**63 - 2**11, 2**63 - 1, 2**63, 2**63 + 1, 2**63 + 2**11, 2**64 - 2**12, 2**64 - 2**11 - 1,
             2**64 - 2**11, 2**64 - 2, 2**64 - 1, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA]
    # values with bits >> 11 at and above 2**52, where the + 0.5 of the scalar code rounds
    top = [((2**52 + k) << 11) | low for k in (0, 1, 2, 3, 2**52 - 2, 2**52 - 1) for low in (0, 2**10, 2**11 - 1)]
    rand = rng.integers(0, 2**64 - 1, 20000, dtype=np.uint64, endpoint=True)
    return np.concatenate([np.array(edges + top, dtype=np.uint64), rand])


def test_uniform_is_exact_and_strictly_inside_the_unit_interval():
    bits = _edge_bits(np.random.default_rng(3))
    # the definition on integers: (k + 1/2) 2**-52 for the top 52 bits k, exactly (k + 1/2 needs 53 bits)
    expected = np.array([((int(b) >> 12) + 0.5) * 2.0**-52 for b in bits])
    assert _bit_equal(run("uniform", None, bits=bits), expected)
    assert _bit_equal(_rng_uniforms(bits), expected)  # the generator's uniforms are these
    # the pure-Python twin, from numpy words and from the reference generator's Python ints
    sub = bits[:2000]
    assert _bit_equal([uniform.py_func(b) for b in sub], expected[:2000])
    assert _bit_equal([uniform.py_func(int(b)) for b in sub], expected[:2000])
    # the extreme words give the extreme values, never 0 or 1 (log(u) and u**(-1/a) stay finite)
    ext = run("uniform", None, bits=np.array([0, 2**64 - 1], dtype=np.uint64))
    assert list(ext) == [2.0**-53, 1.0 - 2.0**-53]


def test_constants_split_exactly():
    two = mp.mpf(2)
    assert abs(mp.mpf(vm._LN2_HI) + vm._LN2_LO - mp.log(2)) < two ** -100
    assert (vm._LN2_HI * 2.0**42).is_integer()  # k * _LN2_HI exact for |k| < 2**11
    pio2 = mp.mpf(vm._PIO2_1) + vm._PIO2_2 + vm._PIO2_3
    assert abs(pio2 - mp.pi / 2) < two ** -120
    assert (vm._PIO2_1 * 2.0**32).is_integer() and (vm._PIO2_2 * 2.0**66).is_integer()
    assert abs(mp.mpf(vm._TWO_THIRDS_26) + vm._TWO_THIRDS_REST - mp.mpf(2) / 3) < two ** -78
    assert (vm._TWO_THIRDS_26 * 2.0**26).is_integer()
    assert vm._INV_LN2 == float(1 / mp.log(2)) and vm._TWO_OVER_PI == float(2 / mp.pi)


def test_lane_loops_vectorise_without_libm_calls():
    x = np.linspace(0.1, 1.0, 64)
    for name in CODES:  # make sure the kernel is compiled for the signature we inspect
        run(name, x, x, np.arange(64, dtype=np.uint64))
    ir = "".join(_lanes_jit.inspect_llvm().values())
    # every helper inlined and no scalar libm call left: the precondition for SIMD code
    calls = set(re.findall(r"call [^@(]*@\"?([\w.$]+)", ir))
    assert not [c for c in calls if "13heavytail_sim7vecmath" in c  # a mangled vecmath function
                or re.match(r"(llvm\.)?(log|exp|pow|sin|cos|tan)\b", c)]
    from llvmlite import binding as llvm
    if not llvm.get_host_cpu_features().get("avx2", False):
        pytest.skip("host without AVX2: LLVM's cost model may keep some loops scalar")
    # one vectorised loop body per function (uniform's loop may add an epilogue body)
    assert len(re.findall(r"^vector\.body\d*:", ir, re.M)) >= len(CODES)
