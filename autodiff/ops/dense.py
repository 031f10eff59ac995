"""Dense layers' ops: ``fully_connected``, ``batch_dot``, ``batch_flatten``, ``embedding``.

``fully_connected``, ``batch_dot`` and ``batch_flatten`` are compositions of library
ops (matmul, transpose, reshape, add), so their gradients of every order and their
compilation come from those ops.  ``embedding`` is an op of its own: a row gather whose
gradient is a Numba scatter-add of rows (repeated indices accumulate); that scatter is
an op too, whose backward is the gather again.
"""
import math

import numpy as _onp

from ..errors import ShapeError, DTypeError
from ..kernels import indexing as KI
from .core import defop, result
from .convert import as_array
from .linalg import matmul
from .shape import swapaxes


def _positive_int(v, name, arg):
    if isinstance(v, bool) or not isinstance(v, (int, _onp.integer)) or v < 1:
        raise ValueError(f"{name}: {arg} must be a positive int, got {v!r}")
    return int(v)


# ---- fully_connected -----------------------------------------------------------------------
def fully_connected(data, weight, bias=None, num_hidden=None, no_bias=False, flatten=True):
    """``data @ weight.T + bias`` as MXNet 1.9.1's ``npx.fully_connected``.

    ``weight`` has shape ``(num_hidden, in_units)``.  ``flatten=True`` (the default)
    collapses all axes of ``data`` but the first (``in_units`` is their product);
    ``flatten=False`` applies the layer to the last axis and keeps the others.
    ``no_bias=True`` ignores ``bias``; otherwise it is required, shape ``(num_hidden,)``.
    """
    name = 'fully_connected'
    x, w = as_array(data), as_array(weight)
    num_hidden = _positive_int(num_hidden, name, 'num_hidden')
    if x.ndim < 1:
        raise ShapeError(f"{name}: data must have at least one axis, got a 0-d array")
    if flatten:                       # (a 1-D array is a batch of 1-unit rows, as in MXNet)
        lead, in_units = (x.shape[0],), math.prod(x.shape[1:])
        x2 = x if x.ndim == 2 else x.reshape((x.shape[0], in_units))
    else:
        lead, in_units, x2 = x.shape[:-1], x.shape[-1], x
    if w.shape != (num_hidden, in_units):
        raise ShapeError(f"{name}: weight must have shape (num_hidden, in_units) = "
                         f"({num_hidden}, {in_units}) for data of shape {x.shape} "
                         f"(flatten={bool(flatten)}), got {w.shape}")
    y = matmul(x2, swapaxes(w, 0, 1))
    if not no_bias:
        if bias is None:
            raise TypeError(f"{name}: bias is required unless no_bias=True")
        b = as_array(bias)
        if b.shape != (num_hidden,):
            raise ShapeError(f"{name}: bias must have shape ({num_hidden},), got {b.shape}")
        y = y + b
    return y if y.shape == lead + (num_hidden,) else y.reshape(lead + (num_hidden,))


# ---- batch_dot and batch_flatten ------------------------------------------------------------
def batch_dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None):
    """Batched matrix product of (B0, ..., N, M) and (B0, ..., M, K) arrays (N-D, N >= 3,
    equal batch axes), with either operand's last two axes transposed first (MXNet 1.9.1's
    ``npx.batch_dot``).  ``forward_stype`` is accepted and ignored (dense only)."""
    name = 'batch_dot'
    a, b = as_array(lhs), as_array(rhs)
    if a.ndim < 3 or b.ndim < 3 or a.ndim != b.ndim:
        raise ShapeError(f"{name}: both operands must be N-D arrays of the same N >= 3, got "
                         f"shapes {a.shape} and {b.shape}")
    if a.shape[:-2] != b.shape[:-2]:
        raise ShapeError(f"{name}: the leading batch axes must be equal, got shapes "
                         f"{a.shape} and {b.shape}")
    if a.dtype != b.dtype:
        raise DTypeError(f"{name}: operands must have the same dtype, got {a.dtype} and {b.dtype}")
    if transpose_a:
        a = swapaxes(a, -1, -2)
    if transpose_b:
        b = swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[-2]:
        raise ShapeError(f"{name}: shapes {a.shape} and {b.shape} (after transpose_a="
                         f"{bool(transpose_a)}, transpose_b={bool(transpose_b)}) are not aligned")
    return matmul(a, b)


def batch_flatten(data):
    """Collapse all axes but the first: shape (d0, d1 * ... * dk) (a 1-D array becomes (d0, 1))."""
    x = as_array(data)
    if x.ndim == 0:
        raise ShapeError("batch_flatten: data must have at least one axis, got a 0-d array")
    return x.reshape((x.shape[0], math.prod(x.shape[1:])))


# ---- embedding ------------------------------------------------------------------------------
def _embedding_backward(node, grads, needs):
    index, vocab = node.attrs[2], node.attrs[0]
    gw = embedding_scatter(grads[0], index, vocab) if needs[-1] else None
    return (gw,) if len(node.inputs) == 1 else (None, gw)


# inputs (data, weight) for ``embedding`` (the indices' array is an input without gradient,
# so graphs and exported symbols show it: ``gluon.SymbolBlock`` runs them again), (rows,)
# for the gather in ``embedding_scatter``'s backward
_embedding_op = defop('embedding', _embedding_backward,
                      params=('input_dim', 'output_dim'))   # attrs[2]: the clipped indices


def _embedding_scatter_backward(node, grads, needs):
    return (_gather_rows(grads[0], node.attrs[1]),)


_scatter_op = defop('embedding_scatter', _embedding_scatter_backward,
                    params=('input_dim',))                  # attrs[1]: the indices


def embedding_scatter(g, index, input_dim):
    """Zeros of shape (input_dim, D) with the rows of ``g`` (shape index.shape + (D,)) added at
    ``index``; repeated indices accumulate (Numba kernel).  Embedding's gradient."""
    g = as_array(g)
    D = g.shape[-1]
    out = _onp.zeros((input_dim, D), g.dtype)
    src = _onp.ascontiguousarray(g._data).reshape(index.size, D)
    if src.size:
        KI.scatter_add_rows(out, index.reshape(-1), src)
    return result(_scatter_op, (g,), out, (input_dim, index))


def _gather_rows(w, index, data=None):
    inputs = (w,) if data is None else (data, w)
    return result(_embedding_op, inputs, w._data[index], (w.shape[0], w.shape[1], index))


def clipped_indices(d, input_dim):
    """The rows ``embedding`` picks for index buffer ``d``: truncated to integers, clipped
    to ``[0, input_dim - 1]`` (int64)."""
    return _onp.clip(d.astype(_onp.int64) if d.dtype.kind != 'f' else _onp.trunc(d).astype(
        _onp.int64), 0, input_dim - 1)


def embedding(data, weight, input_dim=None, output_dim=None, dtype='float32', sparse_grad=False):
    """Rows of ``weight`` (input_dim, output_dim) picked by the indices ``data``: shape
    ``data.shape + (output_dim,)`` (MXNet 1.9.1's ``npx.embedding``).

    Indices are truncated to integers and clipped to ``[0, input_dim - 1]`` as MXNet does
    without ``sparse_grad``.  The gradient of ``weight`` accumulates over repeated indices;
    no gradient flows to ``data``.  ``sparse_grad=True`` is accepted but the gradient is
    dense here (there are no row_sparse arrays), and indices are still clipped.
    ``dtype`` is accepted for compatibility; the result has ``weight``'s dtype.
    """
    name = 'embedding'
    idx, w = as_array(data), as_array(weight)
    input_dim = _positive_int(input_dim, name, 'input_dim')
    output_dim = _positive_int(output_dim, name, 'output_dim')
    if w.shape != (input_dim, output_dim):
        raise ShapeError(f"{name}: weight must have shape (input_dim, output_dim) = "
                         f"({input_dim}, {output_dim}), got {w.shape}")
    d = idx._data
    if d.dtype.kind not in 'biuf':
        raise DTypeError(f"{name}: data must hold numeric indices, got dtype {d.dtype}")
    return _gather_rows(w, clipped_indices(d, input_dim), idx)
