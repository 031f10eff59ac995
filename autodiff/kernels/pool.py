"""Pooling windows: max (with the position of the first maximum), sum / average / Lp, adjoints.

Every kernel works on ``(M, D, H, W)`` planes (``M = batch * channels``; 1-D and 2-D
inputs arrive with leading length-1 spatial axes).  ``ksize``, ``stride``, ``pad``
(the leading pad), ``pad_hi`` (the trailing pad, which bounds the padded extent) and
``out`` (``(OD, OH, OW)``) are 3-tuples.  A window may reach past the padded extent
(the ``full`` convention); positions outside the input never count as values.
"""
import numpy as np

from ._jit import kernel

SUM, AVG_INCLUDE_PAD, AVG_EXCLUDE_PAD = 0, 1, 2
U = np.uintp    # hot-loop indices: unsigned, so that Numba adds no negative-index test


@kernel
def _window(o, k, s, p, size):
    """``(start, lo, hi)``: the window's unclipped start and its clipped range in ``[0, size)``."""
    start = o * s - p
    lo = start if start > 0 else 0
    hi = start + k
    if hi > size:
        hi = size
    if hi < lo:
        hi = lo
    return start, lo, hi


@kernel
def _extent(start, k, size, p_hi):
    """Window length counted with the padding: clipped to the padded extent ``size + p_hi``."""
    end = start + k
    if end > size + p_hi:
        end = size + p_hi
    return end - start if end > start else 0


@kernel
def pool_max(x, y, idx, ksize, stride, pad, out, lowest):
    """``y``: the maximum of each window; ``idx``: its flat position ``(iz * H + iy) * W + ix``
    in the plane (the first one in scan order at ties), or -1 for a window holding no
    input (then ``y`` is ``lowest``).  ``x`` must be C-contiguous.

    Each plane is read flat, the window's loops counting from 0 with unsigned indices
    (``U``): with signed ones Numba tests every index for being negative, which made
    this kernel 2-3x slower."""
    M, D, H, W = x.shape
    KD, KH, KW = ksize
    SD, SH, SW = stride
    PD, PH, PW = pad
    OD, OH, OW = out
    flat = x.reshape(M, D * H * W)
    uh, uw = U(H), U(W)
    for m in range(M):
        xm = flat[m]
        for od in range(OD):
            _, z0, z1 = _window(od, KD, SD, PD, D)
            for oh in range(OH):
                _, y0, y1 = _window(oh, KH, SH, PH, H)
                for ow in range(OW):
                    _, x0, x1 = _window(ow, KW, SW, PW, W)
                    if z1 > z0 and y1 > y0 and x1 > x0:
                        base = U((z0 * H + y0) * W + x0)
                        at = base
                        best = xm[base]
                        for iz in range(U(z1 - z0)):
                            for iy in range(U(y1 - y0)):
                                r = base + (iz * uh + iy) * uw
                                for ix in range(U(x1 - x0)):
                                    v = xm[r + ix]
                                    if v > best:
                                        best = v
                                        at = r + ix
                        y[m, od, oh, ow] = best
                        idx[m, od, oh, ow] = int(at)
                    else:
                        y[m, od, oh, ow] = lowest
                        idx[m, od, oh, ow] = -1


@kernel
def _relu_if(v, relu, zero):
    """``relu(v)`` (the table's ``_relu``: NaN kept, ``-0.0`` and negatives to ``+0.0``,
    ``zero`` being 0 in ``v``'s dtype) when ``relu``, else ``v``."""
    if relu and not (v > 0 or v != v):
        return zero
    return v


@kernel
def relu_into(x, out):
    """``out = relu(x)`` elementwise for flat ``x``, ``out`` (the table's ``_relu``)."""
    zero = out.dtype.type(0)
    for i in range(x.shape[0]):
        out[i] = _relu_if(x[i], True, zero)


@kernel
def pool_max_2x2(x, y, idx, relu):
    """``pool_max_tiles`` with ``KH = KW = 2`` (the common 2x2 / stride 2 max pool),
    unrolled: the window's four values in scan order, the first maximum kept by the same
    strict ``>`` comparisons (so ties and NaNs pick what ``pool_max_tiles`` picks), as
    selects rather than branches, indexed without per-plane views.  LeNet's pools,
    float32, ``_forward_data`` thread CPU min: (64, 6, 24, 24) 199 us with
    ``pool_max_tiles``, 93 here; (64, 16, 8, 8) 79 -> 42 (2026-12-02, 06:55).  ``x`` C-contiguous ``(M, H, W)`` with ``2 * OH <= H``, ``2 * OW <= W``;
    ``y``, ``idx`` ``(M, OH, OW)``.  ``relu``: pool ``relu(x)`` instead (each value through
    ``_relu`` before the comparisons, so values and positions are those of pooling the
    relu's output: the compiled program's relu -> max pool, ``ops/pool.relu_pool``)."""
    M, H, W = x.shape
    _, OH, OW = y.shape
    uw = U(W)
    zero = x.dtype.type(0)
    for m in range(M):
        for oh in range(OH):
            r0 = U(2) * U(oh)
            r1 = r0 + U(1)
            p0 = r0 * uw
            for ow in range(OW):
                c0 = U(2) * U(ow)
                c1 = c0 + U(1)
                best = _relu_if(x[m, r0, c0], relu, zero)
                at = p0 + c0
                v = _relu_if(x[m, r0, c1], relu, zero)
                up = v > best
                best = v if up else best
                at = p0 + c1 if up else at
                v = _relu_if(x[m, r1, c0], relu, zero)
                up = v > best
                best = v if up else best
                at = p0 + uw + c0 if up else at
                v = _relu_if(x[m, r1, c1], relu, zero)
                up = v > best
                best = v if up else best
                at = p0 + uw + c1 if up else at
                y[m, oh, ow] = best
                idx[m, oh, ow] = int(at)


@kernel
def pool_max_tiles(x, y, idx, KH, KW):
    """``pool_max`` for windows that tile the plane: kernel == stride ``(KH, KW)``, no
    padding, every window inside (``OH * KH <= H``, ``OW * KW <= W``); ``x`` is
    C-contiguous ``(M, H, W)``, ``y`` and ``idx`` ``(M, OH, OW)``; ``idx`` as
    ``pool_max``'s (the flat position ``iy * W + ix``, the first maximum in scan order).

    No window clipping and unsigned indices throughout: LeNet's 2x2 pooling of
    (64, 6, 24, 24) took 340 us in ``pool_max``, 80 us here (2026-12)."""
    M, H, W = x.shape
    _, OH, OW = y.shape
    uw, kh, kw = U(W), U(KH), U(KW)
    for m in range(M):
        xm = x[m].reshape(H * W)
        ym = y[m]
        im = idx[m]
        for oh in range(OH):
            b0 = U(oh) * kh * uw
            for ow in range(OW):
                base = b0 + U(ow) * kw
                at = base
                best = xm[base]
                for iy in range(kh):
                    r = base + iy * uw
                    for ix in range(kw):
                        v = xm[r + ix]
                        if v > best:
                            best = v
                            at = r + ix
                ym[oh, ow] = best
                im[oh, ow] = int(at)


@kernel
def _divisor(mode, od, oh, ow, ksize, stride, pad, pad_hi, shape):
    """What the window's sum is divided by: 1 (sum), its size within the padded extent
    (average counting the padding) or its number of inputs (average without it)."""
    if mode == SUM:
        return 1
    D, H, W = shape
    sz, z0, z1 = _window(od, ksize[0], stride[0], pad[0], D)
    sy, y0, y1 = _window(oh, ksize[1], stride[1], pad[1], H)
    sx, x0, x1 = _window(ow, ksize[2], stride[2], pad[2], W)
    if mode == AVG_INCLUDE_PAD:
        return (_extent(sz, ksize[0], D, pad_hi[0]) * _extent(sy, ksize[1], H, pad_hi[1])
                * _extent(sx, ksize[2], W, pad_hi[2]))
    return (z1 - z0) * (y1 - y0) * (x1 - x0)


@kernel
def pool_sum(x, y, ksize, stride, pad, pad_hi, out, mode, p):
    """``y``: each window's sum of ``x ** p`` (``p`` in 1, 2, 3), divided by the ``mode``'s
    divisor (``SUM``, ``AVG_INCLUDE_PAD``, ``AVG_EXCLUDE_PAD``); for ``p`` 2 and 3 the
    (real) p-th root of the sum (Lp pooling).  An empty window gives 0."""
    M, D, H, W = x.shape
    OD, OH, OW = out
    for m in range(M):
        for od in range(OD):
            _, z0, z1 = _window(od, ksize[0], stride[0], pad[0], D)
            for oh in range(OH):
                _, y0, y1 = _window(oh, ksize[1], stride[1], pad[1], H)
                for ow in range(OW):
                    _, x0, x1 = _window(ow, ksize[2], stride[2], pad[2], W)
                    acc = 0.0
                    for iz in range(z0, z1):
                        for iy in range(y0, y1):
                            for ix in range(x0, x1):
                                v = np.float64(x[m, iz, iy, ix])
                                if p == 1:
                                    acc += v
                                elif p == 2:
                                    acc += v * v
                                else:
                                    acc += v * v * v
                    if p == 2:
                        acc = np.sqrt(acc)
                    elif p == 3:
                        acc = np.cbrt(acc)
                    div = _divisor(mode, od, oh, ow, ksize, stride, pad, pad_hi, (D, H, W))
                    y[m, od, oh, ow] = acc / div if div > 0 else 0.0


@kernel
def pool_sum_adjoint(g, dx, ksize, stride, pad, pad_hi, out, mode):
    """The adjoint of ``pool_sum`` with ``p = 1``: add ``g / divisor`` of each window into
    every input position of the window.  ``dx`` must hold zeros."""
    M, D, H, W = dx.shape
    OD, OH, OW = out
    for m in range(M):
        for od in range(OD):
            _, z0, z1 = _window(od, ksize[0], stride[0], pad[0], D)
            for oh in range(OH):
                _, y0, y1 = _window(oh, ksize[1], stride[1], pad[1], H)
                for ow in range(OW):
                    _, x0, x1 = _window(ow, ksize[2], stride[2], pad[2], W)
                    div = _divisor(mode, od, oh, ow, ksize, stride, pad, pad_hi, (D, H, W))
                    if div <= 0:
                        continue
                    v = g[m, od, oh, ow] / div
                    for iz in range(z0, z1):
                        for iy in range(y0, y1):
                            for ix in range(x0, x1):
                                dx[m, iz, iy, ix] += v


@kernel
def scatter_at(g, idx, dx):
    """``dx[m, idx[m, q]] += g[m, q]`` for 2-D ``g``, ``idx`` and ``dx``; -1 entries drop."""
    M, Q = g.shape
    for m in range(M):
        for q in range(Q):
            i = idx[m, q]
            if i >= 0:
                dx[m, i] += g[m, q]


@kernel
def gather_at(h, idx, out):
    """``out[m, q] = h[m, idx[m, q]]`` (0 where ``idx`` is -1): ``scatter_at``'s adjoint."""
    M, Q = out.shape
    zero = out.dtype.type(0)
    for m in range(M):
        for q in range(Q):
            i = idx[m, q]
            out[m, q] = h[m, i] if i >= 0 else zero


@kernel
def scatter_at_gated(g, gate, idx, dx):
    """``scatter_at`` of ``g * (gate > 0)``: ``dx[m, idx[m, q]] += g[m, q] * (gate[m, q] > 0)``
    (the product in ``g``'s dtype, as the relu rule's ``g * (x > 0)``: 0 * inf is NaN).
    ``gate`` has ``g``'s shape (a relu-then-max pool's output: positive exactly where the
    window's maximum was)."""
    M, Q = g.shape
    one, zero = g.dtype.type(1), g.dtype.type(0)
    for m in range(M):
        for q in range(Q):
            i = idx[m, q]
            if i >= 0:
                dx[m, i] += g[m, q] * (one if gate[m, q] > 0 else zero)


@kernel
def gather_at_gated(h, gate, idx, out):
    """``gather_at`` times ``(gate > 0)``: ``scatter_at_gated``'s adjoint."""
    M, Q = out.shape
    one, zero = out.dtype.type(1), out.dtype.type(0)
    for m in range(M):
        for q in range(Q):
            i = idx[m, q]
            out[m, q] = h[m, i] * (one if gate[m, q] > 0 else zero) if i >= 0 else zero
