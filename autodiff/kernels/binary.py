"""Selection kernels of ``where`` and ``clip``.

The arithmetic, comparison and logical kernels are generated from the op rows
(``autodiff/ops/elementwise.py``, ``kernels/generated.py``).
"""
from ._jit import kernel


@kernel
def where(cond, a, b, out):
    """out[i] = a[i] if cond[i] else b[i]."""
    for i in range(out.size):
        out[i] = a[i] if cond[i] else b[i]


@kernel
def clip(a, lo, hi, out):
    """out[i] = min(max(a[i], lo), hi); NaN stays NaN."""
    for i in range(out.size):
        v = a[i]
        if v < lo:
            v = lo
        if v > hi:
            v = hi
        out[i] = v
