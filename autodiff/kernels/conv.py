"""Convolution's data movement: im2col (packing with implicit zero padding), col2im, bias.

Every kernel works on 3 spatial dimensions (1-D and 2-D inputs arrive with leading
length-1 spatial axes), so one compiled kernel per dtype serves 1-D, 2-D and 3-D.

Shapes: ``x`` is ``(N, C, D, H, W)``; ``col`` is ``(C * KD * KH * KW, N, OD * OH * OW)``
with rows ordered ``(c, kd, kh, kw)`` (the order of a ``(O, C, KD, KH, KW)`` weight
reshaped to ``(O, C * K)``), then samples, then output positions ``(od, oh, ow)``: so
one GEMM ``(O, C*K) @ (C*K, N*P)`` serves the whole batch.  ``ksize``, ``stride``,
``pad`` (the leading pad), ``dilate`` and ``out`` (``(OD, OH, OW)``) are 3-tuples;
``c0, c1`` the channels to do (two threads take halves).  The GEMMs belong to BLAS
(the op layer calls NumPy's matmul, small ones on one BLAS thread: ``ops/blas.py``).
"""
from ._jit import kernel


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
    padded)."""
    N, C, D, H, W = x.shape
    KD, KH, KW = ksize
    SD, SH, SW = stride
    PD, PH, PW = pad
    DD, DH, DW = dilate
    OD, OH, OW = out
    zero = col.dtype.type(0)
    row = c0 * KD * KH * KW
    for c in range(c0, c1):
        for i in range(KD):
            for j in range(KH):
                for k in range(KW):
                    off_w = k * DW - PW
                    lo, hi = _valid_range(off_w, SW, W, OW)
                    for n in range(N):
                        dst = col[row, n]
                        for od in range(OD):
                            iz = od * SD - PD + i * DD
                            for oh in range(OH):
                                iy = oh * SH - PH + j * DH
                                base = (od * OH + oh) * OW
                                if iz < 0 or iz >= D or iy < 0 or iy >= H:
                                    dst[base:base + OW] = zero
                                else:
                                    src = x[n, c, iz, iy]
                                    dst[base:base + lo] = zero
                                    if SW == 1:          # a contiguous run: a vector copy
                                        dst[base + lo:base + hi] = src[lo + off_w:hi + off_w]
                                    else:
                                        for ow in range(lo, hi):
                                            dst[base + ow] = src[ow * SW + off_w]
                                    dst[base + hi:base + OW] = zero
                    row += 1


@kernel
def col2im(col, x, ksize, stride, pad, dilate, out, c0, c1):
    """The adjoint of ``im2col``: add every column entry into the ``x`` position it came from.

    ``x`` must hold zeros (or what the sums should start from); padded positions are
    dropped.  Channels ``[c0, c1)`` only.
    """
    N, C, D, H, W = x.shape
    KD, KH, KW = ksize
    SD, SH, SW = stride
    PD, PH, PW = pad
    DD, DH, DW = dilate
    OD, OH, OW = out
    row = c0 * KD * KH * KW
    for c in range(c0, c1):
        for i in range(KD):
            for j in range(KH):
                for k in range(KW):
                    off_w = k * DW - PW
                    lo, hi = _valid_range(off_w, SW, W, OW)
                    for n in range(N):
                        for od in range(OD):
                            iz = od * SD - PD + i * DD
                            if iz < 0 or iz >= D:
                                continue
                            for oh in range(OH):
                                iy = oh * SH - PH + j * DH
                                if iy < 0 or iy >= H:
                                    continue
                                base = (od * OH + oh) * OW
                                for ow in range(lo, hi):
                                    x[n, c, iz, iy, ow * SW + off_w] += col[row, n, base + ow]
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


@kernel
def unpack_rows(t, y, b, with_bias):
    """``y[n, o, p] = t[o, n, p] (+ b[o])``: a GEMM result in batch order, bias fused."""
    O, N, P = t.shape
    for n in range(N):
        for o in range(O):
            v = b[o] if with_bias else t.dtype.type(0)
            for p in range(P):
                y[n, o, p] = t[o, n, p] + v
