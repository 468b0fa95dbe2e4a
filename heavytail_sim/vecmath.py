"""Branch-free elementary functions that vectorise inside numba loops over lanes of runs.

PyPI's llvmlite has no SVML, so every ``math.log``/``exp``/``sin``/``cos``/``pow`` in a numba loop is a
scalar libm call and the loop stays scalar. The functions here are straight-line IEEE double arithmetic
(polynomials, exponent bit manipulation, selects), so LLVM turns a loop
``for l in range(lo, hi): out[l] = vlog(x[l])`` into ``<4 x double>`` (AVX2) or ``<8 x double>``
(AVX-512) code. They need ``error_model="numpy"`` in the calling kernel: numba's default error model
adds a ZeroDivisionError branch to every division, which blocks vectorisation.

Public functions (float64 scalars in, float64 out): :func:`vlog`, :func:`vexp`, :func:`vpow`,
:func:`vsin`, :func:`vcos`, :func:`vsincos`, :func:`vtan`, :func:`uniform` (uint64 bits to a
uniform double strictly inside (0, 1)), and :func:`fmin`/:func:`fmax` (selects). Each docstring states the maximum error measured against mpmath (50 digits, 30000
points per range, dense near reduction boundaries and ill-conditioned points) on the ranges the noise
samplers use; ``tests/test_vecmath.py`` asserts bounds just above those maxima on 2000 points per range.
``benchmarks/bench_vecmath.py`` times them against libm and checks that the loops vectorise.

One source, three uses
----------------------
Each public function is an ``@njit(inline="always", error_model="numpy")`` dispatcher, so

* CPU kernels call it like any numba function; its body is inlined into the lane loop;
* ``numba.cuda`` kernels may call it too: the CUDA target compiles a CPU dispatcher's ``py_func`` as a
  device function, and every helper it calls is registered for the generic target;
* the pure-Python reference calls ``fn.py_func(x)`` and gets the very same bits as the compiled code.

The last point works because every helper below is a plain Python function registered with
``numba.extending.register_jitable``: Python executes it as written, numba compiles it into callers.
Numba inlines the public functions and :func:`_log_dd` (which holds a division, so it must take the
caller's ``error_model``) into the caller's IR; the smaller division-free helpers are compiled once and
left to LLVM's inliner, which keeps compile times down (numba-level inlining of everything tripled
them). ``tests/test_vecmath.py`` checks that no call survives in a compiled lane loop.
Only three primitives differ between the two worlds: :func:`_double_bits` and :func:`_bits_double` are
plain Python functions (``struct``) with a numba ``@overload`` whose implementation is an ``@intrinsic``
that emits a single LLVM ``bitcast`` (``i64 <-> double``), and :func:`_where` is ``a if c else b`` in
Python and one LLVM ``select`` in numba (a plain conditional expression becomes branches and phi nodes in
numba's IR, which LLVM usually, but not always, folds back into a select). Bitcasts and selects cost
next to nothing and vectorise; ``@intrinsic`` and ``@overload`` default to numba's generic target, so
the same definitions serve CUDA. The Python twin masks integers to 64 bits, so integer arithmetic that wraps
in numba's int64 (only on garbage paths such as NaN inputs) wraps identically in Python.

Bit identity between the compiled and the Python evaluation also needs:

* no FMA contraction: numba emits ``fmul``/``fadd`` without fast-math flags, which LLVM never fuses on the
  CPU; never compile these functions with ``fastmath``. Exact products therefore come from truncated
  factors (:func:`_mul_pair`), not from an FMA. (NVVM contracts by default (``-fma=1``), so CUDA results
  can differ from the CPU in the last bit unless contraction is disabled there; accuracy does not
  suffer, because every product that feeds an exact subtraction is itself exact.)
* the same operation order: parenthesised expressions are evaluated left to right in both worlds;
* no float <-> int conversions: AVX2 has no packed int64 <-> double conversion, so integers are moved
  into and out of doubles with the "shifter" trick (add 1.5 * 2**52 and read or write the low mantissa
  bits), which is exact, branch-free and identical in Python.

Polynomial coefficients
-----------------------
The polynomials (log: atanh series tail, exp, sin, cos) were fitted by a Remez exchange in 60-digit
mpmath, minimising the relative error of the approximated function on the reduced interval (with a small
margin for rounding of the reduction), then rounded to double. The fitted relative error of each (before
rounding the coefficients) is stated next to it.
"""
from __future__ import annotations

import struct

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload, register_jitable

__all__ = ["vlog", "vexp", "vpow", "vsin", "vcos", "vsincos", "vtan", "uniform", "fmin", "fmax", "where"]

_MASK64 = (1 << 64) - 1
_INF = float("inf")
_NAN = float("nan")


# ---------------------------------------------------------------------------------------------------
# Bit reinterpretation: struct in Python, one LLVM bitcast in numba (CPU and CUDA).

def _double_bits(x):
    """The IEEE-754 bit pattern of the double ``x`` as a signed 64-bit integer."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def _bits_double(i):
    """The double whose bit pattern is the low 64 bits of the integer ``i`` (int64 or uint64)."""
    return struct.unpack("<d", struct.pack("<Q", int(i) & _MASK64))[0]


@intrinsic
def _bitcast_f64_to_i64(typingctx, x):
    if not isinstance(x, (types.Float, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    # the call site casts the argument to float64 first (a no-op for float64)
    return types.int64(types.float64), codegen


@intrinsic
def _bitcast_i64_to_f64(typingctx, i):
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    # uint64 -> int64 at the call site is a same-width no-op, so both reinterpret the same 64 bits
    return types.float64(types.int64), codegen


def _where(cond, a, b):
    """``a if cond else b`` as one LLVM ``select`` (no branch, no phi); both arguments are evaluated."""
    return a if cond else b


@intrinsic
def _select(typingctx, cond, a, b):
    if not isinstance(cond, types.Boolean):
        return None
    ty = typingctx.unify_types(a, b)
    if not isinstance(ty, (types.Float, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        return builder.select(args[0], args[1], args[2])

    return ty(types.boolean, ty, ty), codegen


@overload(_where, inline="always")
def _where_numba(cond, a, b):
    if isinstance(cond, types.Boolean):
        return lambda cond, a, b: _select(cond, a, b)
    return None


@overload(_double_bits, inline="always")
def _double_bits_numba(x):
    if isinstance(x, (types.Float, types.Integer)):
        return lambda x: _bitcast_f64_to_i64(x)
    return None


@overload(_bits_double, inline="always")
def _bits_double_numba(i):
    if isinstance(i, types.Integer):
        return lambda i: _bitcast_i64_to_f64(i)
    return None


def _helper(fn):
    """Register ``fn`` (a plain Python function) to be inlined into numba callers, CPU or CUDA."""
    # a fresh register_jitable(...) per function: the decorator it returns pops 'inline' from its
    # options on first use, so a shared one would inline only the first function it decorates
    return register_jitable(inline="always")(fn)


def _leaf(fn):
    """Like :func:`_helper` for small division-free functions, which LLVM inlines by itself."""
    return register_jitable(fn)


def _public(fn):
    """The public form: a dispatcher inlined into callers; ``.py_func`` is the pure-Python twin."""
    return njit(inline="always", error_model="numpy")(fn)

# ---------------------------------------------------------------------------------------------------
# Exact integer <-> double moves and error-free transformations.

_SHIFT = 6755399441055744.0  # 1.5 * 2**52: t + _SHIFT rounds t (|t| < 2**51) to an integer, ties to even
_SHIFT_BITS = 0x4338000000000000  # bit pattern of _SHIFT; the integer sits in its low mantissa bits


@_leaf
def _round_int(t):
    """Nearest integer to ``t`` (|t| < 2**51): (as a double, as an int64), with no float->int conversion."""
    big = t + _SHIFT
    return big - _SHIFT, _double_bits(big) - _SHIFT_BITS


@_leaf
def _int_to_double(k):
    """``float(k)`` for an integer |k| < 2**51, with no int->float conversion instruction."""
    return _bits_double(k + _SHIFT_BITS) - _SHIFT


@_leaf
def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@_leaf
def _fast_two_sum(a, b):
    """Like :func:`_two_sum` when exponent(a) >= exponent(b) or a == 0 (Dekker's Fast2Sum)."""
    s = a + b
    return s, b - (s - a)


# Masks for _truncate: keep the sign, the exponent and the leading n significant bits (the implicit bit
# included), so that products of truncated numbers are exact when their bit counts add up to <= 53.
_KEEP_17 = -(1 << 36)
_KEEP_26 = -(1 << 27)
_KEEP_36 = -(1 << 17)


@_leaf
def _truncate(x, mask):
    """``x`` with its low mantissa bits cleared (rounded toward zero); ``x - _truncate(x, mask)`` is exact."""
    return _bits_double(_double_bits(x) & mask)


@_leaf
def _mul_pair(a, b):
    """a b = hi + lo: hi = (leading 26 bits of a)(leading 26 bits of b) exactly, |lo| < 2**-24 |a b|.

    The error of hi + lo is below 2**-77 |a b|: cheaper than Dekker's exact product (no FMA is used, see
    the module docstring) and enough wherever lo only needs to be accurate relative to a b.
    """
    ah = _truncate(a, _KEEP_26)
    bh = _truncate(b, _KEEP_26)
    return ah * bh, (a - ah) * b + ah * (b - bh)


# ---------------------------------------------------------------------------------------------------
# Logarithm.

# ln 2 = _LN2_HI + _LN2_LO + O(2**-102); _LN2_HI has 42 significant bits, so k * _LN2_HI is exact for
# |k| < 2**11 (every exponent of a double, subnormals included).
_LN2_HI = float.fromhex("0x1.62e42fefa3800p-1")
_LN2_LO = float.fromhex("0x1.ef35793c76730p-45")
_TWO_THIRDS = float.fromhex("0x1.5555555555555p-1")  # fl(2/3)
_TWO_THIRDS_26 = float.fromhex("0x1.5555550000000p-1")  # 2/3 to 26 bits; 2/3 = this + _REST + O(2**-79)
_TWO_THIRDS_REST = float.fromhex("0x1.5555555555555p-27")
_SQRT_HALF_BITS = 0x3FE6A09E667F3BCD  # bits of fl(sqrt(1/2)): mantissas are reduced to [this, 2 * this)
_ONE_BITS = 0x3FF0000000000000
_MANTISSA_MASK = (1 << 52) - 1
_MIN_NORMAL = 2.2250738585072014e-308  # 2**-1022
_TWO54 = 18014398509481984.0  # 2**54: lifts subnormals into the normal range

# log(m) = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716 for m in [sqrt(1/2), sqrt(2)):
# 2 atanh(s) = 2 s + (2/3) s^3 + s^5 T(s^2). T fitted on z = s^2 in [0, 0.02944]: relative error 2**-57.6.
_T0 = 0.4
_T1 = 0.2857142857142937
_T2 = 0.2222222222165489
_T3 = 0.18181818335596403
_T4 = 0.15384594942732963
_T5 = 0.13334805680596026
_T6 = 0.11706211941468096
_T7 = 0.11723415585105566


@_leaf
def _log_series_tail(z):
    z2 = z * z
    z4 = z2 * z2
    return ((_T0 + z * _T1) + z2 * (_T2 + z * _T3)) + z4 * ((_T4 + z * _T5) + z2 * (_T6 + z * _T7))


@_leaf
def _log_reduce(x):
    """x = 2**k m with m in [sqrt(1/2), sqrt(2)): returns (k as a double, m); x > 0 finite."""
    sub = x < _MIN_NORMAL
    # shift the bit pattern so that the exponent field counts from sqrt(1/2): it stays non-negative, and
    # the mask lets LLVM use a logical shift (AVX2 has no 64-bit arithmetic shift)
    t = _double_bits(_where(sub, x * _TWO54, x)) + (_ONE_BITS - _SQRT_HALF_BITS)
    m = _bits_double((t & _MANTISSA_MASK) + _SQRT_HALF_BITS)
    return _int_to_double(((t >> 52) & 0xFFF) - _where(sub, 1023 + 54, 1023)), m


@_helper
def _log_dd(x):
    """log(x) as an unevaluated sum hi + lo, relative error below 2**-62.5, for 0 < x < inf.

    Measured maximum 2**-62.9, next to x = sqrt(2) 2**k, where |s| and hence the polynomial tail are
    largest; 2**-64.5 on average over all positive doubles.

    Extra precision keeps :func:`vpow` accurate when |y log x| is large: an error e in y log x becomes a
    relative error e in x**y. Products are made exact by truncating factors (see :func:`_truncate`).
    """
    kf, m = _log_reduce(x)
    f = m - 1.0  # exact (Sterbenz)
    den = 1.0 + m
    den_h = _truncate(den, _KEEP_36)
    den_l = m - (den_h - 1.0)  # both subtractions exact: den_h + den_l = 1 + m
    inv = 1.0 / den
    # s = f / (1 + m) = s_h + s_l, s_h with 17 bits: s_h den_h is exact and so is f - s_h den_h
    s_h = _truncate(f * inv, _KEEP_17)
    s_l = ((f - s_h * den_h) - s_h * den_l) * inv
    q = s_h * s_h  # exact (34 bits)
    cube_h = q * s_h  # exact (51 bits)
    cube_l = s_l * (3.0 * q + s_l * (3.0 * s_h + s_l))  # (s_h + s_l)^3 - s_h^3
    # (2/3) s^3 = a + b + rest with a, b exact products of the 26-bit halves of 2/3 and of cube_h
    c_h = _truncate(cube_h, _KEEP_26)
    a = _TWO_THIRDS_26 * c_h
    b = _TWO_THIRDS_26 * (cube_h - c_h)
    rest = _TWO_THIRDS_REST * cube_h + _TWO_THIRDS * cube_l
    z = q + s_l * (2.0 * s_h + s_l)  # s^2 with a single rounding
    h, hl = _fast_two_sum(2.0 * s_h, a)
    lo = hl + (2.0 * s_l + (b + (rest + (cube_h + cube_l) * z * _log_series_tail(z))))
    h2, h2l = _two_sum(kf * _LN2_HI, h)
    return _fast_two_sum(h2, h2l + (lo + kf * _LN2_LO))


@_public
def vlog(x):
    """Natural logarithm, branch-free.

    Parameters
    ----------
    x : float
        Argument; every positive double (subnormals included) is handled by the reduction.

    Returns
    -------
    float
        log(x). Special values as in C: log(0) = -inf, log(inf) = inf, log(x < 0) = log(nan) = nan.
        Measured maximum error against mpmath: 0.78 ulp over all positive doubles (the worst cases sit
        next to the reduction boundaries sqrt(1/2) 2**k); 0.70 ulp on the uniforms (2**-54, 1) the
        samplers take logs of; 0.54 ulp near 1.
    """
    kf, m = _log_reduce(x)
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    # fdlibm's arrangement of 2 atanh(s): log(1 + f) = f - (f^2/2 - s (f^2/2 + R)), R = z (2/3 + z T(z))
    r = z * (_TWO_THIRDS + z * _log_series_tail(z))
    hfsq = 0.5 * f * f
    y = kf * _LN2_HI + (f - (hfsq - (s * (hfsq + r) + kf * _LN2_LO)))
    y = _where(x < _INF, y, x)
    return _where(x > 0.0, y, _where(x == 0.0, -_INF, _NAN))


# ---------------------------------------------------------------------------------------------------
# Exponential.

_INV_LN2 = float.fromhex("0x1.71547652b82fep+0")
_EXP_CLAMP_HI = 710.0  # exp(710) overflows: anything above gives inf
_EXP_CLAMP_LO = -746.0  # exp(-746) < 2**-1075 rounds to 0: anything below gives 0

# exp(r) = 1 + r + r^2 E(r) on |r| <= 0.3467 (ln2/2 plus rounding margin): relative error 2**-58.3.
_E0 = 0.5
_E1 = 0.1666666666666667
_E2 = 0.041666666666666616
_E3 = 0.008333333333326146
_E4 = 0.0013888888888918044
_E5 = 0.00019841269874794072
_E6 = 2.4801587245618824e-05
_E7 = 2.7557255421228505e-06
_E8 = 2.755734966455461e-07
_E9 = 2.5105212355282302e-08
_E10 = 2.0889383012434534e-09


@_leaf
def _exp_poly(r):
    r2 = r * r
    r4 = r2 * r2
    low = (_E0 + r * _E1) + r2 * (_E2 + r * _E3)
    mid = (_E4 + r * _E5) + r2 * (_E6 + r * _E7)
    high = (_E8 + r * _E9) + r2 * _E10
    return low + r4 * (mid + r4 * high)


@_leaf
def _exp_dd(hi, lo):
    """exp(hi + lo) for |lo| <= 2**-24 |hi| (or |hi| > 746); inf above ~709.78, 0 below ~-745.13."""
    x = _where(hi > _EXP_CLAMP_HI, _EXP_CLAMP_HI, hi)  # comparisons are false for nan: nan propagates
    x = _where(x < _EXP_CLAMP_LO, _EXP_CLAMP_LO, x)
    lo = _where(x == hi, lo, 0.0)  # a clamped argument drops its low part (which may be huge)
    nf, n = _round_int(x * _INV_LN2)
    # Cody-Waite: nf * _LN2_HI is exact and so is the subtraction; the rest goes into the low part
    r, rl = _two_sum(x - nf * _LN2_HI, lo - nf * _LN2_LO)
    q = r * r * _exp_poly(r) + rl * (1.0 + r)  # exp(r + rl) = exp(r) (1 + rl) + O(rl^2)
    one, one_lo = _fast_two_sum(1.0, r)
    p = one + (one_lo + q)
    # 2**n as two normal factors 2**n1 2**(n - n1): exact unless the result over/underflows, which
    # then rounds once (gradual underflow to subnormals, overflow to inf)
    n1 = (((n + 1100) & 0xFFF) >> 1) - 550  # n // 2 for |n| < 1100, without an arithmetic shift
    return p * _bits_double((n1 + 1023) << 52) * _bits_double((n - n1 + 1023) << 52)


@_public
def vexp(x):
    """Exponential, branch-free.

    Parameters
    ----------
    x : float
        Any double.

    Returns
    -------
    float
        exp(x): inf for x > ~709.78, gradual underflow to subnormals below ~-708.4 and 0 below
        ~-745.13, nan for nan. Measured maximum error against mpmath: 0.62 ulp on [-708, 709.78]
        (dense near the reduction boundaries (n + 1/2) ln 2 and the overflow threshold); 0.75 ulp of
        2**-1074 for subnormal results.
    """
    return _exp_dd(x, 0.0)


# ---------------------------------------------------------------------------------------------------
# Power.

_POW_Y_MAX = 2.0 ** 990  # keeps y log x finite (and 0 for x = 1, y = +-inf); larger |y| saturate anyway


@_public
def vpow(x, y):
    """``x ** y`` for positive finite ``x`` as exp(y log x), with log x in double-double precision.

    Parameters
    ----------
    x : float
        Base, 0 < x < inf (0, inf, negative or nan bases are not handled).
    y : float
        Exponent, any double but nan (+-inf saturate).

    Returns
    -------
    float
        x**y; inf on overflow, 0 (or a subnormal) on underflow. Measured maximum error against mpmath:
        0.59 ulp for the Pareto sampler's u**(-1/a) (u in (2**-54, 1), a in [0.5, 4]); 0.62 ulp for
        |y| <= 3; 0.72 ulp for |y log x| <= 709 (x uniform in log over [2**-60, 2**60], or near 1);
        0.89 ulp in the worst corner found, x near sqrt(2) 2**k with |y log x| near 709.

    Notes
    -----
    ``vexp(y * vlog(x))`` costs about half as much but its error grows like |y log x| ulp (measured: up
    to 78 ulp for u**(-1/a), 940 ulp at |y log x| = 709), because the rounding error of log x is
    multiplied by y.
    """
    hi, lo = _log_dd(x)
    yc = _where(y > _POW_Y_MAX, _POW_Y_MAX, y)
    yc = _where(yc < -_POW_Y_MAX, -_POW_Y_MAX, yc)
    p_h, p_l = _mul_pair(yc, hi)
    return _exp_dd(p_h, p_l + yc * lo)


# ---------------------------------------------------------------------------------------------------
# Sine, cosine, tangent.

_TWO_OVER_PI = float.fromhex("0x1.45f306dc9c883p-1")
# pi/2 = _PIO2_1 + _PIO2_2 + _PIO2_3 + O(2**-122); the first two have 33 significant bits, so j * _PIO2_1
# and j * _PIO2_2 are exact for |j| < 2**20.
_PIO2_1 = float.fromhex("0x1.921fb54400000p+0")
_PIO2_2 = float.fromhex("0x1.0b4611a600000p-34")
_PIO2_3 = float.fromhex("0x1.3198a2e037073p-69")

# sin(r) = r + r^3 S(r^2) on |r| <= 0.7854: relative error 2**-63.6 (2**-54 after rounding coefficients)
_S0 = -0.16666666666666666
_S1 = 0.008333333333333331
_S2 = -0.00019841269841265027
_S3 = 2.7557319219313324e-06
_S4 = -2.5052106224372456e-08
_S5 = 1.605853045580326e-10
_S6 = -7.586634277562964e-13
# cos(r) = 1 - r^2/2 + r^4 C(r^2) on |r| <= 0.7854: relative error 2**-54.8
_C0 = 0.041666666666666664
_C1 = -0.0013888888888887387
_C2 = 2.4801587298753177e-05
_C3 = -2.7557317266051893e-07
_C4 = 2.0876145216506073e-09
_C5 = -1.1382564208847316e-11


@_leaf
def _trig_reduce(x):
    """x = j pi/2 + r + rl with |r| <= pi/4 (1 + 2**-50): returns (r, rl, j), j an int64; |x| < 2**20.

    Cody-Waite reduction with pi/2 in three parts: the first two subtractions are exact, so r + rl is off
    by at most ~|j| 2**-121. That is below an ulp of r (hence of sin or cos) unless x lies within
    ~|j| 2**-68 of a multiple of pi/2; for |x| <= pi (|j| <= 2) no double comes that close.
    """
    jf, j = _round_int(x * _TWO_OVER_PI)
    r1 = x - jf * _PIO2_1  # exact
    r2, e2 = _two_sum(r1, -(jf * _PIO2_2))
    r, rl = _fast_two_sum(r2, e2 - jf * _PIO2_3)
    return r, rl, j


@_leaf
def _sin_kernel(r, rl):
    """sin(r + rl) = hi + lo (unevaluated) for |r| <= pi/4, |rl| <= ulp(r)."""
    z = r * r
    v = z * r
    poly = _S0 + z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    return r, rl - (0.5 * z * rl - v * poly)


@_leaf
def _cos_kernel(r, rl):
    """cos(r + rl) = hi + lo (unevaluated) for |r| <= pi/4, |rl| <= ulp(r)."""
    z = r * r
    hz = 0.5 * z
    w = 1.0 - hz
    poly = _C0 + z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * _C5))))
    # (1 - w) - hz recovers the rounding error of w exactly
    return w, ((1.0 - w) - hz) + (z * z * poly - r * rl)


@_leaf
def _sincos_reduced(x):
    """(sin(r), cos(r), j) for x = j pi/2 + r."""
    r, rl, j = _trig_reduce(x)
    sh, sl = _sin_kernel(r, rl)
    ch, cl = _cos_kernel(r, rl)
    return sh + sl, ch + cl, j


@_leaf
def _quadrant(s, c, j):
    """sin(j pi/2 + r) from s = sin(r), c = cos(r): one of s, c, -s, -c, by select."""
    v = _where((j & 1) != 0, c, s)
    return _where((j & 2) != 0, -v, v)


@_public
def vsin(x):
    """Sine, branch-free.

    Parameters
    ----------
    x : float
        Argument in radians, |x| < 2**20 (see :func:`_trig_reduce`).

    Returns
    -------
    float
        sin(x). Measured maximum error against mpmath: 0.75 ulp on [-pi, pi] and on [-1e4, 1e4]; at most
        0.50 ulp next to the zeros +-pi and near +-pi/2.
    """
    s, c, j = _sincos_reduced(x)
    return _quadrant(s, c, j)


@_public
def vcos(x):
    """Cosine, branch-free.

    Parameters
    ----------
    x : float
        Argument in radians, |x| < 2**20 (see :func:`_trig_reduce`).

    Returns
    -------
    float
        cos(x). Measured maximum error against mpmath: 0.76 ulp on [-pi, pi] and on [-1e4, 1e4]. Next to
        the zeros +-pi/2, where cos is ill-conditioned, the error stays at most 0.50 ulp of the (tiny)
        result, also at the doubles nearest +-pi/2: the three-part reduction gives r = x -+ pi/2 with a
        relative error of ~2**-66 there, and cos(x) = -+sin(r).
    """
    s, c, j = _sincos_reduced(x)
    return _quadrant(s, c, j + 1)


@_public
def vsincos(x):
    """(sin(x), cos(x)) sharing one reduction; same accuracy and bits as :func:`vsin`, :func:`vcos`.

    Parameters
    ----------
    x : float
        Argument in radians, |x| < 2**20.

    Returns
    -------
    tuple of float
        (sin(x), cos(x)).
    """
    s, c, j = _sincos_reduced(x)
    return _quadrant(s, c, j), _quadrant(s, c, j + 1)


@_public
def vtan(x):
    """Tangent as a quotient of the sine and cosine kernels, branch-free.

    Parameters
    ----------
    x : float
        Argument in radians, |x| < 2**20 (the Cauchy sampler uses (-pi/2, pi/2)).

    Returns
    -------
    float
        tan(x). Measured maximum error against mpmath: 0.84 ulp on (-pi/2, pi/2); at most 0.50 ulp near
        +-pi/2 and near 0.
    """
    r, rl, j = _trig_reduce(x)
    sh, sl = _sin_kernel(r, rl)
    ch, cl = _cos_kernel(r, rl)
    odd = (j & 1) != 0
    # tan(r + pi/2) = -cos(r)/sin(r); the quotient n/d of the unevaluated pairs gets one correction step
    nh = _where(odd, ch, sh)
    nl = _where(odd, cl, sl)
    dh = _where(odd, sh, ch)
    dl = _where(odd, sl, cl)
    d = dh + dl
    t = (nh + nl) / d
    p_h, p_l = _mul_pair(t, dh)
    t = t + ((((nh - p_h) - p_l) + nl) - t * dl) / d
    return _where(odd, -t, t)


# ---------------------------------------------------------------------------------------------------
# Uniform doubles from random bits.

_U12 = np.uint64(12)
_ONE_BITS_U = np.uint64(0x3FF0000000000000)  # bits of 1.0: OR-ing a 52-bit integer k gives 1 + k 2**-52
_HALF_ULP52 = 2.0 ** -53


@_public
def uniform(bits):
    """``((bits >> 12) + 0.5) * 2**-52``: a double strictly inside (0, 1), without a uint64 -> double conversion.

    Parameters
    ----------
    bits : numpy.uint64
        64 random bits (e.g. one xoroshiro128+ output); Python ints in [0, 2**64) work in Python.

    Returns
    -------
    float
        (k + 1/2) / 2**52 for the top 52 bits k: every value in [2**-53, 1 - 2**-53], exactly. The 52-bit
        integer is placed in the mantissa of 1.0 (giving 1 + k 2**-52 exactly), 1 is subtracted (exact) and
        2**-53 added (exact: the sum has at most 53 significant bits), so no rounding happens anywhere and
        log(u), u**(-1/a) never see 0 or 1. AVX2 has no packed uint64 -> double conversion; this has none.
    """
    return (_bits_double((bits >> _U12) | _ONE_BITS_U) - 1.0) + _HALF_ULP52


where = _where
where.__doc__ = """``a if cond else b`` as one select in compiled code (both branches evaluated): branch-free choice."""


@_public
def fmin(a, b):
    """``a if a < b else b`` as a select: min that vectorises and compiles on every numba target."""
    return _where(a < b, a, b)


@_public
def fmax(a, b):
    """``a if a > b else b`` as a select: max that vectorises and compiles on every numba target."""
    return _where(a > b, a, b)