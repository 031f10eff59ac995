"""Scalar helpers the generated fused loops import (Numba inlines them).

The elementwise helpers are the op rows' own (``autodiff.kernels.scalar``: the same
functions the eager kernels call, so a fused loop gives the same values); the block
reductions and the NaN-aware max/min of reductions are the compiler's.  They are called
from generated kernels only, so Numba builds no C-callable wrapper for them
(``no_cfunc_wrapper``).
"""
import numpy as np
from numba import njit

from ..kernels import scalar as _rows
from ..kernels.scalar import *  # noqa: F401,F403  (re-exported to generated code)

__all__ = list(_rows.__all__) + ['_block_sum', '_block_max', '_block_min', '_max', '_min']


@njit(nogil=True, error_model='numpy', fastmath={'reassoc'}, no_cfunc_wrapper=True,
      cache=True)
def _block_sum(buf, m, acc):
    """``acc + sum(buf[:m])`` in float64; reassociation lets LLVM vectorize the sum."""
    b = buf[:m]
    for i in range(b.size):
        acc += b[i]
    return acc


@njit(inline='always', error_model='numpy', nogil=True, no_cfunc_wrapper=True, cache=True)
def _max(a, b):
    # NaN wins, as in np.max
    return a if (a >= b or a != a) else b


@njit(inline='always', error_model='numpy', nogil=True, no_cfunc_wrapper=True, cache=True)
def _min(a, b):
    return a if (a <= b or a != a) else b


@njit(nogil=True, error_model='numpy', no_cfunc_wrapper=True, cache=True)
def _block_max(buf, m, acc):
    """``max(acc, max(buf[:m]))``, NaN winning."""
    for i in range(m):
        v = buf[i]
        if v > acc or v != v:
            acc = v
            if v != v:
                break
    return acc


@njit(nogil=True, error_model='numpy', no_cfunc_wrapper=True, cache=True)
def _block_min(buf, m, acc):
    """``min(acc, min(buf[:m]))``, NaN winning."""
    for i in range(m):
        v = buf[i]
        if v < acc or v != v:
            acc = v
            if v != v:
                break
    return acc
