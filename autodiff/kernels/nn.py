"""Softmax and log-softmax over the last axis of a C-contiguous 2-D array (max-shifted, stable)."""
import numpy as np
from ._jit import kernel


@kernel
def softmax_last(a, out, log):
    """Row-wise softmax (``log=False``) or log-softmax (``log=True``) of 2-D ``a``."""
    rows, cols = a.shape
    for r in range(rows):
        m = a[r, 0]
        for c in range(1, cols):
            if a[r, c] > m:
                m = a[r, c]
        if m == np.inf or m == -np.inf:
            m = 0.0  # all -inf (or some +inf) row: let exp produce NaN/0 as NumPy would
        s = 0.0
        for c in range(cols):
            s += np.exp(a[r, c] - m)
        if log:
            ls = np.log(s)
            for c in range(cols):
                out[r, c] = a[r, c] - m - ls
        else:
            inv = 1.0 / s
            for c in range(cols):
                out[r, c] = np.exp(a[r, c] - m) * inv
