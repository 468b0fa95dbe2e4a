"""Loops over one coordinate's row of a block of runs, shared by the engine's pieces.

Every piece of the engine works on 1-D views of a block of runs (``v = X[i, lo:hi]``), indexed from 0: LLVM
vectorises such loops, while the same loops on 2-D arrays with a runtime lane offset stay scalar.
"""
from __future__ import annotations

from numba import njit

from .vecmath import where


@njit(inline="always", error_model="numpy")
def square_into(acc, v, first):
    """acc += v^2 elementwise, or acc = v^2 when ``first`` (the first coordinate of a squared norm): norms are
    summed coordinate by coordinate in index order, without a separate pass to zero the accumulator."""
    for l in range(acc.shape[0]):
        acc[l] = where(first, 0.0, acc[l]) + v[l] * v[l]


@njit(inline="always", error_model="numpy")
def square_norms(A, acc, lo, hi):
    """acc[l] = sum_i A[i, l]^2 for lanes lo..hi-1 (``A`` (d, R), ``acc`` (R,)), summed in index order."""
    q = acc[lo:hi]
    for i in range(A.shape[0]):
        square_into(q, A[i, lo:hi], i == 0)
