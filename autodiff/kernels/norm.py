"""Normalization kernels on a 3-D view ``(A, C, B)`` of the data (C-contiguous).

Every normalization here (batch, layer, instance, group) is the same computation on
a 3-D view: statistics over some of the three axes, then ``(x - mean) * inv * gamma
+ beta`` with ``gamma`` / ``beta`` indexed by the middle axis ``C``.  A statistics
array has the 3-D shape ``(A or 1, C or 1, B or 1)``: a 1 marks an axis that is
reduced.  Batch norm reduces ``(A, B)`` (stats ``(1, C, 1)``), layer norm ``C``
(``(A, 1, B)``), instance and group norm ``B`` (``(A, C, 1)``).

Statistics accumulate in float64 (two passes: mean, then the biased variance of the
deviations, which stays accurate when the mean is large).
"""
import numpy as np
from ._jit import kernel


@kernel
def moments3(x, mean, var):
    """mean / biased variance of ``x`` (A, C, B) over the axes where ``mean`` (float64,
    zero-filled, same shape as ``var``) has length 1."""
    A, C, B = x.shape
    ia = 1 if mean.shape[0] > 1 else 0
    ic = 1 if mean.shape[1] > 1 else 0
    ib = 1 if mean.shape[2] > 1 else 0
    n = (A * C * B) // (mean.shape[0] * mean.shape[1] * mean.shape[2])
    inv_n = 1.0 / n
    for a in range(A):
        for c in range(C):
            for b in range(B):
                mean[a * ia, c * ic, b * ib] += x[a, c, b]
    for i in range(mean.shape[0]):
        for j in range(mean.shape[1]):
            for k in range(mean.shape[2]):
                mean[i, j, k] *= inv_n
    for a in range(A):
        for c in range(C):
            for b in range(B):
                d = x[a, c, b] - mean[a * ia, c * ic, b * ib]
                var[a * ia, c * ic, b * ib] += d * d
    for i in range(var.shape[0]):
        for j in range(var.shape[1]):
            for k in range(var.shape[2]):
                var[i, j, k] *= inv_n


@kernel
def normalize3(x, mean, inv, gamma, beta, out):
    """out = (x - mean) * inv * gamma[c] + beta[c] for ``x`` (A, C, B); ``mean`` / ``inv``
    are statistics arrays (see the module docstring), ``gamma`` / ``beta`` have length C."""
    A, C, B = x.shape
    ia = 1 if mean.shape[0] > 1 else 0
    ic = 1 if mean.shape[1] > 1 else 0
    ib = 1 if mean.shape[2] > 1 else 0
    for a in range(A):
        for c in range(C):
            g = gamma[c]
            s = beta[c]
            for b in range(B):
                m = mean[a * ia, c * ic, b * ib]
                out[a, c, b] = (x[a, c, b] - m) * (inv[a * ia, c * ic, b * ib] * g) + s


@kernel
def pair_sums3(g, h, s_g, s_gh):
    """s_g = sum(g), s_gh = sum(g * h) over the axes where the (zero-filled, float64)
    statistics arrays have length 1: the two reductions of a normalization's backward."""
    A, C, B = g.shape
    ia = 1 if s_g.shape[0] > 1 else 0
    ic = 1 if s_g.shape[1] > 1 else 0
    ib = 1 if s_g.shape[2] > 1 else 0
    for a in range(A):
        for c in range(C):
            for b in range(B):
                v = g[a, c, b]
                s_g[a * ia, c * ic, b * ib] += v
                s_gh[a * ia, c * ic, b * ib] += v * h[a, c, b]


@kernel
def backward_sums3(x, g, mean, inv, gamma, s_gg, s_ggh, c_g, c_gh):
    """The reductions of a normalization's backward in one pass, with ``xhat = (x - mean) * inv``
    and ``gg = g * gamma[c]``: ``s_gg`` / ``s_ggh`` = sums of gg and gg * xhat over the
    statistics' reduced axes (zero-filled float64 arrays shaped like ``mean``), ``c_g`` /
    ``c_gh`` = per-channel sums of g and g * xhat (beta's and gamma's gradients, length C)."""
    A, C, B = x.shape
    ia = 1 if mean.shape[0] > 1 else 0
    ic = 1 if mean.shape[1] > 1 else 0
    ib = 1 if mean.shape[2] > 1 else 0
    for a in range(A):
        for c in range(C):
            gm = gamma[c]
            acc_g = 0.0
            acc_gh = 0.0
            for b in range(B):
                i, j, k = a * ia, c * ic, b * ib
                h = (x[a, c, b] - mean[i, j, k]) * inv[i, j, k]
                v = g[a, c, b]
                acc_g += v
                acc_gh += v * h
                s_gg[i, j, k] += v * gm
                s_ggh[i, j, k] += v * gm * h
            c_g[c] += acc_g
            c_gh[c] += acc_gh


@kernel
def backward_dx3(x, g, mean, inv, gamma, s_gg, s_ggh, n, fixed, dx):
    """dx = (gg - s_gg / n - xhat * s_ggh / n) * inv, or ``gg * inv`` when the statistics are
    fixed (``fixed``: inference / global statistics), with xhat and gg as in
    ``backward_sums3``."""
    A, C, B = x.shape
    ia = 1 if mean.shape[0] > 1 else 0
    ic = 1 if mean.shape[1] > 1 else 0
    ib = 1 if mean.shape[2] > 1 else 0
    inv_n = 1.0 / n
    for a in range(A):
        for c in range(C):
            gm = gamma[c]
            for b in range(B):
                i, j, k = a * ia, c * ic, b * ib
                gg = g[a, c, b] * gm
                if fixed:
                    dx[a, c, b] = gg * inv[i, j, k]
                else:
                    h = (x[a, c, b] - mean[i, j, k]) * inv[i, j, k]
                    dx[a, c, b] = (gg - s_gg[i, j, k] * inv_n
                                   - h * (s_ggh[i, j, k] * inv_n)) * inv[i, j, k]
