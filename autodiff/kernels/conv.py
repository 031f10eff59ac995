"""Convolution's data movement: im2col (packing with implicit zero padding), col2im, bias.

Every kernel works on 3 spatial dimensions (1-D and 2-D inputs arrive with leading
length-1 spatial axes), so one compiled kernel per dtype serves 1-D, 2-D and 3-D.

Shapes: ``x`` is ``(N, C, D, H, W)``; ``col`` is ``(N, C * KD * KH * KW, OD * OH * OW)``:
per sample, rows ordered ``(c, kd, kh, kw)`` (the order of a ``(O, C, KD, KH, KW)`` weight
reshaped to ``(O, C * K)``), then output positions ``(od, oh, ow)``: so the batched GEMM
``(O, C*K) @ col[n]`` writes ``y[n]`` in place, in batch order.  ``ksize``, ``stride``,
``pad`` (the leading pad), ``dilate`` and ``out`` (``(OD, OH, OW)``) are 3-tuples;
``c0, c1`` the channels to do (two threads take halves).  The GEMMs belong to BLAS
(the op layer calls NumPy's matmul, small ones on one BLAS thread: ``ops/blas.py``).
"""
import numpy as np

from ._jit import kernel

U = np.uintp    # hot-loop indices: unsigned, so that Numba adds no negative-index test


@kernel
def _valid_range(off, step, size, n_out):
    """``(lo, hi)``: the outputs ``o`` in ``[0, n_out)`` with ``0 <= o * step + off < size``."""
    lo = 0
    if off < 0:
        lo = (-off + step - 1) // step
    hi = (size - 1 - off) // step + 1      # floor division: negative when nothing fits
    if hi > n_out:
        hi = n_out
    if lo > n_out:
        lo = n_out
    if hi < lo:
        hi = lo
    return lo, hi


@kernel
def im2col(x, col, ksize, stride, pad, dilate, out, c0, c1):
    """Pack the receptive fields of channels ``[c0, c1)`` of ``x`` into ``col`` (zeros where
    padded).  Both C-contiguous.

    Each ``col`` row is written front to back; the ranges of output positions that read
    inside the input are worked out once per row (``_valid_range``), so the copy loops
    carry no bounds test (the border is a zero fill) and index with unsigned integers
    (a signed index costs a negative-index test per element, which kept these loops
    from vectorising: 6-10x slower).  Both arrays are indexed flat (offsets computed
    per run): the 5-D/3-D indexing of the runs (8 and 24 floats in LeNet) cost a third
    more (conv2's columns, one thread: 298 -> 214 us; conv1's 154 -> 119 us, 2026-12-02)."""
    N, C, D, H, W = x.shape
    KD, KH, KW = ksize
    SD, SH, SW = stride
    PD, PH, PW = pad
    DD, DH, DW = dilate
    OD, OH, OW = out
    xf, cf = x.reshape(-1), col.reshape(-1)
    R, P = col.shape[1], col.shape[2]
    zero = col.dtype.type(0)
    row = c0 * KD * KH * KW
    plane = U(OH * OW)
    for c in range(c0, c1):
        for i in range(KD):
            off_d = i * DD - PD
            zlo, zhi = _valid_range(off_d, SD, D, OD)
            for j in range(KH):
                off_h = j * DH - PH
                ylo, yhi = _valid_range(off_h, SH, H, OH)
                for k in range(KW):
                    off_w = k * DW - PW
                    lo, hi = _valid_range(off_w, SW, W, OW)
                    run = U(hi - lo)
                    for n in range(N):
                        cb = U(n * R + row) * U(P)
                        xb = U(n * C + c) * U(D * H * W)
                        for od in range(OD):
                            p0 = cb + U(od) * plane
                            if od < zlo or od >= zhi:
                                for q in range(plane):
                                    cf[p0 + q] = zero
                                continue
                            iz = od * SD + off_d
                            for q in range(U(ylo * OW)):
                                cf[p0 + q] = zero
                            for oh in range(ylo, yhi):
                                iy = oh * SH + off_h
                                base = p0 + U(oh * OW)
                                for q in range(U(lo)):
                                    cf[base + q] = zero
                                dst = base + U(lo)
                                src = xb + U((iz * H + iy) * W + lo * SW + off_w)
                                if SW == 1:
                                    for q in range(run):
                                        cf[dst + q] = xf[src + q]
                                else:
                                    step = U(SW)
                                    for q in range(run):
                                        cf[dst + q] = xf[src + q * step]
                                for q in range(base + U(hi), base + U(OW)):
                                    cf[q] = zero
                            for q in range(p0 + U(yhi * OW), p0 + plane):
                                cf[q] = zero
                    row += 1


@kernel
def col2im(col, x, ksize, stride, pad, dilate, out, c0, c1):
    """The adjoint of ``im2col``: add every column entry into the ``x`` position it came from.

    ``x`` must hold zeros (or what the sums should start from); padded positions are
    dropped.  Channels ``[c0, c1)`` only; each ``col`` row is read front to back over
    the output positions that fall inside ``x`` (no bounds test, unsigned indices, flat
    offsets: as ``im2col``).  Both C-contiguous."""
    N, C, D, H, W = x.shape
    KD, KH, KW = ksize
    SD, SH, SW = stride
    PD, PH, PW = pad
    DD, DH, DW = dilate
    OD, OH, OW = out
    xf, cf = x.reshape(-1), col.reshape(-1)
    R, P = col.shape[1], col.shape[2]
    row = c0 * KD * KH * KW
    for c in range(c0, c1):
        for i in range(KD):
            off_d = i * DD - PD
            zlo, zhi = _valid_range(off_d, SD, D, OD)
            for j in range(KH):
                off_h = j * DH - PH
                ylo, yhi = _valid_range(off_h, SH, H, OH)
                for k in range(KW):
                    off_w = k * DW - PW
                    lo, hi = _valid_range(off_w, SW, W, OW)
                    run = U(hi - lo)
                    for n in range(N):
                        cb = U(n * R + row) * U(P)
                        xb = U(n * C + c) * U(D * H * W)
                        for od in range(zlo, zhi):
                            iz = od * SD + off_d
                            for oh in range(ylo, yhi):
                                iy = oh * SH + off_h
                                src = cb + U((od * OH + oh) * OW + lo)
                                dst = xb + U((iz * H + iy) * W + lo * SW + off_w)
                                if SW == 1:
                                    for q in range(run):
                                        xf[dst + q] += cf[src + q]
                                else:
                                    step = U(SW)
                                    for q in range(run):
                                        xf[dst + q * step] += cf[src + q]
                    row += 1


@kernel
def add_bias(y, b):
    """``y[n, o, p] += b[o]`` for ``y`` of shape ``(N, O, P)``: the bias epilogue, in place."""
    N, O, P = y.shape
    for n in range(N):
        for o in range(O):
            v = b[o]
            for p in range(P):
                y[n, o, p] += v
