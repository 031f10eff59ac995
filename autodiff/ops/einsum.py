"""Tensor contractions: ``einsum``, ``tensordot``, ``inner``, ``vdot``.

``einsum``'s forward is NumPy's ``einsum`` (a library contraction, with its ``optimize``
path search: BLAS where it applies).  Its gradient with respect to one operand is another
``einsum`` of the head gradient and the other operands, written to that operand's
subscripts; constant helpers complete it: ``ones`` for an index summed in that operand
only (or broadcast from length 1), an identity matrix for a repeated index (``'ii->'``
puts the gradient on the diagonal).  So ``einsum`` has gradients of every order.
``tensordot``, ``inner`` and ``vdot`` are ``transpose``/``reshape``/``matmul`` (BLAS).
"""
import string

import numpy as _onp

from ..errors import ShapeError
from .core import defop, result
from .convert import as_array
from .linalg import matmul
from .shape import int_tuple, reshape, transpose
from .axes import normalize_axis

_LETTERS = string.ascii_letters


def _parse(subscripts, shapes):
    """``subscripts`` in explicit form with ellipses spelled out as letters:
    (list of input letter strings, output letter string)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: the first argument must be the subscripts string, got "
                        f"{type(subscripts).__name__} (the sublist form is not supported, as "
                        "in MXNet 1.9.1)")
    s = subscripts.replace(' ', '')
    lhs, arrow, rhs = s.partition('->')
    ins = lhs.split(',')
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(ins)} operands, but "
                         f"{len(shapes)} were given")
    used = set(c for c in s if c.isalpha())
    bad = set(s) - set(_LETTERS) - set('.,->')
    if bad:
        raise ValueError(f"einsum: invalid subscript characters {sorted(bad)} in {subscripts!r}")
    free = [c for c in _LETTERS if c not in used]
    ell_len = 0
    for term, shape in zip(ins, shapes):
        if '...' in term:
            ell_len = max(ell_len, len(shape) - len(term.replace('...', '')))
    ell = ''.join(free[:ell_len])
    out_ins = []
    for i, (term, shape) in enumerate(zip(ins, shapes)):
        if '...' in term:
            n = len(shape) - len(term.replace('...', ''))
            if n < 0:
                raise ShapeError(f"einsum: operand {i} has {len(shape)} dimensions, fewer "
                                 f"than its subscripts {term!r}")
            term = term.replace('...', ell[ell_len - n:] if n else '')
        if '.' in term:
            raise ValueError(f"einsum: invalid ellipsis in {subscripts!r}")
        if len(term) != len(shape):
            raise ShapeError(f"einsum: operand {i} has shape {shape} ({len(shape)} "
                             f"dimensions) but subscripts {term!r}")
        out_ins.append(term)
    if arrow:
        out = rhs.replace('...', ell)
        if '.' in out:
            raise ValueError(f"einsum: invalid ellipsis in the output of {subscripts!r}")
        joined = ''.join(out_ins)
        for c in out:
            if c not in joined:
                raise ValueError(f"einsum: output subscript {c!r} does not appear in the inputs")
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscripts {rhs!r} repeat a letter")
    else:
        joined = ''.join(t for t in out_ins)
        once = sorted((c for c in set(joined) if joined.count(c) == 1 and c not in ell),
                      key=_LETTERS.index)
        out = ell + ''.join(once)
    return out_ins, out


def _sizes(terms, shapes):
    sizes = {}
    for term, shape in zip(terms, shapes):
        for c, n in zip(term, shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise ShapeError(f"einsum: subscript {c!r} has length {sizes[c]} in one "
                                 f"operand and {n} in another")
    return sizes


def _einsum_backward(node, grads, needs):
    spec, optimize = node.attrs
    terms, out = spec
    g = grads[0]
    shapes = [x.shape for x in node.inputs]
    sizes = _sizes(terms, shapes)
    used = set(''.join(terms))
    fresh = iter(c for c in _LETTERS if c not in used)
    res = []
    for i, (x, need) in enumerate(zip(node.inputs, needs)):
        if not need:
            res.append(None)
            continue
        ops, subs = [g], [out]
        for j, y in enumerate(node.inputs):
            if j != i:
                ops.append(y)
                subs.append(terms[j])
        available = set(out)                             # letters others give at full length
        for j in range(len(terms)):
            if j != i:
                available.update(c for c, n in zip(terms[j], shapes[j]) if n == sizes[c])
        target, seen = [], set()
        for c, n in zip(terms[i], shapes[i]):
            if n == 1 and sizes[c] != 1:                 # broadcast from length 1: summed
                d = next(fresh)
                ops.append(_onp.ones(1, g.dtype))
                subs.append(d)
                target.append(d)
            elif c in seen:                              # repeated index: the diagonal
                d = next(fresh)
                ops.append(_onp.eye(n, dtype=g.dtype))
                subs.append(c + d)
                target.append(d)
            else:
                if c not in available:                   # summed in this operand only
                    ops.append(_onp.ones(n, g.dtype))
                    subs.append(c)
                    available.add(c)
                seen.add(c)
                target.append(c)
        gx = einsum(','.join(subs) + '->' + ''.join(target), *ops, optimize=optimize)
        res.append(gx if gx.dtype == x.dtype else gx.astype(x.dtype))
    return tuple(res)


_einsum_op = defop('einsum', _einsum_backward, params=('subscripts', 'optimize'))


def einsum(*operands, **kwargs):
    """einsum(subscripts, *operands, out=None, optimize=False): the Einstein summation of
    ``operands`` by ``subscripts`` (implicit or explicit form, with ellipses).  ``optimize``
    lets NumPy choose the contraction order.  Differentiable in every operand."""
    optimize = kwargs.pop('optimize', False)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}")
    if not operands:
        raise ValueError("einsum: the subscripts string is required")
    subscripts, arrays = operands[0], tuple(as_array(a) for a in operands[1:])
    if not arrays:
        raise ValueError("einsum: at least one operand is required")
    terms, out = _parse(subscripts, [a.shape for a in arrays])
    _sizes(terms, [a.shape for a in arrays])
    spec = ','.join(terms) + '->' + out
    data = _onp.einsum(spec, *(a._data for a in arrays), optimize=bool(optimize) and 'greedy')
    return result(_einsum_op, arrays, _onp.asarray(data), ((tuple(terms), out), bool(optimize)))


def _tensordot_axes(axes, a, b):
    if isinstance(axes, (int, _onp.integer)):
        n = int(axes)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={n} must be between 0 and the smaller number of "
                             f"dimensions ({min(a.ndim, b.ndim)})")
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    try:
        xa, xb = axes
    except (TypeError, ValueError):
        raise ValueError(f"tensordot: axes must be an int or a pair of axis sequences, got "
                         f"{axes!r}") from None
    xa = [normalize_axis(v, a.ndim, 'tensordot') for v in int_tuple(xa, 'tensordot', 'axes')]
    xb = [normalize_axis(v, b.ndim, 'tensordot') for v in int_tuple(xb, 'tensordot', 'axes')]
    if len(xa) != len(xb):
        raise ValueError(f"tensordot: the two axis sequences must have the same length, got "
                         f"{axes!r}")
    return xa, xb


def tensordot(a, b, axes=2):
    """Sum of products over ``axes`` of ``a`` and ``b`` (an int N: a's last N with b's first N,
    or a pair of axis lists).  A transpose, a reshape and one matrix product."""
    x, y = as_array(a), as_array(b)
    xa, xb = _tensordot_axes(axes, x, y)
    for i, j in zip(xa, xb):
        if x.shape[i] != y.shape[j]:
            raise ShapeError(f"tensordot: shape mismatch for sum: axis {i} of a {x.shape} has "
                             f"length {x.shape[i]}, axis {j} of b {y.shape} has {y.shape[j]}")
    keep_a = [i for i in range(x.ndim) if i not in xa]
    keep_b = [j for j in range(y.ndim) if j not in xb]
    k = int(_onp.prod([x.shape[i] for i in xa], dtype=_onp.int64))
    ma = int(_onp.prod([x.shape[i] for i in keep_a], dtype=_onp.int64))
    nb = int(_onp.prod([y.shape[j] for j in keep_b], dtype=_onp.int64))
    at = reshape(transpose(x, tuple(keep_a + xa)), (ma, k))
    bt = reshape(transpose(y, tuple(xb + keep_b)), (k, nb))
    return reshape(matmul(at, bt), tuple(x.shape[i] for i in keep_a)
                   + tuple(y.shape[j] for j in keep_b))


def inner(a, b):
    """Sum of products over the last axes (scalars multiply)."""
    x, y = as_array(a), as_array(b)
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    if x.shape[-1] != y.shape[-1]:
        raise ShapeError(f"inner: the last axes of {x.shape} and {y.shape} differ")
    return tensordot(x, y, ([-1], [-1]))


def vdot(a, b):
    """The dot product of the flattened arrays (a 0-d array)."""
    x, y = as_array(a), as_array(b)
    if x.size != y.size:
        raise ShapeError(f"vdot: the arrays must have the same number of elements, got "
                         f"{x.size} and {y.size}")
    return tensordot(reshape(x, (-1,)), reshape(y, (-1,)), 1)
