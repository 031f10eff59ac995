"""Fused optimizer updates: one pass over a weight, its gradient and its state, in place.

Each kernel does, element by element and in the weight's dtype, exactly the float
operations of the NumPy formula it replaces in ``autodiff.optimizer`` (same order, no
fast-math, so results are bitwise those of the NumPy code): the gradient rescaled, clipped
when ``clip >= 0`` (NaN passes through, as ``numpy.clip``), then the update.  Arrays are
1-D and C-contiguous (the callers pass flat views); scalars come in the weight's dtype.
"""
import numpy as np

from ._jit import kernel


@kernel
def sgd_momentum(w, g, m, rescale, clip, lr, lrwd, momentum):
    """``g' = clip(rescale * g); m = momentum * m - lrwd * w - lr * g'; w = w + m``
    (``lrwd`` is ``lr * wd``, computed by the caller in the weight's dtype)."""
    for i in range(w.shape[0]):
        gi = rescale * g[i]
        if clip >= 0:
            if gi > clip:
                gi = clip
            elif gi < -clip:
                gi = -clip
        mi = momentum * m[i] - lrwd * w[i] - lr * gi
        m[i] = mi
        w[i] = w[i] + mi


# the weights a ``sgd_momentum_multi`` call takes: its tuples always hold this many arrays
# (shorter groups padded with empty ones), so one signature per dtype serves any count
MULTI_WIDTH = 8


@kernel
def sgd_momentum_multi(ws, gs, ms, lrs, lrwds, rescale, clip, momentum):
    """``sgd_momentum`` on each ``(ws[k], gs[k], ms[k])`` with learning rate ``lrs[k]`` and
    ``lrwds[k]`` (``lr * wd``): MXNet's ``multi_sgd_mom_update``, one call for a group of
    weights.  ``ws``, ``gs``, ``ms``: tuples of ``MULTI_WIDTH`` 1-D arrays (empty ones pad a
    shorter group); ``lrs``, ``lrwds``: arrays of ``MULTI_WIDTH`` values."""
    for k in range(len(ws)):
        sgd_momentum(ws[k], gs[k], ms[k], rescale, clip, lrs[k], lrwds[k], momentum)


@kernel
def adam(w, g, m, v, rescale, clip, wd, lr, beta1, one_beta1, beta2, one_beta2, eps):
    """``g' = clip(rescale * g + wd * w); m = beta1 * m + (1 - beta1) * g';
    v = beta2 * v + (1 - beta2) * g' * g'; w = w - lr * m / (sqrt(v) + eps)``
    (``lr`` already bias-corrected by the caller; ``one_beta*`` are ``1 - beta*``)."""
    for i in range(w.shape[0]):
        gi = rescale * g[i] + wd * w[i]
        if clip >= 0:
            if gi > clip:
                gi = clip
            elif gi < -clip:
                gi = -clip
        mi = beta1 * m[i] + one_beta1 * gi
        vi = beta2 * v[i] + one_beta2 * gi * gi
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - lr * mi / (np.sqrt(vi) + eps)
