"""Layout moves around the implicit-GEMM convolution (``ops/conv_implicit.py``).

The implicit GEMM works on channels-last grids ``(N, D, H, W, C)`` flattened to rows of
``C`` values.  ``to_grid`` copies a channels-first ``(N, C, d, h, w)`` array into such a
grid at an offset, zeros around it (the convolution's zero padding, or the zero rows of
an output gradient placed on the padded grid); ``from_grid_rows`` reads a channels-first
array back out of a grid's leading corner, some rows of one sample at a time, adding a
bias per channel.  Hot-loop indices
are unsigned (``U``): with signed ones Numba tests each index for being negative, which
keeps the loops from vectorising.
"""
import numpy as np

from ._jit import kernel

U = np.uintp


@kernel
def to_grid(x, grid, at):
    """``grid[n, at_d + d, at_h + h, at_w + w, c] = x[n, c, d, h, w]``; every other grid entry
    is set to 0.  ``x`` is ``(N, C, D, H, W)``, ``grid`` ``(N, GD, GH, GW, C)`` with
    ``at + (D, H, W) <= (GD, GH, GW)``; ``at`` a 3-tuple.  (Writes in grid order, reads
    strided: W6b's 6.4M values in 12-15 ms, half the time of the opposite order.)"""
    N, C, D, H, W = x.shape
    _, GD, GH, GW, _ = grid.shape
    AD, AH, AW = at
    zero = grid.dtype.type(0)
    for n in range(N):
        for gd in range(GD):
            d = gd - AD
            for gh in range(GH):
                h = gh - AH
                if d < 0 or d >= D or h < 0 or h >= H:
                    grid[n, gd, gh] = zero
                    continue
                for gw in range(AW):
                    grid[n, gd, gh, gw] = zero
                for gw in range(AW + W, GW):
                    grid[n, gd, gh, gw] = zero
                for w in range(U(W)):
                    for c in range(U(C)):
                        grid[n, gd, gh, U(AW) + w, c] = x[n, c, d, h, w]


@kernel
def from_grid_rows(grid, y, b, with_bias, plane, h0, h1):
    """``y[n, o, d, h, w] = grid[n, d, h, w, o] (+ b[o])`` for the rows ``h0 <= h < h1``
    (within ``y``'s ``H``) of one ``plane = n * GD + d`` (nothing when ``d >= D``): the
    implicit GEMM's epilogue for one row block, while its output is in cache.  ``grid`` is
    ``(N, GD, GH, GW, O)``, ``y`` ``(N, O, D, H, W)``, read from the grid's leading
    ``(H, W)`` corner.  (Writes in ``y`` order, reads strided: 5x faster than the opposite
    order on W6b.)"""
    _, O, D, H, W = y.shape
    GD = grid.shape[1]
    n, d = plane // GD, plane % GD
    if d >= D:
        return
    zero = y.dtype.type(0)
    for h in range(h0, min(h1, H)):
        for o in range(O):
            v = b[o] if with_bias else zero
            for w in range(U(W)):
                y[n, o, d, h, w] = grid[n, d, h, w, U(o)] + v
