"""Softmax cross-entropy over the rows of a C-contiguous 2-D array, and its gradient.

``ce_forward``: per row ``lse = max + log(sum(exp(x - max)))`` (``kernels.nn.row_shift``,
as ``softmax_last``) and ``loss = lse - x[label]``.  ``ce_grad``:
``(exp(x - lse) - onehot(label)) * g`` per row, from the forward's ``lse``.  Labels are
int64 class indices already in ``[0, cols)`` (the caller clips them, as ``pick`` does).
"""
import numpy as np

from ._jit import kernel
from .nn import row_shift


@kernel
def ce_forward(x, labels, loss, lse):
    """``lse[r] = logsumexp(x[r])``, ``loss[r] = lse[r] - x[r, labels[r]]``."""
    for r in range(x.shape[0]):
        m, s = row_shift(x, r)
        lse[r] = m + np.log(s)
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
