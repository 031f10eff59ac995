"""Softmax and log-softmax over the last axis of a C-contiguous 2-D array (max-shifted, stable)."""
import numpy as np
from ._jit import kernel


@kernel
def row_shift(a, r):
    """``(m, s)`` of row ``r`` of 2-D ``a``: its maximum and ``sum(exp(a[r] - m))`` (so
    ``logsumexp = m + log(s)``); ``m`` is 0 for an all -inf row or one holding +inf, so that
    exp gives NaN/0 as NumPy's formula would."""
    cols = a.shape[1]
    m = a[r, 0]
    for c in range(1, cols):
        if a[r, c] > m:
            m = a[r, c]
    if m == np.inf or m == -np.inf:
        m = 0.0
    s = 0.0
    for c in range(cols):
        s += np.exp(a[r, c] - m)
    return m, s


@kernel
def softmax_last(a, out, log):
    """Row-wise softmax (``log=False``) or log-softmax (``log=True``) of 2-D ``a``."""
    rows, cols = a.shape
    for r in range(rows):
        m, s = row_shift(a, r)
        if log:
            ls = np.log(s)
            for c in range(cols):
                out[r, c] = a[r, c] - m - ls
        else:
            inv = 1.0 / s
            for c in range(cols):
                out[r, c] = np.exp(a[r, c] - m) * inv
