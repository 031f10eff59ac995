"""``matmul`` / ``dot``: GEMM belongs to BLAS (through NumPy; small products on one BLAS thread,
``ops/blas.py``); the rules are the usual transposes."""
import numpy as _onp

from .._state import state
from ..errors import ShapeError
from ..ndarray import ndarray
from .core import defop, result, destination
from .convert import as_array
from .binary import promote
from .shape import unbroadcast
from .shape import matrix_transpose
from . import blas


def _matmul_backward(node, grads, needs):
    a, b = node.inputs
    g = grads[0]
    ga = gb = None
    if a.ndim == 2 and b.ndim == 2:         # the common case: no promotion, no batch axes
        if needs[0]:
            into = destination(needs, 0)
            if into is None and _column_major(a):
                ga = matrix_transpose(matmul(b, matrix_transpose(g)))
            else:
                ga = _product_into(g, matrix_transpose(b), into)
        if needs[1]:
            into = destination(needs, 1)
            if into is None and _column_major(b):
                gb = matrix_transpose(matmul(matrix_transpose(g), a))
            else:
                gb = _product_into(matrix_transpose(a), g, into)
        return ga, gb
    a2 = a if a.ndim > 1 else a.reshape((1, a.shape[0]))
    b2 = b if b.ndim > 1 else b.reshape((b.shape[0], 1))
    g2 = _as_shape(g, _promoted_out_shape(a, b))
    if needs[0]:
        ga = _as_shape(unbroadcast(matmul(g2, matrix_transpose(b2)), a2.shape), a.shape)
    if needs[1]:
        gb = _as_shape(unbroadcast(matmul(matrix_transpose(a2), g2), b2.shape), b.shape)
    return ga, gb


def _column_major(x):
    """True when the 2-D operand ``x`` is a column-major (transposed) view and the pass is
    not recorded: its gradient is then computed as the transpose of the transposed product
    (``(b @ g.T).T`` for ``g @ b.T``; the same multiply-adds), so that it comes out in
    ``x``'s layout and the transpose op's rule hands its input a row-major gradient.  (The
    row-major product, transposed back, was a column-major gradient that the sum of
    contributions copied element by element: 0.12 ms of W10's 256x512 ``h.T``; PyTorch's
    ``mm`` backward picks the layout the same way.)  A recorded pass keeps the plain rule
    (its graph is what ``create_graph`` differentiates)."""
    d = x._data
    return (not d.flags.c_contiguous and d.flags.f_contiguous and d.size > 1
            and not state.recording and state.tracer is None)


def _product_into(a, b, out):
    """``matmul(a, b)``, computed straight into the array ``out`` (which is returned) when the
    engine offered one (``core.destination``: a 'write' leaf's ``.grad``, outside a recorded
    pass) and it fits: the product's shape and dtype, C-contiguous."""
    if out is not None:
        da, db, buf = a._data, b._data, out._data
        if (da.dtype is db.dtype and buf.dtype is da.dtype and buf.flags.c_contiguous
                and buf.shape == (da.shape[0], db.shape[1])):
            blas.matmul(da, db, out=buf)
            return out
    return matmul(a, b)


def _as_shape(x, shape):
    """``x`` reshaped to ``shape``; ``x`` itself (no op) when it has that shape already."""
    return x if x.shape == shape else x.reshape(shape)


def _promoted_out_shape(a, b):
    """Result shape of matmul with 1-D operands promoted to matrices."""
    sa = a.shape if a.ndim > 1 else (1, a.shape[0])
    sb = b.shape if b.ndim > 1 else (b.shape[0], 1)
    batch = _onp.broadcast_shapes(sa[:-2], sb[:-2])
    return batch + (sa[-2], sb[-1])


_matmul_op = defop('matmul', _matmul_backward, into=True)
_DOT_DTYPES = (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64))
_new = object.__new__


def matmul(a, b):
    """Matrix product with NumPy's rules (1-D operands, broadcast batch dimensions)."""
    if type(a) is ndarray and type(b) is ndarray:
        # the common case decided once: two float32/float64 matrices of one dtype, aligned,
        # a product small enough that OpenBLAS runs it on one thread anyway (``blas``):
        # ``numpy.dot`` (the same GEMM as ``numpy.matmul`` without the gufunc machinery:
        # 0.55 us against 0.9 for a 4x4 product), the array built here (``result``
        # inlined: this is W9's whole op)
        da, db = a._data, b._data
        dt = da.dtype
        if da.ndim == 2 and db.ndim == 2 and dt is db.dtype and dt in _DOT_DTYPES:
            m, k = da.shape
            kb, n = db.shape
            if k == kb and m * k * n <= blas.ONE_THREAD_ANYWAY:
                if state.recording or state.tracer is not None:
                    return result(_matmul_op, (a, b), _onp.dot(da, db))
                out = _new(ndarray)
                out._data = _onp.dot(da, db)
                out._node = None
                out._idx = 0
                return out
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
    try:
        out = blas.matmul(da, db)        # small products on one BLAS thread (ops/blas.py)
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
