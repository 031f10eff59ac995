"""Reductions (sum, mean, max, min, prod/product, argmax, argmin) and ``unbroadcast``.

The reduced axes are moved last (a free reshape when they already are) and one
2-D kernel reduces the rows; a sum over leading axes uses a column-sum kernel
instead of a transposing copy (the bias-gradient pattern).
"""
import math

import numpy as _onp

from .. import dtypes
from ..ndarray import ndarray
from ..kernels import reduce as K
from .core import defop, result, output, wrap, nondiff
from .convert import as_array
from .launch import run_split, THREADS
from .axes import normalize_axes, normalize_axis
from .binary import where
from .shape import broadcast_to, expand_dims, expand_to, transpose, unbroadcast  # noqa: F401 (re-export)


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _as_rows(d, axes):
    """2-D C-contiguous view/copy whose rows are the slices to reduce."""
    nd = d.ndim
    keep = [i for i in range(nd) if i not in axes]
    inner = math.prod(d.shape[i] for i in axes)
    if tuple(axes) != tuple(range(nd - len(axes), nd)):
        d = d.transpose(keep + list(axes))
    # explicit row count: reshape(-1, 0) is ambiguous for empty arrays
    return _onp.ascontiguousarray(d).reshape(math.prod(d.shape[:len(keep)]), inner)


def reduce_data(code, d, axes, out_dtype):
    """Reduce NumPy buffer ``d`` over ``axes`` with kernel ``code``; returns the kept shape."""
    nd = d.ndim
    if len(axes) == nd:                                   # everything: one row
        kept = ()
        flat = d.ravel()          # a view when C-contiguous (3x cheaper than reshape(-1))
        if code == K.SUM and flat.size:
            # (a 0-d array straight from the total: the per-op cost of a small sum, W9)
            return _onp.asarray(_sum_all(flat, out_dtype), out_dtype)
        out = _onp.empty(1, out_dtype)
        rows = flat.reshape(1, d.size)
    else:
        kept = tuple(s for i, s in enumerate(d.shape) if i not in axes)
        out = _onp.empty(math.prod(kept), out_dtype)
        if code == K.SUM and axes and axes == tuple(range(len(axes))) \
                and d.flags.c_contiguous and d.size:
            lead = d.reshape(math.prod(d.shape[i] for i in axes), -1)
            K.sum_first(lead, out, _acc_row(out.size, out_dtype))
            return out.reshape(kept)
        if not out.size:
            return out.reshape(kept)
        if code == K.SUM and d.size:
            _sum_runs(d, axes, out, out_dtype)
            return out.reshape(kept)
        rows = _as_rows(d, axes)
    if rows.shape[1] == 0:
        out.fill(0 if code == K.SUM else 1)
    elif out_dtype.kind == 'f':
        K.reduce_last(code, rows, out)
    else:                                # integers accumulate exactly in their own type
        K.reduce_last(code, rows, out, out_dtype.type(0))
    return out.reshape(kept)


def _runs(shape, axes):
    """``shape`` with neighbouring axes that are all reduced (or all kept) merged:
    ``[(length, reduced), ...]``; length-1 axes are dropped."""
    runs = []
    for i, n in enumerate(shape):
        if n == 1:
            continue
        red = i in axes
        if runs and runs[-1][1] == red:
            runs[-1][0] *= n
        else:
            runs.append([n, red])
    return runs


def _sum_runs(d, axes, out, out_dtype):
    """Sum of a non-empty ``d`` over ``axes`` (not all of them) into the flat ``out``, with
    no transposing copy when the merged axes form at most three runs: kept-reduced (rows),
    reduced-kept (columns), reduced-kept-reduced (the bias gradient over ``(0, 2, 3)``) or
    kept-reduced-kept (a middle axis).  W6b's gradient (32, 64, 56, 56) over ``(0, 2, 3)``
    took 8.3 ms through a transpose and the row kernel, NumPy 1.1 ms (2026-12)."""
    d = d if d.flags.c_contiguous else _onp.ascontiguousarray(d)
    runs = _runs(d.shape, axes)
    zero = _F64_ZERO if out_dtype.kind == 'f' else out_dtype.type(0)
    pattern = tuple(r for _, r in runs)
    lengths = tuple(n for n, _ in runs)
    if pattern == (False,):                     # only length-1 axes reduced: a copy
        out[...] = d.reshape(-1)
    elif pattern == (True,):                    # only length-1 axes kept
        out[...] = _sum_all(d.reshape(-1), out_dtype)
    elif pattern == (False, True):
        K.sum_rows(d.reshape(lengths), out, zero)
    elif pattern == (True, False):
        K.sum_first(d.reshape(lengths), out, _acc_row(lengths[1], out_dtype))
    elif pattern == (True, False, True):
        K.sum_outer_inner(d.reshape(lengths), out, zero, _acc_row(lengths[1], out_dtype))
    elif pattern == (False, True, False):
        K.sum_middle(d.reshape(lengths), out.reshape(lengths[0], lengths[2]), zero,
                     _acc_row(lengths[2], out_dtype))
    else:                                       # four runs or more: move the axes last
        K.sum_rows(_as_rows(d, axes), out, zero)


# The vectorized sum reads 4M float32 (16 MB, in L3) in ~0.2 ms on one core; a split
# gained nothing there, so only arrays that stream from memory are split.
SUM_PARALLEL_MIN = 1 << 23


_F64_ZERO = _onp.float64(0)
_F64 = _onp.dtype(_onp.float64)


def _acc_row(n, out_dtype):
    """The column-sum kernels' accumulator row: float64 for floats (as the row sums'
    float64 accumulator), the output's own integer type for integers (exact)."""
    return _onp.empty(n, _F64 if out_dtype.kind == 'f' else out_dtype)


def _sum_all(flat, out_dtype):
    """Sum of a 1-D buffer: float64 (or exact integer) partial sums, split over the threads
    for large arrays, then added in order."""
    zero = _F64_ZERO if out_dtype.kind == 'f' else out_dtype.type(0)
    n = flat.size
    if n < SUM_PARALLEL_MIN or THREADS == 1:
        return K.sum_flat(flat, 0, n, zero)
    parts = run_split(lambda lo, hi: K.sum_flat(flat, lo, hi, zero), n)
    total = parts[0]
    for p in parts[1:]:
        total += p
    return total


def _sum_dtype(dt):
    """NumPy's: floats keep their type, unsigned integers sum in uint64, the rest in int64."""
    if dt.kind == 'f':
        return dt
    return _onp.dtype(_onp.uint64 if dt.kind == 'u' else _onp.int64)


_ALL_AXES = [tuple(range(n)) for n in range(33)]


def _all_axes(ndim):
    """``tuple(range(ndim))``, the axes of a full reduction (made once per rank)."""
    return _ALL_AXES[ndim] if ndim < 33 else tuple(range(ndim))


def _make_reduction(name, code, vjp, needs_ans=True):
    def backward(node, grads, needs):
        x = node.inputs[0]
        axes, keepdims = node.attrs
        g = grads[0]
        # g (and the result) broadcast against x as they are after a full reduction or
        # with keepdims; otherwise the reduced axes come back as length 1.  (Each reshape
        # is a recorded op under create_graph: none is made where none is needed.)
        kd = None if keepdims or len(axes) == x.ndim else _reduced_shape(x.shape, axes, True)
        if kd is not None:
            g = g.reshape(kd)
        ans = None
        if needs_ans:
            ans = output(node) if kd is None else output(node).reshape(kd)
        return (vjp(g, ans, x, axes),)
    op = defop(name, backward, params=('axis', 'keepdims'))

    full_float_sum = code == K.SUM and name == 'sum'

    def apply(a, axis=None, keepdims=False):
        x = as_array(a)
        d = x._data
        if full_float_sum and axis is None and not keepdims and d.dtype.kind == 'f' \
                and 0 < d.size < SUM_PARALLEL_MIN:
            # the common small case (a loss, W9), decided once: the float64 total of the
            # flat buffer as a 0-d array of the dtype, as reduce_data computes it
            total = K.sum_flat(d.ravel(), 0, d.size, _F64_ZERO)
            return result(op, (x,), _onp.asarray(total, d.dtype), (_all_axes(d.ndim), False))
        axes = normalize_axes(axis, d.ndim, name, reduction=True)
        if code in (K.MAX, K.MIN) and any(d.shape[i] == 0 for i in axes):
            raise ValueError(f"{name}: zero-size array to reduction operation {name} "
                             "which has no identity")
        if name == 'mean':
            out_dt = d.dtype if d.dtype.kind == 'f' else dtypes.DEFAULT
            n = math.prod(d.shape[i] for i in axes)
            out = reduce_data(K.SUM, d.astype(out_dt, copy=False), axes, out_dt)
            if n:
                out /= n                  # in place: stays an array (even 0-d) of out_dt
            else:
                out.fill(_onp.nan)        # mean of nothing, as NumPy
        else:
            out_dt = _sum_dtype(d.dtype) if code in (K.SUM, K.PROD) else d.dtype
            out = reduce_data(code, d, axes, out_dt)
        if keepdims:
            out = out.reshape(_reduced_shape(d.shape, axes, True))
        return result(op, (x,), out, (axes, keepdims))
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"{name.capitalize()} over ``axis`` (None, int or tuple), with ``keepdims``."
    if code in (K.MAX, K.MIN):
        return apply

    def with_dtype(a, axis=None, keepdims=False, *, dtype=None):
        if full_float_sum and axis is None and type(a) is ndarray and dtype is None \
                and not keepdims:
            # ``x.sum()`` of a small float array (a loss, W9), decided before any other
            # layer: the float64 total of the flat buffer written into a 0-d array of the
            # dtype, as ``apply``'s and reduce_data's full sums compute it
            d = a._data
            dt = d.dtype
            n = d.size
            if dt.kind == 'f' and 0 < n < SUM_PARALLEL_MIN:
                out = _onp.empty((), dt)
                out[()] = K.sum_flat(d if d.ndim == 1 and d.base is None else d.ravel(),
                                     0, n, _F64_ZERO)
                return result(op, (a,), out, (_all_axes(d.ndim), False))
        x = as_array(a)
        if dtype is not None:             # accumulate in ``dtype``: the cast is recorded
            x = x.astype(dtypes.check(dtype, name))
        return apply(x, axis, keepdims)
    with_dtype.__name__ = with_dtype.__qualname__ = name
    with_dtype.__doc__ = apply.__doc__[:-1] + "; ``dtype=`` computes in that dtype."
    return with_dtype


def _count(x, axes):
    return math.prod(x.shape[i] for i in axes)


# vjp(g, ans, x, axes): g and ans broadcast against x (the keepdims shape, or 0-d after a
# full reduction); ans is None for the rules that do not use it
sum = _make_reduction('sum', K.SUM, lambda g, ans, x, axes: expand_to(g, x.shape),
                      needs_ans=False)
mean = _make_reduction('mean', K.SUM,
                       lambda g, ans, x, axes: expand_to(g, x.shape) / _count(x, axes),
                       needs_ans=False)
# every tied extremum gets the full upstream gradient (MXNet)
max = _make_reduction('max', K.MAX, lambda g, ans, x, axes: g * (x == ans))
min = _make_reduction('min', K.MIN, lambda g, ans, x, axes: g * (x == ans))


def _prod_vjp(g, ans, x, axes):
    """g times the product of the other elements of each slice.

    That is ``ans / x`` without zeros.  With zeros (where ``ans / x`` is NaN) the
    products of the others are computed directly (``_prod_of_others``), which keeps
    the rule differentiable again at zeros.
    """
    if not (x == 0)._data.any():
        return g * ans / x
    return g * _prod_of_others(x, axes)


def _prod_of_others(x, axes):
    """For each element, the product of the other elements of its slice over ``axes``.

    Each slice of n elements becomes n copies with one element replaced by 1, then
    reduced: O(n^2) work, used only for slices that hold zeros; built with library
    ops, so its derivatives (any order) are right at the zeros too.
    """
    keep = [i for i in range(x.ndim) if i not in axes]
    perm = tuple(keep + list(axes))
    xt = transpose(x, perm)                                  # reduced axes last
    lead, n = xt.shape[:len(keep)], _count(x, axes)
    copies = broadcast_to(expand_dims(xt.reshape(lead + (n,)), -2), lead + (n, n))
    others = prod(where(_onp.eye(n, dtype=bool), 1.0, copies), -1)
    return transpose(others.reshape(xt.shape), tuple(int(i) for i in _onp.argsort(perm)))


prod = _make_reduction('prod', K.PROD, _prod_vjp)
product = prod
amax, amin = max, min


def _arg(name, is_max):
    def apply(a, axis=None):
        x = as_array(a)
        d = x._data
        if axis is None:
            if d.size == 0:
                raise ValueError(f"{name}: attempt to get {name} of an empty sequence")
            rows = _onp.ascontiguousarray(d).reshape(1, -1)
            out = _onp.empty(1, _onp.int64)
            K.arg_last(is_max, rows, out)
            return nondiff(name, (x,), wrap(out.reshape(())))
        if isinstance(axis, (tuple, list)):
            raise TypeError(f"{name}: axis must be an int or None, got {axis!r}")
        if d.ndim == 0:
            normalize_axes(axis, 0, name, reduction=True)     # axis 0 / -1 only
            return nondiff(name, (x,), wrap(_onp.zeros((), _onp.int64)))
        ax = normalize_axis(axis, d.ndim, name)
        if d.shape[ax] == 0:
            raise ValueError(f"{name}: attempt to get {name} of an empty sequence "
                             f"(axis {ax} of shape {d.shape} has length 0)")
        out = _onp.empty(rows_count(d, ax), _onp.int64)
        K.arg_last(is_max, _as_rows(d, (ax,)), out)
        return nondiff(name, (x,),
                        wrap(out.reshape(tuple(s for i, s in enumerate(d.shape) if i != ax))))
    apply.__name__ = name
    apply.__doc__ = f"Index of the first {'maximum' if is_max else 'minimum'} (not differentiable)."
    return apply


def rows_count(d, ax):
    return d.size // d.shape[ax] if d.shape[ax] else 0


argmax = _arg('argmax', True)
argmin = _arg('argmin', False)
