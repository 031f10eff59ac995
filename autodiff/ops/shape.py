"""Shape ops: data movement (NumPy does the copying; there is no arithmetic here).

Memory sharing follows MXNet 1.9.1: every op here returns a copy (``reshape`` is
documented "always a copy"; ``transpose``, ``expand_dims``, ``flip``, ``split``,
``broadcast_to`` copy too).  Only inside backward rules (``state.views``, set by the
engine) do they hand out NumPy views, which saves the copies there.

Backward rules are the inverse movement: reshape back, transpose by the inverse
permutation, sum the broadcast axes, split what was concatenated.
"""
from operator import index as _index

import numpy as _onp

from .._state import off_tape, state
from ..errors import AxisError, ShapeError
from .core import defop, result, results, wrap
from .convert import as_array
from .axes import normalize_axes, normalize_axis
from .creation import zeros_like


def int_tuple(value, name, what):
    """``value`` (an int or a sequence of ints) as a tuple of ints, or a TypeError naming it.

    ``operator.index`` refuses floats and strings (``reshape(2.5, 2)`` is an error, not
    a silent truncation) and costs little on the hot path.
    """
    try:
        if isinstance(value, (tuple, list)):
            return tuple(map(_index, value))
        if isinstance(value, (str, bytes)):
            raise TypeError
        try:
            return (_index(value),)
        except TypeError:
            return tuple(map(_index, value))      # another iterable of ints
    except TypeError:
        raise TypeError(f"{name}: {what} must be an int or a tuple of ints, got {value!r}") from None


def _one(name, backward, params=()):
    return defop(name, backward, params=params)


def fresh(d, src):
    """``d`` (computed from buffer ``src``) as the user gets it: a copy when it is a view
    of ``src`` (MXNet copies), unchanged inside backward rules (``state.views``) or when
    NumPy already copied."""
    if state.views or d.base is None or not _onp.may_share_memory(d, src):
        return d
    return d.copy()


class _internal_views:
    """``with _internal_views():`` lets this module's own compositions (``stack``,
    ``concatenate(axis=None)``) use views for intermediates the user never sees."""
    __slots__ = ('prev',)

    def __enter__(self):
        self.prev, state.views = state.views, True

    def __exit__(self, *exc):
        state.views = self.prev


# ---- reshape family ---------------------------------------------------------------------
_reshape_op = _one('reshape', lambda n, g, needs: (g[0].reshape(n.inputs[0].shape),),
                   params=('newshape',))


def reshape(a, newshape, order='C'):
    """A copy with a new shape (one entry may be -1); MXNet: "always a copy"."""
    x = as_array(a)
    newshape = int_tuple(newshape, 'reshape', 'newshape')
    if order != 'C':
        if order in ('F', 'A'):   # (MXNet 1.9.1 accepts them and silently reshapes in C order)
            raise NotImplementedError(f"reshape: order={order!r} is not supported (only order='C')")
        raise ValueError(f"reshape: order must be 'C', 'F' or 'A', got {order!r}")
    try:
        d = fresh(x._data.reshape(newshape), x._data)
    except ValueError:
        raise ShapeError(f"reshape: cannot reshape array of shape {x.shape} "
                         f"(size {x.size}) into shape {newshape}") from None
    if d.shape == x.shape and x._node is None:
        return off_tape('reshape', (x,), wrap(d))
    return result(_reshape_op, (x,), d, (newshape,))


def expand_dims(a, axis):
    """A copy with a length-1 axis inserted at ``axis``."""
    x = as_array(a)
    nd = x.ndim + 1
    if not isinstance(axis, (int, _onp.integer)) or isinstance(axis, bool):
        raise TypeError(f"expand_dims: axis must be an int, got {axis!r}")
    if not -nd <= axis < nd:
        raise AxisError(f"expand_dims: axis {axis} is out of bounds for array of dimension {nd}")
    ax = axis % nd
    shape = x.shape[:ax] + (1,) + x.shape[ax:]
    return result(_expand_op, (x,), fresh(x._data.reshape(shape), x._data), (axis,))


_expand_op = _one('expand_dims', lambda n, g, needs: (g[0].reshape(n.inputs[0].shape),),
                  params=('axis',))


def squeeze(a, axis=None):
    """A copy without length-1 axes (all of them, or those in ``axis``)."""
    x = as_array(a)
    if axis is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
    elif x.ndim == 0:
        axes = _scalar_squeeze_axes(axis)
    else:
        axes = normalize_axes(axis, x.ndim, 'squeeze')
        for i in axes:
            if x.shape[i] != 1:
                raise ShapeError(f"squeeze: cannot select an axis to squeeze out which has "
                                 f"size not equal to one (axis {i} of shape {x.shape})")
    shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    return result(_squeeze_op, (x,), fresh(x._data.reshape(shape), x._data), (axis,))


def _scalar_squeeze_axes(axis):
    """MXNet 1.9.1 squeezes a 0-d array along one axis 0 or -1 (a no-op), as NumPy does."""
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(items) > 1:
        raise ValueError(f"squeeze: cannot specify more than one axis for a 0-d array, got {axis!r}")
    for a in items:
        if _index(a) not in (0, -1):
                raise AxisError(f"squeeze: axis {a} is out of bounds for array of dimension 0")
    return ()


_squeeze_op = _one('squeeze', lambda n, g, needs: (g[0].reshape(n.inputs[0].shape),),
                   params=('axis',))


# ---- axes permutation -------------------------------------------------------------------
def _transpose_backward(node, grads, needs):
    perm = node.attrs[0]
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return (permute(grads[0], tuple(inverse)),)


_transpose_op = _one('transpose', _transpose_backward, params=('axes',))


def permute(x, perm):
    """``transpose(x, perm)`` for an array ``x`` and a valid permutation ``perm`` (a tuple of
    non-negative axes), without checking them: the op for backward rules (a view there)."""
    d = x._data
    return result(_transpose_op, (x,), fresh(d.transpose(perm), d), (perm,))


def matrix_transpose(x):
    """Array ``x`` (at least 2-D) with its last two axes swapped: one ``transpose`` op (a
    view inside backward rules), the transposed operand of a matrix product's gradient."""
    nd = x._data.ndim
    return permute(x, (1, 0) if nd == 2 else tuple(range(nd - 2)) + (nd - 1, nd - 2))


def transpose(a, axes=None):
    """A copy with permuted axes (reversed when ``axes`` is None)."""
    x = as_array(a)
    nd = x.ndim
    if axes is None:
        perm = tuple(range(nd))[::-1]
    else:
        if len(axes) != nd:
            raise ShapeError(f"transpose: axes {tuple(axes)} don't match array of dimension {nd}")
        try:
            perm = tuple(p % nd if -nd <= p < nd else _bad_axis(p, nd) for p in map(_index, axes))
        except TypeError:
            raise TypeError(f"transpose: axis must be an int, got {tuple(axes)!r}") from None
        if sorted(perm) != list(range(nd)):
            raise ValueError(f"transpose: repeated axis in {tuple(axes)}")
    return permute(x, perm)


def _bad_axis(p, nd):
    raise AxisError(f"transpose: axis {p} is out of bounds for array of dimension {nd}")


def swapaxes(a, axis1, axis2):
    """Interchange two axes."""
    x = as_array(a)
    i, j = normalize_axis(axis1, x.ndim, 'swapaxes'), normalize_axis(axis2, x.ndim, 'swapaxes')
    perm = list(range(x.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(x, tuple(perm))


def moveaxis(a, source, destination):
    """Move one axis to a new position."""
    x = as_array(a)
    s, d = normalize_axis(source, x.ndim, 'moveaxis'), normalize_axis(destination, x.ndim, 'moveaxis')
    perm = [i for i in range(x.ndim) if i != s]
    perm.insert(d, s)
    return transpose(x, tuple(perm))


def _flip_backward(node, grads, needs):
    return (flip(grads[0], node.attrs[0]),)


_flip_op = _one('flip', _flip_backward, params=('axis',))


def flip(m, axis=None):
    """A copy with the elements reversed along ``axis`` (all axes when None)."""
    x = as_array(m)
    axes = normalize_axes(axis, x.ndim, 'flip')
    # np.flip of a 0-d array returns a NumPy scalar; keep a 0-d array
    return result(_flip_op, (x,), fresh(_onp.asarray(_onp.flip(x._data, axes)), x._data),
                  (axes,))


# ---- broadcasting -------------------------------------------------------------------------
_broadcast_op = _one('broadcast_to', lambda n, g, needs: (unbroadcast(g[0], n.inputs[0].shape),),
                     params=('shape',))


def broadcast_to(array, shape):
    """Broadcast to ``shape`` (a new array, as in MXNet; the gradient sums back).

    As in MXNet 1.9.1, an entry -2 keeps the input's length on that axis (aligned from
    the right); it is an error on a new leading axis.
    """
    x = as_array(array)
    shape = int_tuple(shape, 'broadcast_to', 'shape')
    if any(s < 0 for s in shape):
        shape = _keep_dims(shape, x.shape)
    try:
        return expand_to(x, shape)
    except ValueError:
        raise ShapeError(f"broadcast_to: cannot broadcast array of shape {x.shape} "
                         f"to shape {shape}") from None


def expand_to(x, shape):
    """Array ``x`` broadcast to ``shape``, a tuple of non-negative ints (``broadcast_to``
    without its argument checks, for backward rules: ``sum``'s hands its gradient on with
    it).  Inside backward rules a read-only stride-0 view, else a copy; ``x`` itself
    there when it has that shape.  NumPy's ValueError when ``x`` does not broadcast."""
    d = x._data
    if d.shape == shape:
        return x if state.views else copy(x)
    b = _onp.broadcast_to(d, shape)
    return result(_broadcast_op, (x,), b if state.views else b.copy(), (shape,))


def _keep_dims(shape, in_shape):
    """Replace each -2 of ``shape`` by the input's length on the aligned axis (MXNet 1.9.1)."""
    lead = len(shape) - len(in_shape)
    out = []
    for i, s in enumerate(shape):
        if s == -2 and i >= lead:
            out.append(in_shape[i - lead])
        elif s == -2:
            raise ShapeError(f"broadcast_to: -2 (keep the input's length) at axis {i} of "
                             f"{shape} has no matching axis in the input's shape {in_shape}")
        elif s < 0:
            raise ShapeError(f"broadcast_to: cannot broadcast array of shape {in_shape} to "
                             f"shape {shape} (negative length {s}; only -2 is allowed)")
        else:
            out.append(s)
    return tuple(out)


# ---- joining and splitting ------------------------------------------------------------------
def _concat_backward(node, grads, needs):
    axis = node.attrs[0]
    g = grads[0]
    out, start = [], 0
    for x, need in zip(node.inputs, needs):
        stop = start + x.shape[axis]
        if need:
            index = (slice(None),) * axis + (slice(start, stop),)
            out.append(g[index])
        else:
            out.append(None)
        start = stop
    return tuple(out)


_concat_op = _one('concatenate', _concat_backward, params=('axis',))


def concatenate(seq, axis=0):
    """Join arrays along an existing axis (``axis=None``: flattened first, as NumPy)."""
    arrays = tuple(as_array(a) for a in seq)
    if not arrays:
        raise ValueError("concatenate: need at least one array to concatenate")
    if axis is None:
        with _internal_views():
            arrays, axis = tuple(reshape(a, (-1,)) for a in arrays), 0
    nd = arrays[0].ndim
    if nd == 0:
        raise ShapeError("concatenate: zero-dimensional arrays cannot be concatenated")
    ax = normalize_axis(axis, nd, 'concatenate')
    for i, a in enumerate(arrays):
        if a.ndim != nd or a.shape[:ax] + a.shape[ax + 1:] != arrays[0].shape[:ax] + arrays[0].shape[ax + 1:]:
            raise ShapeError(f"concatenate: array {i} has shape {a.shape}, which does not match "
                             f"array 0's shape {arrays[0].shape} outside axis {ax}")
    data = _onp.concatenate([a._data for a in arrays], axis=ax)
    return result(_concat_op, arrays, data, (ax,))


def stack(arrays, axis=0):
    """Join arrays along a new axis."""
    arrays = [as_array(a) for a in arrays]
    if not arrays:
        raise ValueError("stack: need at least one array to stack")
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise ShapeError(f"stack: all input arrays must have the same shape; array {i} has "
                             f"shape {a.shape}, array 0 has {arrays[0].shape}")
    with _internal_views():
        parts = [expand_dims(a, axis) for a in arrays]
    return concatenate(parts, axis=axis)


def _split_backward(node, grads, needs):
    parts = [g if g is not None else zeros_like(wrap(o)) for g, o in zip(grads, node.outputs)]
    return (concatenate(parts, axis=node.attrs[1]),)


_split_op = defop('split', _split_backward, nout=-1, params=('indices_or_sections', 'axis'))


def split(ary, indices_or_sections, axis=0):
    """Split into several new arrays along ``axis`` (equal sections or at the given indices)."""
    x = as_array(ary)
    ax = normalize_axis(axis, x.ndim, 'split')
    if isinstance(indices_or_sections, (int, _onp.integer)):
        if indices_or_sections < 1:
            raise ValueError(f"split: the number of sections must be at least 1, "
                             f"got {indices_or_sections}")
    else:
        int_tuple(indices_or_sections, 'split', 'indices_or_sections')
    if isinstance(indices_or_sections, (int, _onp.integer)) and x.shape[ax] % indices_or_sections:
        raise ShapeError(f"split: array split does not result in an equal division "
                         f"(axis {ax} has length {x.shape[ax]}, sections={indices_or_sections})")
    parts = _onp.split(x._data, indices_or_sections, axis=ax)
    if not state.views:
        parts = [p.copy() for p in parts]
    key = indices_or_sections if isinstance(indices_or_sections, (int, _onp.integer)) \
        else tuple(indices_or_sections)
    return results(_split_op, (x,), parts, (key, ax))


# ---- repetition ----------------------------------------------------------------------------
def _tile_backward(node, grads, needs):
    x = node.inputs[0]
    reps = node.attrs[0]
    d = max(x.ndim, len(reps))
    xs = (1,) * (d - x.ndim) + x.shape
    rs = (1,) * (d - len(reps)) + tuple(reps)
    inter = tuple(v for pair in zip(rs, xs) for v in pair)
    g = grads[0].reshape(inter)
    return (g.sum(tuple(range(0, 2 * d, 2))).reshape(x.shape),)


_tile_op = _one('tile', _tile_backward, params=('reps',))


def tile(A, reps):
    """Repeat the whole array ``reps`` times along each axis."""
    x = as_array(A)
    reps = int_tuple(reps, 'tile', 'reps')
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions {reps}")
    return result(_tile_op, (x,), _onp.tile(x._data, reps), (reps,))


def _repeat_backward(node, grads, needs):
    x = node.inputs[0]
    repeats, axis = node.attrs
    g = grads[0]
    if axis is None:
        return (g.reshape((x.size, repeats)).sum(1).reshape(x.shape),)
    shape = x.shape[:axis] + (x.shape[axis], repeats) + x.shape[axis + 1:]
    return (g.reshape(shape).sum(axis + 1),)


_repeat_op = _one('repeat', _repeat_backward, params=('repeats', 'axis'))


def repeat(a, repeats, axis=None):
    """Repeat each element ``repeats`` times (an int) along ``axis`` (flattened when None)."""
    x = as_array(a)
    if not isinstance(repeats, (int, _onp.integer)) or repeats < 0:
        raise TypeError(f"repeat: repeats must be a non-negative int, got {repeats!r}")
    if axis is not None:
        axis = normalize_axis(axis, x.ndim, 'repeat')
    return result(_repeat_op, (x,), _onp.repeat(x._data, repeats, axis), (int(repeats), axis))


# ---- copies and casts -----------------------------------------------------------------------
_copy_op = _one('copy', lambda n, g, needs: (g[0],))


def copy(a):
    """A copy of the data that keeps the history."""
    x = as_array(a)
    return result(_copy_op, (x,), x._data.copy())


_astype_op = _one('astype', lambda n, g, needs: (g[0].astype(n.inputs[0].dtype),),
                  params=('dtype',))


def astype(a, dtype):
    """Cast to ``dtype``; the gradient is cast back to the input's dtype."""
    x = as_array(a)
    return result(_astype_op, (x,), x._data.astype(dtype), (str(_onp.dtype(dtype)),))


def ravel(a):
    """A 1-D copy."""
    return reshape(a, (-1,))


def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, so it has ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    r = g.sum(axes) if axes else g          # (the method: reduce.sum, above this module)
    return r.reshape(shape) if r.shape != shape else r
