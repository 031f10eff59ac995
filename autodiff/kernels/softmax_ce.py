"""Softmax cross-entropy over the rows of a C-contiguous 2-D array, and its gradient.

``ce_forward``: per row ``lse = max + log(sum(exp(x - max)))`` (max-shifted, as
``kernels.nn.softmax_last``) and ``loss = lse - x[label]``.  ``ce_grad``:
``(exp(x - lse) - onehot(label)) * g`` per row, from the forward's ``lse``.  Labels are
int64 class indices already in ``[0, cols)`` (the caller clips them, as ``pick`` does).
"""
import numpy as np

from ._jit import kernel


@kernel
def ce_forward(x, labels, loss, lse):
    """``lse[r] = logsumexp(x[r])``, ``loss[r] = lse[r] - x[r, labels[r]]``."""
    rows, cols = x.shape
    for r in range(rows):
        m = x[r, 0]
        for c in range(1, cols):
            if x[r, c] > m:
                m = x[r, c]
        if m == np.inf or m == -np.inf:
            m = 0.0  # all -inf (or some +inf) row: NaN/inf as NumPy's formula gives
        s = 0.0
        for c in range(cols):
            s += np.exp(x[r, c] - m)
        ls = m + np.log(s)
        lse[r] = ls
        loss[r] = lse[r] - x[r, labels[r]]


@kernel
def ce_grad(x, lse, labels, g, out):
    """``out[r, c] = (exp(x[r, c] - lse[r]) - (c == labels[r])) * g[r]``."""
    rows, cols = x.shape
    for r in range(rows):
        lr = lse[r]
        gr = g[r]
        for c in range(cols):
            out[r, c] = np.exp(x[r, c] - lr) * gr
        k = labels[r]
        out[r, k] = (np.exp(x[r, k] - lr) - 1) * gr
