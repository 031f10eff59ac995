"""Reductions over the last axis of a C-contiguous 2-D array, or over the first.

The op layer moves the reduced axes to the end (or to the front) and reshapes to
2-D, so these few kernels serve any ``axis`` / ``keepdims`` combination.
Float32 sums accumulate in float64 for accuracy close to NumPy's pairwise sum;
integer sums and products accumulate in the integer type given by ``zero`` (exact
beyond 2**53, as NumPy's).  Float callers omit ``zero``.
"""
from ._jit import kernel

SUM, PROD, MAX, MIN = range(4)


@kernel
def reduce_last(code, a, out, zero=0.0):
    """out[r] = reduce(a[r, :]) for a 2-D C-contiguous ``a``; NaN propagates in max/min.

    Sums and products accumulate in the type of ``zero`` (float64 by default).
    """
    rows, cols = a.shape
    for r in range(rows):
        if code == SUM:
            acc = zero
            for c in range(cols):
                acc += a[r, c]
            out[r] = acc
        elif code == PROD:
            acc = zero + 1
            for c in range(cols):
                acc *= a[r, c]
            out[r] = acc
        else:
            m = a[r, 0]
            for c in range(1, cols):
                v = a[r, c]
                if m != m:
                    break
                if v != v or (code == MAX and v > m) or (code == MIN and v < m):
                    m = v
            out[r] = m


@kernel(fastmath={'reassoc'})
def sum_flat(a, lo, hi, zero):
    """sum(a[lo:hi]) of a 1-D array, accumulated in the type of ``zero``.

    Only reassociation is allowed (``fastmath={'reassoc'}``): LLVM may then keep
    several partial sums in SIMD lanes; NaN and inf still propagate.
    """
    b = a[lo:hi]     # (indexing a[i] for i in range(lo, hi) would not vectorize: i may be < 0)
    acc = zero
    for i in range(b.size):
        acc += b[i]
    return acc


# The column sums take their accumulator row ``acc`` from the caller (``np.empty`` of the
# accumulator's type): an array made inside a kernel makes Numba compile its allocation
# (``np.full``'s implementation, ~0.2 s) in every process whose cache lacks the kernel.

@kernel
def sum_first(a, out, acc):
    """out[c] = sum(a[:, c]) for a 2-D C-contiguous ``a`` (row-order pass, cache friendly),
    accumulated in ``acc`` (any contents, ``cols`` long: float64 for floats, the output's
    integer type for integers)."""
    rows, cols = a.shape
    for c in range(cols):
        acc[c] = 0
    for r in range(rows):
        for c in range(cols):
            acc[c] += a[r, c]
    for c in range(cols):
        out[c] = acc[c]


@kernel
def arg_last(is_max, a, out):
    """out[r] = index of the first max (or min) of a[r, :]; the first NaN wins, as in NumPy."""
    rows, cols = a.shape
    for r in range(rows):
        best = 0
        m = a[r, 0]
        if m == m:
            for c in range(1, cols):
                v = a[r, c]
                if v != v:
                    best = c
                    break
                if (is_max and v > m) or ((not is_max) and v < m):
                    m = v
                    best = c
        out[r] = best


@kernel
def scan_last(code, a, out, zero=0.0):
    """out[r, c] = a[r, 0] + ... + a[r, c] (``code`` SUM) or the product (PROD), for a 2-D
    C-contiguous ``a``: the running sums/products of each row.

    The running value is kept in the type of ``zero`` (float64 by default; integer callers
    pass a zero of the output's integer type, so that the sums are exact).
    """
    rows, cols = a.shape
    for r in range(rows):
        acc = zero if code == SUM else zero + 1
        for c in range(cols):
            if code == SUM:
                acc += a[r, c]
            else:
                acc *= a[r, c]
            out[r, c] = acc


# ---- sums over runs of axes (the op layer merges neighbouring axes into runs) ------------
# ``fastmath={'reassoc'}`` as ``sum_flat``: LLVM keeps partial sums in SIMD lanes (the
# strict order made a row sum latency-bound: 5 ms for W6b's (32*64, 3136) gradient rows
# against NumPy's 1 ms, 2026-12); NaN and inf still propagate.

@kernel(fastmath={'reassoc'})
def sum_rows(a, out, zero):
    """out[r] = sum(a[r, :]) for a 2-D C-contiguous ``a``, accumulated in ``zero``'s type."""
    for r in range(a.shape[0]):
        row = a[r]
        acc = zero
        for c in range(row.size):
            acc += row[c]
        out[r] = acc


@kernel(fastmath={'reassoc'})
def sum_outer_inner(a, out, zero, acc):
    """out[b] = sum(a[:, b, :]) for a 3-D C-contiguous ``a`` (axes reduced on both sides of
    the kept run: the bias gradient's ``(N, C, H*W)`` summed over samples and positions);
    ``acc``: a scratch row of ``zero``'s type, ``B`` long (any contents)."""
    A, B, C = a.shape
    for b in range(B):
        acc[b] = zero
    for i in range(A):
        for b in range(B):
            row = a[i, b]
            s = zero
            for c in range(row.size):
                s += row[c]
            acc[b] += s
    for b in range(B):
        out[b] = acc[b]


@kernel(fastmath={'reassoc'})
def sum_middle(a, out, zero, acc):
    """out[i, c] = sum(a[i, :, c]) for a 3-D C-contiguous ``a`` and 2-D ``out`` (a reduced
    run between kept ones), reading ``a`` in memory order; ``acc``: a scratch row of
    ``zero``'s type, ``C`` long (any contents)."""
    A, B, C = a.shape
    for i in range(A):
        for c in range(C):
            acc[c] = zero
        for b in range(B):
            row = a[i, b]
            for c in range(row.size):
                acc[c] += row[c]
        for c in range(C):
            out[i, c] = acc[c]
