"""Per-run random streams: xoroshiro128+ written as numba functions.

xoroshiro128+ (Blackman and Vigna, 2018) is the generator that ``numba.cuda.random`` ships under the name
``xoroshiro128p``; writing the same recurrence here lets a CUDA backend draw the very same streams.
Each run owns one 128-bit state (two uint64 words, one row of an ``(R, 2)`` array), so a run's numbers
never depend on which thread advances it: results are bit-identical whatever the number of threads.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .vecmath import uniform as uniform_bits

_U14 = np.uint64(14)
_U36 = np.uint64(36)
_U55 = np.uint64(55)
_U64 = np.uint64(64)


@njit(inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@njit(inline="always")
def xoro_next(s0, s1):
    """One xoroshiro128+ step on a state held in two local uint64 words: returns (bits, s0, s1).

    Kernels keep the state in locals (registers) for a whole block of steps and write it back once;
    reading and writing the state array at every draw cost about 40% of the throughput.
    """
    result = s0 + s1
    s1 ^= s0
    return result, _rotl(s0, _U55) ^ s1 ^ (s1 << _U14), _rotl(s1, _U36)


@njit(inline="always")
def xoro_uniform(s0, s1):
    """A double uniform on the open interval (0, 1) from the top 52 bits of one draw: (u, s0, s1).

    u = (k + 1/2) 2^-52 for the top 52 bits k (:func:`heavytail_sim.vecmath.uniform`, exact and free of
    uint64 -> double conversions, so lane loops vectorise): u never equals 0 or 1.
    """
    x, s0, s1 = xoro_next(s0, s1)
    return uniform_bits(x), s0, s1


@njit(inline="always")
def next_u64(state, r):
    """Advance run ``r``'s state (row of a ``(R, 2)`` uint64 array) and return 64 random bits."""
    x, state[r, 0], state[r, 1] = xoro_next(state[r, 0], state[r, 1])
    return x


@njit(inline="always")
def uniform(state, r):
    """Like :func:`xoro_uniform`, for run ``r`` of a ``(R, 2)`` state array."""
    u, state[r, 0], state[r, 1] = xoro_uniform(state[r, 0], state[r, 1])
    return u


def seed_states(seed: int, runs: int) -> np.ndarray:
    """Initial states, shape ``(runs, 2)`` uint64, for ``runs`` independent streams from one user seed.

    The words come from ``numpy.random.SeedSequence(seed).generate_state``, whose output for ``2 runs``
    words begins with its output for fewer: run ``r`` gets the same stream whatever ``runs`` is.
    """
    if runs < 0:
        raise ValueError("runs must be non-negative")
    words = np.random.SeedSequence(seed).generate_state(2 * max(runs, 1), dtype=np.uint64)
    states = words[: 2 * runs].reshape(runs, 2).copy()
    dead = (states[:, 0] == 0) & (states[:, 1] == 0)  # the one state xoroshiro cannot leave
    states[dead, 0] = np.uint64(1)
    return states
