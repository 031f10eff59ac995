"""Scalar helpers the generated kernels import (Numba inlines them).

Each mirrors the branch structure of the eager kernel for the same op, so a fused kernel
gives the same values (see ``autodiff.kernels.unary``).
"""
import numpy as np
from numba import njit

from ..kernels.fastmath import tanh as _tanh  # noqa: F401  (re-exported to generated code)


@njit(inline='always', error_model='numpy', nogil=True, cache=True)
def _sigmoid(v):
    if v >= 0:
        return 1 / (1 + np.exp(-v))
    e = np.exp(v)
    return e / (1 + e)


@njit(inline='always', error_model='numpy', nogil=True, cache=True)
def _relu(v):
    # relu(-x) is +0.0 and NaN propagates (the caller casts the result to the dtype)
    if v > 0 or v != v:
        return v
    return 0


@njit(inline='always', error_model='numpy', nogil=True, cache=True)
def _sign(v):
    # NumPy: sign(-0.0) is +0.0 and sign(NaN) is NaN
    if v > 0:
        return 1
    if v < 0:
        return -1
    if v == 0:
        return 0
    return v


@njit(nogil=True, error_model='numpy', fastmath={'reassoc'}, cache=True)
def _block_sum(buf, m, acc):
    """``acc + sum(buf[:m])`` in float64; reassociation lets LLVM vectorize the sum."""
    b = buf[:m]
    for i in range(b.size):
        acc += b[i]
    return acc


@njit(inline='always', error_model='numpy', nogil=True, cache=True)
def _max(a, b):
    # NaN wins, as in np.max
    return a if (a >= b or a != a) else b


@njit(inline='always', error_model='numpy', nogil=True, cache=True)
def _min(a, b):
    return a if (a <= b or a != a) else b


@njit(nogil=True, error_model='numpy', cache=True)
def _block_max(buf, m, acc):
    """``max(acc, max(buf[:m]))``, NaN winning."""
    for i in range(m):
        v = buf[i]
        if v > acc or v != v:
            acc = v
            if v != v:
                break
    return acc


@njit(nogil=True, error_model='numpy', cache=True)
def _block_min(buf, m, acc):
    """``min(acc, min(buf[:m]))``, NaN winning."""
    for i in range(m):
        v = buf[i]
        if v < acc or v != v:
            acc = v
            if v != v:
                break
    return acc
