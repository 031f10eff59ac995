"""Direct-loop NumPy references for convolution, deconvolution, pooling and im2col.

Written from the definitions (one output position, one kernel offset at a time), not
from the library's im2col formulation, so they are independent of the code they check.
"""
import itertools
import math

import numpy as onp


def _tuple(v, nd, default):
    return (default,) * nd if v is None else tuple(v)


def conv_ref(x, w, b=None, stride=None, pad=None, dilate=None, groups=1):
    """Cross-correlation of ``x (N, C, *sp)`` with ``w (O, C/groups, *k)``, in float64."""
    x, w = onp.asarray(x, onp.float64), onp.asarray(w, onp.float64)
    nd = x.ndim - 2
    s, p, d = _tuple(stride, nd, 1), _tuple(pad, nd, 0), _tuple(dilate, nd, 1)
    k = w.shape[2:]
    xp = onp.pad(x, [(0, 0), (0, 0)] + [(q, q) for q in p])
    N, C = x.shape[:2]
    O = w.shape[0]
    out = tuple((xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd))
    y = onp.zeros((N, O) + out)
    cg, og = C // groups, O // groups
    for pos in itertools.product(*map(range, out)):
        for gi in range(groups):
            for kp in itertools.product(*map(range, k)):
                idx = tuple(pos[i] * s[i] + kp[i] * d[i] for i in range(nd))
                patch = xp[(slice(None), slice(gi * cg, (gi + 1) * cg)) + idx]      # (N, cg)
                wk = w[(slice(gi * og, (gi + 1) * og), slice(None)) + kp]          # (og, cg)
                y[(slice(None), slice(gi * og, (gi + 1) * og)) + pos] += patch @ wk.T
    if b is not None:
        y += onp.asarray(b, onp.float64).reshape((1, O) + (1,) * nd)
    return y


def deconv_ref(x, w, b=None, stride=None, pad=None, dilate=None, adj=None, groups=1):
    """Transposed convolution: every input value times the kernel, added into the output
    at ``position * stride + offset * dilate``, then ``pad`` cropped from both ends (``adj``
    extra positions kept at the end).  ``w`` is ``(C, O/groups, *k)``."""
    x, w = onp.asarray(x, onp.float64), onp.asarray(w, onp.float64)
    nd = x.ndim - 2
    s, p, d = _tuple(stride, nd, 1), _tuple(pad, nd, 0), _tuple(dilate, nd, 1)
    a = _tuple(adj, nd, 0)
    k = w.shape[2:]
    N, C = x.shape[:2]
    og = w.shape[1]
    O, cg = og * groups, C // groups
    full = tuple(s[i] * (x.shape[2 + i] - 1) + d[i] * (k[i] - 1) + 1 + a[i] for i in range(nd))
    y = onp.zeros((N, O) + full)
    for pos in itertools.product(*map(range, x.shape[2:])):
        for gi in range(groups):
            v = x[(slice(None), slice(gi * cg, (gi + 1) * cg)) + pos]                # (N, cg)
            for kp in itertools.product(*map(range, k)):
                idx = tuple(pos[i] * s[i] + kp[i] * d[i] for i in range(nd))
                wk = w[(slice(gi * cg, (gi + 1) * cg), slice(None)) + kp]          # (cg, og)
                y[(slice(None), slice(gi * og, (gi + 1) * og)) + idx] += v @ wk
    crop = tuple(slice(p[i], full[i] - p[i]) for i in range(nd))
    y = y[(slice(None), slice(None)) + crop]
    if b is not None:
        y = y + onp.asarray(b, onp.float64).reshape((1, O) + (1,) * nd)
    return y


def pool_lengths(spatial, kernel, stride, pad, convention):
    """(out, pad_lo, pad_hi) per dimension, from MXNet's formulas (and TF's for 'same')."""
    out, lo, hi = [], [], []
    for x, k, s, p in zip(spatial, kernel, stride, pad):
        if convention == 'same':
            n = math.ceil(x / s)
            total = max((n - 1) * s + k - x, 0)
            out.append(n), lo.append(total // 2), hi.append(total - total // 2)
        else:
            f = math.floor if convention == 'valid' else math.ceil
            out.append(int(f((x + 2 * p - k) / s)) + 1), lo.append(p), hi.append(p)
    return tuple(out), tuple(lo), tuple(hi)


def pool_ref(x, kernel, stride=None, pad=None, pool_type='max', convention='valid',
             count_include_pad=True, p_value=None):
    """Pooling of ``x (N, C, *sp)`` window by window, in float64.

    Positions outside the input are not values (max ignores them, sums skip them); the
    average divides by the window's size clipped to the padded input when
    ``count_include_pad``, else by the number of inputs in it; an empty max window is
    float32's lowest value (MXNet 1.9.1)."""
    x = onp.asarray(x, onp.float64)
    nd = x.ndim - 2
    s, p = _tuple(stride, nd, 1), _tuple(pad, nd, 0)
    out, lo, hi = pool_lengths(x.shape[2:], kernel, s, p, convention)
    y = onp.zeros(x.shape[:2] + out)
    for pos in itertools.product(*map(range, out)):
        start = [pos[i] * s[i] - lo[i] for i in range(nd)]
        ranges = [(max(st, 0), min(st + kernel[i], x.shape[2 + i])) for i, st in enumerate(start)]
        win = x[(slice(None), slice(None)) + tuple(slice(a, max(a, b)) for a, b in ranges)]
        win = win.reshape(x.shape[:2] + (-1,))
        target = (slice(None), slice(None)) + pos
        if pool_type == 'max':
            y[target] = win.max(axis=-1) if win.shape[-1] else onp.finfo(onp.float32).min
        elif pool_type == 'sum':
            y[target] = win.sum(axis=-1)
        elif pool_type == 'lp':
            q = p_value
            t = (win ** q).sum(axis=-1)
            y[target] = t if q == 1 else onp.sqrt(t) if q == 2 else onp.cbrt(t)
        else:
            if count_include_pad:
                n = math.prod(max(min(st + kernel[i], x.shape[2 + i] + hi[i]) - st, 0)
                              for i, st in enumerate(start))
            else:
                n = win.shape[-1]
            y[target] = win.sum(axis=-1) / n if n else 0.0
    return y


def im2col_ref(x5, ksize, stride, pad, dilate, out):
    """``(N, C*K, P)`` columns of a ``(N, C, D, H, W)`` array, by slicing a padded copy."""
    N, C = x5.shape[:2]
    xp = onp.pad(x5, [(0, 0), (0, 0)] + [(q, q + s * o + d * k) for q, s, o, d, k in
                                         zip(pad, stride, out, dilate, ksize)])
    rows = []
    for c in range(C):
        for off in itertools.product(*map(range, ksize)):
            sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * out[i], stride[i])
                       for i in range(3))
            rows.append(xp[(slice(None), c) + sl].reshape(N, -1))
    return onp.stack(rows, axis=1)


def conv_weight_ref(x, gy, kernel, pad, dilate, groups, stride=None):
    """``dW[o, c, t] = sum_{n, p} gy[n, o, p] * xpad[n, c, p * s + t * d]`` in float64 (stride
    1 unless given), by slicing a zero-padded copy once per kernel tap."""
    nd = x.ndim - 2
    stride = (1,) * nd if stride is None else stride
    xp = onp.pad(x.astype(onp.float64), [(0, 0), (0, 0)] + [(p, p) for p in pad])
    N, Cin = x.shape[:2]
    O, osp = gy.shape[1], gy.shape[2:]
    Cg, Og = Cin // groups, O // groups
    dw = onp.zeros((O, Cg) + tuple(kernel))
    for t in itertools.product(*map(range, kernel)):
        sl = tuple(slice(t[i] * dilate[i], t[i] * dilate[i] + stride[i] * (osp[i] - 1) + 1,
                         stride[i]) for i in range(nd))
        win = xp[(slice(None), slice(None)) + sl]                 # (N, C, *osp)
        for gi in range(groups):
            xs = win[:, gi * Cg:(gi + 1) * Cg].reshape(N, Cg, -1)
            gs = gy[:, gi * Og:(gi + 1) * Og].reshape(N, Og, -1).astype(onp.float64)
            dw[(slice(gi * Og, (gi + 1) * Og), slice(None)) + t] = onp.einsum('nop,ncp->oc',
                                                                              gs, xs)
    return dw
