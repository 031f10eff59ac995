"""``matmul`` / ``dot``: GEMM belongs to BLAS (through NumPy); the rules are the usual transposes."""
import numpy as _onp

from ..errors import ShapeError
from .core import defop, result
from .convert import as_array
from .binary import promote
from .reduce import unbroadcast
from .shape import swapaxes


def _matmul_backward(node, grads, needs):
    a, b = node.inputs
    g = grads[0]
    a2 = a if a.ndim > 1 else a.reshape((1, a.shape[0]))
    b2 = b if b.ndim > 1 else b.reshape((b.shape[0], 1))
    g2 = g.reshape(_promoted_out_shape(a, b))
    ga = gb = None
    if needs[0]:
        ga = matmul(g2, swapaxes(b2, -1, -2))
        ga = unbroadcast(ga, a2.shape).reshape(a.shape)
    if needs[1]:
        gb = matmul(swapaxes(a2, -1, -2), g2)
        gb = unbroadcast(gb, b2.shape).reshape(b.shape)
    return ga, gb


def _promoted_out_shape(a, b):
    """Result shape of matmul with 1-D operands promoted to matrices."""
    sa = a.shape if a.ndim > 1 else (1, a.shape[0])
    sb = b.shape if b.ndim > 1 else (b.shape[0], 1)
    batch = _onp.broadcast_shapes(sa[:-2], sb[:-2])
    return batch + (sa[-2], sb[-1])


_matmul_op = defop('matmul', _matmul_backward)

# A transposed (non-C-contiguous) small second operand is copied first (Gluon's Dense
# computes x @ weight.T). Measured with NumPy 2.4's OpenBLAS 0.3.31 (SkylakeX, 2 threads) while
# other processes loaded both cores: (100, 64) @ (128, 64).T took 6-40 ms, the same product
# with the copy 0.02-0.16 ms; with OPENBLAS_NUM_THREADS=1 both take ~0.02 ms (the transposed
# call goes multi-threaded where the copied one does not). The copy costs microseconds; from
# about a million elements on it no longer pays for itself and is skipped.
_SMALL_B = 1 << 18


def matmul(a, b):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions)."""
    a, b = as_array(a), as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: operands must be at least 1-D, got shapes {a.shape} and {b.shape}")
    ka = a.shape[-1]
    kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if ka != kb:
        raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: "
                         f"{ka} (last axis of the first) != {kb} "
                         f"({'axis 0' if b.ndim == 1 else 'second-to-last axis'} of the second)")
    da, db = a._data, b._data
    if da.dtype != db.dtype:                 # promote as elementwise ops do (float wins)
        dt = promote(da.dtype, db.dtype)
        da, db = da.astype(dt, copy=False), db.astype(dt, copy=False)
    if db.ndim == 2 and not db.flags.c_contiguous and db.size <= _SMALL_B:
        db = _onp.ascontiguousarray(db)
    try:
        out = _onp.matmul(da, db)
    except ValueError:
        raise ShapeError(f"matmul: batch dimensions of shapes {a.shape} and {b.shape} "
                         "cannot be broadcast together") from None
    return result(_matmul_op, (a, b), _onp.asarray(out))


def dot(a, b):
    """Dot product: scalars multiply; up to 2-D (and N-D with 1-D) it is ``matmul``."""
    a, b = as_array(a), as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim > 2 or (a.ndim > 2 and b.ndim > 1):
        raise ShapeError(f"dot: shapes {a.shape} and {b.shape}: N-D dot with N-D is not "
                         "supported; use matmul or tensordot-style reshapes")
    return matmul(a, b)


def outer(a, b):
    """Outer product of two vectors (flattened first)."""
    a, b = as_array(a), as_array(b)
    return matmul(a.reshape((-1, 1)), b.reshape((1, -1)))
